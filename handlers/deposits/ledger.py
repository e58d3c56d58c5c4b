"""What the deposit views and checks read: required amount, open penalties, the view text."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.catalog.model import DealerCode
from domain.deposits.rules import shortfall
from domain.sales.model import ViolationStatus
from domain.shared.ports import UnitOfWork
from handlers.core.i18n import Translator

LAST_ENTRIES = 8


def required_deposit(uow: UnitOfWork, dealer: DealerCode, day: date) -> Decimal | None:
    """The deposit the contract in force on `day` requires; None without one."""
    for contract in uow.catalog.contracts(dealer):
        if contract.start <= day <= contract.end:
            return contract.deposit
    return None


def open_penalties(uow: UnitOfWork, dealer: DealerCode) -> int:
    """Violations still waiting for a decision: nothing is refunded while one may cost money."""
    return len(uow.violations.list([dealer], statuses=[ViolationStatus.OPEN], limit=100))


def view_text(t: Translator, uow: UnitOfWork, dealer: DealerCode, day: date) -> str:
    record = uow.catalog.dealer(dealer)
    balance = uow.deposits.balance(dealer)
    required = required_deposit(uow, dealer, day)
    lines = [t("deposit.title", dealer=dealer, name=record.name if record else dealer)]
    lines.append(t("deposit.balance", balance=t.money(balance)))
    if required is None:
        lines.append(t("deposit.no_contract"))
    else:
        lines.append(t("deposit.required", required=t.money(required)))
        short = shortfall(required, balance)
        if short > 0:
            lines.append(t("deposit.short", short=t.money(short)))
    entries = uow.deposits.entries(dealer, LAST_ENTRIES)
    if not entries:
        lines.append(t("deposit.no_entries"))
    else:
        lines.append(t("deposit.entries_title"))
        for e in entries:
            sign = "+" if e.signed > 0 else "-"
            lines.append(
                t(
                    "deposit.entry",
                    day=t.date(e.day),
                    kind=t(f"deposit.kind.{e.kind.value}"),
                    amount=sign + t.money(e.amount),
                    reason=e.reason or "-",
                )
            )
    return "\n".join(lines)
