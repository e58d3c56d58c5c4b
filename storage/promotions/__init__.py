"""Promotions and their deliveries on SQLAlchemy."""
