"""Qt's own model tester over every item model the window and its dialogs create.

The per-screen tests check their models while they change; this sweep makes sure none is
missed: it opens every page, the change-log dialog and a snapshot view, then runs
``QAbstractItemModelTester`` on each model it finds, through an edit and an undo.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractItemModel
from PySide6.QtTest import QAbstractItemModelTester
from pytestqt.qtbot import QtBot

from gtm_planner.model.commands import SetValues
from gtm_planner.model.demo import build_demo_plan
from gtm_planner.model.document import PlanDocument
from gtm_planner.ui.change_log_dialog import ChangeLogDialog
from gtm_planner.ui.main_window import MainWindow
from gtm_planner.ui.screens.snapshot_view import SnapshotView

Mode = QAbstractItemModelTester.FailureReportingMode


def test_every_item_model_of_the_window_passes_qts_model_tester(qtbot: QtBot) -> None:
    document = PlanDocument(build_demo_plan())
    window = MainWindow(document)
    qtbot.addWidget(window)
    for title in window.navigator.titles:
        window.navigator.show_page(title)
    dialogs = [ChangeLogDialog(document, window),
               SnapshotView(document, document.plan.snapshots[0], window)]  # fmt: skip
    models = set(window.findChildren(QAbstractItemModel))
    for dialog in dialogs:
        models |= set(dialog.findChildren(QAbstractItemModel))
    ours = [m for m in models if type(m).__module__.startswith("gtm_planner")]
    names = {type(m).__name__ for m in ours}
    assert {"ChangeLogModel", "FrozenFiguresModel", "DashboardKpiModel"} <= names, names
    assert len(ours) >= 12, sorted(names)
    # Warnings fail the test (qt_log_level_fail = WARNING); keep the testers alive.
    testers = [QAbstractItemModelTester(m, Mode.Warning) for m in ours]
    window.undo.push(SetValues("Edit", 1, "win_rate", np.array([[1, 0]]), np.array([0.3])))
    window.undo.stack.undo()
    document.set_current_scenario(2)
    assert len(testers) == len(ours)
