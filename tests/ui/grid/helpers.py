"""Find rows and columns the way a user does: by their names on screen."""

from __future__ import annotations

from gtm_planner.ui.grid import GridModel
from gtm_planner.ui.grid.model import RAW_VALUE_ROLE


def row_of(model: GridModel, title: str) -> int:
    """The row a user knows by its full name ("Paid digital · EMEA", "All regions")."""
    titles = [model.row_spec(r).title for r in range(model.rowCount())]
    assert title in titles, f"no row {title!r} in {titles[:12]}…"
    return titles.index(title)


def column_of(model: GridModel, title: str) -> int:
    """The column a user knows by its header on one line ("Win rate", "FY27 Q1")."""
    titles = [model.column_spec(c).title for c in range(model.columnCount())]
    assert title in titles, f"no column {title!r} in {titles}"
    return titles.index(title)


def shown(model: GridModel, row: int, column: int) -> str:
    """The text the cell shows."""
    return str(model.index(row, column).data())


def raw(model: GridModel, row: int, column: int) -> float:
    """The number behind the cell, unrounded."""
    value = model.index(row, column).data(RAW_VALUE_ROLE)
    assert isinstance(value, float)
    return value
