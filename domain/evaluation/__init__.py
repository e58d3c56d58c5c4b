"""Periodic dealer evaluation: scorecards from what the bot already knows."""
