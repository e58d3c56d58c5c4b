"""The trend chart of a dealer's statements: each figure over the months (PNG)."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter

from domain.duties.model import FIGURES, Statement
from handlers.core.i18n import Translator
from handlers.targets.charts import _axis_money, _png, chart_style, chart_translator


def statements_chart(statements: Sequence[Statement], t: Translator, dealer: str) -> bytes:
    with chart_style():
        t = chart_translator(t)
        fig, ax = plt.subplots(figsize=(7, 4))
        months = [s.period for s in statements]
        for name in FIGURES:
            values = [float(getattr(s.figures, name)) for s in statements]  # plotting only
            ax.plot(months, values, marker="o", label=t(f"statement.figure.{name}"))
        ax.set_title(t("statement.chart.title", dealer=dealer))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _axis_money(v, t.locale)))
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
        fig.autofmt_xdate()
        return _png(fig)
