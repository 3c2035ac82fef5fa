"""Every command's inverse restores the plan exactly; the document says what changed."""

from __future__ import annotations

import numpy as np
import pytest

from gtm_planner.model.commands import (
    Command,
    InsertBudgetLine,
    InsertRecord,
    InsertRegion,
    InsertScenario,
    Macro,
    RemoveBudgetLine,
    RemoveRecord,
    RemoveRegion,
    RemoveScenario,
    SetAttribute,
    SetPlanOfRecord,
    SetScalar,
    SetValues,
)
from gtm_planner.model.demo import build_demo_plan
from gtm_planner.model.document import PlanDocument, RecordKind
from gtm_planner.model.entities import BudgetLine, Definition, Function, Owner, Plan, Region


def _same(a: Plan, b: Plan) -> bool:
    return (
        [r.name for r in a.regions] == [r.name for r in b.regions]
        and [line.name for line in a.budget_lines] == [line.name for line in b.budget_lines]
        and [(s.id, s.name, s.is_plan_of_record) for s in a.scenarios]
        == [(s.id, s.name, s.is_plan_of_record) for s in b.scenarios]
        and all(x.inputs.equals(y.inputs) for x, y in zip(a.scenarios, b.scenarios, strict=True))
        and [d.term for d in a.definitions] == [d.term for d in b.definitions]
    )


def _commands(plan: Plan) -> list[Command]:
    base = plan.scenarios[0]
    clone = base.inputs.copy()
    from gtm_planner.model.entities import Scenario

    return [
        SetValues("Edit", 1, "win_rate", np.array([[1, 0]]), np.array([0.31])),
        SetValues(
            "Paste 3 cells",
            2,
            "budget",
            np.array([[7, 0, 0], [7, 0, 1], [7, 1, 0]]),
            np.array([1.0, 2.0, 3.0]),
        ),
        SetScalar("Gross margin", 1, "gross_margin", 0.7),
        Macro(
            "Fill",
            (
                SetValues("a", 1, "asp", np.array([[0, 0]]), np.array([1.0])),
                SetValues("b", 1, "asp", np.array([[0, 0]]), np.array([2.0])),
            ),
        ),
        SetAttribute("Rename", RecordKind.REGION, 2, "name", "Europe"),
        InsertRegion("Add region", 4, Region(9, "India")),
        RemoveRegion("Remove region", 2),
        InsertBudgetLine(
            "Add line", 0, BudgetLine(99, "Podcasts", "demand_creation", Function.MARKETING)
        ),
        RemoveBudgetLine("Remove line", 8),
        InsertScenario("Clone", 3, Scenario(7, "Baseline copy", clone)),
        RemoveScenario("Delete", 2),
        SetPlanOfRecord("Plan of record", 3),
        InsertRecord(
            "Add term",
            RecordKind.DEFINITION,
            0,
            Definition(50, "PQL", "Product-qualified lead", Owner.JOINT),
        ),
        RemoveRecord("Remove term", RecordKind.DEFINITION, 1),
    ]


@pytest.mark.parametrize("index", range(14))
def test_every_command_is_undone_exactly_by_its_inverse(index: int) -> None:
    document = PlanDocument(build_demo_plan())
    original = build_demo_plan()
    command = _commands(document.plan)[index]
    inverse = command.apply(document)
    assert not _same(document.plan, original), "the command changed nothing"
    redo = inverse.apply(document)
    assert _same(document.plan, original)
    redo.apply(document)
    assert not _same(document.plan, original)


def test_an_edit_recomputes_only_that_scenario_and_logs_old_and_new() -> None:
    document = PlanDocument(build_demo_plan())
    before = document.kpis(1)["forecast_bookings"].value
    other = document.result(2)
    seen: list[tuple[int, str]] = []
    document.values_changed.connect(lambda sid, field: seen.append((sid, field)))
    SetValues("Edit", 1, "win_rate", np.array([[0, 0]]), np.array([0.30])).apply(document)
    assert seen == [(1, "win_rate")]
    assert document.kpis(1)["forecast_bookings"].value > before
    assert document.result(2) is other  # untouched scenario keeps its cached results
    entry = document.pending_log[-1]
    assert entry.what == "Win rate (North America / Marketing)"
    assert (entry.old_value, entry.new_value) == ("0.24", "0.3")
    assert document.dirty_scenarios == {1}


def test_removing_a_region_and_undoing_restores_every_scenarios_numbers() -> None:
    document = PlanDocument(build_demo_plan())
    targets = [document.kpis(s.id)["bookings_target"].value for s in document.plan.scenarios]
    inverse = RemoveRegion("Remove EMEA", 2).apply(document)
    assert [r.name for r in document.plan.regions] == ["North America", "APAC", "LATAM"]
    assert document.kpis(1)["bookings_target"].value == pytest.approx(33_000_000)
    inverse.apply(document)
    assert [document.kpis(s.id)["bookings_target"].value for s in document.plan.scenarios] == (
        targets
    )


def test_the_last_scenario_cannot_be_deleted() -> None:
    document = PlanDocument(build_demo_plan())
    RemoveScenario("Delete", 2).apply(document)
    RemoveScenario("Delete", 3).apply(document)
    with pytest.raises(ValueError, match="at least one scenario"):
        RemoveScenario("Delete", 1).apply(document)


def test_a_what_if_preview_shows_other_numbers_and_ends_without_a_trace() -> None:
    document = PlanDocument(build_demo_plan())
    seen: list[int] = []
    document.results_changed.connect(seen.append)
    before = document.kpis(1)["forecast_bookings"].value
    preview = document.scenario_by_id(1).inputs.copy()
    preview.win_rate *= 1.1
    document.set_what_if(1, preview)
    assert document.kpis(1)["forecast_bookings"].value > before
    assert seen == [1]
    document.set_what_if(1, None)
    assert document.kpis(1)["forecast_bookings"].value == before
    assert document.dirty_scenarios == set()
    assert document.pending_log == []
