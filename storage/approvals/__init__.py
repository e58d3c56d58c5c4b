"""Approval requests, their decisions and managers' stand-ins."""
