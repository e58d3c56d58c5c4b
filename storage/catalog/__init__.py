"""Catalog tables, their repository and the import's storing part."""
