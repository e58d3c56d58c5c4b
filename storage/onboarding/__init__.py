"""Dealer applications and their documents on SQLAlchemy."""
