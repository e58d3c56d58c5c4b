"""Long lists a page at a time: a count, the page's place, previous and next buttons.

A manager's list at 10,000 dealers is never one message. The command takes an optional last
argument `page:N` (the buttons send it; a user may type it); the page is cut from the list
as it is now, so a button pressed after the list shrank shows its last page and says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from handlers.core.errors import UserError
from handlers.core.i18n import Translator
from handlers.core.messages import MAX_PAYLOAD_BYTES, Button

T = TypeVar("T")

_PAGE = re.compile(r"^(?:page|页):(.*)$", re.IGNORECASE)


def page_args(args: Sequence[str]) -> tuple[list[str], int]:
    """The command's arguments without a last `page:N`, and N (1 when none is given); a
    `page:` with no page number after it is refused, saying what to send."""
    words = list(args)
    if words and (m := _PAGE.match(words[-1])):
        number = m.group(1)
        if not (number.isascii() and number.isdigit() and len(number) <= 6):
            raise UserError("pager.bad_page", value=number[:20])
        return words[:-1], max(1, int(number))
    return words, 1


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: tuple[T, ...]  # this page's
    number: int  # 1-based, after clamping to the pages there are
    pages: int
    total: int
    asked: int  # the page asked for (past the end: the list shrank since)
    first: int  # the 1-based position of this page's first item in the list

    @classmethod
    def of(cls, items: Sequence[T], asked: int, size: int) -> Page[T]:
        """The page `asked` of `items` (the last one, past the end)."""
        page = cls.counted(len(items), asked, size)
        return page.holding(items[page.offset : page.offset + size])

    @classmethod
    def counted(cls, total: int, asked: int, size: int) -> Page[T]:
        """The page `asked` of a list of `total` the database holds: read its rows from
        `offset`, then `holding(rows)`."""
        pages = max(1, -(-total // size))
        number = min(max(1, asked), pages)
        return cls((), number, pages, total, asked, (number - 1) * size + 1)

    @property
    def offset(self) -> int:
        return self.first - 1

    def holding(self, items: Sequence[T]) -> Page[T]:
        return replace(self, items=tuple(items))

    def footer(self, t: Translator) -> str | None:
        """ "Page 2 of 14 (1,234 in all)", and why another page than the one asked is shown;
        None for a list that fits one page."""
        if self.pages == 1 and self.asked <= 1:
            return None
        total = t.number(self.total)
        line = t("pager.footer", number=self.number, pages=self.pages, total=total)
        if self.asked > self.pages:
            line += "\n" + t("pager.beyond", asked=self.asked, pages=self.pages)
        return line

    def buttons(self, t: Translator, command: str) -> tuple[Button, ...]:
        """Previous and next, each running `command page:N` (`command` without the slash,
        with its filter words)."""
        row = []
        for number, key in ((self.number - 1, "pager.previous"), (self.number + 1, "pager.next")):
            payload = f"c:{command} page:{number}"
            if 1 <= number <= self.pages and len(payload.encode()) <= MAX_PAYLOAD_BYTES:
                row.append(Button(t(key, number=number), payload))
        return tuple(row)
