"""Dealers, prices and contracts as managers and dealers ask about them."""
