"""A grid declared once: its rows, its columns and what each cell is. No Qt.

A cell is the crossing of a ``Row`` (a label and a key such as ``(region,)`` or
``(line, region)``) and a ``Column`` whose ``index`` says where the cell lives: in an input
array of the scenario (``field``; editable) or in a derived array the engine's result gives
(``source``; read-only). Index parts are constants, ``Key(n)`` (the row key's n-th number) or
``EVERY`` (all positions along that axis: a per-region cell over a per-source input).

Because an index is a pattern, not a per-cell object, a grid of 1,000 rows × 50 columns costs
nothing until a cell is painted, and a total row sums its members with one NumPy gather.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt

from gtm_planner.model.document import PlanDocument
from gtm_planner.model.validation import RULE_BY_FIELD, FieldRule
from gtm_planner.ui.grid.values import FMT_BY_KIND, Fmt

FloatArray = npt.NDArray[np.float64]
Source = Callable[[PlanDocument], FloatArray]  # a derived array of the current scenario


@dataclass(frozen=True)
class Key:
    """In a column's index: the row key's ``position``-th number."""

    position: int


class Every:
    """In a column's index: every position along this axis."""

    def __repr__(self) -> str:
        return "EVERY"


EVERY: Final = Every()
IndexPart = int | Key | Every
K0: Final = Key(0)
K1: Final = Key(1)


@dataclass(frozen=True)
class Column:
    """One column: an input (``field``) or a derived number (``source``), never both."""

    header: str  # may hold "\n" where it should wrap
    index: tuple[IndexPart, ...]
    field: str | None = None
    source: str | None = None
    fmt: Fmt | None = None  # derived columns; inputs take theirs from the field's Kind
    formula: str = ""  # derived: how the engine gets the number (the tooltip)
    summable: bool = True  # whether a total row adds this column up
    weights: str | None = None  # with EVERY: the input that weights the average shown
    every_label: str = "all sources"  # with EVERY: how the edit names the cells it sets

    def __post_init__(self) -> None:
        if (self.field is None) == (self.source is None):
            raise ValueError(f"column {self.header!r}: give exactly one of field and source")
        if self.field is not None and self.field not in RULE_BY_FIELD:
            raise ValueError(f"column {self.header!r}: unknown input {self.field!r}")

    @property
    def is_input(self) -> bool:
        return self.field is not None

    @property
    def rule(self) -> FieldRule:
        assert self.field is not None, "derived columns have no input rule"
        return RULE_BY_FIELD[self.field]

    @property
    def title(self) -> str:
        """The header on one line, for messages."""
        return " ".join(self.header.split())

    @property
    def spans_every(self) -> bool:
        return any(isinstance(part, Every) for part in self.index)


@dataclass(frozen=True)
class Row:
    """One row: data (``key``) or a total of other rows (``total_of``), read-only."""

    label: str
    key: tuple[int, ...] = ()
    total_of: tuple[int, ...] | None = None  # positions of the rows this row adds up
    fmt: Fmt | None = None  # for derived cells of stacked layouts (one metric per row)
    formula: str = ""
    name: str = ""  # the full name when the label relies on the rows above ("EMEA")

    @property
    def is_total(self) -> bool:
        return self.total_of is not None

    @property
    def title(self) -> str:
        """The row in messages and tooltips: "Paid digital · EMEA"."""
        return self.name or self.label.strip()


@dataclass(frozen=True)
class GridSpec:
    """A whole grid: rows, columns and the derived arrays its ``source`` columns read."""

    rows: tuple[Row, ...]
    columns: tuple[Column, ...]
    sources: Mapping[str, Source] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for column in self.columns:
            if column.source is not None and column.source not in self.sources:
                raise ValueError(f"column {column.header!r}: no source {column.source!r}")

    def fmt(self, row: Row, column: Column) -> Fmt:
        if column.field is not None:
            return FMT_BY_KIND[column.rule.kind]
        return row.fmt or column.fmt or Fmt.NUMBER

    def formula(self, row: Row, column: Column) -> str:
        return row.formula or column.formula


def resolve(index: tuple[IndexPart, ...], key: tuple[int, ...]) -> tuple[int | slice, ...]:
    """The NumPy index of one cell: constants stay, ``Key(n)`` → ``key[n]``, EVERY → ``:``."""
    return tuple(
        key[part.position]
        if isinstance(part, Key)
        else slice(None)
        if isinstance(part, Every)
        else part
        for part in index
    )


def gather(
    index: tuple[IndexPart, ...], keys: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], ...]:
    """The NumPy index of many cells at once (``keys`` is rows × key length)."""
    count = keys.shape[0]
    return tuple(
        keys[:, part.position] if isinstance(part, Key) else np.full(count, part, dtype=np.int64)
        for part in index
        if not isinstance(part, Every)
    )


def region_rows(document: PlanDocument, total: str | None = "All regions") -> tuple[Row, ...]:
    """One row per region keyed ``(r,)``, then (optionally) their total."""
    rows = [Row(region.name, (r,)) for r, region in enumerate(document.plan.regions)]
    if total is not None and rows:
        rows.append(Row(total, total_of=tuple(range(len(rows))), formula="Σ of the regions"))
    return tuple(rows)
