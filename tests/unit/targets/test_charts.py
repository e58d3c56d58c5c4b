"""Charts draw Chinese labels in the font the project installs, and the cumulative chart's
legend never covers its lines."""

from __future__ import annotations

import warnings
from datetime import date, timedelta
from decimal import Decimal

import pytest
from matplotlib import font_manager

from domain.catalog.model import DealerCode
from domain.shared.periods import Period
from domain.targets.achievement import Standing
from domain.targets.model import TargetDecision, TargetSource
from handlers.core.i18n import Translator
from handlers.targets import charts

TODAY = date(2026, 12, 2)


def standing(period: str, target: str, achieved: str) -> Standing:
    decision = TargetDecision(Decimal(target), TargetSource.SET, assessed=True)
    return Standing(
        DealerCode("D001"), "华西医疗", Period.parse(period), decision, Decimal(achieved), TODAY
    )


def daily(period: str, per_day: str, first_day: str | None = None) -> list[tuple[date, Decimal]]:
    p = Period.parse(period)
    days = [p.start + timedelta(days=n) for n in range(p.days)]
    sold = [(d, Decimal(per_day)) for d in days if d < TODAY]
    if first_day is not None:
        sold[0] = (p.start, Decimal(first_day))
    return sold


def test_a_chinese_chart_draws_every_label_in_the_shipped_cjk_font_without_missing_glyphs():
    s = standing("2026", "2600000", "2400000")
    with warnings.catch_warnings(record=True) as caught, charts.chart_style():
        warnings.simplefilter("always")
        fig = charts.cumulative_figure(s, daily("2026", "7000"), Translator("zh_CN"))
        fig.canvas.draw()
        ax = fig.axes[0]
        title, legend = ax.title, ax.get_legend()
        texts = [title, ax.yaxis.label, *legend.get_texts()]
        used = {font_manager.findfont(t.get_fontproperties()) for t in texts}
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []
    assert "销售" in title.get_text() and "目标" in legend.get_texts()[1].get_text()
    assert charts.cjk_font() == charts.SHIPPED_FONT
    assert {font_manager.FontProperties(fname=path).get_name() for path in used} == {
        charts.SHIPPED_FONT
    }


@pytest.mark.parametrize(
    ("period", "target", "per_day", "first_day"),
    [
        ("2026-12", "260000", "0", "250000"),  # one big sale on the 1st: the line runs on top
        ("2026-12", "260000", "9000", None),
        ("2026-Q4", "780000", "12000", None),  # ahead of the target line
        ("2026", "2600000", "500", None),  # far behind, the line flat at the bottom
    ],
)
def test_the_legend_covers_no_point_of_either_line(period, target, per_day, first_day):
    s = standing(period, target, per_day)
    sold = daily(period, per_day, first_day)
    with charts.chart_style():
        fig = charts.cumulative_figure(s, sold, Translator("zh_CN"))
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        ax = fig.axes[0]
        box = ax.get_legend().get_window_extent(renderer)
        points = [
            p for line in ax.get_lines() for p in line.get_transform().transform(line.get_xydata())
        ]
    assert len(points) > 4
    covered = [(x, y) for x, y in points if box.x0 <= x <= box.x1 and box.y0 <= y <= box.y1]
    assert covered == []


def test_the_ranking_legend_covers_no_bar_when_every_dealer_is_near_the_target():
    month = Period.parse("2026-12")
    decision = TargetDecision(Decimal("100000"), TargetSource.SET, assessed=True)
    ranked = [
        Standing(DealerCode(f"D{n:03d}"), "经销商", month, decision, Decimal(achieved), TODAY)
        for n, achieved in enumerate(("112000", "105000", "99000", "97000", "95000"), start=1)
    ]
    with charts.chart_style():
        fig = charts.ranking_figure(ranked, Translator("zh_CN"))
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        ax = fig.axes[0]
        box = ax.get_legend().get_window_extent(renderer)
        bars = [bar.get_window_extent(renderer) for bar in ax.patches]
    assert len(bars) == 5
    assert not [bar for bar in bars if bar.overlaps(box)]


def test_the_ranking_of_many_dealers_draws_the_best_and_the_last_and_counts_the_rest():
    month = Period.parse("2026-12")
    decision = TargetDecision(Decimal("100000"), TargetSource.SET, assessed=True)
    ranked = [
        Standing(DealerCode(f"D{n:05d}"), "经销商", month, decision, Decimal(200000 - n), TODAY)
        for n in range(1, 10_001)
    ]
    with charts.chart_style():
        fig = charts.ranking_figure(ranked, Translator("zh_CN"))
        ax = fig.axes[0]
        labels = [tick.get_text() for tick in ax.get_yticklabels()]
        xlabel = ax.get_xlabel()
        charts.plt.close(fig)
    assert len(ax.patches) == 30
    assert labels[-1] == "D00001" and labels[0] == "D10000"  # best at the top, last below
    assert "D00016" not in labels and "D09985" not in labels
    assert "其余 9,970 家未画出" in xlabel or "其余 9970 家未画出" in xlabel
