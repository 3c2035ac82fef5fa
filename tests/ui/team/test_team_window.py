"""Two windows on one shared plan (two users' apps): saved per edit, seen after a poll,
conflicts refused with a notice that names who changed what, reloads after structure changes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from gtm_planner.model.commands import RemoveScenario
from gtm_planner.model.document import current_user
from gtm_planner.model.persistence import load_plan
from gtm_planner.ui import workspace as workspace_ui
from gtm_planner.ui.change_log_dialog import ChangeLogDialog
from gtm_planner.ui.screens.targets import TargetsScreen
from gtm_planner.ui.team import TeamController
from tests.ui.grid.helpers import row_of

from .conftest import (
    Answers,
    WorkspaceFactory,
    annual_targets,
    click,
    main_window,
    open_window,
    poll_now,
    set_target,
    settle,
    shown_target,
    status_text,
    stored_target,
    type_target,
)


@pytest.fixture
def two(
    make_workspace: WorkspaceFactory, shared_url: str
) -> tuple[TeamController, TeamController]:
    """Anna's and Ben's windows on the same database, each in an app of its own."""
    return open_window(make_workspace(), shared_url), open_window(make_workspace(), shared_url)


def test_the_window_names_the_shared_database_and_who_you_are(
    two: tuple[TeamController, TeamController], shared_url: str
) -> None:
    anna, _ = two
    label = anna.session.label
    title = main_window(anna).windowTitle()
    assert title.startswith(f"{label} (shared)")
    assert "Northwind Analytics" in title and "Baseline" in title
    status = status_text(anna)
    assert f"Shared: {label}" in status
    assert f"you are {current_user()} (database user postgres)" in status
    assert f"saved rev {anna.session.base}" in status
    refresh = main_window(anna).action_by_id["refresh"]
    assert refresh.isVisible() and refresh.isEnabled()
    assert main_window(anna).action_by_id["save_as"].text() == "Save a &Copy as File…"


def test_an_edit_is_in_the_database_at_once_and_the_other_window_shows_it_after_one_poll(
    two: tuple[TeamController, TeamController], shared_url: str
) -> None:
    anna, ben = two
    type_target(anna, "EMEA", "15,000,000")
    assert anna.probe.running  # the database is asked on a worker: the window never waits
    settle(anna)  # it answers in milliseconds, and the save follows at once
    assert stored_target(shared_url, "EMEA") == 15_000_000  # no Save, no timer
    assert not main_window(anna).isWindowModified()
    assert shown_target(ben, "EMEA") == "$12,000,000"
    poll_now(ben)
    assert shown_target(ben, "EMEA") == "$15,000,000"
    assert "1 value updated" in main_window(ben).statusBar().currentMessage()
    assert f"saved rev {ben.session.base}" in status_text(ben)
    assert ben.notices.conflict.text() == "" and ben.notices.reload.text() == ""


def test_undo_and_redo_are_saved_like_any_edit(
    two: tuple[TeamController, TeamController], shared_url: str
) -> None:
    anna, ben = two
    set_target(anna, "LATAM", "4,000,000")
    anna.undo.stack.undo()
    settle(anna)
    assert stored_target(shared_url, "LATAM") == 3_000_000
    anna.undo.stack.redo()
    settle(anna)
    assert stored_target(shared_url, "LATAM") == 4_000_000
    poll_now(ben)
    assert shown_target(ben, "LATAM") == "$4,000,000"


def test_a_stale_edit_is_refused_with_a_notice_naming_the_change_and_reapply_saves_it(
    two: tuple[TeamController, TeamController], shared_url: str
) -> None:
    anna, ben = two
    set_target(anna, "EMEA", "15,000,000")
    set_target(ben, "EMEA", "13,000,000")  # Ben still sees 12,000,000: his edit is stale
    notice = ben.notices.conflict.text()
    assert "Bookings target (EMEA / FY2027) in «Baseline» was changed" in notice
    assert f"by {current_user()} (database user postgres)" in notice
    assert "to 15,000,000 (from 12,000,000)" in notice
    assert "your value (13,000,000) was not saved" in notice
    assert shown_target(ben, "EMEA") == "$15,000,000"  # the stored value, on screen
    assert stored_target(shared_url, "EMEA") == 15_000_000  # nothing overwritten
    # The refused step is off the undo stack: Ctrl+Z cannot "undo" what never got saved.
    assert not ben.undo.stack.canUndo()
    assert not main_window(ben).action_by_id["undo"].isEnabled()

    click(ben.notices.conflict.buttons["Re-apply my value"])
    settle(ben)
    assert stored_target(shared_url, "EMEA") == 13_000_000
    assert shown_target(ben, "EMEA") == "$13,000,000"
    assert ben.notices.conflict.text() == ""
    assert ben.undo.stack.canUndo()  # re-applying is an undoable step of its own
    assert main_window(ben).statusBar().currentMessage() == ""  # no stale "updated by anna"
    poll_now(anna)
    assert shown_target(anna, "EMEA") == "$13,000,000"
    assert "updated from" in main_window(anna).statusBar().currentMessage()


def test_dismissing_a_refusal_keeps_the_other_users_value(
    two: tuple[TeamController, TeamController], shared_url: str
) -> None:
    anna, ben = two
    set_target(anna, "APAC", "9,000,000")
    set_target(ben, "APAC", "7,000,000")
    click(ben.notices.conflict.buttons["Dismiss"])
    assert ben.notices.conflict.text() == "" and ben.refusals == []
    assert stored_target(shared_url, "APAC") == 9_000_000
    assert shown_target(ben, "APAC") == "$9,000,000"


def test_undoing_an_edit_someone_changed_since_is_refused_and_drops_the_redo(
    two: tuple[TeamController, TeamController], shared_url: str
) -> None:
    anna, ben = two
    set_target(anna, "EMEA", "15,000,000")
    poll_now(ben)
    set_target(ben, "EMEA", "16,000,000")
    anna.undo.stack.undo()  # back to 12,000,000 over Ben's 16,000,000: refused
    settle(anna)
    assert "was changed" in anna.notices.conflict.text()
    assert stored_target(shared_url, "EMEA") == 16_000_000
    assert shown_target(anna, "EMEA") == "$16,000,000"
    assert not anna.undo.stack.canRedo() and not anna.undo.stack.canUndo()


def test_a_structure_change_elsewhere_reloads_the_plan_clears_undo_and_says_so(
    two: tuple[TeamController, TeamController], shared_url: str
) -> None:
    anna, ben = two
    set_target(ben, "APAC", "9,500,000")
    assert ben.undo.stack.canUndo()
    targets = main_window(anna).navigator.page("Targets")
    assert isinstance(targets, TargetsScreen)
    assert targets.add_region("Nordics")
    settle(anna)
    assert [r.name for r in load_plan(shared_url).regions][-1] == "Nordics"
    poll_now(ben)
    notice = ben.notices.reload.text()
    assert "was changed by" in notice and "(Add region «Nordics»)" in notice
    assert "has been reloaded" in notice and "Undo history was cleared" in notice
    assert ben.undo.stack.count() == 0
    model = annual_targets(ben)
    rows = [model.row_spec(r).title for r in range(model.rowCount())]
    assert "Nordics" in rows
    assert shown_target(ben, "APAC") == "$9,500,000"


def test_refresh_action_brings_in_others_changes_now(
    two: tuple[TeamController, TeamController], shared_url: str
) -> None:
    anna, ben = two
    set_target(anna, "North America", "25,000,000")
    main_window(ben).action_by_id["refresh"].trigger()
    assert shown_target(ben, "North America") == "$25,000,000"


def test_save_says_every_edit_is_in_the_database(
    two: tuple[TeamController, TeamController], shared_url: str
) -> None:
    anna, _ = two
    set_target(anna, "EMEA", "14,000,000")
    main_window(anna).action_by_id["save"].trigger()
    message = main_window(anna).statusBar().currentMessage()
    assert message.startswith(f"Every edit is saved in {anna.session.label}")


def test_closing_with_refused_values_not_reapplied_asks_first(
    two: tuple[TeamController, TeamController], shared_url: str, answers: Answers
) -> None:
    anna, ben = two
    set_target(anna, "EMEA", "15,000,000")
    set_target(ben, "EMEA", "13,000,000")
    answers.choices = ["Keep the window open"]
    main_window(ben).close()
    title, text, _, _ = answers.asked[-1]
    assert title == "Values not saved"
    assert (
        text
        == f"1 value of yours is not in {ben.session.label}: someone changed those cells first."
    )
    assert main_window(ben).isVisible()
    click(ben.notices.conflict.buttons["Re-apply my value"])
    settle(ben)
    main_window(ben).close()  # nothing left to lose: no question
    assert len(answers.asked) == 1 and not main_window(ben).isVisible()
    assert stored_target(shared_url, "EMEA") == 13_000_000


def test_file_open_shared_plan_asks_for_the_url_and_remembers_it_without_the_password(
    make_workspace: WorkspaceFactory, shared_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = make_workspace()
    first = open_window(workspace, shared_url)
    offered: list[str] = []
    typed = shared_url.replace("postgres@", "postgres:pa55word@") + "?password=pa55word"

    def get_text(parent: object, title: str, label: str, text: str = "") -> tuple[str, bool]:
        offered.append(text)
        return typed, True

    monkeypatch.setattr(QInputDialog, "getText", get_text)
    told: list[str] = []
    monkeypatch.setattr(workspace_ui, "tell", lambda parent, icon, title, text: told.append(text))
    action = main_window(first).action_by_id["open_shared"]
    assert action.shortcut().toString() == "Ctrl+Shift+O"
    action.trigger()  # the same database: its window is raised, not a second one opened
    assert len(workspace.controllers) == 1 and told == []
    as_psql_spells_it = shared_url.replace("postgresql+psycopg", "postgres", 1)
    assert workspace.open_database(as_psql_spells_it) is first
    remembered = str(workspace.settings.value(workspace_ui.LAST_SHARED_KEY))
    assert remembered == shared_url and "pa55word" not in remembered
    action.trigger()
    assert offered == ["postgresql+psycopg://", shared_url]  # offered again, no password

    typed = "not a url"
    action.trigger()
    assert told and "is not a database URL" in told[-1]
    assert len(workspace.controllers) == 1


def test_a_reload_names_the_latest_change_with_its_scenario_and_counts_the_others(
    two: tuple[TeamController, TeamController], shared_url: str
) -> None:
    anna, ben = two
    set_target(anna, "EMEA", "15,000,000")
    set_target(anna, "APAC", "9,000,000")
    anna.undo.push(RemoveScenario("Delete scenario ‘Efficiency plan’", 3))
    settle(anna)
    assert [s.name for s in load_plan(shared_url).scenarios] == [
        "Baseline",
        "Aggressive EMEA push",
    ]
    poll_now(ben)
    notice = ben.notices.reload.text()
    assert f"was changed by {current_user()} (database user postgres) at " in notice
    assert "(Remove scenario «Efficiency plan», and 2 other changes)" in notice
    assert "has been reloaded" in notice


def test_the_change_log_of_a_shared_plan_names_the_database_user(
    two: tuple[TeamController, TeamController], shared_url: str
) -> None:
    anna, _ = two
    set_target(anna, "EMEA", "15,000,000")
    main_window(anna).action_by_id["change_log"].trigger()
    dialog = main_window(anna).findChild(ChangeLogDialog)
    assert isinstance(dialog, ChangeLogDialog) and dialog.isVisible()
    newest = [dialog.model.index(0, column).data() for column in range(3)]
    assert newest[1:] == [f"{current_user()} (database user postgres)", "Baseline"]


def test_a_database_user_who_may_only_read_gets_the_plan_read_only_and_sees_others_changes(
    make_workspace: WorkspaceFactory, shared_url: str, reader_url: str
) -> None:
    writer = open_window(make_workspace(), shared_url)
    carol = open_window(make_workspace(), reader_url)
    reader = carol.session.db_user
    assert reader.startswith("carol_") and not carol.session.writable
    assert carol.document.read_only
    notice = carol.notices.access.text()
    assert notice.startswith(f"The database user «{reader}» may read this plan but not change")
    assert notice.endswith("Others' changes still appear here as they are saved.")
    window = main_window(carol)
    assert window.windowTitle().endswith("— read-only")
    assert window.read_only_label.isVisible()
    assert window.read_only_label.text() == "Read-only: you may not change this shared plan"
    for action in ("save", "import_excel", "undo", "paste"):
        assert not window.action_by_id[action].isEnabled(), action
    assert window.action_by_id["refresh"].isEnabled()
    assert window.action_by_id["save_as"].isEnabled()  # a copy in a file of one's own
    model = annual_targets(carol)
    cell = model.index(row_of(model, "EMEA"), 0)
    assert not model.flags(cell) & Qt.ItemFlag.ItemIsEditable

    set_target(writer, "EMEA", "15,000,000")
    poll_now(carol)
    assert shown_target(carol, "EMEA") == "$15,000,000"
    assert carol.notices.connection.text() == "" and carol.notices.conflict.text() == ""
    assert stored_target(shared_url, "EMEA") == 15_000_000
