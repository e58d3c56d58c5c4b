"""Multi-party decisions: requests, their chains of steps, and who may decide each step."""
