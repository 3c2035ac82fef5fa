"""Writing a plan into the tables, inside a transaction the caller owns.

Small tables are synchronised by key (update, insert, delete) so rows other tables refer to are
never dropped and re-created; a scenario's inputs are rewritten only for the scenarios asked for.
Snapshots are written once, the change log is only appended to.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import Connection, Table, bindparam, delete, insert, select, update

from gtm_planner.model.entities import ChangeLogEntry, Plan, Scenario
from gtm_planner.model.pending import plan_dimensions
from gtm_planner.model.persistence import codec, schema
from gtm_planner.model.persistence.bulk import Columns, bulk_insert
from gtm_planner.model.persistence.errors import PlanFileError, PlanFileProblem

Row = dict[str, Any]


def validate_for_save(plan: Plan, location: str) -> None:
    """Refuse a plan the file could not hold or could not be read back from."""

    def refuse(reason: str) -> PlanFileError:
        return PlanFileError(
            f"{location} was not saved: {reason}. Nothing was written.",
            PlanFileProblem.INVALID_PLAN,
        )

    try:
        calendar = plan.calendar()
    except ValueError as err:
        raise refuse(f"the plan settings are invalid ({err})") from err
    identified: tuple[tuple[str, list[int]], ...] = (
        ("regions", [r.id for r in plan.regions]),
        ("sources", [s.id for s in plan.sources]),
        ("budget lines", [line.id for line in plan.budget_lines]),
        ("scenarios", [s.id for s in plan.scenarios]),
        ("shared goals", [g.id for g in plan.goals]),
        ("SLA lines", [s.id for s in plan.sla]),
        ("definitions", [d.id for d in plan.definitions]),
        ("snapshots", [s.id for s in plan.snapshots]),
        ("change-log entries", [e.id for e in plan.change_log]),
    )
    for what, ids in identified:
        if len(set(ids)) != len(ids):
            raise refuse(f"two {what} have the same identifier")
        if any(not 0 < i < 2**31 for i in ids):
            raise refuse(f"an identifier of its {what} is outside 1 … 2³¹−1")
    for what, names in (
        ("scenarios", [s.name for s in plan.scenarios]),
        ("categories", [c.key for c in plan.categories]),
    ):
        if len(set(names)) != len(names):
            twice = next(n for n in names if names.count(n) > 1)
            raise refuse(f"two {what} are both called «{twice}»")
    category_keys = {c.key for c in plan.categories}
    for line in plan.budget_lines:
        if line.category not in category_keys:
            raise refuse(f"budget line «{line.name}» has an unknown category «{line.category}»")
    shapes = schema.input_shapes(
        len(plan.regions),
        len(plan.sources),
        len(plan.budget_lines),
        calendar.horizon_months,
        len(calendar.fiscal_years),
    )
    for scenario in plan.scenarios:
        for name, shape in shapes.items():
            actual = np.shape(getattr(scenario.inputs, name))
            if actual != shape:
                raise refuse(
                    f"scenario «{scenario.name}»: {name} has shape {actual}, expected {shape}"
                )


def write_plan(connection: Connection, plan: Plan, rewrite: set[int] | None) -> None:
    """Make the tables hold ``plan``.

    ``rewrite`` names the scenarios whose inputs changed since the tables last matched the
    plan (None: all of them). Scenarios new to the tables are always written, and every
    scenario is when the stored regions, sources, budget lines or calendar differ from the
    plan's (their arrays changed shape or meaning, whatever ``rewrite`` says).
    """
    if rewrite is not None and _stored_dimensions(connection) != plan_dimensions(plan):
        rewrite = None
    connection.execute(delete(schema.plan_settings))
    settings = plan.settings
    connection.execute(
        insert(schema.plan_settings),
        {
            "id": 1,
            "name": settings.name,
            "currency": settings.currency,
            "fiscal_year_start_month": settings.fiscal_year_start_month,
            "start_year": settings.start_year,
            "start_month": settings.start_month,
            "horizon_months": settings.horizon_months,
        },
    )
    _write_dimensions(connection, plan)
    stored = _sync(connection, schema.scenarios, "id", _scenario_rows(plan.scenarios))
    wanted = {s.id for s in plan.scenarios}
    to_write = wanted if rewrite is None else (set(rewrite) & wanted) | (wanted - stored)
    _write_inputs(connection, plan, [s for s in plan.scenarios if s.id in to_write])
    for table, rows in (
        (schema.goals, _goal_rows(plan)),
        (schema.sla_lines, _sla_rows(plan)),
        (schema.definitions, _definition_rows(plan)),
    ):
        connection.execute(delete(table))
        _insert(connection, table, rows)
    _write_snapshots(connection, plan)
    _append_change_log(connection, plan)


def _stored_dimensions(connection: Connection) -> tuple[Any, ...]:
    def ids(table: Table) -> list[int]:
        statement = select(table.c.id).order_by(table.c.position, table.c.id)
        return list(connection.execute(statement).scalars())

    settings = schema.plan_settings.c
    calendar = select(
        settings.start_year, settings.start_month, settings.horizon_months,
        settings.fiscal_year_start_month,
    )  # fmt: skip
    rows = [tuple(row) for row in connection.execute(calendar).all()]
    return (
        ids(schema.regions),
        ids(schema.sources),
        ids(schema.budget_lines),
        rows[0] if len(rows) == 1 else rows,  # as ``plan_dimensions`` has it
    )


def _write_dimensions(connection: Connection, plan: Plan) -> None:
    _sync(
        connection,
        schema.regions,
        "id",
        [{"id": r.id, "position": i, "name": r.name} for i, r in enumerate(plan.regions)],
    )
    _sync(
        connection,
        schema.sources,
        "id",
        [
            {"id": s.id, "position": i, "name": s.name, "kind": s.kind.value}
            for i, s in enumerate(plan.sources)
        ],
    )
    category_rows = [
        {
            "key": c.key,
            "position": i,
            "name": c.name,
            "function": c.function.value,
            "drives_inquiries": c.drives_inquiries,
        }
        for i, c in enumerate(plan.categories)
    ]
    # Categories a line may still point to are removed only once the lines are up to date.
    _sync(connection, schema.categories, "key", category_rows, remove_missing=False)
    _sync(
        connection,
        schema.budget_lines,
        "id",
        [
            {
                "id": line.id,
                "position": i,
                "name": line.name,
                "category": line.category,
                "function": line.function.value,
            }
            for i, line in enumerate(plan.budget_lines)
        ],
    )
    _sync(connection, schema.categories, "key", category_rows)


def _scenario_rows(scenarios: Sequence[Scenario]) -> list[Row]:
    return [
        {
            "id": s.id,
            "position": i,
            "name": s.name,
            "is_plan_of_record": s.is_plan_of_record,
            "description": s.description,
            "gross_margin": codec.from_float(s.inputs.gross_margin),
        }
        for i, s in enumerate(scenarios)
    ]


def _sync(
    connection: Connection,
    table: Table,
    key: str,
    rows: list[Row],
    *,
    remove_missing: bool = True,
) -> set[Any]:
    """Update rows whose key exists, insert the others, delete keys no longer wanted.

    Returns the keys that were stored before. Updating in place (rather than delete and
    insert) keeps the rows of other tables that refer to these ones.
    """
    key_column = table.c[key]
    stored = set(connection.execute(select(key_column)).scalars())
    wanted = {row[key] for row in rows}
    if remove_missing and stored - wanted:
        connection.execute(delete(table).where(key_column.in_(stored - wanted)))
    updates = [row for row in rows if row[key] in stored]
    if updates:
        by_key = update(table).where(key_column == bindparam("stored_key"))
        if table is schema.scenarios:
            # Names are unique: park every remaining one under a name of its own first, so
            # that two scenarios can swap names in one save.
            connection.execute(
                by_key.values(name=bindparam("parked_name")),
                [{"stored_key": r[key], "parked_name": f"parked {r[key]}"} for r in updates],
            )
        connection.execute(
            by_key,
            [{"stored_key": r[key]} | {k: v for k, v in r.items() if k != key} for r in updates],
        )
    _insert(connection, table, [row for row in rows if row[key] not in stored])
    return stored


def _insert(connection: Connection, table: Table, rows: list[Row]) -> None:
    if rows:
        connection.execute(insert(table), rows)


def _write_inputs(connection: Connection, plan: Plan, scenarios: list[Scenario]) -> None:
    """Replace the input rows of ``scenarios``, one multi-row insert per table."""
    if not scenarios:
        return
    ids = [s.id for s in scenarios]
    for spec in schema.INPUT_TABLES:
        connection.execute(delete(spec.table).where(spec.table.c.scenario_id.in_(ids)))
    calendar = plan.calendar()
    keys: dict[str, np.ndarray[Any, Any]] = {
        "region_id": np.array([r.id for r in plan.regions], dtype=np.int64),
        "source_id": np.array([s.id for s in plan.sources], dtype=np.int64),
        "line_id": np.array([line.id for line in plan.budget_lines], dtype=np.int64),
        "fiscal_year": np.array(calendar.fiscal_years, dtype=np.int64),
        "fiscal_month": np.arange(12, dtype=np.int64),
        "month": np.arange(calendar.horizon_months, dtype=np.int64),
    }
    for spec in schema.INPUT_TABLES:
        columns: Columns = {name: [] for name in ("scenario_id", *spec.keys, *spec.columns)}
        for scenario in scenarios:
            arrays = [np.asarray(getattr(scenario.inputs, f), np.float64) for f in spec.fields]
            if spec.sparse:
                cell = np.nonzero(arrays[0] != 0)  # NaN != 0, so a NaN cell is kept
            else:
                cell = tuple(np.indices(arrays[0].shape).reshape(arrays[0].ndim, -1))
            columns["scenario_id"] += [scenario.id] * len(cell[0])
            for key, index in zip(spec.keys, cell, strict=True):
                columns[key] += keys[key][index].tolist()
            for column, array in zip(spec.columns, arrays, strict=True):
                columns[column] += _storable(array[cell])
        bulk_insert(connection, spec.table, columns)


def _storable(values: np.ndarray[Any, Any]) -> list[float | None]:
    """Python floats for the driver, with NaN as NULL."""
    listed: list[float | None] = values.tolist()
    if np.isnan(values).any():
        listed = [None if v is not None and math.isnan(v) else v for v in listed]
    return listed


def _write_snapshots(connection: Connection, plan: Plan) -> None:
    table = schema.snapshots
    stored = set(connection.execute(select(table.c.id)).scalars())
    wanted = {s.id for s in plan.snapshots}
    if stored - wanted:
        connection.execute(delete(table).where(table.c.id.in_(stored - wanted)))
    moved = [
        {"stored_key": s.id, "position": i} for i, s in enumerate(plan.snapshots) if s.id in stored
    ]
    if moved:
        connection.execute(update(table).where(table.c.id == bindparam("stored_key")), moved)
    _insert(
        connection,
        table,
        [
            {
                "id": s.id,
                "position": i,
                "name": s.name,
                "scenario_name": s.scenario_name,
                "created_at": codec.encode_time(s.created_at),
                "inputs": codec.encode_inputs(s.inputs),
                "outputs": codec.encode_outputs(s.outputs),
            }
            for i, s in enumerate(plan.snapshots)
            if s.id not in stored
        ],
    )


def change_log_row(entry: ChangeLogEntry) -> Row:
    """One change-log entry as its ``change_log`` row."""
    return {
        "id": entry.id,
        "at": codec.encode_time(entry.at),
        "user": entry.user,
        "db_user": entry.db_user,
        "revision": entry.revision,
        "scenario": entry.scenario,
        "what": entry.what,
        "old_value": entry.old_value,
        "new_value": entry.new_value,
    }


def _append_change_log(connection: Connection, plan: Plan) -> None:
    table = schema.change_log
    stored = set(connection.execute(select(table.c.id)).scalars())
    _insert(connection, table, [change_log_row(e) for e in plan.change_log if e.id not in stored])


def _goal_rows(plan: Plan) -> list[Row]:
    return [
        {
            "id": g.id,
            "position": i,
            "name": g.name,
            "metric": g.metric,
            "owner": g.owner.value,
            "fiscal_year": g.fiscal_year,
            "value": codec.from_float(g.value),
        }
        for i, g in enumerate(plan.goals)
    ]


def _sla_rows(plan: Plan) -> list[Row]:
    return [
        {
            "id": s.id,
            "position": i,
            "name": s.name,
            "commitment": s.commitment,
            "owner": s.owner.value,
            "value": codec.from_float(s.value),
            "unit": s.unit,
        }
        for i, s in enumerate(plan.sla)
    ]


def _definition_rows(plan: Plan) -> list[Row]:
    return [
        {
            "id": d.id,
            "position": i,
            "term": d.term,
            "definition": d.definition,
            "owner": d.owner.value,
        }
        for i, d in enumerate(plan.definitions)
    ]
