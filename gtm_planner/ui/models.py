"""Qt table models over the plan document: thin, read-only adapters for the current scenario.

They never copy the plan. Each holds the display table the engine's numbers make for the
current scenario (a ``Table`` from ``model.exchange.tables``: the very rows the CLI prints)
and rebuilds it when the document announces that the scenario or its results changed.
Columns are declared once, below, with their header, unit, number format and formula.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from gtm_planner.model.document import PlanDocument
from gtm_planner.model.engine import KPI_BY_KEY, Unit
from gtm_planner.model.exchange.tables import (
    SUMMARY_KPIS,
    WATERFALL_COLUMNS,
    Table,
    kpi_table,
    kpi_units,
    waterfall_table,
)
from gtm_planner.model.formatting import format_value
from gtm_planner.ui.document_events import subscribe
from gtm_planner.ui.theme import TOTAL_ROW_COLOR, bold_font

RAW_VALUE_ROLE = int(Qt.ItemDataRole.UserRole)  # the engine's float, unrounded
KPI_KEY_ROLE = RAW_VALUE_ROLE + 1  # the KPI catalogue key of a KPI row

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignCenter
_HEADER_MAX_LINES = 3

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class DisplayColumn:
    """How one column reads on screen: header, unit (None for text), number format, formula."""

    key: str
    header: str
    unit: Unit | None
    short_money: bool = False
    formula: str = ""

    @property
    def alignment(self) -> Qt.AlignmentFlag:
        return _LEFT if self.unit is None else _RIGHT

    def format(self, value: float, currency: str) -> str:
        assert self.unit is not None
        return format_value(value, self.unit, currency, short=self.short_money)


KPI_COLUMNS = (
    DisplayColumn("kpi", "KPI", None),
    DisplayColumn("value", "Value", Unit.COUNT),  # each row carries its own unit
)
KPI_LABEL_COLUMN = 0
KPI_VALUE_COLUMN = 1

# SPEC §3.2, per waterfall column: how the engine gets the number from the one before it.
_WATERFALL_FORMULAS = {
    "target": "Σ annual target × seasonality weight over the plan's months",
    "won": "bookings target ÷ average deal size, per source",
    "opportunities": "won deals ÷ win rate, created one sales cycle before the close month",
    "pipeline": "opportunities × average deal size",
    "sqls": "opportunities ÷ SQL→opp, dated by the lead-to-opportunity lag",
    "mqls": "SQLs ÷ MQL→SQL (marketing source: × the SLA follow-up rate)",
    "inquiries": "MQLs ÷ inquiry→MQL",
    "demand_creation": "marketing-sourced inquiries × cost per inquiry (elasticity applied)",
    "coverage": "pipeline the target needs ÷ bookings target (= 1 ÷ win rate)",
    "opportunities_before_start": "opportunities that must already exist at plan start to "
    "close inside the plan (needed before plan start, not dropped)",
    "marketing_pipeline_before_start": "marketing-sourced pipeline whose leads predate the "
    "plan: compare with the opening pipeline",
    "opening_pipeline": "marketing-sourced pipeline open at plan start (an input)",
}

WATERFALL_DISPLAY_COLUMNS = tuple(
    DisplayColumn(
        column.key,
        column.header,
        column.unit,
        short_money=column.unit is Unit.MONEY,
        formula=_WATERFALL_FORMULAS.get(column.key, ""),
    )
    for column in WATERFALL_COLUMNS
)


class _ScenarioTableModel(QAbstractTableModel):
    """A read-only model of one ``Table`` for the document's current scenario."""

    def __init__(self, document: PlanDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._table = self._build_table()
        subscribe(self, document.current_scenario_changed, self._on_current_scenario_changed)
        subscribe(self, document.results_changed, self._on_results_changed)

    # --- what a subclass supplies -------------------------------------------------------

    def _build_table(self) -> Table:
        raise TypeError(f"{type(self).__name__} must say which table it shows (_build_table)")

    # --- document events ----------------------------------------------------------------

    def _on_current_scenario_changed(self, _scenario_id: int) -> None:
        self.refresh()

    def _on_results_changed(self, scenario_id: int) -> None:
        if scenario_id == self._document.current_scenario.id:
            self.refresh()

    def refresh(self) -> None:
        """Re-read the engine's numbers; same shape → dataChanged, otherwise a reset."""
        table = self._build_table()
        if table.values.shape != self._table.values.shape:
            self.beginResetModel()
            self._table = table
            self.endResetModel()
            return
        self._table = table
        rows, columns = self.rowCount(), self.columnCount()
        if rows and columns:
            self.dataChanged.emit(self.index(0, 0), self.index(rows - 1, columns - 1))
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, rows - 1)

    # --- Qt model API -------------------------------------------------------------------

    @property
    def currency(self) -> str:
        return self._document.plan.settings.currency

    @property
    def table(self) -> Table:
        return self._table

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._table.row_labels)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class KpiTableModel(_ScenarioTableModel):
    """The KPI summary of the current scenario: one row per KPI, its label and its value."""

    _UNITS = kpi_units()  # one per row, in the order of SUMMARY_KPIS

    def _build_table(self) -> Table:
        document = self._document
        inputs = document.current_scenario.inputs
        return kpi_table(document.plan, inputs, document.result())

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(KPI_COLUMNS)

    def row_of(self, kpi_key: str) -> int:
        return SUMMARY_KPIS.index(kpi_key)

    def value(self, kpi_key: str) -> float:
        return float(self._table.values[self.row_of(kpi_key), 0])

    def formatted_value(self, kpi_key: str) -> str:
        unit = self._UNITS[self.row_of(kpi_key)]
        return format_value(self.value(kpi_key), unit, self.currency)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        key = SUMMARY_KPIS[row]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == KPI_LABEL_COLUMN:
                return self._table.row_labels[row]
            return self.formatted_value(key)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._table.tooltips[row]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return KPI_COLUMNS[column].alignment
        if role == Qt.ItemDataRole.FontRole and column == KPI_VALUE_COLUMN:
            return bold_font()
        if role == RAW_VALUE_ROLE and column == KPI_VALUE_COLUMN:
            return self.value(key)
        if role == KPI_KEY_ROLE:
            return key
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

    @staticmethod
    def definition_of(kpi_key: str) -> str:
        """The KPI's definition in words, as the glossary and the tooltips state it."""
        definition = KPI_BY_KEY[kpi_key]
        return f"{definition.label} = {definition.formula}"


class WaterfallTableModel(_ScenarioTableModel):
    """The reverse waterfall of the current scenario: one row per region and a bold Total."""

    def _build_table(self) -> Table:
        document = self._document
        inputs = document.current_scenario.inputs
        return waterfall_table(document.plan, inputs, document.result())

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(WATERFALL_DISPLAY_COLUMNS)

    def is_total_row(self, row: int) -> bool:
        return row == self.rowCount() - 1

    def column_of(self, key: str) -> int:
        return next(i for i, c in enumerate(WATERFALL_DISPLAY_COLUMNS) if c.key == key)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        spec = WATERFALL_DISPLAY_COLUMNS[column]
        value = float(self._table.values[row, column])
        if role == Qt.ItemDataRole.DisplayRole:
            return spec.format(value, self.currency)
        if role == Qt.ItemDataRole.ToolTipRole:
            assert spec.unit is not None
            exact = format_value(value, spec.unit, self.currency)
            tip = f"{self._table.row_labels[row]} · {spec.header}: {exact}"
            return f"{tip}\n= {spec.formula}" if spec.formula else tip
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return spec.alignment
        if role == Qt.ItemDataRole.FontRole and self.is_total_row(row):
            return bold_font()
        if role == Qt.ItemDataRole.BackgroundRole and self.is_total_row(row):
            return TOTAL_ROW_COLOR
        if role == RAW_VALUE_ROLE:
            return value
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < self.columnCount():
                return None
            spec = WATERFALL_DISPLAY_COLUMNS[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return wrap_header(spec.header)
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{spec.header} = {spec.formula}" if spec.formula else spec.header
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _CENTER
            return None
        if not 0 <= section < self.rowCount():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._table.row_labels[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT
        if role == Qt.ItemDataRole.FontRole and self.is_total_row(section):
            return bold_font()
        return None


def wrap_header(text: str, max_lines: int = _HEADER_MAX_LINES) -> str:
    """Break a header into at most ``max_lines`` lines, as narrow as the words allow."""
    for width in range(1, len(text) + 1):
        lines = textwrap.wrap(text, width, break_long_words=False)
        if len(lines) <= max_lines:
            return "\n".join(lines)
    return text
