"""Chat identities and invites on SQLAlchemy."""
