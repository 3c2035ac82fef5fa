"""Fixtures of the window's Excel tests: a controller whose questions are scripted answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton
from pytestqt.qtbot import QtBot

from gtm_planner.model.exchange.workbook_layout import KEY_MARK
from gtm_planner.ui.excel_dialogs import ExcelController
from gtm_planner.ui.main_window import MainWindow
from gtm_planner.ui.questions import Icon

TASK_TIMEOUT_MS = 60_000


@dataclass
class Answers:
    """What the scripted user answers, and every question and message they were shown."""

    save_path: Path | None = None
    open_path: Path | None = None
    scope: int = 0  # 0: current scenario, 1: all scenarios, 2: Cancel
    item: str | None = None
    texts: list[str | None] = field(default_factory=list)
    asked: list[tuple[str, ...]] = field(default_factory=list)
    told: list[tuple[Icon, str, str]] = field(default_factory=list)
    items_offered: list[list[str]] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


def scripted(controller: ExcelController, answers: Answers) -> ExcelController:
    def choice(title: str, text: str, choices: list[str]) -> str:
        answers.asked.append((title, text, *choices))
        return choices[answers.scope]

    def item(title: str, text: str, items: list[str], current: int) -> str | None:
        answers.asked.append((title, text))
        answers.items_offered.append(items)
        return answers.item

    def text(title: str, label: str, suggested: str) -> str | None:
        answers.asked.append((title, label, suggested))
        return answers.texts.pop(0) if answers.texts else None

    controller.choose_save_path = lambda title, suggested: answers.save_path
    controller.choose_open_path = lambda title, folder: answers.open_path
    controller.ask_choice = choice
    controller.choose_item = item
    controller.ask_text = text
    controller.inform = lambda icon, title, message: answers.told.append((icon, title, message))
    controller.message.connect(answers.messages.append)
    return controller


@pytest.fixture
def answers() -> Answers:
    return Answers()


@pytest.fixture
def excel(window: MainWindow, answers: Answers) -> ExcelController:
    return scripted(ExcelController(window, window.undo), answers)


def click(button: QAbstractButton) -> None:
    """A real mouse click, as the user gives it (the button must be visible and enabled)."""
    assert button.isVisible() and button.isEnabled(), button.text()
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def wait_for_task(qtbot: QtBot, controller: ExcelController) -> None:
    qtbot.waitUntil(lambda: not controller.tasks.busy, timeout=TASK_TIMEOUT_MS)


def export_through_ui(
    qtbot: QtBot, controller: ExcelController, answers: Answers, path: Path, scope: int = 0
) -> Path:
    answers.save_path, answers.scope = path, scope
    controller.export_to_excel()
    wait_for_task(qtbot, controller)
    written = path if path.suffix == ".xlsx" else path.with_name(path.name + ".xlsx")
    assert written.is_file(), answers.told
    return written


def edit_cells(source: Path, target: Path, edits: dict[tuple[str, str, str], Any]) -> list[str]:
    """Set cells found by (sheet, row key, column key) with openpyxl; returns their refs."""
    workbook = load_workbook(source)
    refs = []
    for (sheet, row_key, column_key), value in edits.items():
        ws = workbook[sheet]
        key_row = next(r for r in range(1, 21) if any(c.value == KEY_MARK for c in ws[r]))
        columns = {c.value: c.column for c in ws[key_row] if c.value is not None}
        row = next(
            r for r in range(key_row + 1, ws.max_row + 1)
            if ws.cell(r, columns[KEY_MARK]).value == row_key
        )  # fmt: skip
        cell = ws.cell(row, columns[column_key])
        cell.value = value
        refs.append(cell.coordinate)
    workbook.save(target)
    return refs
