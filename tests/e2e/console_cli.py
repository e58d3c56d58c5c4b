"""The real `dealerbot` CLI plus one test-only command, `/picture`, whose reply carries a PNG
image and a CSV document (no production command's output is fixed enough to test against).

Run as `python -m tests.e2e.console_cli --config ... chat --user u1` from the repository root.
"""

from __future__ import annotations

import base64

from handlers import contexts
from handlers.core.context import Ctx
from handlers.core.jobs import Jobs
from handlers.core.messages import Attachment, Reply
from handlers.core.registry import LINKED
from handlers.core.router import Router

# A 1x1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def picture(ctx: Ctx) -> Reply:
    """Test only: a reply with an image and a document."""
    return Reply(
        "PICTURE",
        image=Attachment("chart.png", PNG, "image/png"),
        document=Attachment("numbers.csv", "产品,数量\nA100,20\n".encode(), "text/csv"),
    )


class PictureContext:
    @staticmethod
    def install(router: Router, jobs: Jobs) -> None:
        router.command(picture, "picture", roles=LINKED, example="/picture")


if __name__ == "__main__":
    from bot.cli import main

    # This process is the test's own bot: the app it builds has one context more.
    contexts.CONTEXTS = (*contexts.CONTEXTS, PictureContext)

    main()
