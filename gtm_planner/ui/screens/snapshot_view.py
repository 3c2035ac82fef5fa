"""A snapshot, read-only: its frozen KPI outputs and input totals, beside today's numbers.

Nothing here edits the plan. When the snapshot's scenario still exists (same name) and fits
the plan, a second column shows that scenario's figures now, so the room sees what moved
since the board saw it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gtm_planner.model.document import PlanDocument
from gtm_planner.model.engine import KPI_CATALOGUE, Unit
from gtm_planner.model.entities import Scenario, Snapshot
from gtm_planner.model.formatting import format_value
from gtm_planner.model.snapshots import input_totals, shape_problems
from gtm_planner.ui.screens.records import PaddedDelegate
from gtm_planner.ui.theme import ACCENT, bold_font

AnyIndex = QModelIndex | QPersistentModelIndex
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def snapshot_time(snapshot: Snapshot) -> str:
    """When a snapshot was taken, in the viewer's local time: "2 Nov 2026, 09:30"."""
    local = snapshot.created_at.astimezone()
    return f"{local.day} {local:%b %Y, %H:%M}"


@dataclass(frozen=True)
class FrozenFigure:
    """One row: a figure as frozen in the snapshot, and (if known) the same figure now."""

    label: str
    unit: Unit
    frozen: float
    now: float | None = None
    formula: str = ""

    @property
    def moved(self) -> bool:
        """The figure now differs from the frozen one (beyond rounding noise)."""
        if self.now is None or not (math.isfinite(self.now) and math.isfinite(self.frozen)):
            return False
        return not math.isclose(self.now, self.frozen, rel_tol=1e-9, abs_tol=1e-9)


class FrozenFiguresModel(QAbstractTableModel):
    """Read-only rows of figures: label, value in the snapshot, value now (optional)."""

    def __init__(
        self,
        figures: list[FrozenFigure],
        currency: str,
        now_header: str | None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._figures = figures
        self._currency = currency
        self._headers = ["Figure", "In the snapshot"] + ([now_header] if now_header else [])

    def _format(self, value: float, unit: Unit) -> str:
        if unit is Unit.COUNT and math.isfinite(value) and value == round(value):
            return f"{value:,.0f}"
        return format_value(value, unit, self._currency)

    def figure(self, row: int) -> FrozenFigure:
        return self._figures[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._figures)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        figure, column = self._figures[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return figure.label
            value = figure.frozen if column == 1 else figure.now
            return "" if value is None else self._format(value, figure.unit)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT if column == 0 else _RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and column == 2 and figure.moved:
            return QColor(ACCENT)
        if role == Qt.ItemDataRole.ToolTipRole:
            moved = "\nChanged since the snapshot" if figure.moved else ""
            return f"{figure.label} = {figure.formula}{moved}" if figure.formula else None
        if role == Qt.ItemDataRole.FontRole and column == 1:
            return bold_font()
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT if section == 0 else _RIGHT
        return None


def _live_scenario(document: PlanDocument, snapshot: Snapshot) -> Scenario | None:
    """The scenario the snapshot was taken of, if it still exists and fits it."""
    for scenario in document.plan.scenarios:
        if scenario.name == snapshot.scenario_name:
            return None if shape_problems(document.plan, snapshot.inputs) else scenario
    return None


def kpi_figures(snapshot: Snapshot, now: dict[str, float] | None) -> list[FrozenFigure]:
    return [
        FrozenFigure(
            d.label,
            d.unit,
            snapshot.outputs.get(d.key, math.nan),
            None if now is None else now.get(d.key),
            d.formula,
        )
        for d in KPI_CATALOGUE
        if d.key in snapshot.outputs
    ]


class _FiguresTable(QTableView):
    def __init__(self, model: FrozenFiguresModel, parent: QWidget) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setItemDelegate(PaddedDelegate(self))
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.setSizeAdjustPolicy(QAbstractItemView.SizeAdjustPolicy.AdjustToContents)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Expanding)
        header.setHighlightSections(False)


class SnapshotView(QDialog):
    """A snapshot's frozen KPI outputs and input totals; nothing in it can be edited."""

    def __init__(
        self, document: PlanDocument, snapshot: Snapshot, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.snapshot = snapshot
        self.setWindowTitle(f"Snapshot ‘{snapshot.name}’ (read-only)")
        currency = document.plan.settings.currency
        live = _live_scenario(document, snapshot)
        now_kpis = None
        now_header = None
        if live is not None:
            now_header = f"Now in ‘{live.name}’"
            now_kpis = {k: v.value for k, v in document.kpis(live.id).items()}
        self.kpi_model = FrozenFiguresModel(
            kpi_figures(snapshot, now_kpis), currency, now_header, self
        )
        live_totals = input_totals(live.inputs) if live is not None else None
        totals = [
            FrozenFigure(t.label, t.unit, t.value, live_totals[i].value if live_totals else None)
            for i, t in enumerate(input_totals(snapshot.inputs))
        ]
        self.totals_model = FrozenFiguresModel(totals, currency, now_header, self)
        title = QLabel(f"Snapshot ‘{snapshot.name}’", self)
        title.setObjectName("sectionTitle")
        where = (
            f"Frozen copy of scenario ‘{snapshot.scenario_name}’, taken "
            f"{snapshot_time(snapshot)}. Read-only: later edits never change it. "
            "Hover over a KPI for its formula."
        )
        self.caption = QLabel(where, self)
        self.caption.setObjectName("footnote")
        self.caption.setWordWrap(True)
        kpi_title = QLabel("KPI outputs (whole plan horizon)", self)
        kpi_title.setObjectName("sectionTitle")
        totals_title = QLabel("Input totals", self)
        totals_title.setObjectName("sectionTitle")
        self.kpi_table = _FiguresTable(self.kpi_model, self)
        self.totals_table = _FiguresTable(self.totals_model, self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        left = QVBoxLayout()
        left.addWidget(kpi_title)
        left.addWidget(self.kpi_table, 1)
        right = QVBoxLayout()
        right.addWidget(totals_title)
        right.addWidget(self.totals_table)
        right.addStretch(1)
        self.totals_table.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Maximum)
        columns = QHBoxLayout()
        columns.addLayout(left)
        columns.addSpacing(24)
        columns.addLayout(right)
        columns.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(title)
        layout.addWidget(self.caption)
        layout.addLayout(columns, 1)
        layout.addWidget(buttons)
        self.resize(1200, 800)
