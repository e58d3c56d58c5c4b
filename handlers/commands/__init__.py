"""Importing this package registers every command, form and interpreter."""

from handlers.commands import basic  # noqa: F401
from handlers.commands import people  # noqa: F401
from handlers.commands import policy  # noqa: F401
from handlers.commands import faq  # noqa: F401
from handlers.commands import promos  # noqa: F401
from handlers.commands import tickets  # noqa: F401
from handlers.commands import targets  # noqa: F401
from handlers.commands import sales  # noqa: F401
from handlers.commands import sale_edits  # noqa: F401
from handlers.commands import stock  # noqa: F401
from handlers.commands import sale_drafts  # noqa: F401
from handlers.commands import sale_upload  # noqa: F401
from handlers.commands import violations  # noqa: F401
from handlers.commands import violation_export  # noqa: F401
from handlers import intents  # noqa: F401
from handlers.commands import prices  # noqa: F401
from handlers.commands import accounts  # noqa: F401
