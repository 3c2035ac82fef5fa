"""Reading a plan out of the tables, checking that what is there makes a whole plan.

Each input table is fetched with one query and scattered into NumPy arrays, never row by row
in Python. Normally the database itself turns each row's keys into one cell number (joining
the dimension tables for their ``position``), because fetching one number per row instead of
four costs half the time on the 360k budget cells of a large plan. When the counts do not add
up, or positions have gaps, the keyed path fetches the ids and maps them with
``np.searchsorted``; it also finds and names whatever does not fit (a scenario without funnel
rows, a cell for a region that does not exist). An unknown enum value is refused by name too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import StrEnum
from typing import Any, TypeVar

import numpy as np
from sqlalchemy import BigInteger, ColumnElement, Connection, FromClause, Table, cast, func, select

from gtm_planner.model.entities import (
    BudgetLine,
    Category,
    ChangeLogEntry,
    Definition,
    FloatArray,
    Function,
    Owner,
    Plan,
    PlanSettings,
    Region,
    Scenario,
    ScenarioInputs,
    SharedGoal,
    SlaLine,
    Snapshot,
    Source,
    SourceKind,
)
from gtm_planner.model.persistence import codec, schema
from gtm_planner.model.persistence.bulk import fetch_numbers
from gtm_planner.model.persistence.errors import PlanFileError, PlanFileProblem

IntArray = np.ndarray[Any, np.dtype[np.int64]]
_E = TypeVar("_E", bound=StrEnum)


class _Axis:
    """Maps stored keys (ids, years, months) to positions along one array axis.

    For the fast path the database computes the position itself: from the ``position`` column
    of a dimension table (when those are exactly 0 … n-1) or by subtracting the first key of a
    contiguous range (months, fiscal years).
    """

    def __init__(
        self,
        what: str,
        keys: Sequence[int],
        labels: Sequence[str],
        table: Table | None = None,
        stored_positions: Sequence[int] = (),
    ) -> None:
        self.what = what
        self.labels = labels
        keys_array = np.asarray(keys, dtype=np.int64)
        self._order = np.argsort(keys_array, kind="stable")
        self._sorted = keys_array[self._order]
        self.table = table
        self.first = int(keys_array[0]) if len(keys_array) else 0
        if table is not None:
            self.sql_ready = list(stored_positions) == list(range(len(keys_array)))
        else:
            self.sql_ready = np.array_equal(keys_array, self.first + np.arange(len(keys_array)))

    def __len__(self) -> int:
        return len(self.labels)

    def positions(self, stored: IntArray) -> IntArray:
        """The position of each stored key; -1 where the plan has no such key."""
        if not len(self._sorted):
            return np.full(len(stored), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self._sorted, stored), len(self._sorted) - 1)
        found = self._sorted[at] == stored
        return np.where(found, self._order[at], -1).astype(np.int64)

    def describe(self, index: int) -> str:
        return f"{self.what} {self.labels[index]}"


class _Reader:
    def __init__(self, connection: Connection, location: str) -> None:
        self.connection = connection
        self.location = location

    def damaged(self, detail: str) -> PlanFileError:
        return PlanFileError(
            f"{self.location} is damaged or was changed outside GTM Planner: {detail}.",
            PlanFileProblem.DAMAGED,
        )

    def rows(self, table: Table, *order: str) -> list[Any]:
        statement = select(table).order_by(*(table.c[name] for name in order))
        return list(self.connection.execute(statement).all())

    def enum(self, kind: type[_E], value: str, where: str) -> _E:
        try:
            return kind(value)
        except ValueError:
            raise self.damaged(f"{where} has an unknown value «{value}»") from None

    def scatter(
        self,
        table: Table,
        key_columns: Sequence[str],
        value_columns: Sequence[str],
        axes: Sequence[_Axis],
        what: str,
        *,
        dense: bool,
    ) -> FloatArray:
        """A (axis lengths…, values) array from one table; ``dense`` tables need every cell."""
        fast = self._packed(table, key_columns, value_columns, axes, dense=dense)
        if fast is not None:
            return fast
        statement = select(*(table.c[n] for n in (*key_columns, *value_columns)))
        numbers = fetch_numbers(self.connection, statement)
        keys, values = (
            numbers[:, : len(key_columns)].astype(np.int64),
            numbers[:, len(key_columns) :],
        )
        index = []
        for axis, column, stored in zip(axes, key_columns, keys.T, strict=True):
            at = axis.positions(stored)
            if (at < 0).any():
                unknown = int(stored[int(np.argmax(at < 0))])
                raise self.damaged(
                    f"{table.name}.{column} refers to an unknown {axis.what} {unknown}"
                )
            index.append(at)
        shape = tuple(len(axis) for axis in axes)
        out = np.zeros((*shape, len(value_columns)))
        out[tuple(index)] = values
        if dense:
            seen = np.zeros(shape, dtype=bool)
            seen[tuple(index)] = True
            if not seen.all():
                missing = np.argwhere(~seen)[0]
                first, *rest = (
                    axis.describe(int(i)) for axis, i in zip(axes, missing, strict=True)
                )
                raise self.damaged(f"{first} has no {what} for {', '.join(rest)}")
        return out

    def _packed(
        self,
        table: Table,
        key_columns: Sequence[str],
        value_columns: Sequence[str],
        axes: Sequence[_Axis],
        *,
        dense: bool,
    ) -> FloatArray | None:
        """The fast path: None unless every row landed in a cell (and, if dense, every cell)."""
        if not all(axis.sql_ready for axis in axes):
            return None
        source: FromClause = table
        cell: ColumnElement[int] | None = None
        in_range: list[ColumnElement[bool]] = []
        for axis, name in zip(axes, key_columns, strict=True):
            column = table.c[name]
            if axis.table is not None:
                dimension = axis.table.alias()
                source = source.join(dimension, dimension.c.id == column)
                part: ColumnElement[int] = dimension.c.position
            else:
                part = column - axis.first
                in_range.append(column.between(axis.first, axis.first + len(axis) - 1))
            cell = cast(part, BigInteger) if cell is None else cell * len(axis) + part
        assert cell is not None
        statement = select(cell, *(table.c[n] for n in value_columns)).select_from(source)
        numbers = fetch_numbers(self.connection, statement.where(*in_range))
        stored = self.connection.execute(select(func.count()).select_from(table)).scalar_one()
        shape = tuple(len(axis) for axis in axes)
        size = math.prod(shape)
        if len(numbers) != stored or (dense and stored != size):
            return None
        out = np.zeros((size, len(value_columns)))
        out[numbers[:, 0].astype(np.int64)] = numbers[:, 1:]
        return out.reshape(*shape, len(value_columns))


def read_plan(connection: Connection, location: str) -> Plan:
    """The plan the tables hold; call inside one transaction for a consistent picture."""
    reader = _Reader(connection, location)
    settings_rows = reader.rows(schema.plan_settings, "id")
    if len(settings_rows) != 1:
        raise reader.damaged("the plan settings are missing")
    row = settings_rows[0]
    settings = PlanSettings(
        name=row.name,
        currency=row.currency,
        fiscal_year_start_month=row.fiscal_year_start_month,
        start_year=row.start_year,
        start_month=row.start_month,
        horizon_months=row.horizon_months,
    )
    try:
        calendar = settings.calendar()
    except ValueError as err:
        raise reader.damaged(f"the plan settings are invalid ({err})") from err
    region_rows = reader.rows(schema.regions, "position", "id")
    regions = [Region(r.id, r.name) for r in region_rows]
    source_rows = reader.rows(schema.sources, "position", "id")
    sources = [
        Source(r.id, r.name, reader.enum(SourceKind, r.kind, f"source «{r.name}»"))
        for r in source_rows
    ]
    categories = [
        Category(
            r.key,
            r.name,
            reader.enum(Function, r.function, f"category «{r.name}»"),
            bool(r.drives_inquiries),
        )
        for r in reader.rows(schema.categories, "position", "key")
    ]
    line_rows = reader.rows(schema.budget_lines, "position", "id")
    lines = [
        BudgetLine(
            r.id, r.name, r.category, reader.enum(Function, r.function, f"budget line «{r.name}»")
        )
        for r in line_rows
    ]
    scenario_rows = reader.rows(schema.scenarios, "position", "id")

    def dimension(what: str, table: Table, rows: list[Any], label: str) -> _Axis:
        return _Axis(
            what,
            [r.id for r in rows],
            [f"«{getattr(r, label)}»" for r in rows],
            table,
            [r.position for r in rows],
        )

    axes = {
        "scenario_id": dimension("scenario", schema.scenarios, scenario_rows, "name"),
        "region_id": dimension("region", schema.regions, region_rows, "name"),
        "source_id": dimension("source", schema.sources, source_rows, "name"),
        "line_id": dimension("budget line", schema.budget_lines, line_rows, "name"),
        "fiscal_year": _Axis(
            "fiscal year", calendar.fiscal_years, [f"FY{y}" for y in calendar.fiscal_years]
        ),
        "fiscal_month": _Axis("fiscal month", range(12), [str(m + 1) for m in range(12)]),
        "month": _Axis("month", range(calendar.horizon_months), calendar.month_labels),
    }

    per_table = [
        reader.scatter(
            spec.table,
            ("scenario_id", *spec.keys),
            spec.columns,
            [axes[key] for key in ("scenario_id", *spec.keys)],
            spec.what,
            dense=not spec.sparse,
        )
        for spec in schema.INPUT_TABLES
    ]
    scenarios: list[Scenario] = []
    for k, r in enumerate(scenario_rows):
        arrays = {
            name: values[k, ..., i].copy()
            for spec, values in zip(schema.INPUT_TABLES, per_table, strict=True)
            for i, name in enumerate(spec.fields)
        }
        inputs = ScenarioInputs(**arrays, gross_margin=codec.to_float(r.gross_margin))
        scenarios.append(Scenario(r.id, r.name, inputs, bool(r.is_plan_of_record), r.description))

    return Plan(
        settings=settings,
        regions=regions,
        sources=sources,
        categories=categories,
        budget_lines=lines,
        scenarios=scenarios,
        goals=[
            SharedGoal(
                g.id,
                g.name,
                g.metric,
                reader.enum(Owner, g.owner, f"goal «{g.name}»"),
                g.fiscal_year,
                codec.to_float(g.value),
            )
            for g in reader.rows(schema.goals, "position", "id")
        ],
        sla=[
            SlaLine(
                s.id,
                s.name,
                s.commitment,
                reader.enum(Owner, s.owner, f"SLA line «{s.name}»"),
                codec.to_float(s.value),
                s.unit,
            )
            for s in reader.rows(schema.sla_lines, "position", "id")
        ],
        definitions=[
            Definition(d.id, d.term, d.definition, reader.enum(Owner, d.owner, f"term «{d.term}»"))
            for d in reader.rows(schema.definitions, "position", "id")
        ],
        snapshots=[_snapshot(reader, s) for s in reader.rows(schema.snapshots, "position", "id")],
        change_log=[_change(reader, e) for e in reader.rows(schema.change_log, "id")],
    )


def _snapshot(reader: _Reader, row: Any) -> Snapshot:
    try:
        return Snapshot(
            row.id,
            row.name,
            row.scenario_name,
            codec.decode_time(row.created_at),
            codec.decode_inputs(row.inputs),
            codec.decode_outputs(row.outputs),
        )
    except ValueError as err:
        raise reader.damaged(f"snapshot «{row.name}»: {err}") from err


def _change(reader: _Reader, row: Any) -> ChangeLogEntry:
    try:
        at = codec.decode_time(row.at)
    except ValueError as err:
        raise reader.damaged(f"change-log entry {row.id} has an unreadable time") from err
    return ChangeLogEntry(
        row.id,
        at,
        row.user,
        row.scenario,
        row.what,
        row.old_value,
        row.new_value,
        row.db_user,
        row.revision,
    )
