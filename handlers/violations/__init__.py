"""Violations in chat: review, decisions, price exceptions, digests, exports."""
