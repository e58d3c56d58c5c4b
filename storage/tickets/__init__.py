"""Tickets, their photos, history and ratings on SQLAlchemy."""
