"""Each screen: an edit changes the number the engine derives next to it; undo restores it."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from gtm_planner.model.commands import RemoveRegion
from gtm_planner.model.document import PlanDocument
from gtm_planner.ui.grid import GridScreen
from gtm_planner.ui.screens.budget import BudgetScreen, NewLineDialog
from gtm_planner.ui.screens.capacity import CapacityScreen
from gtm_planner.ui.screens.funnel import FunnelScreen
from gtm_planner.ui.screens.targets import TargetsScreen
from gtm_planner.ui.undo import UndoController

from .helpers import column_of, raw, row_of, shown

EDIT = Qt.ItemDataRole.EditRole
EMEA = 1
PAID_DIGITAL = 7


def make(qtbot: QtBot, screen: GridScreen) -> GridScreen:
    qtbot.addWidget(screen)
    return screen


def test_targets_an_annual_target_edit_respreads_the_quarters(
    qtbot: QtBot, demo_document: PlanDocument, undo: UndoController
) -> None:
    screen = make(qtbot, TargetsScreen(demo_document, undo))
    assert isinstance(screen, TargetsScreen)
    annual, monthly = screen.annual_grid.grid_model, screen.monthly_grid.grid_model
    emea, q4 = row_of(annual, "EMEA"), column_of(annual, "FY27 Q4")
    assert shown(annual, emea, q4) == "$3,480,000"  # 12M × 29% (the demo's Q4 weight)
    assert annual.setData(annual.index(emea, 0), "15,000,000", EDIT)
    assert shown(annual, emea, q4) == "$4,350,000"  # 15M × 29%
    engine = demo_document.result().reverse.target[EMEA]
    assert raw(annual, emea, q4) == pytest.approx(engine[9:12].sum())
    assert shown(monthly, row_of(monthly, "EMEA"), 0) == "$1,100,000"  # 15M × 22% ÷ 3
    assert shown(annual, row_of(annual, "All regions"), 0) == "$48,000,000"
    undo.stack.undo()
    assert shown(annual, emea, q4) == "$3,480,000"


def test_targets_seasonality_weights_move_the_target_between_months(
    qtbot: QtBot, demo_document: PlanDocument, undo: UndoController
) -> None:
    screen = make(qtbot, TargetsScreen(demo_document, undo))
    assert isinstance(screen, TargetsScreen)
    weights, monthly = screen.seasonality_grid.grid_model, screen.monthly_grid.grid_model
    row = row_of(weights, "LATAM")
    for month in range(12):  # flat weights: each month carries 1/12 of 3M
        weights.setData(weights.index(row, month), "1", EDIT)
    assert shown(monthly, row_of(monthly, "LATAM"), 0) == "$250,000"
    assert shown(weights, row, column_of(weights, "Q4 share")) == "25.0%"
    assert undo.stack.count() == 12


def test_funnel_a_win_rate_edit_changes_the_opportunities_the_target_needs(
    qtbot: QtBot, demo_document: PlanDocument, undo: UndoController
) -> None:
    screen = make(qtbot, FunnelScreen(demo_document, undo))
    assert isinstance(screen, FunnelScreen)
    assumptions, needs = screen.assumptions_grid.grid_model, screen.needs_grid.grid_model
    row = row_of(needs, "EMEA · Opportunities")
    before_start, total = column_of(needs, "Before plan start"), column_of(needs, "Plan total")
    shown_before = shown(needs, row, total)
    assert assumptions.setData(
        assumptions.index(row_of(assumptions, "EMEA"), column_of(assumptions, "Win rate")),
        "50%",
        EDIT,
    )
    # Independent arithmetic: every opportunity, before start or in the plan, is
    # target × mix ÷ deal size ÷ 50%: 12M × (.40/50K + .25/45K + .20/60K + .15/55K) ÷ .5.
    inputs = demo_document.current_scenario.inputs
    deals = 12_000_000 * (inputs.source_mix[EMEA] / inputs.asp[EMEA]).sum() / 0.5
    assert raw(needs, row, before_start) + raw(needs, row, total) == pytest.approx(deals)
    engine = demo_document.result().reverse.opportunities[EMEA].sum()
    assert raw(needs, row, total) == pytest.approx(engine)
    undo.stack.undo()
    assert shown(needs, row, total) == shown_before


def test_funnel_per_source_rows_edit_one_source(
    qtbot: QtBot, demo_document: PlanDocument, undo: UndoController
) -> None:
    screen = make(qtbot, FunnelScreen(demo_document, undo))
    assert isinstance(screen, FunnelScreen)
    screen.show_per_source(True)
    model = screen.assumptions_grid.grid_model
    assert model.rowCount() == 4 * 4
    index = model.index(row_of(model, "APAC · Partner"), column_of(model, "Inquiry → MQL"))
    assert model.setData(index, "25%", EDIT)
    assert demo_document.current_scenario.inputs.inquiry_to_mql[2].tolist() == pytest.approx(
        [0.18, 0.12, 0.20, 0.25]
    )
    screen.show_per_source(False)
    assert model.rowCount() == 4


def test_funnel_a_cost_per_inquiry_edit_changes_the_demand_creation_budget_needed(
    qtbot: QtBot, demo_document: PlanDocument, undo: UndoController
) -> None:
    screen = make(qtbot, FunnelScreen(demo_document, undo))
    assert isinstance(screen, FunnelScreen)
    response, needs = screen.response_grid.grid_model, screen.needs_grid.grid_model
    row = row_of(needs, "LATAM · Demand-creation budget")
    q1 = column_of(needs, "FY27 Q1")
    response.setData(response.index(row_of(response, "LATAM"), 1), "1", EDIT)  # elasticity 1
    linear = raw(needs, row, q1)
    response.setData(response.index(row_of(response, "LATAM"), 0), "$160", EDIT)  # was $80
    assert raw(needs, row, q1) == pytest.approx(2 * linear)  # linear response: twice the cost
    engine = demo_document.result().reverse.demand_creation_needed[3, :3].sum()
    assert raw(needs, row, q1) == pytest.approx(engine)


def test_budget_an_edit_changes_the_quarter_and_the_engines_category_spend(
    qtbot: QtBot, demo_document: PlanDocument, undo: UndoController
) -> None:
    screen = make(qtbot, BudgetScreen(demo_document, undo))
    assert isinstance(screen, BudgetScreen)
    model = screen.grid.grid_model
    q1 = column_of(model, "FY27 Q1")
    line_row = row_of(model, "Paid digital · EMEA")
    category_row = row_of(model, "Demand creation (drives inquiries)")
    budget = demo_document.current_scenario.inputs.budget
    old_quarter = budget[PAID_DIGITAL, EMEA, :3].sum()
    assert model.setData(model.index(line_row, 0), budget[PAID_DIGITAL, EMEA, 0] + 10_000, EDIT)
    assert raw(model, line_row, q1) == pytest.approx(old_quarter + 10_000)
    spend = demo_document.result().spend_by_category[4]  # demand creation, (R, T)
    assert raw(model, category_row, q1) == pytest.approx(spend[:, :3].sum())
    undo.stack.undo()
    assert raw(model, line_row, q1) == pytest.approx(old_quarter)


def test_budget_removing_a_line_asks_and_undo_brings_it_back_with_its_numbers(
    qtbot: QtBot,
    demo_document: PlanDocument,
    undo: UndoController,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    screen = make(qtbot, BudgetScreen(demo_document, undo))
    assert isinstance(screen, BudgetScreen)
    asked: list[str] = []

    def answer(
        _parent: QWidget, _title: str, text: str, *_args: object
    ) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes if len(asked) > 1 else QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", answer)
    model = screen.grid.grid_model
    saved = {s.id: s.inputs.budget[PAID_DIGITAL].copy() for s in demo_document.plan.scenarios}
    screen.grid.setCurrentIndex(model.index(row_of(model, "Paid digital · APAC"), 4))
    screen.ask_remove_line()  # the user says No
    assert len(asked) == 1 and "Remove the budget line 'Paid digital'" in asked[0]
    assert undo.stack.count() == 0
    screen.ask_remove_line()  # the user says Yes
    assert len(asked) == 2
    assert "Paid digital" not in [line.name for line in demo_document.plan.budget_lines]
    titles = [model.row_spec(r).title for r in range(model.rowCount())]
    assert "Paid digital · APAC" not in titles
    assert undo.stack.text(0) == "Remove budget line 'Paid digital'"
    undo.stack.undo()
    assert demo_document.plan.budget_lines[PAID_DIGITAL].name == "Paid digital"
    for scenario in demo_document.plan.scenarios:
        assert np.array_equal(scenario.inputs.budget[PAID_DIGITAL], saved[scenario.id])
    row = row_of(model, "Paid digital · APAC")
    assert raw(model, row, 4) == saved[1][2, 4]


def test_budget_lines_are_added_and_renamed_as_undoable_steps(
    qtbot: QtBot, demo_document: PlanDocument, undo: UndoController
) -> None:
    screen = make(qtbot, BudgetScreen(demo_document, undo))
    assert isinstance(screen, BudgetScreen)
    model = screen.grid.grid_model
    assert screen.add_line("Partner marketing", "demand_creation")
    row = row_of(model, "Partner marketing · EMEA")
    assert model.setData(model.index(row, 0), "7,500", EDIT)
    assert shown(model, row, column_of(model, "FY27 Q1")) == "$7,500"
    added = demo_document.plan.budget_lines[10]
    assert (added.name, added.category) == ("Partner marketing", "demand_creation")
    assert screen.rename_line(added.id, "Partner co-marketing")
    assert row_of(model, "Partner co-marketing · EMEA") == row
    assert not screen.add_line("Brand & PR", "reputation")
    assert "already a budget line named 'Brand & PR'" in screen.message_bar.text()
    assert [undo.stack.text(i) for i in range(undo.stack.count())] == [
        "Add budget line 'Partner marketing'",
        "Edit Budget (Partner marketing / EMEA / Jan 2027)",
        "Rename budget line 'Partner marketing' to 'Partner co-marketing'",
    ]
    for _ in range(3):
        undo.stack.undo()
    assert "Partner marketing" not in [line.name for line in demo_document.plan.budget_lines]


def test_the_new_line_dialog_offers_the_plans_categories(
    qtbot: QtBot, demo_document: PlanDocument
) -> None:
    dialog = NewLineDialog(demo_document)
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("Field events")
    dialog.category_box.setCurrentIndex(dialog.category_box.findData("demand_creation"))
    assert dialog.choice() == ("Field events", "demand_creation")
    assert dialog.category_box.count() == len(demo_document.plan.categories)


def test_budget_region_filter_shows_one_regions_rows(
    qtbot: QtBot, demo_document: PlanDocument, undo: UndoController
) -> None:
    screen = make(qtbot, BudgetScreen(demo_document, undo))
    assert isinstance(screen, BudgetScreen)
    model = screen.grid.grid_model
    screen.filter_region(2)  # EMEA's id
    data_rows = [model.row_spec(r) for r in range(model.rowCount())]
    lines = [row for row in data_rows if not row.is_total]
    assert len(lines) == 12 and all(row.key[1] == EMEA for row in lines)
    total = row_of(model, "Sales & marketing — total")
    fy = column_of(model, "FY2027 total")
    budget = demo_document.current_scenario.inputs.budget
    assert raw(model, total, fy) == pytest.approx(budget[:, EMEA, :].sum())
    screen.filter_region(None)
    assert model.rowCount() == 2 + 7 + 12 + 12 * 4 + 1


def test_capacity_more_starting_aes_add_a_years_quota_at_attainment(
    qtbot: QtBot, demo_document: PlanDocument, undo: UndoController
) -> None:
    screen = make(qtbot, CapacityScreen(demo_document, undo))
    assert isinstance(screen, CapacityScreen)
    team, capacity = screen.team_grid.grid_model, screen.capacity_grid.grid_model
    row, fy = row_of(capacity, "EMEA · Capacity"), column_of(capacity, "FY2027")
    before = raw(capacity, row, fy)
    assert team.setData(team.index(row_of(team, "EMEA"), 0), "27", EDIT)  # was 21
    # Six ramped AEs × $700,000 quota × 80% attainment for a whole year.
    assert raw(capacity, row, fy) == pytest.approx(before + 6 * 700_000 * 0.8)
    assert raw(capacity, row, fy) == pytest.approx(
        demo_document.result().capacity.capacity[1].sum()
    )
    gap = row_of(capacity, "EMEA · Capacity − target")
    assert raw(capacity, gap, fy) == pytest.approx(raw(capacity, row, fy) - 12_000_000)
    undo.stack.undo()
    assert raw(capacity, row, fy) == pytest.approx(before)


def test_capacity_a_hire_shows_on_payroll_and_ramps(
    qtbot: QtBot, demo_document: PlanDocument, undo: UndoController
) -> None:
    screen = make(qtbot, CapacityScreen(demo_document, undo))
    assert isinstance(screen, CapacityScreen)
    hires, capacity = screen.hires_grid.grid_model, screen.capacity_grid.grid_model
    payroll = row_of(capacity, "LATAM · AEs on payroll (end)")
    q1 = column_of(capacity, "FY27 Q1")
    before = raw(capacity, payroll, q1)
    assert hires.setData(hires.index(row_of(hires, "LATAM"), 0), "3", EDIT)  # was 0 in Jan
    assert raw(capacity, payroll, q1) == before + 3
    assert shown(hires, row_of(hires, "LATAM"), column_of(hires, "FY2027 hires")) == "5"


def test_a_screen_follows_the_current_scenario(
    qtbot: QtBot, demo_document: PlanDocument, undo: UndoController
) -> None:
    screen = make(qtbot, CapacityScreen(demo_document, undo))
    assert isinstance(screen, CapacityScreen)
    capacity = screen.capacity_grid.grid_model
    payroll = row_of(capacity, "EMEA · AEs on payroll (end)")
    q1 = column_of(capacity, "FY27 Q1")
    assert shown(capacity, payroll, q1) == "23"  # 21 at start, hires in January and March
    screen.message.emit("a refusal in the Baseline")
    demo_document.set_current_scenario(2)  # "Aggressive EMEA push": more hires from February
    assert shown(capacity, payroll, q1) == "25"
    assert screen.message_bar.text() == ""


def test_the_focused_grid_is_the_one_the_edit_menu_acts_on(
    qtbot: QtBot, demo_document: PlanDocument, undo: UndoController
) -> None:
    screen = make(qtbot, CapacityScreen(demo_document, undo))
    assert isinstance(screen, CapacityScreen)
    screen.show()
    qtbot.waitExposed(screen)
    screen.hires_grid.setFocus()
    qtbot.waitUntil(lambda: screen.active_grid() is screen.hires_grid)


@pytest.mark.parametrize(
    "screen_class", [TargetsScreen, FunnelScreen, BudgetScreen, CapacityScreen]
)
def test_removing_and_restoring_a_region_reshapes_every_grid(
    qtbot: QtBot,
    demo_document: PlanDocument,
    undo: UndoController,
    screen_class: type[GridScreen],
) -> None:
    screen = make(qtbot, screen_class(demo_document, undo))
    rows_before = [grid.grid_model.rowCount() for grid in screen.grids]
    undo.push(RemoveRegion("Remove region 'APAC'", 3))
    for grid in screen.grids:
        model = grid.grid_model
        titles = " ".join(model.row_spec(r).title for r in range(model.rowCount()))
        assert "APAC" not in titles
        for row in range(model.rowCount()):  # every cell still reads a number
            for column in range(model.columnCount()):
                assert model.index(row, column).data() is not None
    undo.stack.undo()
    assert [grid.grid_model.rowCount() for grid in screen.grids] == rows_before


def test_targets_add_rename_and_remove_a_region_each_one_undo_step(
    qtbot: QtBot, demo_document: PlanDocument, undo: UndoController
) -> None:
    screen = make(qtbot, TargetsScreen(demo_document, undo))
    assert isinstance(screen, TargetsScreen)
    target_before = demo_document.kpis()["bookings_target"].value
    assert screen.add_region("India")
    assert [r.name for r in demo_document.plan.regions][-1] == "India"
    assert row_of(screen.annual_grid.grid_model, "India") >= 0
    assert undo.stack.undoText() == "Add region 'India'"
    india = demo_document.plan.regions[-1].id
    assert screen.rename_region(india, "India & ANZ")
    messages: list[str] = []
    screen.message.connect(messages.append)
    assert not screen.rename_region(india, " emea ")  # names differ in more than case
    assert "already a region named" in messages[-1]
    assert screen.remove_region(EMEA + 1, confirm=False)
    assert demo_document.kpis()["bookings_target"].value == pytest.approx(target_before - 12e6)
    undo.stack.undo()
    undo.stack.undo()
    undo.stack.undo()
    assert [r.name for r in demo_document.plan.regions] == [
        "North America", "EMEA", "APAC", "LATAM"
    ]  # fmt: skip
    assert demo_document.kpis()["bookings_target"].value == target_before
