"""Files that are not (whole) plans are refused with a clear message and left untouched."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from gtm_planner.model.persistence import (
    PlanFileError,
    PlanFileProblem,
    PlanRepository,
    check_plan_file,
    load_plan,
    save_plan_as,
)
from tests.model.persistence.plan_factory import plan_differences, random_plan


def _refusal(path: Path) -> PlanFileError:
    """Open ``path``; it must be refused without a byte of it (or its folder) changing."""
    before = path.read_bytes() if path.is_file() else None
    neighbours = sorted(p.name for p in path.parent.iterdir())
    with pytest.raises(PlanFileError) as raised:
        load_plan(path)
    if before is not None:
        assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == neighbours
    assert check_plan_file(path) == [str(raised.value)]
    return raised.value


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "q3.gtmplan"
    save_plan_as(path, random_plan(31, scenarios=2, regions=6, horizon=36))
    return path


def test_a_sound_plan_file_passes_the_check(plan_file: Path) -> None:
    assert check_plan_file(plan_file) == []


@pytest.mark.parametrize("keep", ["10", "50", "99", "100", "4096", "4196", "half", "-4096", "-1"])
def test_a_truncated_plan_file_is_refused_as_truncated(plan_file: Path, keep: str) -> None:
    data = plan_file.read_bytes()
    size = len(data)
    cut = {"half": size // 2, "-4096": size - 4096, "-1": size - 1}.get(keep) or int(keep)
    assert 0 < cut < size
    plan_file.write_bytes(data[:cut])
    error = _refusal(plan_file)
    assert error.problem is PlanFileProblem.TRUNCATED
    assert str(error).startswith("«q3.gtmplan» is truncated")
    assert "complete copy" in str(error)


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.gtmplan"
    path.write_bytes(b"")
    error = _refusal(path)
    assert "«empty.gtmplan» is empty (0 bytes)" in str(error)


@pytest.mark.parametrize(
    "content",
    [
        os.urandom(64 * 1024),
        b"Region,Month,Budget\nEMEA,Jan 2026,1000\n",
        b"SQLite format 2\x00" + bytes(200),
    ],
    ids=["random-bytes", "csv-text", "almost-sqlite"],
)
def test_a_file_that_is_not_an_sqlite_database_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.gtmplan"
    path.write_bytes(content)
    error = _refusal(path)
    assert str(error) == "«x.gtmplan» is not a GTM Planner plan (it is not an SQLite database)."
    assert error.problem is PlanFileProblem.NOT_A_PLAN


def test_an_sqlite_database_of_another_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE notes (body TEXT)")
        raw.execute("INSERT INTO notes VALUES ('hello')")
    raw.close()
    error = _refusal(path)
    assert "«other.db» is not a GTM Planner plan" in str(error)
    assert "SQLite database of another program" in str(error)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PlanFileError) as raised:
        PlanRepository.open(tmp_path / "gone.gtmplan")
    assert "«gone.gtmplan»: no such file" in str(raised.value)
    assert raised.value.problem is PlanFileProblem.MISSING
    assert not (tmp_path / "gone.gtmplan").exists()  # opening never creates a file


def test_a_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "folder.gtmplan"
    folder.mkdir()
    error = _refusal(folder)
    assert "«folder.gtmplan» is a folder" in str(error)


def test_a_file_with_a_damaged_page_is_refused_as_damaged(plan_file: Path) -> None:
    data = bytearray(plan_file.read_bytes())
    page = 4096
    middle = (len(data) // page // 2) * page
    data[middle : middle + page] = bytes(range(256)) * (page // 256)
    plan_file.write_bytes(bytes(data))
    error = _refusal(plan_file)
    assert error.problem is PlanFileProblem.DAMAGED
    assert str(error).startswith("«q3.gtmplan» is damaged")


def test_a_file_whose_body_is_garbage_behind_a_valid_header_is_refused(plan_file: Path) -> None:
    data = plan_file.read_bytes()
    plan_file.write_bytes(data[:100] + os.urandom(len(data) - 100))
    error = _refusal(plan_file)
    assert error.problem is PlanFileProblem.DAMAGED
    assert "damaged" in str(error)


def test_a_plan_with_an_interrupted_save_is_rolled_back_not_refused(
    plan_file: Path, tmp_path: Path
) -> None:
    # A hot journal (a save killed half way) is recovery, not damage: the old plan opens.
    original = load_plan(plan_file)
    copy = tmp_path / "copy.gtmplan"
    copy.write_bytes(plan_file.read_bytes())
    with sqlite3.connect(copy, isolation_level=None) as raw:
        raw.execute("PRAGMA journal_mode = DELETE")
        raw.execute("PRAGMA cache_size = 1")  # spill changed pages into the file mid-way
        raw.execute("BEGIN")
        raw.execute("UPDATE budget_cells SET amount = -1")
        raw.execute("DELETE FROM funnel")
        journal = copy.with_name(copy.name + "-journal").read_bytes()  # hot journal content
        db_mid_save = copy.read_bytes()
        raw.execute("ROLLBACK")
    raw.close()
    assert db_mid_save != copy.read_bytes()
    # Recreate the state a SIGKILL leaves: the database half written, the journal in place.
    copy.write_bytes(db_mid_save)
    copy.with_name(copy.name + "-journal").write_bytes(journal)
    assert plan_differences(original, load_plan(copy)) == []
    assert not copy.with_name(copy.name + "-journal").exists()


def test_damage_that_reading_the_plan_would_not_notice_is_caught_by_the_integrity_check(
    plan_file: Path,
) -> None:
    # The unique index on scenario names is never read when a plan is loaded; only SQLite's
    # own check on open sees that its page is garbage.
    with sqlite3.connect(plan_file) as raw:
        page = raw.execute(
            "SELECT rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = 'scenarios'"
        ).fetchone()[0]
        page_size = raw.execute("PRAGMA page_size").fetchone()[0]
    raw.close()
    data = bytearray(plan_file.read_bytes())
    start = (page - 1) * page_size
    data[start : start + page_size] = b"\xa5" * page_size
    plan_file.write_bytes(bytes(data))
    error = _refusal(plan_file)
    assert error.problem is PlanFileProblem.DAMAGED
    assert str(error).startswith("«q3.gtmplan» is damaged (integrity check failed: ")
