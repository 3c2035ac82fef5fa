"""The read-only snapshot view: frozen figures beside today's, nothing editable."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gtm_planner.model.commands import SetValues
from gtm_planner.model.document import PlanDocument
from gtm_planner.model.formatting import money
from gtm_planner.ui.screens.snapshot_view import SnapshotView
from gtm_planner.ui.undo import UndoController

CheckModel = Callable[..., None]
DISPLAY = Qt.ItemDataRole.DisplayRole


def open_view(qtbot: QtBot, document: PlanDocument) -> SnapshotView:
    view = SnapshotView(document, document.plan.snapshots[0])
    qtbot.addWidget(view)
    return view


def row_of(view: SnapshotView, label: str) -> int:
    model = view.kpi_model
    return next(r for r in range(model.rowCount()) if model.figure(r).label == label)


def test_frozen_figures_model_passes_the_model_tester(
    check_model: CheckModel, qtbot: QtBot, demo_document: PlanDocument
) -> None:
    view = open_view(qtbot, demo_document)
    check_model(view.kpi_model)


def test_input_totals_model_passes_the_model_tester(
    check_model: CheckModel, qtbot: QtBot, demo_document: PlanDocument
) -> None:
    view = open_view(qtbot, demo_document)
    check_model(view.totals_model)


def test_view_shows_the_frozen_outputs_and_they_stay_after_an_edit(
    qtbot: QtBot, demo_document: PlanDocument
) -> None:
    undo = UndoController(demo_document)
    snapshot = demo_document.plan.snapshots[0]
    budget = demo_document.scenario_by_id(1).inputs.budget
    cells = np.argwhere(np.ones_like(budget, dtype=bool))
    undo.push(SetValues("Double", 1, "budget", cells, budget.ravel() * 2))
    view = open_view(qtbot, demo_document)
    model = view.kpi_model
    row = row_of(view, "S&M budget")
    assert model.data(model.index(row, 1), DISPLAY) == money(snapshot.outputs["sm_budget"], "USD")
    now = demo_document.kpis(1)["sm_budget"].value
    assert model.data(model.index(row, 2), DISPLAY) == money(now, "USD")
    assert now == 2 * snapshot.outputs["sm_budget"]
    assert model.figure(row).moved
    assert model.headerData(2, Qt.Orientation.Horizontal, DISPLAY) == "Now in ‘Baseline’"
    totals = view.totals_model
    assert totals.data(totals.index(1, 1), DISPLAY) == money(
        float(snapshot.inputs.budget.sum()), "USD"
    )


def test_nothing_in_the_view_is_editable(qtbot: QtBot, demo_document: PlanDocument) -> None:
    view = open_view(qtbot, demo_document)
    for model in (view.kpi_model, view.totals_model):
        for row in range(model.rowCount()):
            for column in range(model.columnCount()):
                flags = model.flags(model.index(row, column))
                assert not flags & Qt.ItemFlag.ItemIsEditable


def test_without_its_scenario_the_view_shows_only_the_frozen_column(
    qtbot: QtBot, demo_document: PlanDocument
) -> None:
    demo_document.plan.scenarios[0].name = "Renamed"
    view = open_view(qtbot, demo_document)
    assert view.kpi_model.columnCount() == 2
    assert "Baseline" in view.caption.text()
