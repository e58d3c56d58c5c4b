"""The decision log on SQLAlchemy."""
