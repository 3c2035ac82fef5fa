"""Schema versions and the steps that bring an older plan file up to the current one.

A step is registered under the version it upgrades *from* and receives the connection of the
one transaction that runs every step and stamps the new version; if any step fails, the file
is left exactly as it was. Steps spell out the tables as they were at their version (they must
not use :mod:`schema`, which always describes the newest version).

Before an SQLite file is upgraded it is copied to ``NAME.gtmplan.bak-v{old}`` next to it.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import (
    Connection,
    Double,
    Integer,
    LargeBinary,
    Text,
    column,
    insert,
    select,
    table,
    update,
)
from sqlalchemy.schema import Column, CreateColumn

from gtm_planner.model.persistence.errors import PlanFileError, PlanFileProblem

SCHEMA_VERSION = 2

# The schema.schema_fingerprint() of each version; a test keeps the newest one honest. A change
# to the tables needs a new version, an entry here and a step in MIGRATIONS.
SCHEMA_FINGERPRINTS: dict[int, str] = {1: "4365f02ec91853ce", 2: "8d023123f4f9129e"}

MigrationStep = Callable[[Connection], None]


def _v0_add_hours_to_first_touch(connection: Connection) -> None:
    """v0 → v1: region inputs gain ``hours_to_first_touch`` (SLA driver), 24 h where unknown."""
    added = Column("hours_to_first_touch", Double)
    ddl = CreateColumn(added).compile(dialect=connection.dialect)
    connection.exec_driver_sql(f"ALTER TABLE region_inputs ADD COLUMN {ddl}")
    region_inputs = table("region_inputs", column("hours_to_first_touch", Double))
    connection.execute(update(region_inputs).values(hours_to_first_touch=24.0))

    snapshots = table("snapshots", column("id"), column("inputs", LargeBinary))
    for snapshot_id, blob in connection.execute(select(snapshots.c.id, snapshots.c.inputs)).all():
        with np.load(io.BytesIO(blob), allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        if "hours_to_first_touch" in arrays:
            continue
        arrays["hours_to_first_touch"] = np.full(arrays["cost_per_inquiry"].shape, 24.0)
        buffer = io.BytesIO()
        np.savez_compressed(buffer, allow_pickle=False, **arrays)
        connection.execute(
            update(snapshots).where(snapshots.c.id == snapshot_id).values(inputs=buffer.getvalue())
        )


# The tables that carry a row version from schema 2 on.
_VERSIONED_V2 = (
    "scenarios",
    "targets",
    "seasonality",
    "funnel",
    "region_inputs",
    "ae_hires",
    "budget_cells",
)


def _v1_add_row_versions(connection: Connection) -> None:
    """v1 → v2 (team mode): row versions, the database user in the change log and the plan's
    revision counters in ``plan_meta``."""

    def add(table_name: str, added: Column[Any]) -> None:
        ddl = CreateColumn(added).compile(dialect=connection.dialect)
        connection.exec_driver_sql(f"ALTER TABLE {table_name} ADD COLUMN {ddl}")

    for name in _VERSIONED_V2:
        add(name, Column("revision", Integer, nullable=False, server_default="0"))
    add("change_log", Column("db_user", Text, nullable=False, server_default=""))
    add("change_log", Column("revision", Integer, nullable=False, server_default="0"))
    plan_meta = table("plan_meta", column("key"), column("value"))
    stored = set(connection.execute(select(plan_meta.c.key)).scalars())
    wanted = {"revision": "0", "structure_revision": "0", "instance": uuid.uuid4().hex}
    rows = [{"key": k, "value": v} for k, v in wanted.items() if k not in stored]
    if rows:
        connection.execute(insert(plan_meta), rows)


MIGRATIONS: dict[int, MigrationStep] = {
    0: _v0_add_hours_to_first_touch,
    1: _v1_add_row_versions,
}


def upgrade(
    connection: Connection,
    from_version: int,
    location: str,
    stamp: Callable[[Connection, int], None],
) -> None:
    """Run every step from ``from_version`` to :data:`SCHEMA_VERSION`, then ``stamp`` it."""
    for version in range(from_version, SCHEMA_VERSION):
        step = MIGRATIONS.get(version)
        if step is None:
            raise PlanFileError(
                f"{location} uses schema {from_version}, which this version of GTM Planner "
                f"cannot upgrade (no step from schema {version}).",
                PlanFileProblem.MIGRATION_FAILED,
            )
        step(connection)
    stamp(connection, SCHEMA_VERSION)


def backup_path(path: Path, version: int) -> Path:
    """Where the pre-upgrade copy goes: a name no existing file has."""
    candidate = path.with_name(f"{path.name}.bak-v{version}")
    counter = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.bak-v{version}-{counter}")
        counter += 1
    return candidate


def make_backup(path: Path, version: int) -> Path:
    """Copy ``path`` next to itself (complete or not at all) and return the copy's path."""
    target = backup_path(path, version)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        shutil.copyfile(path, temporary)
        with open(temporary, "rb+") as copy:
            os.fsync(copy.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
