"""What a cell, a column or a row says on hover: what is allowed, or how it is calculated."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gtm_planner.ui.grid.spec import Column, Row
from gtm_planner.ui.grid.values import TYPING_HINT, format_number

if TYPE_CHECKING:
    from gtm_planner.ui.grid.model import GridModel

TOTAL_FORMULA = "a total of the rows it groups"


def column_tooltip(column: Column) -> str:
    if column.is_input:
        rule = column.rule
        return f"{column.title}: {rule.allowed()} ({TYPING_HINT[rule.kind]})"
    return f"{column.title} (calculated) = {column.formula}"


def row_tooltip(row: Row) -> str | None:
    if row.is_total:
        return f"{row.title} = {row.formula or TOTAL_FORMULA}"
    return row.title if row.name else None


def cell_tooltip(model: GridModel, row: int, column: int) -> str:
    """Input cells: their name and what may be typed; calculated cells: their formula."""
    row_spec, column_spec = model.row_spec(row), model.column_spec(column)
    if row_spec.is_total:
        if not column_spec.summable:
            return f"{row_spec.title}: not added up ({column_spec.title} is not a total)"
        return f"{row_spec.title} · {column_spec.title} = {row_spec.formula or TOTAL_FORMULA}"
    if not column_spec.is_input:
        formula = model.spec.formula(row_spec, column_spec)
        tip = f"{row_spec.title} · {column_spec.title} (calculated)"
        return f"{tip}\n= {formula}" if formula else tip
    rule = column_spec.rule
    tip = f"{model.cell_name(row, column)}\nAllowed: {rule.allowed()} ({TYPING_HINT[rule.kind]})"
    if model.varies(row, column):
        tip += _varies_note(model, row, column)
    return tip


def _varies_note(model: GridModel, row: int, column: int) -> str:
    """The per-source values behind a per-region average, and what typing there does."""
    column_spec = model.column_spec(column)
    sources = model.document.plan.sources if column_spec.every_label == "all sources" else []
    fmt = model.spec.fmt(model.row_spec(row), column_spec)
    parts = [
        f"{sources[i].name if i < len(sources) else i + 1} "
        f"{format_number(float(v), fmt, model.currency)}"
        for i, v in enumerate(model.source_values(row, column))
    ]
    return (
        f"\nSources differ: {', '.join(parts)}; shown is their mix-weighted average."
        f"\nTyping a value sets it for {column_spec.every_label}."
    )
