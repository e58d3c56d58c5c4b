"""Recording a sale from any entry point (command, form, draft, sheet) and saying so:
the receipt with every rule broken, and the at-once alert of severe violations to managers."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from domain.catalog.model import Manager, Product, Sku, Terminal, TerminalCode
from domain.sales.model import SaleDraft, SaleId, Severity, Violation
from domain.sales.services import (
    Doubt,
    DoubtKind,
    RecordedSale,
    SaleProblem,
    SaleRejected,
    SevereAlerts,
    preview_sale,
    record_sale,
    severe_alerts,
)
from domain.shared.money import multiply
from handlers.core.context import Ctx
from handlers.core.errors import UserError
from handlers.core.i18n import Translator
from handlers.core.messages import Button, Reply, button_rows
from handlers.core.names import labelled, local_name, staff_names
from handlers.policy.governing import governing_rules
from handlers.sales.scope import follows_sales


def product_label(ctx: Ctx, sku: str) -> str:
    return labelled(ctx.uow.catalog.product(Sku(sku)), sku, ctx.t.locale)


def terminal_label(ctx: Ctx, code: str) -> str:
    return labelled(ctx.uow.catalog.terminal(TerminalCode(code)), code, ctx.t.locale)


def describe_draft(ctx: Ctx, draft: SaleDraft) -> str:
    """One line naming what would be recorded (used before Confirm)."""
    return ctx.t(
        "sale.summary",
        kind=ctx.t(f"sale.kind.{draft.kind.value}"),
        product=product_label(ctx, draft.sku),
        qty=ctx.t.number(draft.qty),
        price=ctx.t.money(draft.unit_price),
        amount=ctx.t.money(multiply(draft.unit_price, draft.qty)),
        terminal=terminal_label(ctx, draft.terminal),
        day=ctx.t.date(draft.sold_on),
    )


def violation_text(t: Translator, v: Violation, rules: Mapping[str, str] | None = None) -> str:
    """Type, the evidence that matters, severity and the policy clause it breaks: the clause
    of the loaded policy in `rules` (handlers.policy.governing) when there is one, else the
    rule's fixed wording."""
    detail = ""
    ev = v.evidence
    if "floor" in ev:
        detail = t(
            "violation.detail.price",
            floor=t.money(Decimal(ev["floor"])),
            price=t.money(Decimal(ev["price"])),
            under=t.money(Decimal(ev["floor"]) - Decimal(ev["price"])),
            gap=t.percent(Decimal(ev["gap"])),
        )
    elif "region" in ev:
        detail = t(
            "violation.detail.territory",
            terminal=ev["terminal"],
            region=ev["region"],
            line=ev.get("line", ""),
        )
    elif "contract_end" in ev:
        detail = t("violation.detail.contract", end=ev["contract_end"])
    return t(
        "violation.line",
        type=t(f"violation.type.{v.type.value}"),
        detail=detail,
        severity=t(f"violation.severity.{v.severity.value}"),
        rule=(rules or {}).get(v.type.value) or t(f"violation.rule.{v.type.value}"),
    )


@dataclass(frozen=True, slots=True)
class SaleNamed:
    """The sale a violation is about, as every notice names it: number, product, quantity,
    price, day and terminal (labels resolved once, worded in each reader's language)."""

    sale: object
    sku: str
    product: Product | None
    code: str
    terminal: Terminal | None
    qty: str
    price: Decimal | None
    day: date | None

    def text(self, t: Translator) -> str:
        return t(
            "violation.the_sale",
            sale=self.sale or "-",
            product=labelled(self.product, self.sku, t.locale) if self.sku else "-",
            qty=self.qty,
            price=t.money(self.price) if self.price is not None else "-",
            day=t.date(self.day) if self.day else "-",
            terminal=labelled(self.terminal, self.code, t.locale) if self.code else "-",
        )


def sale_named(ctx: Ctx, v: Violation) -> SaleNamed:
    """From the report stored with the violation, whatever channel it came in on."""
    report = v.evidence.get("report", {})
    sku, code = report.get("sku", ""), report.get("terminal", "")
    catalog = ctx.uow.catalog
    return SaleNamed(
        v.sale_id,
        sku,
        catalog.product(Sku(sku)) if sku else None,
        code,
        catalog.terminal(TerminalCode(code)) if code else None,
        report.get("qty", "-"),
        Decimal(report["unit_price"]) if report.get("unit_price") else None,
        date.fromisoformat(report["sold_on"]) if report.get("sold_on") else None,
    )


def original_report(ctx: Ctx, v: Violation) -> str:
    """What the dealer sent: the message, or for a form or a sheet row, the sale it gave."""
    text = v.evidence.get("report", {}).get("text", "")
    return text or sale_named(ctx, v).text(ctx.t)


def receipt(ctx: Ctx, recorded: RecordedSale) -> Reply:
    sale = recorded.sale
    key = "sale.already_recorded" if recorded.duplicate else "sale.recorded"
    product, terminal = recorded.product, recorded.terminal
    lines = [
        ctx.t(
            key,
            id=sale.id,
            kind=ctx.t(f"sale.kind.{sale.kind.value}"),
            product=labelled(product, sale.sku, ctx.t.locale)
            if product
            else product_label(ctx, sale.sku),
            qty=ctx.t.number(sale.qty),
            price=ctx.t.money(sale.unit_price),
            amount=ctx.t.money(sale.amount),
            terminal=labelled(terminal, sale.terminal, ctx.t.locale)
            if terminal
            else terminal_label(ctx, sale.terminal),
            day=ctx.t.date(sale.sold_on),
        )
    ]
    if recorded.violations:
        lines.append(ctx.t("sale.breaks_rules", count=len(recorded.violations)))
        rules = governing_rules(ctx)
        lines += ["• " + violation_text(ctx.t, v, rules) for v in recorded.violations]
        severe = any(v.severity is Severity.SEVERE for v in recorded.violations)
        if severe and not recorded.duplicate:  # a duplicate told nobody again
            lines.append(managers_told_line(ctx, recorded.managers_told, recorded.held_for))
    else:
        lines.append(ctx.t("sale.clean"))
    if recorded.exception_id is not None:
        lines.append(ctx.t("exception.sale_under", id=recorded.exception_id))
    if not recorded.duplicate:
        lines.append(ctx.t("sale.edit_hint", id=sale.id, hours=ctx.options.report_edit_hours))
    return Reply("\n".join(lines))


def decide_card(
    t: Translator,
    v: Violation,
    dealer_name: str,
    named: SaleNamed,
    rules: Mapping[str, str] | None = None,
) -> Reply:
    """A severe violation put to a manager who decides it: what, whose, which sale, and
    Confirm/Dismiss."""
    text = t(
        "violation.alert",
        id=v.id,
        dealer=v.dealer,
        name=dealer_name,
        sale=v.sale_id,
        line=violation_text(t, v, rules),
    )
    text += "\n" + named.text(t)
    return Reply(
        text,
        button_rows(
            [
                Button(t("violation.button.confirm"), f"c:violation {v.id} confirm"),
                Button(t("violation.button.dismiss"), f"c:violation {v.id} dismiss"),
            ]
        ),
    )


def _inform(t: Translator, alerts: SevereAlerts, terminal: Terminal, named: SaleNamed) -> Reply:
    sale = alerts.sale
    told = t(
        "violation.alert_territory",
        dealer=sale.dealer,
        name=alerts.dealer_name,
        terminal=terminal.code,
        terminal_name=local_name(terminal, t.locale),
        sale=sale.id,
        qty=sale.qty,
        sku=sale.sku,
    )
    return Reply(told + "\n" + named.text(t))


def alert_severe(ctx: Ctx, recorded: RecordedSale) -> RecordedSale:
    """Severe violations go to the managers of the dealer's region through the outbox now
    (and, for a sale into another region, to that region's managers to know). When none of
    them has a chat account, the alerts are held for the region's managers and admins until
    one links. Returns `recorded` with how many were told, or for whom the alerts wait."""
    alerts = severe_alerts(ctx.uow, recorded, follows_sales)
    if alerts is None:
        return recorded
    if alerts.held_for:
        codes = [m.code for m in alerts.held_for]
        for v in recorded.violations:
            if v.severity is Severity.SEVERE:
                ctx.uow.held_alerts.hold(v.id, codes, ctx.now)
    rules = governing_rules(ctx) if alerts.deciders else {}
    for manager, v in alerts.deciders:
        named = sale_named(ctx, v)
        ctx.notify(
            manager,
            f"violation:{v.id}:severe",
            lambda t, v=v, named=named: decide_card(t, v, alerts.dealer_name, named, rules),
        )
    terminal = alerts.terminal
    for manager, v in alerts.onlookers if terminal else ():
        named = sale_named(ctx, v)
        ctx.notify(
            manager,
            f"violation:{v.id}:territory",
            lambda t, named=named: _inform(t, alerts, terminal, named),
        )
    told = len({manager.identity_id for manager, _ in alerts.deciders})
    return replace(recorded, managers_told=told, held_for=alerts.held_for)


UNKNOWN = frozenset({SaleProblem.UNKNOWN_PRODUCT, SaleProblem.UNKNOWN_TERMINAL})


def record(
    ctx: Ctx,
    draft: SaleDraft,
    dedupe_key: str,
    corrects: SaleId | None = None,
    *,
    pass_unknown: bool = False,
    ask_first: bool = False,
) -> RecordedSale:
    """Check and store the sale, alert managers of severe breaches; bad input -> UserError.

    With `pass_unknown`, an unknown product or terminal raises SaleRejected instead, for a
    caller that tried the typed codes first and will now look for close matches. With
    `ask_first`, a report that looks like a typo raises SaleDoubted and stores nothing.
    """
    try:
        recorded = record_sale(
            ctx.uow,
            draft,
            dedupe_key=dedupe_key,
            reported_by=ctx.actor.identity_id,
            now=ctx.now,
            today=ctx.today,
            severe_gap=ctx.options.severe_price_gap,
            corrects=corrects,
            ask_first=ask_first,
        )
    except SaleRejected as err:
        if pass_unknown and err.problem in UNKNOWN:
            raise
        raise UserError(problem_key(err.problem), max_days=366) from err
    return alert_severe(ctx, recorded)


def doubt_reply(ctx: Ctx, doubts: list[Doubt], sure: str, swap: str, *rest: Button) -> Reply:
    """ "单价 ¥5.00 比最低价低 99.8%，确定吗？" with a button to record it as it is, one to
    swap quantity and price when they look swapped, and the caller's others."""
    lines, swapped = [], False
    for d in doubts:
        swapped = swapped or d.kind is DoubtKind.SWAPPED
        lines.append(
            ctx.t(
                f"sale.doubt.{d.kind.value}",
                price=ctx.t.money(d.price),
                floor=ctx.t.money(d.floor),
                gap=ctx.t.percent(d.gap),
                qty=ctx.t.number(d.qty),
            )
        )
    buttons = [Button(ctx.t("sale.button.sure"), sure)]
    if swapped:
        buttons.append(Button(ctx.t("sale.button.swap"), swap))
    return Reply("\n".join(lines), button_rows([*buttons, *rest]))


def preview_lines(ctx: Ctx, draft: SaleDraft) -> list[str]:
    """What the dealer should know before confirming: a terminal outside their territory."""
    try:
        found = preview_sale(ctx.uow, draft, ctx.options.severe_price_gap)
    except SaleRejected:
        return []  # recording will say what is unknown
    if not found.outside_territory:
        return []
    return [ctx.t("sale.preview.outside_territory", terminal=terminal_label(ctx, draft.terminal))]


def swapped(data: dict) -> dict:
    """A draft's data with quantity and price exchanged (the price was a whole number)."""
    return {**data, "qty": int(Decimal(data["price"])), "price": str(Decimal(data["qty"]))}


def managers_told_line(ctx: Ctx, told: int, held_for: tuple[Manager, ...] = ()) -> str:
    """The receipt's word on a severe violation: how many managers heard of it, or for whom
    it is held until they link, or that the region has no manager at all."""
    if told:
        return ctx.t("sale.managers_told", count=told)
    if held_for:
        return ctx.t("notice.severe_held", names=staff_names(ctx.t, held_for))
    return ctx.t("notice.severe_nobody")


def problem_key(problem: SaleProblem) -> str:
    return f"sale.problem.{problem.value}"


def dedupe_key_for(ctx: Ctx, suffix: str = "") -> str:
    """The inbound's own dedupe key (so a redelivery finds its sale), or a fresh one."""
    base = ctx.inbound.dedupe_key or f"local:{uuid.uuid4().hex}"
    return f"{base}{suffix}"


def edit_window(ctx: Ctx) -> timedelta:
    return timedelta(hours=ctx.options.report_edit_hours)
