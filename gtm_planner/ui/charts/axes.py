"""Axes that speak the plan's language: money with K/M suffixes, named categories, counts.

pyqtgraph is untyped; these subclasses override its documented extension points
(``tickValues`` and ``tickStrings``) and nothing else.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pyqtgraph as pg
from PySide6.QtGui import QFont, QFontMetrics

from gtm_planner.model.formatting import money_short

TickLevels = list[tuple[float, list[float]]]

_LABEL_GAP_PX = 8  # room between two neighbouring category labels


def count_short(value: float) -> str:
    """1, 10, 100, 1K, 10K, 1.5M: counts on a log axis."""
    magnitude = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if magnitude >= limit:
            return f"{value / limit:,.3g}{suffix}"
    return f"{value:,.0f}"


class MoneyAxis(pg.AxisItem):  # type: ignore[misc]
    """A value axis whose ticks read "$2.5M", in the plan's currency (formatting.money_short)."""

    def __init__(self, orientation: str, currency: str = "USD", **kwargs: Any) -> None:
        super().__init__(orientation, **kwargs)
        self.currency = currency
        self.enableAutoSIPrefix(False)

    def set_currency(self, currency: str) -> None:
        if currency != self.currency:
            self.currency = currency
            self.picture = None
            self.update()

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [money_short(v * scale, self.currency) for v in values]

    def widest_label(self) -> str:
        return money_short(-888.8e6, self.currency)


class CategoryAxis(pg.AxisItem):  # type: ignore[misc]
    """Named positions 0, 1, 2…; a name too wide for its slot goes on two lines, and if even
    that overlaps, only every k-th name is shown — never two names on top of each other.
    """

    def __init__(self, orientation: str, **kwargs: Any) -> None:
        super().__init__(orientation, **kwargs)
        self.categories: tuple[str, ...] = ()
        self._wrapped = False
        self.enableAutoSIPrefix(False)

    def set_categories(self, categories: Sequence[str]) -> None:
        categories = tuple(categories)
        if categories != self.categories:
            self.categories = categories
            self.picture = None
            self.update()

    def _metrics(self) -> QFontMetrics:
        return QFontMetrics(self.style["tickFont"] or QFont())

    def _extent(self, texts: Sequence[str]) -> float:
        """The room one label needs along the axis (its width, or its height on a side)."""
        metrics = self._metrics()
        if self.orientation in ("left", "right"):
            return float(metrics.height() * max((t.count("\n") + 1 for t in texts), default=1))
        widths = (metrics.horizontalAdvance(line) for t in texts for line in t.split("\n"))
        return float(max(widths, default=0))

    def tickValues(self, min_value: float, max_value: float, size: float) -> TickLevels:
        low, high = sorted((min_value, max_value))
        positions = [i for i in range(len(self.categories)) if low - 1e-9 <= i <= high + 1e-9]
        if not positions or size <= 0:
            return [(1.0, [])]
        slot = size / max(high - low, 1e-9) - _LABEL_GAP_PX
        horizontal = self.orientation in ("top", "bottom")
        self._wrapped = horizontal and self._extent(self.categories) > slot
        needed = self._extent([self.label_text(i) for i in positions])
        step = max(1, math.ceil((needed + _LABEL_GAP_PX) / (slot + _LABEL_GAP_PX)))
        return [(float(step), [float(p) for p in positions[::step]])]

    def label_text(self, index: int) -> str:
        text = self.categories[index]
        return two_lines(text) if self._wrapped else text

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        labels = []
        for value in values:
            index = round(value)
            labels.append(self.label_text(index) if 0 <= index < len(self.categories) else "")
        return labels


def two_lines(text: str) -> str:
    """'North America' → 'North\\nAmerica': split at the space nearest the middle."""
    spaces = [i for i, c in enumerate(text) if c == " "]
    if not spaces:
        return text
    middle = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return f"{text[:middle]}\n{text[middle + 1 :]}"


class LogCountAxis(pg.AxisItem):  # type: ignore[misc]
    """An axis over log10(count): ticks at whole powers of ten, read as 1, 10, 100, 1K…"""

    def __init__(self, orientation: str, **kwargs: Any) -> None:
        super().__init__(orientation, **kwargs)
        self.enableAutoSIPrefix(False)

    def tickValues(self, min_value: float, max_value: float, size: float) -> TickLevels:
        low, high = sorted((min_value, max_value))
        powers = [float(p) for p in range(math.ceil(low), math.floor(high) + 1)]
        return [(1.0, powers)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [count_short(10.0**v) for v in values]
