"""Older plan files are backed up and upgraded; newer ones are refused and left untouched.

Schema 0 is the schema 1 of today without ``region_inputs.hours_to_first_touch`` (and without
it in snapshot inputs); ``migrations.MIGRATIONS[0]`` is the real step that adds it.
"""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Connection

from gtm_planner.model.entities import Plan
from gtm_planner.model.persistence import (
    SCHEMA_VERSION,
    PlanFileError,
    PlanFileProblem,
    PlanRepository,
    check_plan_file,
    load_plan,
    migrations,
    save_plan_as,
)
from tests.model.persistence.plan_factory import plan_differences, random_plan

_V2_COLUMNS = [(name, "revision") for name in migrations._VERSIONED_V2] + [
    ("change_log", "db_user"),
    ("change_log", "revision"),
]


def _as_schema_1(raw: sqlite3.Connection) -> None:
    """Undo, by hand, what schema 2 added: row versions and the team-mode plan_meta keys."""
    for table_name, column_name in _V2_COLUMNS:
        raw.execute(f"ALTER TABLE {table_name} DROP COLUMN {column_name}")
    raw.execute(
        "DELETE FROM plan_meta WHERE key IN ('revision', 'structure_revision', 'instance')"
    )
    raw.execute("UPDATE plan_meta SET value = '1' WHERE key = 'schema_version'")
    raw.execute("PRAGMA user_version = 1")


def _write_schema_1_file(path: Path, plan: Plan) -> bytes:
    save_plan_as(path, plan)
    with sqlite3.connect(path, isolation_level=None) as raw:
        _as_schema_1(raw)
        raw.execute("VACUUM")
    raw.close()
    return path.read_bytes()


def _write_schema_0_file(path: Path, plan: Plan) -> bytes:
    save_plan_as(path, plan)
    with sqlite3.connect(path, isolation_level=None) as raw:
        _as_schema_1(raw)
        raw.execute("ALTER TABLE region_inputs DROP COLUMN hours_to_first_touch")
        for snapshot_id, blob in raw.execute("SELECT id, inputs FROM snapshots").fetchall():
            with np.load(io.BytesIO(blob)) as archive:
                arrays = {k: archive[k] for k in archive.files if k != "hours_to_first_touch"}
            buffer = io.BytesIO()
            np.savez_compressed(buffer, **arrays)
            raw.execute(
                "UPDATE snapshots SET inputs = ? WHERE id = ?", (buffer.getvalue(), snapshot_id)
            )
        raw.execute("UPDATE plan_meta SET value = '0' WHERE key = 'schema_version'")
        raw.execute("PRAGMA user_version = 0")
        raw.execute("VACUUM")
    raw.close()
    return path.read_bytes()


def _user_version(path: Path) -> int:
    with sqlite3.connect(path) as raw:
        version = int(raw.execute("PRAGMA user_version").fetchone()[0])
    raw.close()
    return version


def test_a_schema_1_file_gains_row_versions_and_revision_counters(tmp_path: Path) -> None:
    plan = random_plan(43, snapshots=1)
    path = tmp_path / "v1.gtmplan"
    _write_schema_1_file(path, plan)
    with PlanRepository.open(path) as repository:
        assert repository.upgraded_from == 1
        upgraded = repository.load()
    assert plan_differences(plan, upgraded) == []
    with sqlite3.connect(path) as raw:
        for table_name, column_name in _V2_COLUMNS:
            values = raw.execute(f"SELECT DISTINCT {column_name} FROM {table_name}").fetchall()
            assert values in ([], [(0,)], [("",)]), (table_name, column_name, values)
        meta = dict(raw.execute("SELECT key, value FROM plan_meta").fetchall())
    raw.close()
    assert meta["revision"] == meta["structure_revision"] == "0"
    assert len(meta["instance"]) == 32
    assert meta["schema_version"] == str(SCHEMA_VERSION)


def test_a_schema_0_file_is_backed_up_then_upgraded_with_the_new_column_defaulted(
    tmp_path: Path,
) -> None:
    plan = random_plan(41, snapshots=2)
    path = tmp_path / "old.gtmplan"
    old_bytes = _write_schema_0_file(path, plan)
    assert check_plan_file(path) == []  # checked as an upgraded copy …
    assert path.read_bytes() == old_bytes  # … so checking alone changes nothing
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.gtmplan"]

    with PlanRepository.open(path) as repository:
        assert repository.upgraded_from == 0
        assert repository.backup_path == tmp_path / "old.gtmplan.bak-v0"
        upgraded = repository.load()
    assert (tmp_path / "old.gtmplan.bak-v0").read_bytes() == old_bytes
    assert _user_version(path) == SCHEMA_VERSION

    expected = plan.copy()
    for inputs in [s.inputs for s in expected.scenarios] + [s.inputs for s in expected.snapshots]:
        inputs.hours_to_first_touch = np.full(len(plan.regions), 24.0)
    assert plan_differences(expected, upgraded) == []

    with PlanRepository.open(path) as again:  # upgraded once: no second backup
        assert again.upgraded_from is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.gtmplan", "old.gtmplan.bak-v0"]


def test_an_existing_backup_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "old.gtmplan"
    _write_schema_0_file(path, random_plan(42))
    (tmp_path / "old.gtmplan.bak-v0").write_bytes(b"an earlier backup")
    with PlanRepository.open(path) as repository:
        assert repository.backup_path == tmp_path / "old.gtmplan.bak-v0-2"
    assert (tmp_path / "old.gtmplan.bak-v0").read_bytes() == b"an earlier backup"


def test_a_failing_upgrade_step_leaves_the_file_exactly_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.gtmplan"
    old_bytes = _write_schema_0_file(path, random_plan(43))
    real_step = migrations.MIGRATIONS[0]

    def step_that_fails_half_way(connection: Connection) -> None:
        real_step(connection)  # ALTER TABLE and UPDATE run, inside the transaction …
        raise RuntimeError("step exploded")  # … and must be rolled back

    monkeypatch.setitem(migrations.MIGRATIONS, 0, step_that_fails_half_way)
    with pytest.raises(PlanFileError) as raised:
        PlanRepository.open(path)
    message = str(raised.value)
    assert raised.value.problem is PlanFileProblem.MIGRATION_FAILED
    assert "could not be upgraded from schema 0" in message and "step exploded" in message
    assert "left unchanged" in message and "old.gtmplan.bak-v0" in message
    assert path.read_bytes() == old_bytes


def test_a_schema_without_an_upgrade_path_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.gtmplan"
    old_bytes = _write_schema_0_file(path, random_plan(44))
    monkeypatch.delitem(migrations.MIGRATIONS, 0)
    with pytest.raises(PlanFileError) as raised:
        PlanRepository.open(path)
    assert "cannot upgrade" in str(raised.value)
    assert path.read_bytes() == old_bytes


def test_a_file_from_a_newer_gtm_planner_is_refused_and_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "future.gtmplan"
    save_plan_as(path, random_plan(45))
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA user_version = 7")
    raw.close()
    before = path.read_bytes()
    with pytest.raises(PlanFileError) as raised:
        load_plan(path)
    assert str(raised.value).startswith(
        "«future.gtmplan» was written by a newer GTM Planner (schema 7; this version reads up "
        f"to {SCHEMA_VERSION})."
    )
    assert raised.value.problem is PlanFileProblem.NEWER_SCHEMA
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["future.gtmplan"]


def test_no_upgrade_happens_when_the_backup_copy_cannot_be_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.gtmplan"
    old_bytes = _write_schema_0_file(path, random_plan(46))

    def read_only_folder(_path: Path, _version: int) -> Path:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(migrations, "make_backup", read_only_folder)
    with pytest.raises(PlanFileError) as raised:
        PlanRepository.open(path)
    assert "no backup copy could be made next to it (Permission denied)" in str(raised.value)
    assert path.read_bytes() == old_bytes


def test_a_schema_1_database_is_upgraded_like_a_file(pg_url: str) -> None:
    from sqlalchemy import create_engine, text

    plan = random_plan(44, snapshots=1)
    save_plan_as(pg_url, plan)
    engine = create_engine(pg_url)
    with engine.begin() as c:  # back to schema 1, by hand
        for table_name, column_name in _V2_COLUMNS:
            c.execute(text(f"ALTER TABLE {table_name} DROP COLUMN {column_name}"))
        c.execute(
            text(
                "DELETE FROM plan_meta WHERE key IN ('revision', 'structure_revision', 'instance')"
            )
        )
        c.execute(text("UPDATE plan_meta SET value = '1' WHERE key = 'schema_version'"))
    with PlanRepository.open(pg_url) as repository:
        assert repository.upgraded_from == 1 and repository.backup_path is None
        assert plan_differences(plan, repository.load()) == []
    with engine.connect() as c:
        meta: dict[str, str] = dict(c.execute(text("SELECT key, value FROM plan_meta")).all())
        columns = c.execute(
            text("SELECT count(*) FROM information_schema.columns WHERE column_name = 'revision'")
        ).scalar_one()
    engine.dispose()
    assert meta["schema_version"] == str(SCHEMA_VERSION) and meta["revision"] == "0"
    assert columns == len(migrations._VERSIONED_V2) + 1  # and the change log's
