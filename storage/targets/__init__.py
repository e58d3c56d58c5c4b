"""Targets and counted sales on SQLAlchemy."""
