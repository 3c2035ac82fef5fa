"""What-if, goal seek, allocation and compare: a real demo document, its undo stack, widgets."""

from __future__ import annotations

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from gtm_planner.model.document import PlanDocument
from gtm_planner.model.entities import ScenarioInputs
from gtm_planner.model.solve.common import fiscal_year_months
from gtm_planner.ui.screens.compare import CompareScreen
from gtm_planner.ui.solve_dialogs import AllocationDialog, GoalSeekDialog
from gtm_planner.ui.undo import UndoController
from gtm_planner.ui.whatif_panel import WhatIfPanel

NORTH_AMERICA, EMEA, APAC, LATAM = 1, 2, 3, 4  # the demo plan's region ids
FY = 2027  # the demo plan's one fiscal year


@pytest.fixture
def undo(demo_document: PlanDocument) -> UndoController:
    return UndoController(demo_document)


@pytest.fixture
def panel(qtbot: QtBot, demo_document: PlanDocument, undo: UndoController) -> WhatIfPanel:
    widget = WhatIfPanel(demo_document, undo)
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.fixture
def goal_seek_dialog(
    qtbot: QtBot, demo_document: PlanDocument, undo: UndoController
) -> GoalSeekDialog:
    dialog = GoalSeekDialog(demo_document, undo)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


@pytest.fixture
def allocation_dialog(
    qtbot: QtBot, demo_document: PlanDocument, undo: UndoController
) -> AllocationDialog:
    dialog = AllocationDialog(demo_document, undo)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


@pytest.fixture
def compare_screen(
    qtbot: QtBot, demo_document: PlanDocument, undo: UndoController
) -> CompareScreen:
    screen = CompareScreen(demo_document, undo)
    qtbot.addWidget(screen)
    return screen


def demand_creation_totals(document: PlanDocument, inputs: ScenarioInputs) -> np.ndarray:
    """(R,) each region's FY demand-creation spend, summed straight from the budget cells."""
    plan = document.plan
    lines = plan.demand_creation_mask()
    months = fiscal_year_months(plan, FY)
    return np.asarray(inputs.budget[lines][:, :, months].sum(axis=(0, 2)))
