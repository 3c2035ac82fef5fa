"""The plan file's tables (SQLAlchemy Core), the same for SQLite files and PostgreSQL databases.

Dimensions keep their stable integer ids and a ``position`` for their order in the plan. A
scenario's inputs are stored normalised: one row per (scenario, region[, source | year | month])
and, for the budget, one row per non-zero cell. Which ``ScenarioInputs`` array lands in which
table is decided once here, by walking the dataclass fields.

Floats are ``Double`` columns and round-trip bit for bit, with two exceptions the databases
impose: NaN is stored as NULL (read back as NaN) and -0.0 comes back as 0.0.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields

from sqlalchemy import (
    Boolean,
    Column,
    Double,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

from gtm_planner.model.entities import ARRAY_FIELDS, ScenarioInputs

APPLICATION_NAME = "gtm-planner"

# ScenarioInputs arrays that are (R, S): one row per region and source in ``funnel``.
PER_SOURCE_FIELDS: tuple[str, ...] = (
    "source_mix",
    "asp",
    "win_rate",
    "sql_to_opp",
    "mql_to_sql",
    "inquiry_to_mql",
    "sales_cycle_months",
    "lead_lag_months",
)
# Arrays with a table of their own: annual_target (R, Y), seasonality (R, 12),
# ae_hires (R, T) and budget (L, R, T).
OWN_TABLE_FIELDS: tuple[str, ...] = ("annual_target", "seasonality", "ae_hires", "budget")
# Every other array is (R,): one column each in ``region_inputs``.
PER_REGION_FIELDS: tuple[str, ...] = tuple(
    name for name in ARRAY_FIELDS if name not in PER_SOURCE_FIELDS + OWN_TABLE_FIELDS
)
SCALAR_FIELDS: tuple[str, ...] = tuple(
    f.name for f in fields(ScenarioInputs) if f.name not in ARRAY_FIELDS
)
assert set(PER_SOURCE_FIELDS + OWN_TABLE_FIELDS) <= set(ARRAY_FIELDS), "stale field names"
assert SCALAR_FIELDS == ("gross_margin",), "a new scalar input needs a column in scenarios"

metadata = MetaData()


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True, autoincrement=False)


def _position() -> Column[int]:
    return Column("position", Integer, nullable=False)


def _ref(name: str, target: str) -> Column[int]:
    return Column(name, ForeignKey(target, ondelete="CASCADE"), primary_key=True)


def _revision() -> Column[int]:
    """The row version: the plan revision (``plan_meta``) of the row's last per-edit change.

    Team mode reads the rows changed since a client's revision to refresh it, and attributes
    a change through the change-log entries of the same revision. 0: written by a whole-plan
    or whole-scenario save, which bumps the structure revision instead.
    """
    return Column("revision", Integer, nullable=False, server_default="0")


plan_meta = Table(
    "plan_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

plan_settings = Table(
    "plan_settings",
    metadata,
    _id(),
    Column("name", Text, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("fiscal_year_start_month", Integer, nullable=False),
    Column("start_year", Integer, nullable=False),
    Column("start_month", Integer, nullable=False),
    Column("horizon_months", Integer, nullable=False),
)

regions = Table("regions", metadata, _id(), _position(), Column("name", Text, nullable=False))

sources = Table(
    "sources",
    metadata,
    _id(),
    _position(),
    Column("name", Text, nullable=False),
    Column("kind", String(32), nullable=False),
)

categories = Table(
    "categories",
    metadata,
    Column("key", String(64), primary_key=True),
    _position(),
    Column("name", Text, nullable=False),
    Column("function", String(16), nullable=False),
    Column("drives_inquiries", Boolean, nullable=False),
)

budget_lines = Table(
    "budget_lines",
    metadata,
    _id(),
    _position(),
    Column("name", Text, nullable=False),
    Column("category", ForeignKey("categories.key"), nullable=False),
    Column("function", String(16), nullable=False),
)

scenarios = Table(
    "scenarios",
    metadata,
    _id(),
    _position(),
    Column("name", Text, nullable=False, unique=True),
    Column("is_plan_of_record", Boolean, nullable=False),
    Column("description", Text, nullable=False),
    Column("gross_margin", Double),
    _revision(),
)

targets = Table(
    "targets",
    metadata,
    _ref("scenario_id", "scenarios.id"),
    _ref("region_id", "regions.id"),
    Column("fiscal_year", Integer, primary_key=True, autoincrement=False),
    Column("amount", Double),
    _revision(),
)

seasonality = Table(
    "seasonality",
    metadata,
    _ref("scenario_id", "scenarios.id"),
    _ref("region_id", "regions.id"),
    Column("fiscal_month", Integer, primary_key=True, autoincrement=False),
    Column("weight", Double),
    _revision(),
)

funnel = Table(
    "funnel",
    metadata,
    _ref("scenario_id", "scenarios.id"),
    _ref("region_id", "regions.id"),
    _ref("source_id", "sources.id"),
    *(Column(name, Double) for name in PER_SOURCE_FIELDS),
    _revision(),
)

region_inputs = Table(
    "region_inputs",
    metadata,
    _ref("scenario_id", "scenarios.id"),
    _ref("region_id", "regions.id"),
    *(Column(name, Double) for name in PER_REGION_FIELDS),
    _revision(),
)

# Sparse: only months with hires are stored.
ae_hires = Table(
    "ae_hires",
    metadata,
    _ref("scenario_id", "scenarios.id"),
    _ref("region_id", "regions.id"),
    Column("month", Integer, primary_key=True, autoincrement=False),
    Column("hires", Double),
    _revision(),
)

# Sparse: only non-zero cells are stored. The largest table by far (360k rows in a large plan).
budget_cells = Table(
    "budget_cells",
    metadata,
    _ref("scenario_id", "scenarios.id"),
    _ref("line_id", "budget_lines.id"),
    _ref("region_id", "regions.id"),
    Column("month", Integer, primary_key=True, autoincrement=False),
    Column("amount", Double),
    _revision(),
    sqlite_with_rowid=False,
)

goals = Table(
    "goals",
    metadata,
    _id(),
    _position(),
    Column("name", Text, nullable=False),
    Column("metric", Text, nullable=False),
    Column("owner", String(16), nullable=False),
    Column("fiscal_year", Integer, nullable=False),
    Column("value", Double),
)

sla_lines = Table(
    "sla_lines",
    metadata,
    _id(),
    _position(),
    Column("name", Text, nullable=False),
    Column("commitment", Text, nullable=False),
    Column("owner", String(16), nullable=False),
    Column("value", Double),
    Column("unit", Text, nullable=False),
)

definitions = Table(
    "definitions",
    metadata,
    _id(),
    _position(),
    Column("term", Text, nullable=False),
    Column("definition", Text, nullable=False),
    Column("owner", String(16), nullable=False),
)

# Immutable: written once, never rewritten. Inputs are a compressed NumPy archive (dtype and
# shape included); outputs are JSON.
snapshots = Table(
    "snapshots",
    metadata,
    _id(),
    _position(),
    Column("name", Text, nullable=False),
    Column("scenario_name", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("inputs", LargeBinary, nullable=False),
    Column("outputs", Text, nullable=False),
)

# Append-only. ``user`` is the OS user; ``db_user`` the database role in team mode ("" in a
# file); ``revision`` the plan revision the change was saved under (0 in a file).
change_log = Table(
    "change_log",
    metadata,
    _id(),
    Column("at", String(40), nullable=False),
    Column("user", Text, nullable=False),
    Column("db_user", Text, nullable=False, server_default=""),
    Column("revision", Integer, nullable=False, server_default="0"),
    Column("scenario", Text, nullable=False),
    Column("what", Text, nullable=False),
    Column("old_value", Text, nullable=False),
    Column("new_value", Text, nullable=False),
)


@dataclass(frozen=True)
class InputTable:
    """How ``ScenarioInputs`` arrays map onto one per-scenario table.

    The table's key is ``scenario_id`` followed by ``keys``, one per array axis in order;
    each field in ``fields`` is stored in the value column of the same position in
    ``columns``. A ``sparse`` table stores only the non-zero cells.
    """

    table: Table
    keys: tuple[str, ...]
    fields: tuple[str, ...]
    columns: tuple[str, ...]
    sparse: bool
    what: str  # in messages: "scenario «Base» has no {what} for region «EMEA»"


INPUT_TABLES: tuple[InputTable, ...] = (
    InputTable(
        targets, ("region_id", "fiscal_year"), ("annual_target",), ("amount",), False,
        "bookings target",
    ),
    InputTable(
        seasonality, ("region_id", "fiscal_month"), ("seasonality",), ("weight",), False,
        "seasonality",
    ),
    InputTable(
        funnel, ("region_id", "source_id"), PER_SOURCE_FIELDS, PER_SOURCE_FIELDS, False,
        "funnel assumptions",
    ),
    InputTable(
        region_inputs, ("region_id",), PER_REGION_FIELDS, PER_REGION_FIELDS, False,
        "region assumptions",
    ),
    InputTable(ae_hires, ("region_id", "month"), ("ae_hires",), ("hires",), True, "AE hires"),
    InputTable(
        budget_cells, ("line_id", "region_id", "month"), ("budget",), ("amount",), True, "budget"
    ),
)  # fmt: skip
assert sorted(f for t in INPUT_TABLES for f in t.fields) == sorted(ARRAY_FIELDS)


def schema_fingerprint() -> str:
    """A short hash of every table, column, type, key and nullability.

    A test pins it per schema version, so a change to the tables (for example a new field in
    ``ScenarioInputs``) cannot ship without a new schema version and a migration step.
    """
    parts: list[str] = []
    for table in sorted(metadata.tables.values(), key=lambda t: t.name):
        for column in table.columns:
            refs = ",".join(sorted(fk.target_fullname for fk in column.foreign_keys))
            parts.append(
                f"{table.name}.{column.name}:{column.type!r}:{column.primary_key}:"
                f"{column.nullable}:{column.unique}:{refs}"
            )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def input_shapes(
    regions: int, sources: int, lines: int, months: int, years: int
) -> dict[str, tuple[int, ...]]:
    """The shape every ``ScenarioInputs`` array must have in a plan of these dimensions."""
    shapes: dict[str, tuple[int, ...]] = {name: (regions,) for name in PER_REGION_FIELDS}
    shapes.update({name: (regions, sources) for name in PER_SOURCE_FIELDS})
    shapes.update(
        annual_target=(regions, years),
        seasonality=(regions, 12),
        ae_hires=(regions, months),
        budget=(lines, regions, months),
    )
    return shapes
