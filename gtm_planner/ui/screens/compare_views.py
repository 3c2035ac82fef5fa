"""The Compare screen's views of a ``Comparison``: the KPI table model and the quarter chart.

The table: per KPI, each item's value and, for each item after the reference, Δ and Δ %.
The chart: target and forecast bookings by quarter, items overlaid. Each item has a colour,
a marker and (for its target) a dash, so a black-and-white printout still tells them apart:
forecasts are solid lines with filled markers, targets dashed with hollow ones. Curves are
created once per item slot and reused (STYLE.md: setData, never rebuild); more appear only
when more items are compared than ever before.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QWidget

from gtm_planner.model.compare import Comparison
from gtm_planner.model.engine.kpis import Unit
from gtm_planner.model.formatting import money_short, percent
from gtm_planner.ui.answer_tables import (
    LEFT,
    RAW_VALUE_ROLE,
    RIGHT,
    AnyIndex,
    signed,
    value_text,
)
from gtm_planner.ui.theme import INK, bold_font

COLORS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000")
SYMBOLS = ("o", "s", "t", "d", "+", "x", "star")
DASHES = (Qt.PenStyle.DashLine, Qt.PenStyle.DotLine, Qt.PenStyle.DashDotLine)
MOST_QUARTER_LABELS = 8  # more quarters than this: only every k-th is named


def two_lines(name: str, longest: int = 14) -> str:
    """A long name on two lines (at the space nearest its middle), so columns stay narrow."""
    if len(name) <= longest or " " not in name:
        return name
    spaces = [i for i, ch in enumerate(name) if ch == " "]
    cut = min(spaces, key=lambda i: abs(i - len(name) / 2))
    return f"{name[:cut]}\n{name[cut + 1 :]}"


class KpiCompareModel(QAbstractTableModel):
    """KPI rows; per item its value, and for each after the reference Δ and Δ %."""

    def __init__(self, currency: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.currency = currency
        self.comparison: Comparison | None = None
        self._columns: list[tuple[int, str]] = []  # (item, "value" | "delta" | "percent")

    def set_comparison(self, comparison: Comparison | None, currency: str) -> None:
        self.beginResetModel()
        self.comparison, self.currency = comparison, currency
        count = len(comparison.names) if comparison else 0
        self._columns = [(0, "value")] if count else []
        for i in range(1, count):
            self._columns += [(i, "value"), (i, "delta"), (i, "percent")]
        self.endResetModel()

    def column_of(self, item: int, what: str) -> int:
        return self._columns.index((item, what)) + 1

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        c = self.comparison
        return 0 if parent.isValid() or c is None else len(c.kpi_rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or not self._columns else len(self._columns) + 1

    def _value(self, row: int, column: int) -> tuple[str, float | None]:
        assert self.comparison is not None
        kpi = self.comparison.kpi_rows[row]
        if column == 0:
            return kpi.label, None
        item, what = self._columns[column - 1]
        if what == "value":
            value = kpi.values[item]
            return value_text(value, kpi.unit, self.currency, short=True), value
        if what == "delta":
            value = kpi.deltas[item]
            if kpi.unit is Unit.MONEY and math.isfinite(value) and abs(value) >= 1e-9:
                return ("+" if value > 0 else "−") + money_short(abs(value), self.currency), value
            return signed(value, kpi.unit, self.currency), value
        value = kpi.delta_percents[item]
        shown = percent(value) if math.isfinite(value) else "–"
        return ("+" + shown if math.isfinite(value) and value > 0 else shown), value

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or self.comparison is None:
            return None
        text, value = self._value(index.row(), index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == RAW_VALUE_ROLE:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(LEFT if index.column() == 0 else RIGHT)
        if role == Qt.ItemDataRole.FontRole and index.column() > 0:
            _item, what = self._columns[index.column() - 1]
            if what != "value" and value is not None and math.isfinite(value) and value != 0:
                return bold_font()
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        c = self.comparison
        if orientation != Qt.Orientation.Horizontal or c is None:
            return None
        if not 0 <= section < self.columnCount():
            return None
        item, what = (0, "label") if section == 0 else self._columns[section - 1]
        if role == Qt.ItemDataRole.DisplayRole:
            name = two_lines(c.names[item])
            return {"label": "KPI", "value": name, "delta": "Δ", "percent": "Δ %"}[what]
        if role == Qt.ItemDataRole.ToolTipRole and what in ("delta", "percent"):
            return f"{c.names[item]} − {c.names[0]} (the reference)"
        return None


class MoneyAxis(pg.AxisItem):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__("left")
        self.currency = "USD"
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [money_short(v * scale, self.currency) for v in values]


class QuarterChart(pg.GraphicsLayoutWidget):  # type: ignore[misc]
    """Target (dashed) and forecast (solid) by quarter, one colour and marker per item.

    The legend names each item once (its forecast's line and marker) and sits above the
    plot, in its own row, so it never hides a line.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setBackground("w")
        self.setObjectName("compareChart")
        self.money_axis = MoneyAxis()
        self.legend = pg.LegendItem(labelTextColor=INK, labelTextSize="12pt", frame=False)
        self.ci.addItem(self.legend, row=0, col=0)
        self.plot = self.ci.addPlot(row=1, col=0, axisItems={"left": self.money_axis})
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.showGrid(x=False, y=True, alpha=0.3)
        font = QFont()
        font.setPointSize(12)
        for name in ("left", "bottom"):
            axis = self.plot.getAxis(name)
            axis.setTickFont(font)
            axis.setTextPen(INK)
            axis.setPen(INK)
        self.pairs: list[tuple[pg.PlotDataItem, pg.PlotDataItem]] = []

    def _pair(self, i: int) -> tuple[pg.PlotDataItem, pg.PlotDataItem]:
        while len(self.pairs) <= i:
            n = len(self.pairs)
            color = COLORS[n % len(COLORS)]
            symbol = SYMBOLS[n % len(SYMBOLS)]
            target = pg.PlotDataItem(
                pen=pg.mkPen(color, width=2.5, style=DASHES[n % len(DASHES)]), symbol=symbol,
                symbolSize=11, symbolPen=pg.mkPen(color, width=2), symbolBrush="w",
                antialias=True,
            )  # fmt: skip
            forecast = pg.PlotDataItem(
                pen=pg.mkPen(color, width=3.5), symbol=symbol, symbolSize=12,
                symbolPen=pg.mkPen(color, width=1), symbolBrush=color, antialias=True,
            )  # fmt: skip
            self.plot.addItem(target)
            self.plot.addItem(forecast)
            self.pairs.append((target, forecast))
        return self.pairs[i]

    def show_comparison(self, comparison: Comparison | None, currency: str) -> None:
        self.money_axis.currency = currency
        self.money_axis.picture = None  # re-render the tick labels in the new currency
        self.legend.clear()
        series = comparison.series if comparison else ()
        self.legend.setColumnCount(2 if len(series) > 1 else 1)
        for i in range(max(len(series), len(self.pairs))):
            target, forecast = self._pair(i)
            s = series[i] if i < len(series) else None
            for item in (target, forecast):
                item.setVisible(s is not None)
            if s is None:
                continue
            x = np.arange(len(s.target), dtype=np.float64)
            target.setData(x, s.target)
            forecast.setData(x, s.forecast)
            self.legend.addItem(forecast, s.name)
        labels = comparison.quarter_labels if comparison else ()
        step = max(1, math.ceil(len(labels) / MOST_QUARTER_LABELS))
        self.plot.getAxis("bottom").setTicks([
            [(float(i), t) for i, t in enumerate(labels) if i % step == 0],
            [(float(i), "") for i in range(len(labels))],
        ])  # fmt: skip
        self.plot.setXRange(-0.4, max(len(labels) - 0.6, 0.6), padding=0)
        self.plot.enableAutoRange(axis="y")
