"""The reverse waterfall per region: what the target needs, as a table that scrolls, not squashes.

Region names sit in the vertical header so they stay in view when the table scrolls sideways.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gtm_planner.ui.models import WaterfallTableModel
from gtm_planner.ui.table_sizing import height_for_rows

_ROW_PADDING_PX = 10
_MIN_ROWS_IN_VIEW = 5


class WaterfallTable(QTableView):
    """Columns sized to their contents, spread to fill the width when there is room."""

    def __init__(self, model: WaterfallTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("waterfallTable")
        self.setModel(model)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setHighlightSections(False)
        rows = self.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setHighlightSections(False)
        rows.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        model.dataChanged.connect(self._on_data_changed)
        model.modelReset.connect(self.fit_to_contents)
        self.fit_to_contents()

    def _on_data_changed(
        self,
        _top_left: QModelIndex | QPersistentModelIndex,
        _bottom_right: QModelIndex | QPersistentModelIndex,
        _roles: list[int] | None = None,
    ) -> None:
        self.fit_to_contents()

    def fit_to_contents(self) -> None:
        """Size rows to the font and columns to the widest of header and cells, then fill."""
        self.ensurePolished()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + _ROW_PADDING_PX)
        self.verticalHeader().setMinimumWidth(0)
        header = self.horizontalHeader()
        model = self.model()
        widths = [
            max(self.sizeHintForColumn(column), header.sectionSizeHint(column))
            for column in range(model.columnCount())
        ]
        spare = max(0, self.viewport().width() - sum(widths))
        extra = [spare // len(widths)] * len(widths) if widths else []
        if extra:
            extra[-1] += spare - sum(extra)
        for column, width in enumerate(widths):
            header.resizeSection(column, width + extra[column])
        # A short table ends at its Total row; a long one fills the room left and scrolls.
        self.setMaximumHeight(self._height_for_rows(model.rowCount()))
        self.updateGeometry()

    def _height_for_rows(self, rows: int) -> int:
        return height_for_rows(self, rows)

    def sizeHint(self) -> QSize:
        """A handful of rows; the table grows from there, up to its Total row."""
        rows = min(self.model().rowCount(), _MIN_ROWS_IN_VIEW)
        return QSize(super().sizeHint().width(), self._height_for_rows(rows))

    def minimumSizeHint(self) -> QSize:
        """Never fewer than a handful of rows in view: the page scrolls before the table does."""
        return QSize(super().minimumSizeHint().width(), self.sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_to_contents()


class WaterfallPanel(QWidget):
    """A titled waterfall table for the current scenario."""

    def __init__(self, model: WaterfallTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(model.table.title, self)
        self.title.setObjectName("sectionTitle")
        self.note = QLabel(
            "Per region, whole plan; MQLs and inquiries are marketing's, the rest all sources; "
            "needs before plan start in their own columns. Hover over a header for its formula.",
            self,
        )
        self.note.setObjectName("footnote")
        self.note.setWordWrap(True)
        self.table = WaterfallTable(model, self)
        heading = QHBoxLayout()
        heading.setSpacing(16)
        heading.addWidget(self.title)
        heading.addWidget(self.note, 1, Qt.AlignmentFlag.AlignBaseline)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(heading)
        layout.addWidget(self.table, 1)
        layout.addStretch(0)  # a short table ends at its Total row; the room stays below
