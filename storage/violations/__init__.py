"""The violation register on SQLAlchemy."""
