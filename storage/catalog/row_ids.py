"""Code -> row id lookups and bind-parameter helpers shared by the sales-side repositories."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from storage.models import DealerRow, ProductRow, TerminalRow


class RowIds:
    """Code -> row id lookups, remembered for the life of the session."""

    def __init__(self, session: Session) -> None:
        self.s = session
        self._cache: dict[tuple[type, str], int] = {}

    def _id(self, model, column, code: str) -> int:
        key = (model, code)
        if key not in self._cache:
            found = self.s.scalar(select(model.id).where(column == code))
            if found is None:
                raise LookupError(f"{model.__tablename__}: no {code!r}")
            self._cache[key] = found
        return self._cache[key]

    def dealer(self, code: str) -> int:
        return self._id(DealerRow, DealerRow.code, code)

    def product(self, sku: str) -> int:
        return self._id(ProductRow, ProductRow.sku, sku)

    def terminal(self, code: str) -> int:
        return self._id(TerminalRow, TerminalRow.code, code)


def id_of(model, column, param: str):
    return select(model.id).where(column == bindparam(param)).scalar_subquery()


def params(model, *names: str) -> dict:
    return {n: bindparam(n, type_=model.__table__.c[n].type) for n in names}
