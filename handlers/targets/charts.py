"""PNG charts of target progress (matplotlib, Agg backend: no display needed).

Chart labels follow the reader's language. Chinese is drawn in Noto Sans CJK SC, which the
project installs (the `noto-cjk-sans-otc` package, OFL-1.1) and registers with matplotlib on
the first chart, so a fresh install needs no system font. Should no CJK font be found at
all, Chinese readers get English labels rather than empty boxes; the message text around
the chart is always localized.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.ticker import FuncFormatter

from domain.targets.achievement import Standing
from handlers.core.i18n import Translator

SHIPPED_FONT = "Noto Sans CJK SC"
CJK_FONTS = (
    SHIPPED_FONT,
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans SC",
    "Source Han Sans SC",
    "SimHei",
    "Microsoft YaHei",
)


def _register_shipped_font() -> None:
    try:
        from noto_cjk_sans_otc import FONT_PATH
    except ImportError:  # an install without it falls back to the system's CJK fonts
        return
    known = {f.fname for f in font_manager.fontManager.ttflist}
    if str(FONT_PATH) not in known:
        font_manager.fontManager.addfont(str(FONT_PATH))


@cache
def cjk_font() -> str | None:
    """The family Chinese labels are drawn in: the shipped one, else a system CJK font."""
    _register_shipped_font()
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def chart_translator(t: Translator) -> Translator:
    """The reader's translator if its script can be drawn, else English."""
    if t.locale.startswith("zh") and cjk_font() is None:
        return Translator("en")
    return t


def _axis_money(value: float, locale: str) -> str:
    """Axis ticks read as money: 250万 in Chinese, 2.5M in English (never 1e6)."""
    if locale == "zh_CN" and abs(value) >= 10_000:
        return f"{value / 10_000:,.0f}万"
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:,.1f}M"
    if abs(value) >= 1_000:
        return f"{value / 1_000:,.0f}k"
    return f"{value:,.0f}"


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def chart_style():
    """The fonts every chart is drawn with (a matplotlib rc context)."""
    return plt.rc_context(_style())


def _style() -> dict:
    font = cjk_font()
    return {"font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"]}


def cumulative_chart(
    standing: Standing, daily: Sequence[tuple[date, Decimal]], t: Translator
) -> bytes:
    """Cumulative sales through today against the straight line from 0 to the target."""
    with chart_style():
        return _png(cumulative_figure(standing, daily, t))


def cumulative_figure(standing: Standing, daily: Sequence[tuple[date, Decimal]], t: Translator):
    """The figure of `cumulative_chart` (call inside `chart_style()`)."""
    t = chart_translator(t)
    period = standing.period
    fig, ax = plt.subplots(figsize=(7, 4))
    days, totals, running = [period.start - timedelta(days=1)], [0.0], Decimal(0)
    for day, amount in daily:
        running += amount
        days.append(day)
        totals.append(float(running))  # plotting only; the figures in text stay Decimal
    last = min(standing.today, period.end)
    if last >= period.start:
        days.append(last)
        totals.append(float(running))
    ax.step(days, totals, where="post", label=t("target.chart.achieved"), color="#1f77b4")
    if standing.target.amount is not None:
        ax.plot(
            [period.start - timedelta(days=1), period.end],
            [0, float(standing.target.amount)],
            linestyle="--",
            color="#d62728",
            label=t("target.chart.target_line"),
        )
    ax.set_title(t("target.chart.title", dealer=standing.dealer, period=str(period)))
    ax.set_ylabel(t("target.chart.amount"))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _axis_money(v, t.locale)))
    ax.grid(alpha=0.3)
    # Beside the plot, not on it: no corner of a period's chart is always free of the lines.
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
    fig.autofmt_xdate()
    return fig


def ranking_chart(items: Sequence[Standing], t: Translator, limit: int = 30) -> bytes:
    """Percent of target achieved per dealer (best first), with today's expected share."""
    with chart_style():
        return _png(ranking_figure(items, t, limit))


def ranking_figure(items: Sequence[Standing], t: Translator, limit: int = 30):
    """The figure of `ranking_chart` (call inside `chart_style()`): the best and the last
    `limit // 2` each when there are more, the number left out under the axis."""
    t = chart_translator(t)
    drawn = [s for s in items if s.percent is not None]
    shown, rest = drawn, 0
    if len(drawn) > limit:
        half = limit // 2
        shown, rest = drawn[:half] + drawn[-half:], len(drawn) - 2 * half
    fig, ax = plt.subplots(figsize=(7, max(2.5, 0.3 * len(shown) + 1)))
    labels = [s.dealer for s in reversed(shown)]
    values = [float(s.percent or 0) * 100 for s in reversed(shown)]
    colors = ["#d62728" if s.behind else "#2ca02c" for s in reversed(shown)]
    ax.barh(labels, values, color=colors)
    if shown:
        first = shown[0]
        expected = 100.0 * first.elapsed_days / first.period.days
        ax.axvline(expected, linestyle="--", color="#555555", label=t("targets.chart.pace"))
        # Beside the bars, as on the cumulative chart: any corner may hold a long bar.
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
        ax.set_title(t("targets.chart.title", period=str(first.period)))
    ax.set_xlabel("%" if not rest else "%   · " + t("targets.chart.rest", count=rest))
    if rest:  # where the left-out middle of the ranking is
        ax.axhline(len(shown) / 2 - 0.5, color="#999999", linewidth=0.8, linestyle=":")
    ax.grid(axis="x", alpha=0.3)
    return fig
