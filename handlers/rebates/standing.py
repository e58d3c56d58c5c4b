"""What the rebate views and jobs read: programs in force, targets, accruals, the text."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from domain.catalog.model import DealerCode
from domain.rebates.model import Basis, Program, Tier
from domain.rebates.rules import Accrual, what_if
from domain.rebates.services import accruals, in_scope
from domain.shared.periods import Period, PeriodKind
from domain.shared.ports import UnitOfWork
from domain.targets.resolution import YEARS_BACK, resolve_target
from handlers.core.i18n import Translator
from handlers.core.options import CoreOptions


def current_periods(day: date) -> list[Period]:
    return [Period.containing(day, PeriodKind.QUARTER), Period.containing(day, PeriodKind.YEAR)]


def targets_for(
    uow: UnitOfWork,
    program: Program,
    dealers: Sequence[DealerCode],
    growth: Decimal,
    only: bool = True,
) -> dict[DealerCode, Decimal | None]:
    """Each dealer's target for the program's period (only a target basis needs one);
    `only=False` reads every dealer's targets in one pass instead of naming them. The
    period's own year decides most; earlier years are read for the dealers it leaves open."""
    if program.basis is not Basis.TARGET_PERCENT:
        return {}
    year = program.period.year
    named = dealers if only else None
    explicit = uow.targets.explicit([year], named)
    found = {
        d: resolve_target(program.period, explicit.get(d, {}), growth, None).amount for d in dealers
    }
    open_ = [d for d, amount in found.items() if amount is None]
    if open_:
        many = len(open_) > 500 or not only
        earlier = uow.targets.explicit(range(year - YEARS_BACK, year + 1), None if many else open_)
        for d in open_:
            found[d] = resolve_target(program.period, earlier.get(d, {}), growth, None).amount
    return found


def program_accruals(
    uow: UnitOfWork,
    program: Program,
    options: CoreOptions,
    dealers: Sequence[DealerCode] | None = None,
) -> dict[DealerCode, Accrual]:
    """Accruals of the program's dealers (or of those of `dealers` in its scope)."""
    scoped = in_scope(uow.rebates, program)
    if dealers is not None:
        wanted = set(dealers)
        scoped = [d for d in scoped if d in wanted]
    targets = targets_for(uow, program, scoped, options.target_growth, only=dealers is not None)
    return accruals(uow.rebates, program, scoped, targets, options.tz)


def dealer_accruals(
    uow: UnitOfWork, dealer: DealerCode, day: date, options: CoreOptions
) -> list[tuple[Program, Accrual]]:
    found = []
    for program in uow.rebates.programs(current_periods(day)):
        accrual = program_accruals(uow, program, options, [dealer]).get(dealer)
        if accrual is not None:
            found.append((program, accrual))
    return found


def rate_text(t: Translator, tier: Tier) -> str:
    if tier.rate is not None:
        return f"{tier.rate.normalize():f}%"
    return t.money(tier.amount or Decimal(0))


def figure_text(t: Translator, program: Program, accrual: Accrual) -> str:
    if program.basis is Basis.AMOUNT:
        return t.money(accrual.sold.amount)
    if program.basis is Basis.QUANTITY:
        return t("rebate.units", count=accrual.sold.quantity)
    if accrual.figure is None:
        return t("rebate.no_target", sales=t.money(accrual.sold.amount))
    return t(
        "rebate.percent_of",
        percent=f"{accrual.figure:f}",
        sales=t.money(accrual.sold.amount),
        target=t.money(accrual.target or Decimal(0)),
    )


def program_text(t: Translator, program: Program, accrual: Accrual) -> str:
    lines = [
        t(
            "rebate.program",
            code=program.code,
            period=str(program.period),
            basis=t(f"rebate.basis.{program.basis.value}"),
        ),
        t("rebate.achieved", figure=figure_text(t, program, accrual)),
    ]
    if accrual.tier is None:
        lines.append(t("rebate.below_first"))
    else:
        tier = program.tiers[accrual.tier]
        lines.append(t("rebate.tier", n=accrual.tier + 1, rate=rate_text(t, tier)))
    lines.append(t("rebate.accrued", amount=t.money(accrual.rebate)))
    if accrual.withheld:
        lines.append(t("rebate.withheld"))
    current = "0%" if accrual.tier is None else rate_text(t, program.tiers[accrual.tier])
    for step in what_if(program, accrual):
        tier = program.tiers[step.tier]
        more = t.money(step.more) if step.more_is_money else t("rebate.units", count=step.more)
        params = dict(more=more, n=step.tier + 1, old=current, new=rate_text(t, tier))
        if step.gain is None:
            lines.append(t("rebate.next_tier_plain", **params))
        else:
            lines.append(t("rebate.next_tier", gain=t.money(step.gain), **params))
        current = rate_text(t, tier)
    if accrual.tier is not None and accrual.tier == len(program.tiers) - 1:
        lines.append(t("rebate.top_tier"))
    return "\n".join(lines)


def view_text(
    t: Translator, uow: UnitOfWork, dealer: DealerCode, day: date, options: CoreOptions
) -> str:
    found = dealer_accruals(uow, dealer, day, options)
    record = uow.catalog.dealer(dealer)
    head = t("rebate.title", dealer=dealer, name=record.name if record else dealer)
    if not found:
        return head + "\n" + t("rebate.none")
    return "\n\n".join([head, *(program_text(t, p, a) for p, a in found)])
