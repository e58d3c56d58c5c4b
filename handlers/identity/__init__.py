"""Linking, help and language: the commands everyone has."""
