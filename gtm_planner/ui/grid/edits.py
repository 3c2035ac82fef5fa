"""Multi-cell edits planned before anything changes: paste a range, fill, clear.

Each function reads the grid through its ``GridModel`` and returns the edits to make and the
problems found. The caller pushes the edits as one undo step only when there is no problem:
a paste with one bad cell changes nothing, and says which cells are bad and why.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field

from gtm_planner.ui.grid.model import Edit, GridModel
from gtm_planner.ui.grid.values import EntryError, accepts, format_number

MAX_PROBLEMS_SHOWN = 3


@dataclass(frozen=True)
class Rect:
    """A block of cells, inclusive: rows ``top..bottom``, columns ``left..right``."""

    top: int
    left: int
    bottom: int
    right: int

    @property
    def rows(self) -> int:
        return self.bottom - self.top + 1

    @property
    def columns(self) -> int:
        return self.right - self.left + 1


@dataclass
class EditPlan:
    """What a multi-cell edit would set, and why it cannot (nothing is set if any problem)."""

    edits: list[Edit] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def summary(self, action: str) -> str:
        """ "Paste refused, nothing changed: <first problems> (and N more)."."""
        shown = "; ".join(self.problems[:MAX_PROBLEMS_SHOWN])
        more = len(self.problems) - MAX_PROBLEMS_SHOWN
        tail = f" (and {more} more)" if more > 0 else ""
        return f"{action} refused, nothing changed: {shown}{tail}."


def parse_tsv(text: str) -> list[list[str]]:
    """Cells of a tab-separated range as Excel and LibreOffice put it on the clipboard.

    The trailing line break is dropped; short rows are padded with empty cells.
    """
    rows = list(csv.reader(io.StringIO(text), delimiter="\t", quotechar='"'))
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


def plan_paste(model: GridModel, top: int, left: int, cells: list[list[str]]) -> EditPlan:
    """Every pasted cell parsed and checked against its target before anything changes."""
    plan = EditPlan()
    height, width = len(cells), max((len(r) for r in cells), default=0)
    if not height or not width:
        plan.problems.append("the clipboard holds no cells")
        return plan
    room_rows, room_columns = model.rowCount() - top, model.columnCount() - left
    if height > room_rows or width > room_columns:
        plan.problems.append(
            f"the range is {height} rows × {width} columns, but from "
            f"{model.location(top, left)} only {room_rows} × {room_columns} fit"
        )
        return plan
    for i, line in enumerate(cells):
        for j, text in enumerate(line):
            row, column = top + i, left + j
            if not model.is_editable(row, column):
                reason = model.not_editable_reason(row, column)
                if reason not in plan.problems:  # a read-only plan: said once, not per cell
                    plan.problems.append(reason)
                continue
            try:
                plan.edits.append((row, column, model.parse(row, column, text)))
            except EntryError as exc:
                plan.problems.append(f"{model.location(row, column)}: {exc}")
    return plan


def plan_fill(model: GridModel, rect: Rect, down: bool) -> EditPlan:
    """Excel's Fill down / Fill right over one selected block.

    The block's first row (column) is copied into the rest of it; a block one row (column)
    deep copies the row above (column to the left) into it. Calculated cells are skipped.
    """
    plan = EditPlan()
    if down:
        source_row = rect.top - 1 if rect.rows == 1 else rect.top
        if source_row < 0:
            plan.problems.append("there is no row above to fill down from")
            return plan
        pairs = [
            ((source_row, c), (r, c))
            for c in range(rect.left, rect.right + 1)
            for r in range(source_row + 1, rect.bottom + 1)
        ]
    else:
        source_column = rect.left - 1 if rect.columns == 1 else rect.left
        if source_column < 0:
            plan.problems.append("there is no column to the left to fill right from")
            return plan
        pairs = [
            ((r, source_column), (r, c))
            for r in range(rect.top, rect.bottom + 1)
            for c in range(source_column + 1, rect.right + 1)
        ]
    for (source_row, source_column), (row, column) in pairs:
        if not model.is_editable(row, column):
            continue
        value = model.value(source_row, source_column)
        rule = model.column_spec(column).rule
        if not math.isfinite(value) or not accepts(rule, value):
            source_fmt = model.spec.fmt(
                model.row_spec(source_row), model.column_spec(source_column)
            )
            shown = format_number(value, source_fmt, model.currency)
            plan.problems.append(f"{model.location(row, column)}: {shown} is not {rule.allowed()}")
            continue
        plan.edits.append((row, column, value))
    return plan


def plan_clear(model: GridModel, cells: list[tuple[int, int]]) -> EditPlan:
    """Set the selected input cells to 0 where 0 is allowed; the others are named."""
    plan = EditPlan()
    for row, column in cells:
        if not model.is_editable(row, column):
            continue
        rule = model.column_spec(column).rule
        if accepts(rule, 0.0):
            plan.edits.append((row, column, 0.0))
        else:
            plan.problems.append(
                f"{model.location(row, column)} cannot be 0 (it takes {rule.allowed()})"
            )
    return plan
