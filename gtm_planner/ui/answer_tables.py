"""Read-only tables of answers (goal seek, allocation, compare) and the bounds editor.

A shown number keeps its raw float at ``RAW_VALUE_ROLE``, so tests and copy-outs read the
engine's value, not a rounded string. Changes read as a user says them: +$1,200, −2.5 pts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gtm_planner.model.document import PlanDocument
from gtm_planner.model.engine.kpis import Unit
from gtm_planner.model.formatting import format_value, money
from gtm_planner.ui.screens.records import section_title

AnyIndex = QModelIndex | QPersistentModelIndex
RAW_VALUE_ROLE = int(Qt.ItemDataRole.UserRole) + 1  # the float behind a shown number
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
HIGHLIGHT = QColor("#fde68a")  # a changed value: amber, dark enough to survive a projector
ALL_REGIONS = -1  # the region choice "all regions"


def signed(delta: float, unit: Unit, currency: str) -> str:
    """A change as a user reads it: +$1,200, −2.5 pts (for a percent), +0.40x."""
    if not math.isfinite(delta):
        return "–"
    if abs(delta) < 1e-9:
        return "0"
    sign = "+" if delta > 0 else "−"
    if unit is Unit.PERCENT:
        return f"{sign}{abs(delta) * 100:.1f} pts"
    return sign + format_value(abs(delta), unit, currency)


Cell = tuple[str, float | None]  # what a cell shows, and the number behind it (None: a name)


class TextTableModel(QAbstractTableModel):
    """A read-only table of formatted numbers; the raw values stay at ``RAW_VALUE_ROLE``."""

    def __init__(self, headers: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._rows: list[list[Cell]] = []
        self._highlighted: set[tuple[int, int]] = set()
        self._tips: dict[tuple[int, int], str] = {}

    def set_rows(
        self,
        rows: Sequence[Sequence[Cell]],
        headers: Sequence[str] | None = None,
        highlighted: set[tuple[int, int]] | None = None,
        tips: dict[tuple[int, int], str] | None = None,
    ) -> None:
        self.beginResetModel()
        if headers is not None:
            self._headers = list(headers)
        self._rows = [list(row) for row in rows]
        self._highlighted = highlighted or set()
        self._tips = tips or {}
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        text, value = self._rows[row][column]
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == RAW_VALUE_ROLE:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(LEFT if value is None else RIGHT)
        if role == Qt.ItemDataRole.BackgroundRole and (row, column) in self._highlighted:
            return HIGHLIGHT
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tips.get((row, column))
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section] if 0 <= section < len(self._headers) else None
        return None


def result_table(
    model: QAbstractTableModel, parent: QWidget, stretch: int | None = None, fit_rows: bool = True
) -> QTableView:
    """A read-only table whose columns fit their contents.

    ``stretch``: a column that takes the room left and wraps its text when there is too
    little. ``fit_rows``: no taller than its rows (short answers leave no blank box).
    """
    table = QTableView(parent)
    table.setModel(model)
    table.setAlternatingRowColors(True)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.verticalHeader().hide()
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(False)
    if stretch is not None:
        column = stretch

        def stretch_column() -> None:
            if model.columnCount() > column:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)

        model.modelReset.connect(stretch_column)
        stretch_column()
    if fit_rows:
        table.setSizeAdjustPolicy(QAbstractItemView.SizeAdjustPolicy.AdjustToContents)
        table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
    return table


def money_text(value: float, currency: str) -> str:
    """Whole currency units; a rounding residue never shows as "-$0"."""
    return money(0.0 if abs(value) < 0.5 else value, currency)


def value_text(value: float, unit: Unit, currency: str, short: bool = False) -> str:
    """``format_value``, with money rounding residues shown as 0 (never "-$0")."""
    if unit is Unit.MONEY and abs(value) < 0.5:
        value = 0.0
    return format_value(value, unit, currency, short)


def headline(parent: QWidget) -> QLabel:
    """The answer in one large line (it wraps rather than clip)."""
    label = QLabel(parent)
    label.setObjectName("answerHeadline")
    label.setWordWrap(True)
    label.setStyleSheet("font-size: 16pt; font-weight: 700;")
    return label


def column(parent: QWidget, *parts: str | QWidget, stretch: bool = True) -> QVBoxLayout:
    """Section titles (the strings) and widgets one under the other, the room left below."""
    layout = QVBoxLayout()
    for part in parts:
        layout.addWidget(section_title(part, parent) if isinstance(part, str) else part)
    if stretch:
        layout.addStretch(1)
    return layout


def button_row(*buttons: QWidget) -> QHBoxLayout:
    """Buttons at the right end of a row, as dialogs place them."""
    row = QHBoxLayout()
    row.addStretch(1)
    for button in buttons:
        row.addWidget(button)
    return row


def combo(parent: QWidget, items: Sequence[tuple[str, object]]) -> QComboBox:
    box = QComboBox(parent)
    box.setStyleSheet("QComboBox { min-width: 8em; }")
    for text, data in items:
        box.addItem(text, data)
    return box


def labelled(layout: QGridLayout, column: int, text: str, widget: QWidget) -> None:
    """A caption above its control, with a mnemonic that focuses it."""
    label = QLabel(text, widget.parentWidget())
    label.setBuddy(widget)
    layout.addWidget(label, 0, column)
    layout.addWidget(widget, 1, column)


def region_items(document: PlanDocument, everyone: str) -> list[tuple[str, object]]:
    return [(everyone, ALL_REGIONS), *((r.name, r.id) for r in document.plan.regions)]


def year_items(document: PlanDocument) -> list[tuple[str, object]]:
    return [(f"FY{year}", year) for year in document.plan.calendar().fiscal_years]


def parse_amount(text: str) -> float | None:
    """'1,200,000', '$1.2M', '850k' → a number; '' → None (no bound); ValueError if not one."""
    cleaned = text.strip().replace(",", "").replace(" ", "").lstrip("$€£¥₹").upper()
    if not cleaned or cleaned in {"NONE", "–", "-"}:
        return None
    scale = {"K": 1e3, "M": 1e6, "B": 1e9}.get(cleaned[-1], 1.0)
    number = float(cleaned[:-1] if scale != 1.0 else cleaned)  # ValueError: not a number
    if not math.isfinite(number):
        raise ValueError(text)
    return number * scale


class BoundsModel(QAbstractTableModel):
    """Per region: the year's demand-creation budget today, and an editable floor and ceiling.

    An edit is parsed and checked here; a refused one changes nothing and says why
    (``problem`` holds the last reason, ``rejected`` announces it).
    """

    rejected = Signal(str)
    HEADERS = ("Region", "Budget today", "Floor", "Ceiling")
    FLOOR, CEILING = 2, 3

    def __init__(self, document: PlanDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.today: list[float] = [0.0] * len(document.plan.regions)
        self.floors: dict[int, float] = {}
        self.ceilings: dict[int, float] = {}

    def set_today(self, totals: Sequence[float]) -> None:
        self.today = [float(t) for t in totals]
        self.dataChanged.emit(self.index(0, 1), self.index(self.rowCount() - 1, 1))

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.document.plan.regions)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() >= self.FLOOR:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def _bound(self, row: int, column: int) -> float | None:
        region_id = self.document.plan.regions[row].id
        return (self.floors if column == self.FLOOR else self.ceilings).get(region_id)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        currency = self.document.plan.settings.currency
        value = self.today[row] if column == 1 else None
        if column >= self.FLOOR:
            value = self._bound(row, column)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return self.document.plan.regions[row].name
            return "none" if value is None else money(value, currency)
        if role == Qt.ItemDataRole.EditRole:
            return "" if value is None else f"{value:,.0f}"
        if role == RAW_VALUE_ROLE:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(LEFT if column == 0 else RIGHT)
        if role == Qt.ItemDataRole.ToolTipRole and column >= self.FLOOR:
            return "Type an amount (1,200,000 or 1.2M); leave empty for no bound"
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return None

    def setData(
        self, index: AnyIndex, value: object, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or index.column() < 2:
            return False
        row, column = index.row(), index.column()
        region = self.document.plan.regions[row]
        what = "floor" if column == self.FLOOR else "ceiling"
        currency = self.document.plan.settings.currency
        try:
            amount = parse_amount(str(value))
        except ValueError:
            return self._refuse(f"The {what} for {region.name}: “{value}” is not an amount; "
                                "type 1,200,000 or 1.2M, or leave it empty.")  # fmt: skip
        if amount is not None and amount < 0:
            return self._refuse(f"The {what} for {region.name} must be 0 or more.")
        other = self._bound(row, self.CEILING if column == self.FLOOR else self.FLOOR)
        floor, ceiling = (amount, other) if column == self.FLOOR else (other, amount)
        if floor is not None and ceiling is not None and floor > ceiling:
            return self._refuse(f"{region.name}: the floor {money(floor, currency)} would be "
                                f"above the ceiling {money(ceiling, currency)}.")  # fmt: skip
        bounds = self.floors if column == self.FLOOR else self.ceilings
        if amount is None:
            bounds.pop(region.id, None)
        else:
            bounds[region.id] = amount
        self.dataChanged.emit(index, index)
        return True

    def _refuse(self, problem: str) -> bool:
        self.rejected.emit(problem)
        return False
