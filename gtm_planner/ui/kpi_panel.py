"""The KPI summary: one card per KPI, big values, the formula on hover.

The cards are a view on a KPI model — ``KpiTableModel`` (the whole scenario) or
``DashboardKpiModel`` (the Dashboard's tiles for a region and period filter); they read its
rows and repaint when it changes.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from gtm_planner.model.dashboard_data import Tile
from gtm_planner.model.formatting import format_value
from gtm_planner.ui.models import (
    KPI_COLUMNS,
    KPI_KEY_ROLE,
    KPI_LABEL_COLUMN,
    KPI_VALUE_COLUMN,
    RAW_VALUE_ROLE,
    KpiTableModel,
)

DEFAULT_CARDS_PER_ROW = 5

AnyIndex = QModelIndex | QPersistentModelIndex


class DashboardKpiModel(QAbstractTableModel):
    """The Dashboard's tiles: one row per KPI (label, value), for the filtered selection.

    Read-only; the page hands it new ``Tile`` values after every recalculation. Same roles
    as ``KpiTableModel``: the formula as tooltip, the raw float, the KPI's catalogue key.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tiles: tuple[Tile, ...] = ()
        self._currency = "USD"
        self._row_by_key: dict[str, int] = {}
        self._short_money = False

    def set_short_money(self, short: bool) -> None:
        """$45.0M instead of $45,000,000 (presentation mode: read from the back of the room)."""
        if short != self._short_money:
            self._short_money = short
            self.set_tiles(self._tiles, self._currency)

    def set_tiles(self, tiles: tuple[Tile, ...], currency: str) -> None:
        """Same KPIs → one dataChanged; a different list → a reset."""
        self._currency = currency
        if [t.key for t in tiles] != [t.key for t in self._tiles]:
            self.beginResetModel()
            self._tiles = tiles
            self._row_by_key = {t.key: row for row, t in enumerate(tiles)}
            self.endResetModel()
            return
        self._tiles = tiles
        if tiles:
            self.dataChanged.emit(self.index(0, 0), self.index(len(tiles) - 1, 1))

    @property
    def tiles(self) -> tuple[Tile, ...]:
        return self._tiles

    def row_of(self, kpi_key: str) -> int:
        return self._row_by_key[kpi_key]

    def value(self, kpi_key: str) -> float:
        return self._tiles[self.row_of(kpi_key)].value

    def formatted_value(self, kpi_key: str) -> str:
        return self._format(self._tiles[self.row_of(kpi_key)])

    def _format(self, tile: Tile) -> str:
        return format_value(tile.value, tile.unit, self._currency, short=self._short_money)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._tiles)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(KPI_COLUMNS)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        tile, column = self._tiles[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == KPI_LABEL_COLUMN:
                return tile.label
            return self._format(tile)
        if role == Qt.ItemDataRole.ToolTipRole:
            exact = format_value(tile.value, tile.unit, self._currency)
            return (
                f"{tile.definition}\n{tile.label}: {exact}"
                if self._short_money
                else tile.definition
            )
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return KPI_COLUMNS[column].alignment
        if role == RAW_VALUE_ROLE and column == KPI_VALUE_COLUMN:
            return tile.value
        if role == KPI_KEY_ROLE:
            return tile.key
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(KPI_COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return KPI_COLUMNS[section].header
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return KPI_COLUMNS[section].alignment
        return None


class KpiCard(QFrame):
    """One KPI: its name above its value; the whole card shows the formula on hover."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kpiCard")
        self.label = QLabel(self)
        self.label.setObjectName("kpiLabel")
        self.value = QLabel(self)
        self.value.setObjectName("kpiValue")
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 8)
        layout.setSpacing(2)
        layout.addWidget(self.label)
        layout.addWidget(self.value)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def show_kpi(self, label: str, value: str, formula: str) -> None:
        self.label.setText(label)
        self.value.setText(value)
        self.setToolTip(formula)
        self.value.setToolTip(formula)


class KpiPanel(QWidget):
    """A grid of KPI cards in the model's order, with the Magic Number's definition stated.

    Up to ``max_cards_per_row`` cards a row; fewer when the text is large or the window
    narrow, so that no value is ever cut off.
    """

    def __init__(
        self,
        model: KpiTableModel | DashboardKpiModel,
        max_cards_per_row: int = DEFAULT_CARDS_PER_ROW,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._model = model
        self._max_cards_per_row = max_cards_per_row
        self._cards_per_row = max_cards_per_row
        self._cards: list[KpiCard] = []
        self._shown_keys: frozenset[str] | None = None
        self.title = QLabel("Key figures", self)
        self.title.setObjectName("sectionTitle")
        self._grid = QGridLayout()
        self._grid.setHorizontalSpacing(10)
        self._grid.setVerticalSpacing(8)
        self.footnote = QLabel(
            f"{KpiTableModel.definition_of('magic_number')}. "
            "Hover over any figure for its formula.",
            self,
        )
        self.footnote.setObjectName("footnote")
        self.footnote.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addLayout(self._grid)
        layout.addWidget(self.footnote)
        model.dataChanged.connect(self._refresh)
        model.modelReset.connect(self._refresh)
        self._refresh()

    def card(self, kpi_key: str) -> KpiCard:
        return self._cards[self._model.row_of(kpi_key)]

    @property
    def cards_per_row(self) -> int:
        return self._cards_per_row

    def show_only(self, kpi_keys: Collection[str] | None) -> None:
        """Only these KPIs' cards (presentation: the headline figures); ``None``: every card."""
        self._shown_keys = None if kpi_keys is None else frozenset(kpi_keys)
        self._place_cards()
        self.reflow()

    def shown_cards(self) -> list[KpiCard]:
        if self._shown_keys is None:
            return list(self._cards)
        keys = [
            self._model.data(self._model.index(row, 0), KPI_KEY_ROLE)
            for row in range(len(self._cards))
        ]
        return [
            card for card, key in zip(self._cards, keys, strict=True) if key in self._shown_keys
        ]

    def minimumSizeHint(self) -> QSize:
        """As narrow as one card: the grid reflows rather than widen the window."""
        widest = max((card.minimumSizeHint().width() for card in self.shown_cards()), default=0)
        return QSize(widest, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.reflow()

    def reflow(self) -> None:
        """Put as many cards in a row as fit at their natural width, up to the maximum."""
        shown = self.shown_cards()
        if not shown:
            return
        widest = max(card.sizeHint().width() for card in shown)
        spacing = self._grid.horizontalSpacing()
        fitting = max(1, (self.width() + spacing) // (widest + spacing))
        per_row = min(self._max_cards_per_row, fitting)
        if per_row != self._cards_per_row:
            self._cards_per_row = per_row
            self._place_cards()

    def _refresh(
        self,
        _top_left: QModelIndex | QPersistentModelIndex | None = None,
        _bottom_right: QModelIndex | QPersistentModelIndex | None = None,
        _roles: list[int] | None = None,
    ) -> None:
        rows = self._model.rowCount()
        if len(self._cards) != rows:
            self._rebuild_cards(rows)
        for row, card in enumerate(self._cards):
            label_index = self._model.index(row, KPI_LABEL_COLUMN)
            value_index = self._model.index(row, KPI_VALUE_COLUMN)
            card.show_kpi(
                str(self._model.data(label_index)),
                str(self._model.data(value_index)),
                str(self._model.data(value_index, Qt.ItemDataRole.ToolTipRole)),
            )
            card.setProperty("kpiKey", self._model.data(label_index, KPI_KEY_ROLE))

    def _rebuild_cards(self, rows: int) -> None:
        for card in self._cards:
            self._grid.removeWidget(card)
            card.deleteLater()
        self._cards = [KpiCard(self) for _ in range(rows)]
        self._place_cards()

    def _place_cards(self) -> None:
        for card in self._cards:
            self._grid.removeWidget(card)
        shown = self.shown_cards()
        for card in self._cards:
            card.setVisible(card in shown)
        for row, card in enumerate(shown):
            self._grid.addWidget(card, row // self._cards_per_row, row % self._cards_per_row)
        for column in range(self._max_cards_per_row):
            self._grid.setColumnStretch(column, 1 if column < self._cards_per_row else 0)
        self.updateGeometry()
