"""Team-mode windows on a real PostgreSQL server: a workspace per user, scripted questions.

Each window is what ``gtm-planner --db URL`` opens: a ``Workspace`` opens the database, the
main window gets a ``TeamController``. The poll timer is stopped: the tests call ``poll`` at
the moment a tick would come, and never sleep for it.

An edit is saved once the database has answered a question on a worker thread: ``settle``
waits for that answer and lets the event loop deliver it (the save follows at once);
``set_target`` types a value and settles, ``type_target`` only types it.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton
from pytestqt.qtbot import QtBot

from gtm_planner.model.demo import build_demo_plan
from gtm_planner.model.persistence import create_plan_file, load_plan
from gtm_planner.ui import team as team_ui
from gtm_planner.ui.grid import GridModel
from gtm_planner.ui.main_window import MainWindow
from gtm_planner.ui.questions import Icon
from gtm_planner.ui.screens.targets import TargetsScreen
from gtm_planner.ui.team import TeamController
from gtm_planner.ui.workspace import Workspace
from tests.conftest import running_pg_server
from tests.pg_server import PgServer, database_role
from tests.ui.grid.helpers import row_of, shown

EDIT = Qt.ItemDataRole.EditRole
REGIONS = {"North America": 0, "EMEA": 1, "APAC": 2, "LATAM": 3}


@dataclass
class Answers:
    """What the scripted user answers the window's questions, and what they were asked."""

    choices: list[str] = field(default_factory=list)  # taken in turn; then give up the work
    asked: list[tuple[str, str, tuple[str, ...], str]] = field(default_factory=list)


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Answers:
    scripted = Answers()

    def ask(
        parent: object, icon: Icon, title: str, text: str, choices: list[str], detail: str = ""
    ) -> str:
        scripted.asked.append((title, text, tuple(choices), detail))
        if scripted.choices:
            return scripted.choices.pop(0)
        return next(c for c in choices if c in ("Discard", "Close without them"))

    monkeypatch.setattr(team_ui, "ask", ask)
    return scripted


@pytest.fixture
def shared_url(pg_url: str) -> str:
    """The demo plan, published into a fresh database on the suite's server."""
    create_plan_file(pg_url, build_demo_plan())
    return pg_url


@pytest.fixture
def reader_url(shared_url: str) -> Iterator[str]:
    """The shared plan as a database user who may read it, not change it (a role of the
    test's own on the suite's server: trust authentication, no password)."""
    with database_role(shared_url, f"carol_{uuid.uuid4().hex[:8]}", "SELECT") as url:
        yield url


WorkspaceFactory = Callable[[], Workspace]


@pytest.fixture
def make_workspace(qtbot: QtBot, tmp_path: Path, answers: Answers) -> Iterator[WorkspaceFactory]:
    """Workspaces as separate users' apps would have them: settings and recovery folders of
    their own under the test's folder. Their windows are closed at the end."""
    made: list[Workspace] = []

    def make() -> Workspace:
        home = tmp_path / f"user{len(made) + 1}"
        settings = QSettings(str(home / "settings.ini"), QSettings.Format.IniFormat)
        workspace = Workspace(settings=settings, recovery_folder=home / "recovery")
        made.append(workspace)
        return workspace

    yield make
    for workspace in made:
        for controller in list(workspace.controllers):
            controller.window.close()


def open_window(workspace: Workspace, url: str) -> TeamController:
    """What ``gtm-planner --db URL`` opens, with its poll timer stopped (tests poll by hand)."""
    controller = workspace.open_database(url)
    assert isinstance(controller, TeamController)
    controller.poll_timer.stop()
    return controller


def settle(controller: TeamController) -> None:
    """Wait for the window's question out to the database (after an edit, a poll, a retry)
    and deliver its answer as the event loop would: what it leads to (a save, a refresh, a
    notice) is done when this returns."""
    assert controller.probe.wait(10_000), "the database did not answer"
    deadline = time.monotonic() + 10
    while controller.probe.running and time.monotonic() < deadline:
        QCoreApplication.processEvents()  # delivers the worker's answer
    assert not controller.probe.running


def poll_now(controller: TeamController) -> None:
    """One tick of the poll timer, waited for: the worker's answer, then what it leads to."""
    controller.poll()
    settle(controller)


def main_window(controller: TeamController) -> MainWindow:
    window = controller.window
    assert isinstance(window, MainWindow)
    return window


def annual_targets(controller: TeamController) -> GridModel:
    """The Targets screen's annual bookings targets, as the user edits them."""
    screen = main_window(controller).navigator.page("Targets")
    assert isinstance(screen, TargetsScreen)
    return screen.annual_grid.grid_model


def type_target(controller: TeamController, region: str, text: str) -> None:
    """Type a FY2027 bookings target into the region's row, as the user does."""
    model = annual_targets(controller)
    assert model.setData(model.index(row_of(model, region), 0), text, EDIT)


def set_target(controller: TeamController, region: str, text: str) -> None:
    """Type a FY2027 bookings target, then let the window save it (``settle``)."""
    type_target(controller, region, text)
    settle(controller)


def shown_target(controller: TeamController, region: str) -> str:
    model = annual_targets(controller)
    return shown(model, row_of(model, region), 0)


def stored_target(url: str, region: str) -> float:
    """The region's FY2027 target as the database holds it (read by a separate connection)."""
    return float(load_plan(url).plan_of_record.inputs.annual_target[REGIONS[region], 0])


def click(button: QAbstractButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def status_text(controller: TeamController) -> str:
    """Where the plan is, as the status bar says it (hidden while a message shows there)."""
    return main_window(controller).file_label.text()


@pytest.fixture(scope="module")
def own_server() -> Iterator[PgServer]:
    """A server of the module's own, which its tests stop and start again."""
    with running_pg_server() as server:
        yield server


@pytest.fixture
def own_url(own_server: PgServer) -> Iterator[str]:
    """The demo plan in a fresh database on that server (running again afterwards, paused
    or halted as the test left it)."""
    own_server.resume()
    name = own_server.create_database()
    url = own_server.url(name)
    create_plan_file(url, build_demo_plan())
    try:
        yield url
    finally:
        own_server.resume()  # unpauses first
        own_server.drop_database(name)
