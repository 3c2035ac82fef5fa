"""Saving after an edit rewrites only the scenarios that changed, and still saves everything."""

from __future__ import annotations

from pathlib import Path

import pytest

from gtm_planner.model.entities import Scenario
from gtm_planner.model.persistence import (
    PlanFileError,
    PlanFileProblem,
    PlanRepository,
    load_plan,
    save_plan,
)
from tests.model.persistence.plan_factory import plan_differences, random_plan


def test_one_budget_cell_edit_saved_incrementally_reads_back_and_leaves_others_alone(
    target: Path | str,
) -> None:
    plan = random_plan(21, scenarios=4, budget_density=0.5)
    path = target
    PlanRepository.create(path, plan).close()
    others_before = [s.inputs.copy() for s in plan.scenarios if s is not plan.scenarios[2]]

    edited = load_plan(path)
    scenario = edited.scenarios[2]
    scenario.inputs.budget[1, 2, 3] = 123_456.789  # was zero or not: both must work
    scenario.inputs.budget[0, 0, 0] = 0.0  # a cell cleared
    save_plan(path, edited, dirty_scenarios={scenario.id})

    reloaded = load_plan(path)
    assert plan_differences(edited, reloaded) == []
    assert reloaded.scenarios[2].inputs.budget[1, 2, 3] == 123_456.789
    others_after = [s.inputs for s in reloaded.scenarios if s.id != scenario.id]
    assert plan_differences(others_before, others_after) == []


def test_an_incremental_save_really_skips_scenarios_not_named_dirty(target: Path | str) -> None:
    # Proves the save is incremental: an undeclared in-memory change is not written.
    plan = random_plan(22, scenarios=3)
    path = target
    with PlanRepository.create(path, plan) as repository:
        original_third = plan.scenarios[2].inputs.copy()
        plan.scenarios[1].inputs.asp[0, 0] = 1.5
        plan.scenarios[2].inputs.asp[0, 0] = 2.5  # not declared dirty
        repository.save(plan, dirty_scenarios={plan.scenarios[1].id})
    reloaded = load_plan(path)
    assert reloaded.scenarios[1].inputs.asp[0, 0] == 1.5
    assert plan_differences(original_third, reloaded.scenarios[2].inputs) == []


def test_small_tables_and_scenario_rows_are_saved_even_when_no_scenario_is_dirty(
    target: Path | str,
) -> None:
    plan = random_plan(23)
    path = target
    with PlanRepository.create(path, plan) as repository:
        plan.settings.name = "Renamed plan"
        plan.scenarios[0].description = "New description"
        plan.scenarios[0].inputs.gross_margin = 0.55  # a scenario-row field, not an input row
        plan.scenarios[0].is_plan_of_record, plan.scenarios[1].is_plan_of_record = True, False
        plan.sla[0].value = 48.0
        plan.definitions[1].definition = "Reworded"
        repository.save(plan, dirty_scenarios=set())
    assert plan_differences(plan, load_plan(path)) == []


def test_a_new_scenario_is_written_even_if_not_named_dirty_and_a_deleted_one_is_removed(
    target: Path | str,
) -> None:
    plan = random_plan(24, scenarios=3)
    path = target
    with PlanRepository.create(path, plan) as repository:
        clone = Scenario(4242, "Clone of base", plan.scenarios[0].inputs.copy())
        clone.inputs.budget *= 0.5
        plan.scenarios.insert(1, clone)
        del plan.scenarios[-1]
        repository.save(plan, dirty_scenarios=set())
    assert plan_differences(plan, load_plan(path)) == []


def test_an_incremental_save_after_opening_without_loading_rewrites_everything(
    target: Path | str,
) -> None:
    # Without a load, the repository cannot know what is stored: it must not trust `dirty`.
    plan = random_plan(25)
    path = target
    PlanRepository.create(path, plan).close()
    changed = random_plan(26)
    with PlanRepository.open(path) as repository:
        repository.save(changed, dirty_scenarios=set())
    expected = changed.copy()
    expected.change_log = plan.change_log  # the log is append-only: stored entries stay
    assert plan_differences(expected, load_plan(path)) == []


def test_a_plan_whose_arrays_do_not_fit_its_dimensions_is_refused_and_the_file_kept(
    tmp_path: Path,
) -> None:
    plan = random_plan(27)
    path = tmp_path / "p.gtmplan"
    with PlanRepository.create(path, plan) as repository:
        before = path.read_bytes()
        broken = plan.copy()
        broken.scenarios[1].inputs.asp = broken.scenarios[1].inputs.asp[:, :2]
        with pytest.raises(PlanFileError) as raised:
            repository.save(broken)
    assert raised.value.problem is PlanFileProblem.INVALID_PLAN
    assert "asp" in str(raised.value) and broken.scenarios[1].name in str(raised.value)
    assert "not saved" in str(raised.value)
    assert path.read_bytes() == before


def test_a_failure_in_the_middle_of_a_save_leaves_the_previous_plan(
    target: Path | str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    from gtm_planner.model.persistence import writer

    plan = random_plan(28)
    path = target
    with PlanRepository.create(path, plan) as repository:
        edited = plan.copy()
        edited.settings.name = "Half saved"
        edited.scenarios[0].inputs.budget[...] = 9.0

        def disk_full(*_args: object) -> None:  # fails after the inputs were written
            raise OperationalError("INSERT", {}, Exception("database or disk is full"))

        monkeypatch.setattr(writer, "_append_change_log", disk_full)
        with pytest.raises(PlanFileError) as raised:
            repository.save(edited)
    assert raised.value.problem is PlanFileProblem.SAVE_FAILED
    assert "disk is full" in str(raised.value) and "previously saved" in str(raised.value)
    assert plan_differences(plan, load_plan(path)) == []
