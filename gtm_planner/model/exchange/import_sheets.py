"""Read the input sheets of a returned workbook into arrays, collecting every problem on the way.

Cells are matched by the hidden keys (``workbook_layout``): the key row names each column, the
key column each row. Rows finance added without a key are matched by their visible names.
Nothing here changes a plan; the caller decides what to do with the values and the problems.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from gtm_planner.model.entities import Plan
from gtm_planner.model.exchange.workbook_layout import (
    BUDGET,
    INPUT_SHEETS,
    KEY_MARK,
    LINE_COLUMN,
    REGION_COLUMN,
    SCENARIO_COLUMN,
    TOTAL_LABEL,
    InputColumn,
    input_columns,
    is_total_key,
    parse_row_key,
)
from gtm_planner.model.exchange.xlsx_reader import XlsxReader
from gtm_planner.model.exchange.xlsx_types import Cell, CellKind, SheetRow
from gtm_planner.model.exchange.xlsx_writer import cell_ref, column_letter
from gtm_planner.model.validation import RULE_BY_FIELD

MAX_PROBLEMS = 500
KEY_ROW_SEARCH = 20  # the key row is looked for in the first rows only


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong in the workbook: where (sheet and cell) and why."""

    sheet: str
    cell: str  # "F12", "F12:I12", or "" for the whole sheet
    reason: str

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        return f"{where}: {self.reason}" if where else self.reason


@dataclass
class Problems:
    """Every problem, kept up to ``MAX_PROBLEMS`` and counted beyond."""

    items: list[ImportProblem] = field(default_factory=list)
    dropped: int = 0

    def add(self, sheet: str, cell: str, reason: str) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(ImportProblem(sheet, cell, reason))
        else:
            self.dropped += 1

    def __len__(self) -> int:
        return len(self.items) + self.dropped


@dataclass
class FieldCells:
    """The values one sheet gave for one input field, and where each came from."""

    sheet: str
    values: np.ndarray  # the field's shape; NaN where no cell was read
    rows: np.ndarray  # sheet row of each row index (shape = values.shape[:row_axes]); 0 = none
    columns: np.ndarray  # sheet column per position on the column axis ((1,) if none)
    row_axes: int

    def ref(self, index: tuple[int, ...]) -> str:
        row = int(self.rows[index[: self.row_axes]])
        position = index[self.row_axes] if len(index) > self.row_axes else 0
        return cell_ref(row, int(self.columns[position]))


@dataclass(frozen=True)
class Selection:
    """Which of the workbook's scenarios is read, and the others' ids and names (skipped)."""

    scenario_id: int
    name: str
    others: dict[int, str]


def _text(cell: Cell | None) -> str:
    if cell is None:
        return ""
    kind, value = cell
    if kind is CellKind.TEXT:
        return str(value)
    if kind is CellKind.NUMBER and float(value).is_integer():
        return str(int(float(value)))
    return str(value)


def find_key_row(rows: Iterable[SheetRow]) -> tuple[int, int, dict[int, str]] | None:
    """(key row, key column, column → key) of the first ``#key`` cell in the first rows."""
    for row in rows:
        if row.number > KEY_ROW_SEARCH:
            return None
        for column, cell in row.cells.items():
            if cell[0] is CellKind.TEXT and str(cell[1]).strip() == KEY_MARK:
                keys = {c: _text(v).strip() for c, v in row.cells.items()}
                return row.number, column, keys
    return None


def discover_scenarios(reader: XlsxReader) -> dict[int, str]:
    """The scenarios whose rows the workbook holds (id → name), from the first input sheet."""
    for sheet in INPUT_SHEETS:
        if sheet not in reader.sheet_parts:
            continue
        rows = reader.rows(sheet)
        found = find_key_row(rows)
        if found is None:
            continue
        _, key_column, keys = found
        name_column = next((c for c, k in keys.items() if k == SCENARIO_COLUMN), None)
        scenarios: dict[int, str] = {}
        for row in rows:
            parsed = parse_row_key(_text(row.cells.get(key_column)))
            if parsed is not None and parsed[0] not in scenarios:
                name = _text(row.cells.get(name_column)) if name_column else ""
                scenarios[parsed[0]] = name or f"scenario {parsed[0]}"
        return scenarios
    return {}


def _show(value: float, field_name: str) -> str:
    kind = RULE_BY_FIELD[field_name].kind.value
    if "rate" in kind:
        return f"{value * 100:,.4g}%"
    return f"{value:,.10g}"


class SheetImport:
    """Reads one input sheet for the selected scenario into :class:`FieldCells`."""

    def __init__(self, plan: Plan, sheet: str, selection: Selection, problems: Problems) -> None:
        self.plan = plan
        self.sheet = sheet
        self.selection = selection
        self.problems = problems
        self.specs = input_columns(plan, sheet)
        self.budget = sheet == BUDGET
        self.regions = {r.id: i for i, r in enumerate(plan.regions)}
        self.region_names = {r.name: i for i, r in enumerate(plan.regions)}
        self.lines = {line.id: i for i, line in enumerate(plan.budget_lines)}
        self.line_names = {line.name: i for i, line in enumerate(plan.budget_lines)}
        row_shape = (len(plan.budget_lines), len(plan.regions)) if self.budget else (
            len(plan.regions),
        )  # fmt: skip
        self.row_shape = row_shape
        self.first_row: dict[tuple[int, ...], int] = {}
        self.fields: dict[str, FieldCells] = {}
        for spec in self.specs:
            if spec.field in self.fields:
                continue
            shape = getattr(plan.scenarios[0].inputs, spec.field).shape if plan.scenarios else ()
            positions = [s for s in self.specs if s.field == spec.field]
            self.fields[spec.field] = FieldCells(
                sheet=sheet,
                values=np.full(shape, np.nan),
                rows=np.zeros(row_shape, dtype=np.int64),
                columns=np.zeros(max(len(positions), 1), dtype=np.int64),
                row_axes=len(row_shape),
            )

    def problem(self, row: int, column: int | None, reason: str) -> None:
        cell = cell_ref(row, column) if column else f"{row}:{row}"
        self.problems.add(self.sheet, cell, reason)

    def read(self, reader: XlsxReader) -> None:
        if self.sheet not in reader.sheet_parts:
            self.problems.add(self.sheet, "", "the sheet is missing; export the workbook again")
            return
        rows = reader.rows(self.sheet)
        found = find_key_row(rows)
        if found is None:
            self.problems.add(
                self.sheet, "", f"the hidden key row ('{KEY_MARK}' in row 3) is missing; "
                "export the workbook again and copy your changes into it"
            )  # fmt: skip
            return
        key_row, self.key_column, keys = found
        columns = self._map_columns(keys, key_row)
        self.labels = {k: c for c, k in keys.items() if k in (SCENARIO_COLUMN, REGION_COLUMN,
                                                              LINE_COLUMN)}  # fmt: skip
        for row in rows:
            if row.number > key_row + 1:  # the header row follows the key row
                self._read_row(row, columns)
        self._check_missing_rows()

    def _map_columns(self, keys: dict[int, str], key_row: int) -> list[tuple[int, InputColumn]]:
        by_key = {s.key: s for s in self.specs}
        seen: dict[str, int] = {}
        columns: list[tuple[int, InputColumn]] = []
        for column, key in sorted(keys.items()):
            spec = by_key.get(key)
            if spec is None:
                continue  # an extra or computed column: ignored
            if key in seen:
                self.problem(
                    key_row + 1, column, f"column '{spec.header}' appears twice (also in "
                    f"column {column_letter(seen[key])}); keep one"
                )  # fmt: skip
                continue
            seen[key] = column
            columns.append((column, spec))
            cells = self.fields[spec.field]
            cells.columns[spec.position or 0] = column
        for spec in self.specs:
            if spec.key not in seen:
                self.problems.add(
                    self.sheet, "", f"required column '{spec.header}' is missing; restore it "
                    "from the exported workbook"
                )  # fmt: skip
        return columns

    def _label(self, row: SheetRow, key: str) -> tuple[str, int | None]:
        column = self.labels.get(key)
        return (_text(row.cells.get(column)) if column else ""), column

    @staticmethod
    def _by_name(names: dict[str, int], name: str) -> int | None:
        """Exact name first; then ignoring spaces finance may have added around it."""
        found = names.get(name)
        if found is None:
            found = next((i for n, i in names.items() if n.strip() == name.strip()), None)
        return found

    def _row_index(self, row: SheetRow, has_inputs: bool) -> tuple[int, ...] | None:
        """The row's (line, region) or (region,) index, None to skip it (problems noted)."""
        key_text = _text(row.cells.get(self.key_column)).strip()
        scenario, scenario_column = self._label(row, SCENARIO_COLUMN)
        region, region_column = self._label(row, REGION_COLUMN)
        line, line_column = self._label(row, LINE_COLUMN)
        if is_total_key(key_text) or TOTAL_LABEL.lower() in (
            region.strip().lower(),
            line.strip().lower(),
        ):
            return None
        parsed = parse_row_key(key_text) if key_text else None
        if key_text and parsed is None:
            self.problem(row.number, self.key_column, f"'{key_text}' is not a row key GTM "
                         "Planner wrote; restore the hidden column A from the export")  # fmt: skip
            return None
        if parsed is not None:
            scenario_id, line_id, region_id = parsed
            if scenario_id != self.selection.scenario_id:
                return None
            r = self.regions.get(region_id)
            if r is None:
                self.problem(row.number, region_column, f"unknown region '{region}' (id "
                             f"{region_id}); it is not in this plan")  # fmt: skip
                return None
            if not self.budget:
                return (r,)
            li = self.lines.get(line_id or -1)
            if li is None:
                self.problem(row.number, line_column, f"unknown budget line '{line}' (id "
                             f"{line_id}); it is not in this plan")  # fmt: skip
                return None
            return (li, r)
        if not has_inputs or not (region.strip() or line.strip()):
            return None  # a note, a subtotal or a blank row finance added
        if scenario.strip() != self.selection.name.strip():
            if scenario.strip() in {n.strip() for n in self.selection.others.values()}:
                return None
            self.problem(row.number, scenario_column, f"unknown scenario '{scenario}'; this "
                         f"workbook's rows are for '{self.selection.name}'")  # fmt: skip
            return None
        r_index = self._by_name(self.region_names, region)
        if r_index is None:
            self.problem(row.number, region_column, f"unknown region '{region}'; add it in "
                         "the app first, then export again")  # fmt: skip
            return None
        if not self.budget:
            return (r_index,)
        l_index = self._by_name(self.line_names, line)
        if l_index is None:
            self.problem(row.number, line_column, f"unknown budget line '{line}'; add it in "
                         "the app first, then export again")  # fmt: skip
            return None
        return (l_index, r_index)

    def _read_row(self, row: SheetRow, columns: list[tuple[int, InputColumn]]) -> None:
        cells = row.cells
        has_inputs = any(column in cells for column, _ in columns)
        index = self._row_index(row, has_inputs)
        if index is None:
            return
        first = self.first_row.get(index)
        if first is not None:
            self.problem(row.number, self.key_column, f"duplicated key: this row repeats row "
                         f"{first}; keep one")  # fmt: skip
            return
        self.first_row[index] = row.number
        fields = self.fields
        for column, spec in columns:
            target = fields[spec.field]
            target.rows[index] = row.number
            cell = cells.get(column)
            position = () if spec.position is None else (spec.position,)
            if cell is not None and cell[0] is CellKind.NUMBER:
                value = float(cell[1])
                if not math.isfinite(value):
                    self.problem(row.number, column, f"{value} is not a number")
                    continue
                target.values[(*index, *position)] = value
            else:
                substitute = self._odd_cell(row.number, column, cell, spec)
                if substitute is not None:
                    target.values[(*index, *position)] = substitute

    def _odd_cell(
        self, row: int, column: int, cell: Cell | None, spec: InputColumn
    ) -> float | None:
        rule = RULE_BY_FIELD[spec.field]
        needs = f"{rule.label} needs {rule.allowed()}"
        kind, value = cell if cell is not None else (None, "")
        if kind is None or (kind is CellKind.TEXT and not str(value).strip()):
            if not rule.bad(np.array([0.0]))[0]:
                return 0.0  # a cleared cell means nothing, as in a spreadsheet's SUM
            self.problem(row, column, f"the cell is empty; {needs}")
        elif kind is CellKind.TEXT:
            self.problem(row, column, f"'{value}' is text, not a number; {needs}")
        elif kind is CellKind.UNCALCULATED:
            self.problem(row, column, "a formula without a saved result; open and save it "
                         "in Excel first")  # fmt: skip
        elif kind is CellKind.ERROR:
            self.problem(row, column, f"the formula gives the error {value}; {needs}")
        elif kind is CellKind.BOOL:
            self.problem(row, column, f"{'TRUE' if value else 'FALSE'} is not a number; {needs}")
        else:
            self.problem(row, column, f"a date is not a number; {needs}")
        return None

    def _check_missing_rows(self) -> None:
        plan = self.plan
        for index in np.ndindex(*self.row_shape):
            if index in self.first_row:
                continue
            if self.budget:
                what = f"{plan.budget_lines[index[0]].name} / {plan.regions[index[1]].name}"
            else:
                what = plan.regions[index[0]].name
            self.problems.add(self.sheet, "", f"no row for {what} (scenario "
                              f"'{self.selection.name}'); restore it from the export")  # fmt: skip

    def check_rules(self) -> None:
        """Every value against its field's rule (money ≥ 0, shares within 0–100%…)."""
        for name, cells in self.fields.items():
            rule = RULE_BY_FIELD[name]
            read = ~np.isnan(cells.values)
            bad = rule.bad(np.where(read, cells.values, 0.0)) & read
            for index in np.argwhere(bad)[:MAX_PROBLEMS]:
                idx = tuple(int(i) for i in index)
                value = float(cells.values[idx])
                reason = f"{_show(value, name)} is not {rule.allowed()} ({rule.label})"
                self.problems.add(self.sheet, cells.ref(idx), reason)
