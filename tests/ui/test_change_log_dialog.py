"""The change log names who made each change and says where an unsaved one is still to go."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gtm_planner.model.document import PlanDocument
from gtm_planner.model.entities import ChangeLogEntry
from gtm_planner.ui.change_log_dialog import ChangeLogDialog, ChangeLogModel

WHO = 1
TIP = Qt.ItemDataRole.ToolTipRole
AT = dt.datetime(2026, 11, 3, 9, 30, tzinfo=dt.UTC)


def entry(number: int, user: str, db_user: str = "") -> ChangeLogEntry:
    return ChangeLogEntry(number, AT, user, "Baseline", "Bookings target", "1", "2", db_user)


def test_a_change_saved_to_a_shared_plan_names_the_database_user_beside_the_person(
    qtbot: QtBot, demo_document: PlanDocument
) -> None:
    demo_document.plan.change_log[:] = [entry(1, "anna", "anna_role"), entry(2, "ben")]
    model = ChangeLogModel(demo_document)
    who = {model.index(row, WHO).data() for row in range(model.rowCount())}
    assert who == {"anna (database user anna_role)", "ben"}


def test_an_unsaved_change_says_it_is_not_yet_in_the_plan_file_or_the_database(
    qtbot: QtBot, demo_document: PlanDocument
) -> None:
    demo_document.pending_log.append(entry(1, "anna"))
    in_file = ChangeLogDialog(demo_document)
    shared = ChangeLogDialog(demo_document, shared=True)
    qtbot.addWidget(in_file)
    qtbot.addWidget(shared)
    assert in_file.model.index(0, WHO).data(TIP) == "Not yet saved to the plan file"
    assert shared.model.index(0, WHO).data(TIP) == "Not yet saved to the database"
    saved = shared.model.rowCount() - 1  # the demo plan's own history, below
    assert saved >= 1 and shared.model.index(saved, WHO).data(TIP) is None
