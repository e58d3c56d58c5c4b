"""Sales, stock, drafts and monthly sums on SQLAlchemy."""
