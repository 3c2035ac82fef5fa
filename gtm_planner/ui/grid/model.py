"""One editable Qt table model over the plan document, for every grid of every screen.

The model never copies the plan: each cell reads the current scenario's input array (or a
derived array of the engine's result, cached until the next change) at the place its
``GridSpec`` declares. ``setData`` parses what the user typed, checks it against the input's
``FieldRule`` and either pushes one ``SetValues`` through the ``UndoController`` or changes
nothing and emits ``message`` with what is allowed. The document's events, not ``setData``,
announce what changed: the model turns them into ``dataChanged`` for the affected columns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont

from gtm_planner.model.commands import Command, Macro, SetValues
from gtm_planner.model.document import PlanDocument
from gtm_planner.model.entities import ScenarioInputs
from gtm_planner.model.validation import cell_label
from gtm_planner.ui.document_events import subscribe
from gtm_planner.ui.grid.spec import Column, FloatArray, GridSpec, Row, gather, resolve
from gtm_planner.ui.grid.tooltips import cell_tooltip, column_tooltip, row_tooltip
from gtm_planner.ui.grid.values import (
    RATE_KINDS,
    EntryError,
    Fmt,
    copy_text,
    edit_text,
    format_number,
    parse_entry,
    plain_number,
    to_user_units,
)
from gtm_planner.ui.undo import UndoController

AnyIndex = QModelIndex | QPersistentModelIndex
Edit = tuple[int, int, float]  # row, column, new stored value
RAW_VALUE_ROLE = int(Qt.ItemDataRole.UserRole)  # the stored float (a rate as 0.25)
EDIT_TEXT_ROLE = RAW_VALUE_ROLE + 2  # the text an editor opens with ("25%")
COPY_TEXT_ROLE = RAW_VALUE_ROLE + 3  # the text a copy puts on the clipboard

READ_ONLY_FILL = QColor("#e8edf3")
TOTAL_FILL = QColor("#dbe7fb")
NEGATIVE_INK = QColor("#b91c1c")
VARIES_INK = QColor("#4b5563")
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignCenter
Role = Qt.ItemDataRole
_VALUE_ROLES = frozenset(
    {int(Role.DisplayRole), int(Role.EditRole), int(Role.ForegroundRole)}
    | {RAW_VALUE_ROLE, EDIT_TEXT_ROLE, COPY_TEXT_ROLE}
)


class GridModel(QAbstractTableModel):
    """A table of one ``GridSpec`` for the document's current scenario."""

    message = Signal(str)  # an edit was refused: what, where and what is allowed

    def __init__(
        self,
        document: PlanDocument,
        undo: UndoController,
        build: Callable[[PlanDocument], GridSpec],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._document = document
        self._undo = undo
        self._build = build
        self._cache: dict[str, FloatArray] = {}
        self._totals: dict[tuple[int, int], float] = {}
        self._spec = build(document)
        self._index_spec()
        subscribe(self, document.values_changed, self._on_values_changed)
        subscribe(self, document.results_changed, self._on_results_changed)
        subscribe(self, document.current_scenario_changed, self._on_current_scenario_changed)
        subscribe(self, document.structure_changed, self.rebuild)

    # --- the spec -----------------------------------------------------------------------

    @property
    def spec(self) -> GridSpec:
        return self._spec

    @property
    def document(self) -> PlanDocument:
        return self._document

    def set_builder(self, build: Callable[[PlanDocument], GridSpec]) -> None:
        """Show another layout of the same data (a filter, per-source rows)."""
        self._build = build
        self.rebuild()

    def rebuild(self) -> None:
        """Re-read rows and columns; same shape → a repaint, otherwise a reset."""
        spec = self._build(self._document)
        same_shape = [r.key for r in spec.rows] == [r.key for r in self._spec.rows] and len(
            spec.columns
        ) == len(self._spec.columns)
        if not same_shape:
            self.beginResetModel()
        self._spec = spec
        self._index_spec()
        self._invalidate()
        if same_shape:
            self._repaint(0, len(spec.columns) - 1)
            if spec.rows:
                self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, len(spec.rows) - 1)
            if spec.columns:
                self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(spec.columns) - 1)
        else:
            self.endResetModel()

    def _index_spec(self) -> None:
        rows, columns = self._spec.rows, self._spec.columns
        width = max((len(r.key) for r in rows), default=0)
        self._keys = np.full((len(rows), width), -1, dtype=np.int64)
        for i, row in enumerate(rows):
            self._keys[i, : len(row.key)] = row.key
        self._columns_of_field: dict[str, list[int]] = {}
        for c, column in enumerate(columns):
            if column.field is not None:
                self._columns_of_field.setdefault(column.field, []).append(c)
        self._derived_columns = [c for c, column in enumerate(columns) if not column.is_input]

    # --- document events ----------------------------------------------------------------

    def _is_current(self, scenario_id: int) -> bool:
        return scenario_id == self._document.current_scenario.id

    def _invalidate(self) -> None:
        self._cache.clear()
        self._totals.clear()

    def _repaint(self, first_column: int, last_column: int) -> None:
        if self.rowCount() and first_column <= last_column:
            bottom = self.rowCount() - 1
            self.dataChanged.emit(self.index(0, first_column), self.index(bottom, last_column))

    def _on_values_changed(self, scenario_id: int, field: str) -> None:
        if self._is_current(scenario_id):
            self._invalidate()
            columns = self._columns_of_field.get(field, [])
            if columns:
                self._repaint(columns[0], columns[-1])

    def _on_results_changed(self, scenario_id: int) -> None:
        if self._is_current(scenario_id):
            self._invalidate()
            if self._derived_columns:
                self._repaint(self._derived_columns[0], self._derived_columns[-1])

    def _on_current_scenario_changed(self, _scenario_id: int) -> None:
        self._invalidate()
        self._repaint(0, self.columnCount() - 1)

    # --- values -------------------------------------------------------------------------

    @property
    def currency(self) -> str:
        return self._document.plan.settings.currency

    def _inputs(self) -> ScenarioInputs:
        return self._document.current_scenario.inputs

    def _array(self, column: Column) -> FloatArray:
        if column.field is not None:
            array: FloatArray = getattr(self._inputs(), column.field)
            return array
        assert column.source is not None
        cached = self._cache.get(column.source)
        if cached is None:
            cached = np.asarray(self._spec.sources[column.source](self._document), np.float64)
            self._cache[column.source] = cached
        return cached

    def row_spec(self, row: int) -> Row:
        return self._spec.rows[row]

    def column_spec(self, column: int) -> Column:
        return self._spec.columns[column]

    def value(self, row: int, column: int) -> float:
        """The cell's number as stored (a rate as 0.25); NaN where a total does not add up."""
        row_spec, column_spec = self._spec.rows[row], self._spec.columns[column]
        if row_spec.total_of is not None:
            return self._total(row, column, row_spec.total_of)
        values = self._array(column_spec)[resolve(column_spec.index, row_spec.key)]
        if not column_spec.spans_every:
            return float(values)
        return self._blend(row_spec, column_spec, np.ravel(values))

    def _blend(self, row: Row, column: Column, values: FloatArray) -> float:
        if values.size == 0:
            return float("nan")
        if np.all(values == values[0]) or column.weights is None:
            return float(values.mean())
        weights = np.ravel(getattr(self._inputs(), column.weights)[resolve(column.index, row.key)])
        if weights.sum() <= 0:
            return float(values.mean())
        return float(np.average(values, weights=weights))

    def source_values(self, row: int, column: int) -> FloatArray:
        """The values an EVERY cell spans (one per source), in input order."""
        row_spec, column_spec = self._spec.rows[row], self._spec.columns[column]
        return np.ravel(self._array(column_spec)[resolve(column_spec.index, row_spec.key)])

    def varies(self, row: int, column: int) -> bool:
        """A per-region cell over per-source values that differ (it shows their average)."""
        if not self._spec.columns[column].spans_every or self._spec.rows[row].is_total:
            return False
        values = self.source_values(row, column)
        return bool(values.size and np.any(values != values[0]))

    def _total(self, row: int, column: int, members: tuple[int, ...]) -> float:
        cached = self._totals.get((row, column))
        if cached is not None:
            return cached
        column_spec = self._spec.columns[column]
        if not column_spec.summable or not members:
            total = float("nan")
        elif column_spec.spans_every:
            total = float(sum(self.value(m, column) for m in members))
        else:
            keys = self._keys[np.asarray(members, dtype=np.int64)]
            total = float(self._array(column_spec)[gather(column_spec.index, keys)].sum())
        self._totals[(row, column)] = total
        return total

    def is_editable(self, row: int, column: int) -> bool:
        return (
            self._spec.columns[column].is_input
            and not self._spec.rows[row].is_total
            and not self._document.read_only
        )

    def cells(self, row: int, column: int) -> tuple[str, np.ndarray]:
        """The input field and the (N, ndim) positions an edit of this grid cell sets."""
        column_spec = self._spec.columns[column]
        assert column_spec.field is not None, "derived cells have no input cells"
        index = resolve(column_spec.index, self._spec.rows[row].key)
        shape = getattr(self._inputs(), column_spec.field).shape
        axes = [np.arange(shape[i]) if isinstance(p, slice) else [p] for i, p in enumerate(index)]
        grid = np.meshgrid(*axes, indexing="ij")
        return column_spec.field, np.stack([g.ravel() for g in grid], axis=1).astype(np.int64)

    # --- words for the user -------------------------------------------------------------

    def cell_name(self, row: int, column: int) -> str:
        """An input cell in the user's words: "Win rate (EMEA / Marketing)"."""
        column_spec, row_spec = self._spec.columns[column], self._spec.rows[row]
        if column_spec.spans_every:
            return f"{column_spec.rule.label} ({row_spec.title} / {column_spec.every_label})"
        field, cells = self.cells(row, column)
        return cell_label(self._document.plan, field, tuple(int(i) for i in cells[0]))

    def not_editable_reason(self, row: int, column: int) -> str:
        """Why a cell cannot be typed into, in the user's words (no full stop)."""
        if self._document.read_only:
            return "This plan is open read-only: nothing in it can be changed here"
        return f"{self.location(row, column)} is calculated, not typed in"

    def location(self, row: int, column: int) -> str:
        """Where a cell is on screen: "Row 'EMEA', column 'Win rate'"."""
        row_title, column_title = self._spec.rows[row].title, self._spec.columns[column].title
        return f"Row '{row_title}', column '{column_title}'"

    def parse(self, row: int, column: int, text: str) -> float:
        """The stored value ``text`` means in this cell; raises ``EntryError`` if not allowed."""
        return parse_entry(text, self._spec.columns[column].rule, self.currency)

    # --- edits --------------------------------------------------------------------------

    def push_edits(self, edits: Sequence[Edit], label: str, single: bool = False) -> bool:
        """Apply ``edits`` as one undo step: a ``SetValues`` if ``single``, else a ``Macro``."""
        by_field: dict[str, tuple[list[np.ndarray], list[np.ndarray]]] = {}
        for row, column, stored in edits:
            field, cells = self.cells(row, column)
            positions, values = by_field.setdefault(field, ([], []))
            positions.append(cells)
            values.append(np.full(len(cells), stored, dtype=np.float64))
        sid = self._document.current_scenario.id
        commands: list[Command] = [
            SetValues(label, sid, field, np.concatenate(cells), np.concatenate(values))
            for field, (cells, values) in by_field.items()
        ]
        if not commands:
            return False
        command = commands[0] if single and len(commands) == 1 else Macro(label, tuple(commands))
        try:
            self._undo.push(command)
        except PermissionError as exc:
            self.message.emit(f"Nothing changed: {exc}.")
            return False
        return True

    def setData(self, index: AnyIndex, value: Any, role: int = Role.EditRole) -> bool:
        if role != Role.EditRole or not index.isValid():
            return False
        row, column = index.row(), index.column()
        if not self.is_editable(row, column):
            self.message.emit(f"{self.not_editable_reason(row, column)}.")
            return False
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        text = plain_number(float(value)) if numeric else str(value)
        if numeric and self._spec.columns[column].rule.kind in RATE_KINDS:
            text += "%"  # a number given to EditRole is in user units: 25 means 25%
        try:
            stored = self.parse(row, column, text)
        except EntryError as exc:
            self.message.emit(f"{self.cell_name(row, column)}: {exc}. Nothing changed.")
            return False
        if stored == self.value(row, column) and not self.varies(row, column):
            return True
        name = self.cell_name(row, column)
        return self.push_edits([(row, column, stored)], f"Edit {name}", single=True)

    # --- Qt model API -------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._spec.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._spec.columns)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.is_editable(index.row(), index.column()):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: AnyIndex, role: int = Role.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        row_spec, column_spec = self._spec.rows[row], self._spec.columns[column]
        if role == Role.TextAlignmentRole:
            return _RIGHT
        if role == Role.BackgroundRole:
            if row_spec.is_total:
                return TOTAL_FILL
            return None if column_spec.is_input else READ_ONLY_FILL
        if role == Role.FontRole:
            return _font(bold=row_spec.is_total, italic=self.varies(row, column))
        if role == Role.ToolTipRole:
            return cell_tooltip(self, row, column)
        if role not in _VALUE_ROLES:
            return None
        value = self.value(row, column)
        fmt = self._spec.fmt(row_spec, column_spec)
        if role == Role.DisplayRole:
            if np.isnan(value) and row_spec.is_total:
                return ""
            if fmt is Fmt.WHOLE and column_spec.spans_every and self.varies(row, column):
                fmt = Fmt.NUMBER  # an average of whole months: 0.8, not 1
            return format_number(value, fmt, self.currency)
        if role == RAW_VALUE_ROLE:
            return value
        if role == COPY_TEXT_ROLE:
            return copy_text(value, fmt)
        if role == Role.ForegroundRole:
            if value < 0:
                return NEGATIVE_INK
            return VARIES_INK if self.varies(row, column) else None
        if not self.is_editable(row, column):
            return None
        kind = column_spec.rule.kind
        return to_user_units(value, kind) if role == Role.EditRole else edit_text(value, kind)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Role.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if not 0 <= section < (self.columnCount() if horizontal else self.rowCount()):
            return None
        if horizontal:
            column = self._spec.columns[section]
            if role == Role.DisplayRole:
                return column.header
            if role == Role.TextAlignmentRole:
                return _CENTER
            return column_tooltip(column) if role == Role.ToolTipRole else None
        row = self._spec.rows[section]
        if role == Role.DisplayRole:
            return row.label
        if role == Role.TextAlignmentRole:
            return _LEFT
        if role == Role.FontRole and row.is_total:
            return _font(bold=True)
        return row_tooltip(row) if role == Role.ToolTipRole else None


def _font(bold: bool = False, italic: bool = False) -> QFont | None:
    """Only weight and slant are set, so the view's own family and size still apply."""
    if not bold and not italic:
        return None
    font = QFont()
    font.setBold(bold)
    font.setItalic(italic)
    return font
