"""Scorecard charts: a dealer's points per criterion against the last period, and the
ranking of a period's totals coloured by grade (the fonts of handlers.targets.charts, so
Chinese labels are drawn on a fresh install)."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt

from domain.evaluation.model import Criterion, Scorecard
from handlers.core.i18n import Translator
from handlers.targets.charts import _png, chart_style, chart_translator

GRADE_COLOURS = {"A": "#2ca02c", "B": "#1f77b4", "C": "#ff7f0e", "D": "#d62728"}


def _points(card: Scorecard | None, c: Criterion) -> float:
    s = card.score(c) if card is not None else None
    return float(s.points) if s is not None and s.points is not None else 0.0


def criteria_chart(card: Scorecard, before: Scorecard | None, t: Translator) -> bytes:
    """Bars per criterion: this period's points beside the last period's (N/A: no bar)."""
    with chart_style():
        t = chart_translator(t)
        names = [t(f"evaluation.criterion.{c.value}") for c in Criterion]
        fig, ax = plt.subplots(figsize=(7, 4))
        at = range(len(names))
        width = 0.38
        now = [_points(card, c) for c in Criterion]
        ax.bar([x + width / 2 for x in at], now, width, label=str(card.period), color="#1f77b4")
        if before is not None:
            then = [_points(before, c) for c in Criterion]
            ax.bar(
                [x - width / 2 for x in at], then, width, label=str(before.period), color="#aaaaaa"
            )
        ax.set_xticks(list(at))
        ax.set_xticklabels(names, rotation=30, ha="right")
        ax.set_ylim(0, 100)
        ax.set_ylabel(t("evaluation.chart.points"))
        ax.set_title(t("evaluation.chart.title", dealer=card.dealer, period=str(card.period)))
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
        ax.grid(axis="y", alpha=0.3)
        return _png(fig)


def ranking_chart(cards: Sequence[Scorecard], t: Translator, limit: int = 30) -> bytes:
    """Totals per dealer, best first, each bar in its grade's colour."""
    with chart_style():
        t = chart_translator(t)
        shown = [c for c in cards if c.total is not None][:limit]
        fig, ax = plt.subplots(figsize=(7, max(2.5, 0.3 * len(shown) + 1)))
        ax.barh(
            [c.dealer for c in reversed(shown)],
            [float(c.total or 0) for c in reversed(shown)],
            color=[GRADE_COLOURS.get(c.grade or "", "#777777") for c in reversed(shown)],
        )
        ax.set_xlim(0, 100)
        ax.set_xlabel(t("evaluation.chart.points"))
        if shown:
            ax.set_title(t("evaluation.chart.ranking", period=str(shown[0].period)))
        ax.grid(axis="x", alpha=0.3)
        return _png(fig)
