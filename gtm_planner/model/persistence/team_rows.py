"""The stored side of team mode: revision counters, rows changed since a revision, cells
written edit by edit, and putting stored values into a client's plan.

A cell is named by its row (``RowKey``: table, scenario id and the row's stable keys) and its
column; ``Changes`` are rows read back with their revision. Nothing here decides whether an
edit may be saved (``team``) or how a refusal is worded (``team_refusals``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from sqlalchemy import (
    Connection,
    Integer,
    Table,
    Text,
    and_,
    bindparam,
    cast,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from gtm_planner.model.document import PlanDocument
from gtm_planner.model.entities import ChangeLogEntry, Plan
from gtm_planner.model.persistence import codec, schema
from gtm_planner.model.persistence.bulk import fetch_numbers
from gtm_planner.model.persistence.writer import change_log_row

SPEC_BY_FIELD: dict[str, schema.InputTable] = {
    name: spec for spec in schema.INPUT_TABLES for name in spec.fields
}


COLUMN_BY_FIELD: dict[str, str] = {
    name: column
    for spec in schema.INPUT_TABLES
    for name, column in zip(spec.fields, spec.columns, strict=True)
}


# A cell as stored: (table, scenario id, *keys) -> its row; the column names the value.
RowKey = tuple[str, int, tuple[int, ...]]


@dataclass(frozen=True)
class Meta:
    instance: str
    revision: int
    structure_revision: int


# Changed rows by (table, scenario, keys): (revision, {column: value}).
Changes = dict[RowKey, tuple[int, dict[str, float]]]


Written = set[tuple[RowKey, str]]


def missing_privileges(c: Connection) -> str:
    """What the database user may not do to the plan's tables ("" when it may do all)."""
    checks = [
        (table.name, privilege)
        for table in schema.metadata.sorted_tables
        for privilege in ("INSERT", "UPDATE", "DELETE")
    ]
    columns = ", ".join(f"has_table_privilege(:t{i}, :p{i})" for i in range(len(checks)))
    parameters: dict[str, str] = {}
    for i, (table_name, privilege) in enumerate(checks):
        parameters[f"t{i}"] = table_name
        parameters[f"p{i}"] = privilege
    granted = c.execute(text(f"SELECT {columns}"), parameters).one()
    privileges: list[str] = []
    tables: set[str] = set()
    for (table_name, privilege), ok in zip(checks, granted, strict=True):
        if not ok:
            tables.add(table_name)
            if privilege.lower() not in privileges:
                privileges.append(privilege.lower())
    if not privileges:
        return ""
    verbs = " or ".join(privileges) if len(privileges) < 3 else "insert, update or delete"
    total = len(schema.metadata.tables)
    which = "the plan's tables" if len(tables) == total else f"{len(tables)} of its {total} tables"
    return f"{verbs} rows in {which}"


def read_meta(c: Connection) -> Meta:
    meta = schema.plan_meta
    rows = dict(c.execute(select(meta.c.key, meta.c.value)).all())
    return Meta(
        instance=str(rows.get("instance", "")),
        revision=int(rows.get("revision", "0")),
        structure_revision=int(rows.get("structure_revision", "0")),
    )


def set_meta(c: Connection, key: str, value: int) -> None:
    meta = schema.plan_meta
    c.execute(update(meta).where(meta.c.key == key).values(value=str(value)))


def bump_revision(c: Connection) -> int:
    """Take the plan's save lock (its revision row) and return the next revision."""
    meta = schema.plan_meta
    c.execute(
        update(meta)
        .where(meta.c.key == "revision")
        .values(value=cast(cast(meta.c.value, Integer) + 1, Text))
    )
    return int(c.execute(select(meta.c.value).where(meta.c.key == "revision")).scalar_one())


def read_changes(c: Connection, base: int) -> Changes:
    """Every input row and scenario scalar changed after revision ``base``."""
    changed: Changes = {}
    for spec in schema.INPUT_TABLES:
        t = spec.table
        key_columns = [t.c.scenario_id, *(t.c[k] for k in spec.keys)]
        statement = select(*key_columns, t.c.revision, *(t.c[n] for n in spec.columns)).where(
            t.c.revision > base
        )
        rows = fetch_numbers(c, statement)
        width = len(key_columns)
        for row in rows.tolist():
            keys = tuple(int(k) for k in row[1:width])
            values = dict(zip(spec.columns, row[width + 1 :], strict=True))
            changed[(t.name, int(row[0]), keys)] = (int(row[width]), values)
    s = schema.scenarios
    for scenario_id, revision, margin in c.execute(
        select(s.c.id, s.c.revision, s.c.gross_margin).where(s.c.revision > base)
    ):
        value = math.nan if margin is None else float(margin)
        changed[(s.name, int(scenario_id), ())] = (int(revision), {"gross_margin": value})
    return changed


def read_log(c: Connection, base: int) -> list[ChangeLogEntry]:
    t = schema.change_log
    rows = c.execute(select(t).where(t.c.revision > base).order_by(t.c.id)).all()
    return [
        ChangeLogEntry(
            r.id, codec.decode_time(r.at), r.user, r.scenario, r.what, r.old_value,
            r.new_value, r.db_user, r.revision,
        )
        for r in rows
    ]  # fmt: skip


def same_value(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


def row_key(spec: schema.InputTable, scenario_id: int, keys: Iterable[int]) -> RowKey:
    return (spec.table.name, scenario_id, tuple(int(k) for k in keys))


class Positions:
    """Where cells named by stable keys are in today's plan: one dictionary per axis."""

    def __init__(self, plan: Plan) -> None:
        self._plan = plan
        self._axes: dict[str, list[dict[int, int]]] = {}

    def __call__(self, field_name: str, keys: Iterable[int]) -> tuple[int, ...] | None:
        """The cell's position, or None when its region, source, line or month is gone."""
        axes = self._axes.get(field_name)
        if axes is None:
            axes = [
                {int(key): i for i, key in enumerate(ids)}
                for ids in self._plan.axis_ids(field_name)
            ]
            self._axes[field_name] = axes
        found = []
        for axis, key in zip(axes, keys, strict=True):
            position = axis.get(int(key))
            if position is None:
                return None
            found.append(position)
        return tuple(found)


def position_of(plan: Plan, field_name: str, keys: Iterable[int]) -> tuple[int, ...] | None:
    """Where the cell with these stable keys is in today's plan (None: it is gone)."""
    return Positions(plan)(field_name, keys)


CellsByField = dict[tuple[int, str], tuple[list[tuple[int, ...]], list[float]]]


def locate(
    plan: Plan, changed: Changes, skip: Written
) -> tuple[CellsByField, list[tuple[int, str, float]]]:
    """Stored values by (scenario, field) at today's positions, and scenario scalars.

    Rows of scenarios, regions, sources or lines the plan does not have are left out, and so
    are the (row, column) pairs in ``skip``.
    """
    scenario_ids = {s.id for s in plan.scenarios}
    by_field: CellsByField = {}
    scalars: list[tuple[int, str, float]] = []
    specs = {spec.table.name: spec for spec in schema.INPUT_TABLES}
    positions = Positions(plan)
    for row, (_, values) in changed.items():
        table_name, scenario_id, keys = row
        if scenario_id not in scenario_ids:
            continue
        if table_name == schema.scenarios.name:
            scalars.extend(
                (scenario_id, column, value)
                for column, value in values.items()
                if (row, column) not in skip
            )
            continue
        spec = specs[table_name]
        for name, column in zip(spec.fields, spec.columns, strict=True):
            if column not in values or (row, column) in skip:
                continue
            index = positions(name, keys)
            if index is None:
                continue
            cells, cell_values = by_field.setdefault((scenario_id, name), ([], []))
            cells.append(index)
            cell_values.append(values[column])
    return by_field, scalars


def apply_changes(document: PlanDocument, changed: Changes, skip: Written) -> int:
    """Put stored values into the document (not undoable, not logged, announced); return how
    many cells changed. ``skip`` names (row, column) pairs the client has just written."""
    by_field, scalars = locate(document.plan, changed, skip)
    count = 0
    for (scenario_id, name), (cells, values) in by_field.items():
        count += document.apply_stored_values(
            scenario_id, name, np.array(cells, dtype=np.int64), np.array(values)
        )
    for scenario_id, name, value in scalars:
        count += document.apply_stored_scalar(scenario_id, name, value)
    return count


def set_plan_values(plan: Plan, changed: Changes) -> None:
    by_field, scalars = locate(plan, changed, set())
    scenarios = {s.id: s for s in plan.scenarios}
    for (scenario_id, name), (cells, values) in by_field.items():
        array = getattr(scenarios[scenario_id].inputs, name)
        array[tuple(np.array(cells, dtype=np.int64).T)] = values
    for scenario_id, name, value in scalars:
        setattr(scenarios[scenario_id].inputs, name, value)


def merge_log(plan: Plan, entries: list[ChangeLogEntry]) -> list[ChangeLogEntry]:
    """Add others' change-log entries the plan does not hold yet; return them."""
    known = {e.id for e in plan.change_log}
    new = [e for e in entries if e.id not in known]
    if new:
        plan.change_log.extend(new)
        plan.change_log.sort(key=lambda e: e.id)
    return new


def append_log(
    c: Connection, entries: list[ChangeLogEntry], revision: int, db_user: str
) -> list[ChangeLogEntry]:
    """Store ``entries`` under fresh ids (clients number theirs independently)."""
    if not entries:
        return []
    t = schema.change_log
    first = int(c.execute(select(func.coalesce(func.max(t.c.id), 0))).scalar_one()) + 1
    stored = [
        replace(e, id=first + i, revision=revision, db_user=db_user) for i, e in enumerate(entries)
    ]
    c.execute(insert(t), [change_log_row(e) for e in stored])
    return stored


def storable(value: float) -> float | None:
    return None if math.isnan(value) else value


def write_cells(
    c: Connection, table: Table, column: str, rows: list[dict[str, Any]], revision: int
) -> None:
    """Set one column of the rows named by the ``k_*`` parameters, with their new revision.

    Sparse tables (only non-zero cells stored) get the row inserted when it is missing.
    """
    keys = [name[2:] for name in rows[0] if name.startswith("k_")]
    for row in rows:
        row["rev"] = revision
    if table.name in (schema.ae_hires.name, schema.budget_cells.name):
        dialect = postgresql if c.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(table).values(
            {**{k: bindparam(f"k_{k}") for k in keys}, column: bindparam("v"),
             "revision": bindparam("rev")}
        )  # fmt: skip
        c.execute(
            statement.on_conflict_do_update(
                index_elements=keys,
                set_={column: statement.excluded[column], "revision": statement.excluded.revision},
            ),
            rows,
        )
        return
    where = and_(*(table.c[k] == bindparam(f"k_{k}") for k in keys))
    c.execute(
        update(table).where(where).values({column: bindparam("v"), "revision": bindparam("rev")}),
        rows,
    )
