"""Promotions and notices: targeting, windows, what a dealer reads."""
