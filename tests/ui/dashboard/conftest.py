"""The Dashboard over a real document: the main window's page, or the page on its own."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from gtm_planner.model.commands import SetValues
from gtm_planner.model.document import PlanDocument
from gtm_planner.ui.dashboard_page import DashboardPage
from gtm_planner.ui.main_window import MainWindow
from gtm_planner.ui.models import KpiTableModel, WaterfallTableModel
from gtm_planner.ui.undo import UndoController


@pytest.fixture
def dashboard(window: MainWindow) -> DashboardPage:
    """The Dashboard as the main window builds it (its first page)."""
    return window.dashboard


@pytest.fixture
def standalone(qtbot: QtBot, demo_document: PlanDocument) -> Iterator[DashboardPage]:
    """The page given its document explicitly, hosted in a plain main window."""
    host = QMainWindow()
    qtbot.addWidget(host)
    page = DashboardPage(
        KpiTableModel(demo_document, host),
        WaterfallTableModel(demo_document, host),
        host,
        document=demo_document,
    )
    host.setCentralWidget(page)
    yield page  # the host lives (and owns the page) until the test is done


def set_win_rate(undo: UndoController, region: int, value: float) -> None:
    """What an edit in the Funnel grid does: one SetValues through the undo stack."""
    document = undo.document
    marketing = document.plan.marketing_source_index()
    undo.push(
        SetValues(
            "Edit win rate",
            document.current_scenario.id,
            "win_rate",
            np.array([[region, marketing]]),
            np.array([value]),
        )
    )
