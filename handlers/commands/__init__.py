"""Importing this package registers every command, form and interpreter."""

from handlers.commands import basic  # noqa: F401
from handlers.commands import people  # noqa: F401
