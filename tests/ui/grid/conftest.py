"""Grids and editing screens over a real document and a real undo stack."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from gtm_planner.model.demo import build_large_plan
from gtm_planner.model.document import PlanDocument
from gtm_planner.ui.grid import GridModel, PlanGrid
from gtm_planner.ui.screens.budget import budget_spec
from gtm_planner.ui.undo import UndoController


@pytest.fixture
def undo(qapp: QApplication, demo_document: PlanDocument) -> UndoController:
    return UndoController(demo_document)


@pytest.fixture
def large_budget_grid(qtbot: QtBot) -> PlanGrid:
    """The budget grid of the large plan (40 regions × 25 lines × 36 months), shown."""
    document = PlanDocument(build_large_plan())
    grid = PlanGrid(GridModel(document, UndoController(document), budget_spec))
    qtbot.addWidget(grid)
    grid.resize(1560, 900)
    grid.show()
    qtbot.waitExposed(grid)
    return grid
