"""A saved plan reads back exactly: every field of every part, in order, bit for bit."""

from __future__ import annotations

import datetime as dt
import math
import sqlite3
from pathlib import Path

import pytest

from gtm_planner.model.entities import Region, Scenario, Snapshot
from gtm_planner.model.persistence import (
    PlanFileError,
    PlanFileProblem,
    PlanRepository,
    create_plan_file,
    load_plan,
    save_plan_as,
)
from gtm_planner.model.persistence.migrations import SCHEMA_FINGERPRINTS, SCHEMA_VERSION
from gtm_planner.model.persistence.schema import schema_fingerprint
from gtm_planner.model.persistence.sqlite_adapter import APPLICATION_ID
from tests.model.persistence.plan_factory import (
    add_region_copying,
    plan_differences,
    random_plan,
    remove_budget_line,
    reorder_regions,
)


@pytest.mark.parametrize(
    "shape",
    [
        {},
        {"regions": 1, "sources": 1, "lines": 1, "scenarios": 1, "horizon": 1},
        {"regions": 7, "sources": 4, "lines": 9, "scenarios": 5, "horizon": 48},
        {"lines": 0, "snapshots": 0, "log_entries": 0},
        {"budget_density": 1.0, "horizon": 12},
    ],
    ids=["default", "one-of-each", "bigger", "no-lines-no-history", "dense-budget"],
)
@pytest.mark.parametrize("seed", [1, 2])
def test_saved_plan_reads_back_identical_in_every_field(
    target: Path | str, seed: int, shape: dict[str, int]
) -> None:
    plan = random_plan(seed, **shape)
    path = target
    save_plan_as(path, plan)
    assert plan_differences(plan, load_plan(path)) == []


def test_awkward_floats_and_non_finite_values_survive_the_file(target: Path | str) -> None:
    plan = random_plan(3)
    inputs = plan.scenarios[0].inputs
    inputs.budget[0, 0, :5] = [0.1 + 0.2, 1e-300, 123456789.123456789, math.nan, math.inf]
    inputs.elasticity[0] = -math.inf
    inputs.gross_margin = 0.1 + 0.2
    plan.goals[0].value = 5e-324
    save_plan_as(target, plan)

    loaded = load_plan(target)
    cells = loaded.scenarios[0].inputs.budget[0, 0, :5]
    assert cells[:3].tolist() == [0.1 + 0.2, 1e-300, 123456789.123456789]
    assert math.isnan(cells[3]) and cells[4] == math.inf
    assert loaded.scenarios[0].inputs.elasticity[0] == -math.inf
    assert loaded.scenarios[0].inputs.gross_margin == 0.30000000000000004
    assert loaded.goals[0].value == 5e-324


def test_a_new_file_is_stamped_as_a_gtm_planner_plan_in_rollback_journal_mode(
    tmp_path: Path,
) -> None:
    path = tmp_path / "p.gtmplan"
    save_plan_as(path, random_plan(4))
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        meta = dict(raw.execute("SELECT key, value FROM plan_meta").fetchall())
    raw.close()
    instance = meta.pop("instance")
    assert len(instance) == 32  # a new plan's identity, for team mode
    assert meta == {
        "application": "gtm-planner",
        "schema_version": str(SCHEMA_VERSION),
        "revision": "0",
        "structure_revision": "0",
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.gtmplan"]  # no temp files left


def test_save_as_over_an_existing_file_replaces_it_and_keeps_its_permissions(
    tmp_path: Path,
) -> None:
    path = tmp_path / "p.gtmplan"
    save_plan_as(path, random_plan(5))
    path.chmod(0o640)
    replacement = random_plan(6, regions=2)
    save_plan_as(path, replacement)
    assert plan_differences(replacement, load_plan(path)) == []
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.gtmplan"]


def test_structural_edits_are_saved_renames_swaps_deletions_reorders_and_additions(
    tmp_path: Path,
) -> None:
    plan = random_plan(7, scenarios=4)
    path = tmp_path / "p.gtmplan"
    with PlanRepository.create(path, plan) as repository:
        first, second = plan.scenarios[0], plan.scenarios[1]
        first.name, second.name = second.name, first.name  # names are unique in the file
        del plan.scenarios[2]
        plan.scenarios.append(Scenario(99_999, "Clone", first.inputs.copy(), description="new"))
        reorder_regions(plan, list(range(len(plan.regions)))[::-1])
        plan.regions[0].name = "Renamed region"
        remove_budget_line(plan, 2)
        plan.goals.pop(0)
        plan.definitions.reverse()
        plan.snapshots.pop(0)
        repository.save(plan, dirty_scenarios=set())
        assert plan_differences(plan, repository.load()) == []
    assert plan_differences(plan, load_plan(path)) == []


def test_adding_a_region_to_every_scenario_is_saved(tmp_path: Path) -> None:
    plan = random_plan(8)
    path = tmp_path / "p.gtmplan"
    with PlanRepository.create(path, plan) as repository:
        add_region_copying(plan, Region(77_777, "LATAM"), model=0, factor=0.5)
        repository.save(plan, dirty_scenarios={plan.scenarios[0].id})  # dims changed: all
    assert plan_differences(plan, load_plan(path)) == []


def test_snapshots_are_written_once_and_never_rewritten(tmp_path: Path) -> None:
    plan = random_plan(9)
    path = tmp_path / "p.gtmplan"
    frozen = plan.snapshots[0].inputs.copy()
    with PlanRepository.create(path, plan) as repository:
        plan.snapshots[0].inputs.budget[...] = 1.0  # a bug elsewhere must not alter history
        plan.snapshots.append(
            Snapshot(5, "After offsite", "Base", dt.datetime(2026, 5, 1), frozen.copy(), {})
        )
        repository.save(plan)
    loaded = load_plan(path)
    assert plan_differences(frozen, loaded.snapshots[0].inputs) == []
    assert loaded.snapshots[-1].name == "After offsite"
    assert plan_differences(frozen, loaded.snapshots[-1].inputs) == []


def test_the_change_log_is_append_only(tmp_path: Path) -> None:
    plan = random_plan(10, log_entries=4)
    path = tmp_path / "p.gtmplan"
    everything = list(plan.change_log)
    with PlanRepository.create(path, plan) as repository:
        plan.change_log = plan.change_log[2:]  # dropping entries in memory does not erase them
        repository.save(plan)
    assert plan_differences(everything, load_plan(path).change_log) == []


def test_the_schema_cannot_change_without_a_new_schema_version() -> None:
    assert schema_fingerprint() == SCHEMA_FINGERPRINTS[SCHEMA_VERSION], (
        "The plan file's tables changed (a new ScenarioInputs field?). Bump SCHEMA_VERSION, "
        "add the new fingerprint to SCHEMA_FINGERPRINTS and a step to MIGRATIONS."
    )


def test_the_demo_plan_and_the_large_benchmark_plan_read_back_identical(tmp_path: Path) -> None:
    from gtm_planner.model.demo import build_demo_plan, build_large_plan

    for name, plan in (("demo", build_demo_plan()), ("large", build_large_plan())):
        path = tmp_path / f"{name}.gtmplan"
        save_plan_as(path, plan)
        assert plan_differences(plan, load_plan(path)) == [], name


def test_creating_a_plan_file_never_replaces_an_existing_file_unless_asked(
    tmp_path: Path,
) -> None:
    path = tmp_path / "p.gtmplan"
    path.write_bytes(b"someone's notes")
    with pytest.raises(PlanFileError) as raised:
        create_plan_file(path, random_plan(11))
    assert str(raised.value).startswith("«p.gtmplan» already exists")
    assert raised.value.problem is PlanFileProblem.EXISTS
    assert path.read_bytes() == b"someone's notes"
    plan = random_plan(11)
    create_plan_file(path, plan, replace=True)
    assert plan_differences(plan, load_plan(path)) == []
