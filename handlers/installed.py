"""Importing this package registers every command, form and interpreter."""

from handlers.identity import basic  # noqa: F401
from handlers.catalog import people  # noqa: F401
from handlers.policy import commands as policy  # noqa: F401
from handlers.policy import faq  # noqa: F401
from handlers.promotions import commands as promos  # noqa: F401
from handlers.tickets import commands as tickets  # noqa: F401
from handlers.targets import commands as targets  # noqa: F401
from handlers.sales import report as sales  # noqa: F401
from handlers.sales import edits as sale_edits  # noqa: F401
from handlers.sales import stock  # noqa: F401
from handlers.sales import drafts as sale_drafts  # noqa: F401
from handlers.sales import upload as sale_upload  # noqa: F401
from handlers.violations import commands as violations  # noqa: F401
from handlers.violations import export as violation_export  # noqa: F401
from handlers.core import intents  # noqa: F401
from handlers.catalog import prices  # noqa: F401
from handlers.identity import accounts  # noqa: F401
