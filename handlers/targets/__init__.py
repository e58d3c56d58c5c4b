"""Targets in chat: progress, rankings, charts and alerts."""
