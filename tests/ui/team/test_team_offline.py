"""The database goes away mid-session: the window says so, keeps the edits (and a safety copy),
retries with back-off and saves them when the server is back; closing never drops them silently.

The server is the module's own (``own_server``), stopped and started again on the same port
with its data, as an outage and a restart would, or paused (its processes frozen) as a paused
VM or a hung failover would leave it: connections open, nothing answering.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTimer
from pytestqt.qtbot import QtBot

from gtm_planner.model.persistence import load_plan
from gtm_planner.model.persistence import recovery as recoveries
from gtm_planner.model.persistence.team import TeamSession
from gtm_planner.ui import workspace as workspace_module
from gtm_planner.ui.change_log_dialog import ChangeLogDialog
from gtm_planner.ui.files import FileController
from gtm_planner.ui.team import RETRY_FIRST_MS, RETRY_MAX_MS
from gtm_planner.ui.team_probe import STALL_MS
from gtm_planner.ui.workspace import Workspace
from tests.pg_server import PgServer

from .conftest import (
    REGIONS,
    Answers,
    WorkspaceFactory,
    click,
    main_window,
    open_window,
    poll_now,
    set_target,
    shown_target,
    status_text,
    stored_target,
    type_target,
)


class Heartbeat:
    """A timer ticking on the GUI thread: the gaps between its ticks show whether the event
    loop ever stopped (a frozen window) while the test waited."""

    def __init__(self, interval_ms: int = 50) -> None:
        self.ticks = [time.monotonic()]
        self.timer = QTimer(interval=interval_ms)
        self.timer.timeout.connect(lambda: self.ticks.append(time.monotonic()))
        self.timer.start()

    def longest_gap(self) -> float:
        self.timer.stop()
        moments = [*self.ticks, time.monotonic()]
        return max(b - a for a, b in itertools.pairwise(moments))


def test_edits_made_while_the_server_is_down_wait_and_are_saved_when_it_is_back(
    make_workspace: WorkspaceFactory, own_server: PgServer, own_url: str
) -> None:
    window = open_window(make_workspace(), own_url)
    set_target(window, "EMEA", "15,000,000")
    assert stored_target(own_url, "EMEA") == 15_000_000

    own_server.halt()
    set_target(window, "APAC", "9,000,000")
    set_target(window, "LATAM", "4,000,000")
    notice = window.notices.connection.text()
    assert notice.startswith(f"{window.session.label} cannot be reached.")
    assert "2 edits are waiting and will be saved when it is back" in notice
    assert set(window.notices.connection.buttons) == {"Retry now", "Save a copy as file…"}
    assert shown_target(window, "APAC") == "$9,000,000"  # the user's values stay on screen
    assert shown_target(window, "LATAM") == "$4,000,000"
    assert len(window.document.pending_edits) == 2
    assert main_window(window).isWindowModified()
    assert "2 edits waiting" in status_text(window)
    # A safety copy holds them should the app crash now; the next start offers it back.
    assert window.safety_copy is not None
    window.safety_copy.wait()  # it is written in the background
    assert window.safety is not None
    copy = load_plan(window.safety.plan_path).plan_of_record.inputs.annual_target
    assert copy[REGIONS["APAC"], 0] == 9_000_000 and copy[REGIONS["LATAM"], 0] == 4_000_000
    safety = window.safety

    own_server.resume()
    window.retry()  # what the back-off timer (or "Retry now") does
    assert stored_target(own_url, "APAC") == 9_000_000
    assert stored_target(own_url, "LATAM") == 4_000_000
    assert stored_target(own_url, "EMEA") == 15_000_000
    notice = window.notices.connection.text()
    assert notice == f"Saved 2 edits made while {window.session.label} was unreachable."
    assert window.document.pending_edits == [] and not main_window(window).isWindowModified()
    assert window.safety is None and not safety.plan_path.exists()
    assert not window.retry_timer.isActive()


def test_the_back_off_timer_asks_on_a_worker_first_then_saves(
    make_workspace: WorkspaceFactory, own_server: PgServer, own_url: str
) -> None:
    window = open_window(make_workspace(), own_url)
    own_server.halt()
    set_target(window, "EMEA", "15,500,000")
    assert window.offline and window.retry_timer.isActive()
    window.retry_timer.timeout.emit()  # the timer fires while the server is still down …
    assert window.probe.running  # … the question goes to a worker; the window stays free
    assert window.probe.wait(10_000)
    QCoreApplication.processEvents()
    assert window.offline and window.retry_timer.isActive()  # … and tries again later
    own_server.resume()
    window.retry_timer.timeout.emit()
    assert window.probe.wait(10_000)
    QCoreApplication.processEvents()
    assert not window.offline and window.document.pending_edits == []
    assert stored_target(own_url, "EMEA") == 15_500_000


def test_an_unreachable_database_is_retried_with_back_off_up_to_30_seconds(
    make_workspace: WorkspaceFactory, own_server: PgServer, own_url: str
) -> None:
    window = open_window(make_workspace(), own_url)
    own_server.halt()
    set_target(window, "EMEA", "15,000,000")
    delays = [window.retry_timer.interval()]
    for _ in range(5):
        click(window.notices.connection.buttons["Retry now"])
        delays.append(window.retry_timer.interval())
    assert delays == [RETRY_FIRST_MS, 4_000, 8_000, 16_000, RETRY_MAX_MS, RETRY_MAX_MS]
    assert window.retry_timer.isActive()
    assert "1 edit is waiting" in window.notices.connection.text()


def test_a_poll_that_finds_the_server_gone_says_so_before_any_edit(
    make_workspace: WorkspaceFactory, own_server: PgServer, own_url: str
) -> None:
    window = open_window(make_workspace(), own_url)
    own_server.halt()
    poll_now(window)
    assert "cannot be reached" in window.notices.connection.text()
    assert "Your edits will be kept and saved when it is back" in window.notices.connection.text()
    own_server.resume()
    window.retry()
    assert window.notices.connection.text() == ""  # nothing was waiting: nothing to report


def test_closing_with_edits_waiting_asks_and_save_a_copy_writes_them_to_a_plan_file(
    make_workspace: WorkspaceFactory,
    own_server: PgServer,
    own_url: str,
    answers: Answers,
    tmp_path: Path,
) -> None:
    workspace = make_workspace()
    window = open_window(workspace, own_url)
    own_server.halt()
    set_target(window, "EMEA", "15,500,000")
    copy = tmp_path / "kept.gtmplan"
    window.choose_copy_path = lambda: copy  # type: ignore[method-assign]

    answers.choices = ["Cancel"]
    main_window(window).close()
    title, text, choices, _ = answers.asked[-1]
    assert title == "Edits not saved"
    assert text == f"1 edit to {window.session.label} is not saved yet."
    assert choices == ("Retry", "Save a copy as file…", "Discard", "Cancel")
    assert main_window(window).isVisible() and window in workspace.controllers
    assert len(window.document.pending_edits) == 1

    answers.choices = ["Retry", "Save a copy as file…"]  # still down: asked again
    main_window(window).close()
    assert len(answers.asked) == 3
    assert window not in workspace.controllers
    kept = load_plan(copy).plan_of_record.inputs.annual_target[REGIONS["EMEA"], 0]
    assert kept == 15_500_000
    assert recoveries.all_recoveries(workspace.recovery_folder) == []  # no copy left behind


def test_closing_after_the_server_is_back_saves_without_asking(
    make_workspace: WorkspaceFactory, own_server: PgServer, own_url: str, answers: Answers
) -> None:
    window = open_window(make_workspace(), own_url)
    own_server.halt()
    set_target(window, "EMEA", "11,000,000")
    own_server.resume()
    main_window(window).close()
    assert answers.asked == []
    assert stored_target(own_url, "EMEA") == 11_000_000


def test_a_password_in_the_url_never_reaches_settings_titles_notices_or_files(
    make_workspace: WorkspaceFactory, own_server: PgServer, own_url: str, tmp_path: Path
) -> None:
    password = "s3cret-Pw0rd"
    url = own_url.replace("://postgres@", f"://postgres:{password}@")  # trust auth ignores it
    workspace = make_workspace()
    window = open_window(workspace, url)
    set_target(window, "EMEA", "15,000,000")
    assert window.save_copy(tmp_path / "copy.gtmplan")  # goes into Open Recent
    own_server.halt()
    set_target(window, "APAC", "9,000,000")
    assert window.safety_copy is not None
    window.safety_copy.wait()
    assert window.safety is not None
    seen = [
        main_window(window).windowTitle(),
        status_text(window),
        window.notices.connection.text(),
        window.notices.connection.toolTip(),
        main_window(window).action_by_id["save"].statusTip(),
    ]
    assert any("cannot be reached" in text for text in seen)
    for text in seen:
        assert password not in text
    workspace.settings.sync()
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert password.encode() not in path.read_bytes(), path


def test_edits_kept_by_an_app_that_died_offline_are_offered_at_the_next_start(
    make_workspace: WorkspaceFactory,
    own_server: PgServer,
    own_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    workspace = make_workspace()
    window = open_window(workspace, own_url)
    own_server.halt()
    set_target(window, "EMEA", "17,000,000")
    assert window.safety_copy is not None
    window.safety_copy.wait()
    kept = window.safety
    assert kept is not None
    # The app dies here: its recovery is left behind by a process that is gone.
    manifest = json.loads(kept.manifest_path.read_text(encoding="utf-8"))
    manifest.update(pid=2**22 + 1, session="a process that crashed")
    kept.manifest_path.write_text(json.dumps(manifest), encoding="utf-8")

    own_server.resume()
    offered: list[str] = []

    def answer(*arguments: object) -> str:
        offered.append(str(arguments[3]))
        return "Recover"

    monkeypatch.setattr(workspace_module, "ask", answer)
    again = Workspace(settings=workspace.settings, recovery_folder=workspace.recovery_folder)
    assert again.start_shared(*TeamSession.open(own_url))
    assert len(offered) == 1 and "not saved" in offered[0]
    recovered = again.controller_for(kept.original_path)
    assert isinstance(recovered, FileController) and recovered.is_modified
    emea = recovered.document.plan.plan_of_record.inputs.annual_target[REGIONS["EMEA"], 0]
    assert emea == 17_000_000
    assert recovered.save()  # a plan file of its own, beside the recovery folder
    assert load_plan(kept.original_path).plan_of_record.inputs.annual_target[1, 0] == emea
    for controller in list(again.controllers):
        controller.window.close()
    assert recoveries.all_recoveries(workspace.recovery_folder) == []


def test_a_paused_server_never_freezes_the_window_and_the_edit_is_saved_when_it_runs_again(
    make_workspace: WorkspaceFactory, own_server: PgServer, own_url: str, qtbot: QtBot
) -> None:
    window = open_window(make_workspace(), own_url)
    set_target(window, "EMEA", "15,000,000")  # the connection is open, and now idle
    label = window.session.label
    own_server.pause()
    heartbeat = Heartbeat()
    started = time.monotonic()
    type_target(window, "APAC", "9,000,000")
    assert time.monotonic() - started < 0.5  # the edit is taken at once …
    assert shown_target(window, "APAC") == "$9,000,000"
    # … and within a few seconds the window says the database is not answering.
    qtbot.waitUntil(lambda: "not answering" in window.notices.connection.text(), timeout=6_000)
    assert time.monotonic() - started < STALL_MS / 1000 + 2
    notice = window.notices.connection.text()
    assert notice.startswith(f"{label} is not answering.")
    assert re.search(
        r"1 edit is waiting and will be saved as soon as it answers \(next try in \d+ s\)", notice
    )
    assert f"{label} is not answering (no reply within 3 s)" in window.notices.connection.toolTip()
    assert set(window.notices.connection.buttons) == {"Retry now", "Save a copy as file…"}
    assert len(window.document.pending_edits) == 1 and main_window(window).isWindowModified()
    assert "1 edit waiting" in status_text(window)
    # The back-off timer's next try finds the question still out: it says so, at once.
    tried = time.monotonic()
    window.retry_timer.timeout.emit()
    assert time.monotonic() - tried < 0.5
    assert window.retry_timer.interval() == 2 * RETRY_FIRST_MS
    assert "not answering" in window.notices.connection.text()
    qtbot.wait(300)
    assert heartbeat.longest_gap() < 1.0  # the event loop never stopped

    own_server.unpause()
    qtbot.waitUntil(lambda: not window.document.pending_edits, timeout=10_000)
    assert stored_target(own_url, "APAC") == 9_000_000
    saved = f"Saved 1 edit made while {label} was not answering."
    assert window.notices.connection.text() == saved
    assert not window.offline and not window.retry_timer.isActive()
    assert not main_window(window).isWindowModified()


def test_a_poll_that_finds_the_server_paused_says_so_and_closing_does_not_wait_for_it(
    make_workspace: WorkspaceFactory, own_server: PgServer, own_url: str, qtbot: QtBot
) -> None:
    workspace = make_workspace()
    window = open_window(workspace, own_url)
    own_server.pause()
    window.poll()
    qtbot.waitUntil(lambda: "not answering" in window.notices.connection.text(), timeout=6_000)
    assert "Your edits will be kept and saved as soon as it answers" in (
        window.notices.connection.text()
    )
    assert window.probe.running  # the question is still out to the frozen server
    started = time.monotonic()
    main_window(window).close()
    assert time.monotonic() - started < 1.0
    assert window not in workspace.controllers


def test_the_change_log_says_an_edit_waiting_is_not_yet_in_the_database(
    make_workspace: WorkspaceFactory, own_server: PgServer, own_url: str
) -> None:
    window = open_window(make_workspace(), own_url)
    own_server.halt()
    set_target(window, "EMEA", "15,500,000")
    main_window(window).action_by_id["change_log"].trigger()
    dialog = main_window(window).findChild(ChangeLogDialog)
    assert isinstance(dialog, ChangeLogDialog)
    assert dialog.model.is_unsaved(0)
    assert dialog.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == (
        "Not yet saved to the database"
    )
    assert dialog.summary.text().endswith("; 1 not yet saved")
