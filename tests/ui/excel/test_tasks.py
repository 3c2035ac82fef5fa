"""The task runner: work runs off the GUI thread, its outcome comes back on it."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from gtm_planner.ui.tasks import Cancelled, Progress, TaskRunner


@pytest.fixture
def runner(qtbot: QtBot) -> TaskRunner:
    parent = QWidget()
    qtbot.addWidget(parent)
    return TaskRunner(parent)


def test_work_runs_on_a_worker_and_the_result_arrives_on_the_gui_thread(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    threads: dict[str, threading.Thread] = {}

    def work(progress: Progress, cancelled: Cancelled) -> int:
        threads["work"] = threading.current_thread()
        progress(1, 2, "Halfway")
        return 42

    def done(value: int) -> None:
        threads["result"] = threading.current_thread()
        results.append(value)

    results: list[int] = []
    runner.run("Counting", work, done)
    qtbot.waitUntil(lambda: results == [42])
    assert threads["work"] is not threading.main_thread()
    assert threads["result"] is threading.main_thread()
    assert not runner.busy


def test_an_error_of_the_work_is_handed_to_the_gui_thread(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    errors: list[tuple[BaseException, threading.Thread]] = []

    def work(progress: Progress, cancelled: Cancelled) -> None:
        raise ValueError("the workbook is odd")

    runner.run(
        "Failing",
        work,
        lambda _: None,
        on_failed=lambda error: errors.append((error, threading.current_thread())),
    )
    qtbot.waitUntil(lambda: bool(errors))
    error, thread = errors[0]
    assert isinstance(error, ValueError) and str(error) == "the workbook is odd"
    assert thread is threading.main_thread()


def test_cancel_stops_work_that_checks_and_reports_it_as_cancelled(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    started, outcomes = threading.Event(), []

    def work(progress: Progress, cancelled: Cancelled) -> str:
        started.set()
        while not cancelled():
            threading.Event().wait(0.005)
        raise RuntimeError("stopped")

    task = runner.run(
        "Waiting",
        work,
        lambda _: outcomes.append("finished"),
        on_failed=lambda _: outcomes.append("failed"),
        on_cancelled=lambda: outcomes.append("cancelled"),
    )
    assert started.wait(10)
    qtbot.waitUntil(task.dialog.isVisible)  # shown once the work takes a while
    task.cancel_button.click()
    assert task.dialog.labelText() == "Cancelling…"
    qtbot.waitUntil(lambda: bool(outcomes))
    assert outcomes == ["cancelled"]


def test_a_second_task_is_refused_while_one_runs(qtbot: QtBot, runner: TaskRunner) -> None:
    release = threading.Event()
    runner.run("First", lambda p, c: release.wait(10), lambda _: None)
    with pytest.raises(RuntimeError, match="still running"):
        runner.run("Second", lambda p, c: None, lambda _: None)
    release.set()
    qtbot.waitUntil(lambda: not runner.busy)


def test_a_window_closed_while_work_runs_waits_for_it_and_drops_the_outcome(
    qtbot: QtBot,
) -> None:
    parent = QWidget()
    runner = TaskRunner(parent)
    outcomes: list[object] = []

    def work(progress: Progress, cancelled: Cancelled) -> str:
        threading.Event().wait(0.2)
        progress(1, 1, "Done")
        return "written"

    task = runner.run("Slow", work, outcomes.append)
    parent.deleteLater()
    qtbot.waitUntil(lambda: task.wait(0))
    qtbot.wait(50)
    assert outcomes == []  # nobody is left to show it to
