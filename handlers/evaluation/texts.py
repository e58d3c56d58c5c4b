"""A scorecard as text: each criterion's value, points and weight (or why it is N/A), the
total and grade with the change since the last period, adjustments, consequences, and what
to improve first."""

from __future__ import annotations

from decimal import Decimal

from domain.evaluation.grading import improve_first
from domain.evaluation.model import Scorecard
from domain.evaluation.rules import EvaluationRules
from handlers.core.i18n import Translator


def points_text(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def change_text(t: Translator, card: Scorecard, before: Scorecard | None) -> str:
    if before is None or before.total is None or card.total is None:
        return t("evaluation.no_previous")
    delta = card.total - before.total
    sign = "+" if delta >= 0 else ""
    return t(
        "evaluation.change",
        period=str(before.period),
        total=points_text(before.total),
        grade=before.grade or "-",
        delta=f"{sign}{delta:.2f}",
    )


def criterion_lines(t: Translator, card: Scorecard, rules: EvaluationRules) -> list[str]:
    lines = []
    for s in card.scores:
        name = t(f"evaluation.criterion.{s.criterion.value}")
        weight = rules.weight(s.criterion)
        if s.points is None:
            why = t(f"evaluation.na.{s.missing.value}") if s.missing else ""
            lines.append(t("evaluation.line_na", name=name, why=why, weight=weight))
            continue
        value = (
            t(f"evaluation.value.{s.criterion.value}", value=points_text(s.value))
            if s.value is not None
            else "-"
        )
        line = t(
            "evaluation.line", name=name, value=value, points=points_text(s.points), weight=weight
        )
        if s.adjusted_from is not None or s.reason:
            line += t(
                "evaluation.adjusted", was=points_text(s.adjusted_from), reason=s.reason or "-"
            )
        lines.append(line)
    return lines


def consequence_text(t: Translator, card: Scorecard) -> str:
    parts = []
    for c in card.consequences:
        if c in ("raise_tier", "lower_tier"):
            if card.new_tier:
                parts.append(t(f"evaluation.consequence.{c}", old=card.tier, new=card.new_tier))
            continue
        parts.append(t(f"evaluation.consequence.{c}"))
    return t("names.list_separator").join(parts) if parts else t("evaluation.consequence.none")


def card_text(
    t: Translator,
    card: Scorecard,
    name: str,
    before: Scorecard | None,
    rules: EvaluationRules,
    *,
    for_dealer: bool,
) -> str:
    head = t(
        "evaluation.title",
        dealer=card.dealer,
        name=name,
        period=str(card.period),
        state=t(f"evaluation.state.{card.state.value}"),
    )
    lines = [head]
    if card.total is None:
        lines.append(t("evaluation.no_total"))
    else:
        lines.append(
            t("evaluation.total", total=points_text(card.total), grade=card.grade or "-")
            + " · "
            + change_text(t, card, before)
        )
    lines += criterion_lines(t, card, rules)
    if any(s.points is None for s in card.scores):
        lines.append(t("evaluation.na_note"))
    lines.append(t("evaluation.consequences", what=consequence_text(t, card)))
    first = improve_first(card.scores, rules)
    if first is not None:
        lines.append(t("evaluation.improve_first", name=t(f"evaluation.criterion.{first.value}")))
    if not for_dealer and card.request_id:
        lines.append(t("evaluation.request", id=card.request_id))
    if card.appeal:
        lines.append(t("evaluation.appeal_line", reason=card.appeal))
    return "\n".join(lines)
