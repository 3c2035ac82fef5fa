"""Record screens: a real demo document, its undo stack, and the screens over them."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from gtm_planner.model.document import PlanDocument
from gtm_planner.ui.screens.definitions import DefinitionsScreen
from gtm_planner.ui.screens.goals import GoalsScreen
from gtm_planner.ui.screens.scenarios import ScenariosScreen
from gtm_planner.ui.undo import UndoController


@pytest.fixture
def undo(demo_document: PlanDocument) -> UndoController:
    return UndoController(demo_document)


@pytest.fixture
def goals_screen(qtbot: QtBot, demo_document: PlanDocument, undo: UndoController) -> GoalsScreen:
    screen = GoalsScreen(demo_document, undo)
    qtbot.addWidget(screen)
    return screen


@pytest.fixture
def definitions_screen(
    qtbot: QtBot, demo_document: PlanDocument, undo: UndoController
) -> DefinitionsScreen:
    screen = DefinitionsScreen(demo_document, undo)
    screen.confirm = lambda _parent, _title, _question: True
    qtbot.addWidget(screen)
    return screen


@pytest.fixture
def scenarios_screen(
    qtbot: QtBot, demo_document: PlanDocument, undo: UndoController
) -> ScenariosScreen:
    screen = ScenariosScreen(demo_document, undo)
    screen.confirm = lambda _parent, _title, _question: True
    qtbot.addWidget(screen)
    return screen
