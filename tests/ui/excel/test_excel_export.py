"""File › Export to Excel: what it writes reads back unchanged; progress, Cancel, a live window."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from gtm_planner.model.demo import build_large_plan
from gtm_planner.model.document import PlanDocument
from gtm_planner.model.exchange.excel_export import export_workbook
from gtm_planner.model.exchange.excel_import import read_workbook
from gtm_planner.ui.excel_dialogs import ExcelController
from gtm_planner.ui.main_window import MainWindow
from gtm_planner.ui.tasks import Task
from tests.ui.excel.conftest import Answers, click, export_through_ui, scripted, wait_for_task


def test_export_of_the_current_scenario_reads_back_with_no_changes(
    qtbot: QtBot, window: MainWindow, excel: ExcelController, answers: Answers, tmp_path: Path
) -> None:
    path = export_through_ui(qtbot, excel, answers, tmp_path / "q3 plan.xlsx", scope=0)
    current = window.document.current_scenario
    assert answers.asked[0][2] == f"Current scenario ‘{current.name}’"
    result = read_workbook(path, window.document.plan)
    assert result.ok, [str(p) for p in result.problems]
    assert result.workbook_scenario == current.name
    assert result.change_count == 0
    assert answers.messages == [f"Exported 7 sheets to {path}"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q3 plan.xlsx"]  # no temp file


def test_export_of_all_scenarios_reads_back_each_one_with_no_changes(
    qtbot: QtBot, window: MainWindow, excel: ExcelController, answers: Answers, tmp_path: Path
) -> None:
    path = export_through_ui(qtbot, excel, answers, tmp_path / "all", scope=1)
    assert path.name == "all.xlsx"  # the suffix is added
    for scenario in window.document.plan.scenarios:
        result = read_workbook(path, window.document.plan, scenario.id)
        assert result.ok and result.change_count == 0, scenario.name
        assert result.workbook_scenario == scenario.name
    assert answers.messages == [f"Exported 8 sheets to {path}"]  # with the Compare sheet


def test_export_progress_reaches_the_progress_dialog(
    qtbot: QtBot, excel: ExcelController, answers: Answers, tmp_path: Path
) -> None:
    answers.save_path, answers.scope = tmp_path / "plan.xlsx", 1
    seen: list[tuple[int, int, str, int, int, str]] = []
    original = excel.tasks.run

    def run(*args: Any, **kwargs: Any) -> Task:
        task = original(*args, **kwargs)
        dialog = task.dialog
        task.progressed.connect(
            lambda done, total, what: seen.append(
                (done, total, what, dialog.value(), dialog.maximum(), dialog.labelText())
            )
        )
        return task

    excel.tasks.run = run  # type: ignore[method-assign]
    excel.export_to_excel()
    wait_for_task(qtbot, excel)
    assert [s[2] for s in seen][:4] == [
        "Writing Summary", "Writing Targets", "Writing Assumptions", "Writing Budget"
    ]  # fmt: skip
    assert seen[-1][:3] == (8, 8, "Done")
    for done, total, what, value, maximum, label in seen:
        assert (value, maximum, label) == (done, total, what)


def test_cancel_during_export_leaves_no_file_and_no_temporary_file(
    qtbot: QtBot, excel: ExcelController, answers: Answers, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    answers.save_path, answers.scope = folder / "plan.xlsx", 1
    at_budget, release = threading.Event(), threading.Event()

    plans: list[Any] = []

    def paused_export(*args: Any, progress: Any, cancelled: Any) -> list[str]:
        plans.append(args[0])

        def pausing(done: int, total: int, what: str) -> None:
            progress(done, total, what)
            if what == "Writing Budget":  # the workbook is half written in its temp file
                at_budget.set()
                release.wait(30)

        return export_workbook(*args, progress=pausing, cancelled=cancelled)

    excel.export_function = paused_export  # type: ignore[assignment]
    excel.export_to_excel()
    task = excel.tasks.current
    assert task is not None
    assert at_budget.wait(30)
    assert next(p.name for p in folder.iterdir()).endswith(".tmp")  # it was being written
    qtbot.waitUntil(task.dialog.isVisible)
    click(task.cancel_button)
    release.set()
    wait_for_task(qtbot, excel)
    assert task.outcome == "cancelled"
    assert plans[0] is not excel.document.plan  # the worker had a copy, not the live plan
    assert list(folder.iterdir()) == []
    assert answers.messages == ["Export cancelled; no file was written"]
    assert answers.told == []


def test_the_window_stays_responsive_while_the_large_plan_is_exported(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = MainWindow(PlanDocument(build_large_plan()))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(300)  # the first paint of a large plan is not what is measured
    answers = Answers(save_path=tmp_path / "large.xlsx", scope=1)
    excel = scripted(ExcelController(window, window.undo), answers)
    ticks: list[float] = []
    timer = QTimer(window, interval=10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    started = time.perf_counter()  # the copy of the plan on the GUI thread counts too
    excel.export_to_excel()
    wait_for_task(qtbot, excel)
    finished = time.perf_counter()
    timer.stop()
    during = [t for t in ticks if started <= t <= finished]
    gaps = [b - a for a, b in zip([started, *during], [*during, finished], strict=True)]
    assert finished - started > 0.2  # long enough for a frozen window to show
    assert max(gaps) < 0.25, f"the event loop stalled for {max(gaps):.2f} s"
    assert len(during) >= (finished - started) / 0.05
    assert (tmp_path / "large.xlsx").is_file()
