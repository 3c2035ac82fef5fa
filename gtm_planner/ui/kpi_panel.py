"""The KPI summary: one card per KPI, big values, the formula on hover.

The cards are a view on ``KpiTableModel``; they read its rows and repaint when it changes.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from gtm_planner.ui.models import KPI_KEY_ROLE, KPI_LABEL_COLUMN, KPI_VALUE_COLUMN, KpiTableModel

DEFAULT_CARDS_PER_ROW = 5


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
        layout.setContentsMargins(14, 6, 14, 8)
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
        model: KpiTableModel,
        max_cards_per_row: int = DEFAULT_CARDS_PER_ROW,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._model = model
        self._max_cards_per_row = max_cards_per_row
        self._cards_per_row = max_cards_per_row
        self._cards: list[KpiCard] = []
        title = QLabel("Key figures", self)
        title.setObjectName("sectionTitle")
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
        layout.addWidget(title)
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

    def minimumSizeHint(self) -> QSize:
        """As narrow as one card: the grid reflows rather than widen the window."""
        widest = max((card.minimumSizeHint().width() for card in self._cards), default=0)
        return QSize(widest, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.reflow()

    def reflow(self) -> None:
        """Put as many cards in a row as fit at their natural width, up to the maximum."""
        if not self._cards:
            return
        widest = max(card.sizeHint().width() for card in self._cards)
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
        for row, card in enumerate(self._cards):
            self._grid.addWidget(card, row // self._cards_per_row, row % self._cards_per_row)
        for column in range(self._max_cards_per_row):
            self._grid.setColumnStretch(column, 1 if column < self._cards_per_row else 0)
        self.updateGeometry()
