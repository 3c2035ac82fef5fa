"""The team-mode notices as projected at 1600×1000: whole, legible, their buttons in view.

Pictures go to /tmp/team_*.png for a person to look at; the assertions check what a machine
can: the notice is shown in full (no line cut off) and its buttons are inside the window.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QRect
from pytestqt.qtbot import QtBot

from gtm_planner.ui.notices import NoticeBar
from gtm_planner.ui.screenshot import save_screenshot
from gtm_planner.ui.team import TeamController
from tests.pg_server import PgServer

from .conftest import WorkspaceFactory, main_window, open_window, set_target, type_target

SHOTS = Path("/tmp")
SIZE = (1600, 1000)


def assert_shown_in_full(controller: TeamController, notice: NoticeBar) -> None:
    window = main_window(controller)
    assert notice.isVisible() and notice.text()
    label = notice.label
    assert label.height() >= label.heightForWidth(label.width()), "the text is cut off"
    inside = QRect(QPoint(0, 0), window.size())
    for button in notice.buttons.values():
        assert button.isVisible()
        corner = button.mapTo(window, QPoint(button.width(), button.height()))
        assert inside.contains(corner), button.text()
        assert button.width() >= button.sizeHint().width(), button.text()


def test_the_refusal_notice_reads_in_full_on_the_targets_screen(
    make_workspace: WorkspaceFactory, shared_url: str
) -> None:
    anna = open_window(make_workspace(), shared_url)
    ben = open_window(make_workspace(), shared_url)
    set_target(anna, "EMEA", "15,000,000")
    set_target(ben, "EMEA", "13,000,000")
    main_window(ben).navigator.show_page("Targets")
    save_screenshot(main_window(ben), SHOTS / "team_conflict.png", SIZE)
    assert_shown_in_full(ben, ben.notices.conflict)


def test_the_lost_connection_notice_reads_in_full(
    make_workspace: WorkspaceFactory, own_server: PgServer, own_url: str
) -> None:
    window = open_window(make_workspace(), own_url)
    own_server.halt()
    set_target(window, "APAC", "9,000,000")
    set_target(window, "LATAM", "4,000,000")
    save_screenshot(main_window(window), SHOTS / "team_offline.png", SIZE)
    assert_shown_in_full(window, window.notices.connection)
    own_server.resume()
    window.retry()
    save_screenshot(main_window(window), SHOTS / "team_back.png", SIZE)
    assert_shown_in_full(window, window.notices.connection)


def test_the_not_answering_notice_reads_in_full(
    make_workspace: WorkspaceFactory, own_server: PgServer, own_url: str, qtbot: QtBot
) -> None:
    window = open_window(make_workspace(), own_url)
    own_server.pause()
    type_target(window, "APAC", "9,000,000")
    qtbot.waitUntil(lambda: "not answering" in window.notices.connection.text(), timeout=6_000)
    save_screenshot(main_window(window), SHOTS / "team_not_answering.png", SIZE)
    assert_shown_in_full(window, window.notices.connection)
    own_server.unpause()
    qtbot.waitUntil(lambda: not window.document.pending_edits, timeout=10_000)


def test_the_read_only_notice_reads_in_full(
    make_workspace: WorkspaceFactory, reader_url: str
) -> None:
    window = open_window(make_workspace(), reader_url)
    main_window(window).navigator.show_page("Targets")
    save_screenshot(main_window(window), SHOTS / "team_read_only.png", SIZE)
    assert_shown_in_full(window, window.notices.access)
