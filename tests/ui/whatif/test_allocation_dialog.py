"""Allocation: the spread and its marginal returns are shown first; a new scenario on request."""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel

from gtm_planner.model.document import PlanDocument
from gtm_planner.model.solve import allocate_demand_creation
from gtm_planner.ui.answer_tables import RAW_VALUE_ROLE, BoundsModel
from gtm_planner.ui.solve_dialogs import AllocationDialog
from gtm_planner.ui.undo import UndoController

from .conftest import APAC, EMEA, FY, LATAM, demand_creation_totals


def raw(model: QAbstractItemModel, row: int, column: int) -> object:
    return model.data(model.index(row, column), RAW_VALUE_ROLE)


def same(a: object, b: float) -> bool:
    return isinstance(a, float) and (a == b or (math.isnan(a) and math.isnan(b)))


def edit(model: BoundsModel, region_id: int, column: int, text: str) -> bool:
    return model.setData(model.index(region_id - 1, column), text)


def test_shown_allocation_equals_allocate_demand_creation(
    allocation_dialog: AllocationDialog, demo_document: PlanDocument, undo: UndoController,
    check_model: Callable[..., None],
) -> None:  # fmt: skip
    bounds = allocation_dialog.bounds_model
    today = demand_creation_totals(demo_document, demo_document.current_scenario.inputs)
    assert allocation_dialog.total_spin.value() == round(today.sum())
    assert [raw(bounds, r, 1) for r in range(4)] == today.tolist()
    assert edit(bounds, EMEA, BoundsModel.FLOOR, "1.5M")
    assert edit(bounds, APAC, BoundsModel.CEILING, "$400,000")
    assert edit(bounds, LATAM, BoundsModel.FLOOR, "250k")
    allocation_dialog.total_spin.setValue(5_000_000)
    allocation_dialog.allocate_button.click()

    expected = allocate_demand_creation(
        demo_document.plan, demo_document.current_scenario, FY, 5_000_000,
        {EMEA: 1_500_000, LATAM: 250_000}, {APAC: 400_000},
    )  # fmt: skip
    shown = allocation_dialog.result_model
    assert shown.rowCount() == len(expected.regions) == 4
    for row, region in enumerate(expected.regions):
        assert shown.data(shown.index(row, 0)) == region.region
        assert raw(shown, row, 2) == region.allocated
        assert raw(shown, row, 4) == region.marginal_next_unit
        assert same(raw(shown, row, 5), region.marginal_last_unit)
        assert raw(shown, row, 8) == region.bookings_after
    allocated = [float(str(raw(shown, row, 2))) for row in range(4)]
    assert math.isclose(sum(allocated), 5_000_000, rel_tol=1e-9)
    assert allocated[EMEA - 1] >= 1_500_000 - 1e-6
    assert allocated[APAC - 1] <= 400_000 + 1e-6
    assert f"{expected.forecast_after:,.0f}" in allocation_dialog.headline.text()
    assert allocation_dialog.create_button.isEnabled()
    assert undo.stack.count() == 0
    check_model(bounds)
    check_model(shown)


def test_bad_bounds_are_refused_with_a_message_and_change_nothing(
    allocation_dialog: AllocationDialog,
) -> None:
    bounds = allocation_dialog.bounds_model
    problems: list[str] = []
    bounds.rejected.connect(problems.append)
    assert edit(bounds, EMEA, BoundsModel.CEILING, "1M")
    assert not edit(bounds, EMEA, BoundsModel.FLOOR, "lots")
    assert not edit(bounds, EMEA, BoundsModel.FLOOR, "-5")
    assert not edit(bounds, EMEA, BoundsModel.FLOOR, "2M")  # above its ceiling
    assert bounds.floors == {}
    assert bounds.ceilings == {EMEA: 1_000_000}
    assert len(problems) == 3
    assert "not an amount" in problems[0]
    assert "0 or more" in problems[1]
    assert "above the ceiling" in problems[2]
    assert allocation_dialog.message.text() == problems[2]
    assert edit(bounds, EMEA, BoundsModel.CEILING, "")  # empty: no ceiling
    assert bounds.ceilings == {}


def test_floors_above_the_budget_show_a_message(
    allocation_dialog: AllocationDialog, demo_document: PlanDocument
) -> None:
    bounds = allocation_dialog.bounds_model
    edit(bounds, EMEA, BoundsModel.FLOOR, "3M")
    edit(bounds, LATAM, BoundsModel.FLOOR, "3M")
    allocation_dialog.total_spin.setValue(5_000_000)
    assert allocation_dialog.allocate() is None
    assert allocation_dialog.message.isVisible()
    assert "floors add up" in allocation_dialog.message.text()
    assert allocation_dialog.result_model.rowCount() == 0
    assert not allocation_dialog.create_button.isEnabled()


def test_create_scenario_adds_the_allocation_and_undo_removes_it(
    allocation_dialog: AllocationDialog, demo_document: PlanDocument, undo: UndoController
) -> None:
    base = demo_document.current_scenario
    saved = base.inputs.copy()
    count = len(demo_document.plan.scenarios)
    result = allocation_dialog.allocate()
    assert result is not None
    allocation_dialog.create_button.click()
    assert len(demo_document.plan.scenarios) == count + 1
    created = demo_document.plan.scenarios[-1]
    assert created.name == f"Allocation FY{FY}"
    assert created.inputs.equals(result.inputs)
    totals = demand_creation_totals(demo_document, created.inputs)
    assert math.isclose(totals.sum(), result.total_budget, rel_tol=1e-9)
    assert base.inputs.equals(saved)
    assert not allocation_dialog.create_button.isEnabled()  # created once

    undo.stack.undo()
    assert len(demo_document.plan.scenarios) == count
    assert all(s.name != f"Allocation FY{FY}" for s in demo_document.plan.scenarios)
