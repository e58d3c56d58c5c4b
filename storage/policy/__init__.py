"""The policy knowledge base on SQLAlchemy."""
