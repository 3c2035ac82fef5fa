"""Drives the real app in its own process for the end-to-end tests of the File menu.

It starts the app the way ``gtm_planner.app.run_gui`` does (the same QApplication settings and
Qt message filter, the same ``Workspace.start``), answers the message boxes the app shows by
the rules it is given, runs a list of steps, and reports on stdout, one JSON object a line::

    python -m tests.e2e.driver PLAN [--answer 'TEXT=BUTTON' ...] STEP ...

Steps: ``edit:VALUE`` (the current scenario's first annual target, pushed through the
window's undo stack as a user's edit is), ``wait-autosave``, ``save``, ``save-as:PATH``,
``new:PATH``, ``open-recent:PATH``, ``recent``, ``report``, ``change-log``,
``wait-file:PATH`` (until the test creates it), ``quit`` (close every window). Each
``--answer`` rule answers one dialog whose text contains TEXT, in the order given.
Anything that goes wrong is written to stderr, which the tests require to stay empty.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QAbstractButton, QApplication, QMessageBox

from gtm_planner.app import _install_qt_message_filter
from gtm_planner.model.commands import SetValues
from gtm_planner.ui.change_log_dialog import ChangeLogDialog
from gtm_planner.ui.files import FileController
from gtm_planner.ui.workspace import Workspace

POLL_MS = 50


def emit(event: str, **fields: object) -> None:
    print(json.dumps({"event": event, **fields}), flush=True)


class DialogAnswerer:
    """Clicks a button of every message box that appears, chosen by a rule on its text."""

    def __init__(self, rules: list[tuple[str, str]]) -> None:
        self.rules = rules
        self._seen: set[int] = set()
        self._timer = QTimer(interval=POLL_MS)
        self._timer.timeout.connect(self._answer)
        self._timer.start()

    def _answer(self) -> None:
        for widget in QApplication.topLevelWidgets():
            if not isinstance(widget, QMessageBox) or not widget.isVisible():
                continue
            if id(widget) in self._seen:
                continue
            self._seen.add(id(widget))
            text = f"{widget.text()}\n{widget.informativeText()}"
            rule = next((r for r in self.rules if r[0] in text), None)
            answer = None
            if rule is not None:
                self.rules.remove(rule)  # each rule answers one dialog, in the order given
                answer = rule[1]
            button = self._button(widget, answer) if answer is not None else None
            emit("dialog", title=widget.windowTitle(), text=text, answer=answer)
            if button is None:
                print(f"driver: no rule answers the dialog {text!r}", file=sys.stderr)
                escape = widget.escapeButton()
                if escape is not None:
                    escape.click()
                else:
                    widget.reject()
            else:
                button.click()

    @staticmethod
    def _button(box: QMessageBox, answer: str) -> QAbstractButton | None:
        for button in box.buttons():
            if button.text().replace("&", "") == answer:
                return button
        standard = getattr(QMessageBox.StandardButton, answer, None)
        if isinstance(standard, QMessageBox.StandardButton):
            return box.button(standard)
        return None


class Script:
    """Runs the steps one after another on the event loop."""

    def __init__(self, workspace: Workspace, steps: list[str]) -> None:
        self.workspace = workspace
        self.steps = list(steps)
        self.change_log: ChangeLogDialog | None = None
        self._tester: QAbstractItemModelTester | None = None

    @property
    def files(self) -> FileController:
        controller = self.workspace.controllers[-1]
        assert isinstance(controller, FileController)
        return controller

    def next(self) -> None:
        if not self.steps:
            return
        step = self.steps.pop(0)
        name, _, argument = step.partition(":")
        runner: Callable[[str], bool] = getattr(self, "step_" + name.replace("-", "_"))
        try:
            done = runner(argument)
        except Exception as err:  # a failing step must show on stderr and end the run
            print(f"driver: step {step!r} failed: {err!r}", file=sys.stderr)
            QApplication.exit(1)
            raise
        if done:
            QTimer.singleShot(0, self.next)

    def step_edit(self, value: str) -> bool:
        document = self.files.document
        cells, values = np.array([[0, 0]]), np.array([float(value)])
        command = SetValues("Edit target", document.current_scenario.id, "annual_target",
                            cells, values)  # fmt: skip
        self.files.undo.push(command)
        return True

    def step_wait_autosave(self, _argument: str) -> bool:
        def done() -> None:
            emit("autosaved")
            QTimer.singleShot(0, self.next)

        self.files.autosaved.connect(done)
        return False

    def step_save(self, _argument: str) -> bool:
        emit("saved", ok=self.files.save())
        return True

    def step_report(self, _argument: str) -> bool:
        files = self.files
        document = files.document
        window = files.window
        emit(
            "state",
            windows=len(self.workspace.controllers),
            path=str(document.path),
            read_only=document.read_only,
            modified=files.is_modified,
            window_modified=window.isWindowModified(),
            title=window.windowTitle(),
            target=float(document.current_scenario.inputs.annual_target[0, 0]),
        )
        return True

    def step_change_log(self, _argument: str) -> bool:
        self.files.show_change_log()
        dialog = self.files.window.findChild(ChangeLogDialog)
        assert dialog is not None and dialog.isVisible()
        self._tester = QAbstractItemModelTester(
            dialog.model, QAbstractItemModelTester.FailureReportingMode.Warning, dialog
        )
        model = dialog.model
        rows = [
            [str(model.data(model.index(row, column))) for column in range(model.columnCount())]
            for row in range(model.rowCount())
        ]
        emit("change_log", summary=dialog.summary.text(), rows=rows[:5])
        dialog.close()
        return True

    def step_save_as(self, path: str) -> bool:
        emit("saved_as", ok=self.files.save_as(Path(path)))
        return True

    def step_new(self, path: str) -> bool:
        self.files.new_plan(Path(path))
        return True

    def step_open_recent(self, path: str) -> bool:
        self.files.open_recent(Path(path))
        return True

    def step_recent(self, _argument: str) -> bool:
        emit("recent", paths=[str(p) for p in self.workspace.recent_paths()])
        return True

    def step_wait_file(self, path: str) -> bool:
        def check() -> None:
            if Path(path).exists():
                QTimer.singleShot(0, self.next)
            else:
                QTimer.singleShot(POLL_MS, check)

        check()
        return False

    def step_quit(self, _argument: str) -> bool:
        for controller in list(self.workspace.controllers):
            controller.window.close()
        emit("quit", windows_left=len(self.workspace.controllers))
        if self.workspace.controllers and not self.steps:
            QApplication.exit(3)  # a window refused to close and nothing else will close it
        return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="driver")
    parser.add_argument("plan", type=Path)
    parser.add_argument("--answer", action="append", default=[], metavar="TEXT=BUTTON")
    parser.add_argument("steps", nargs="*")
    args = parser.parse_intermixed_args(argv)
    rules = [tuple(rule.split("=", 1)) for rule in args.answer]

    _install_qt_message_filter()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setApplicationName("GTM Planner")
    app.setOrganizationName("GTM Planner")

    answerer = DialogAnswerer([(text, answer) for text, answer in rules])
    workspace = Workspace()
    if not workspace.start(args.plan):
        emit("nothing_open")
        return 1
    emit("started", windows=len(workspace.controllers))
    script = Script(workspace, args.steps)
    QTimer.singleShot(0, script.next)
    code = app.exec()
    del answerer
    return code


if __name__ == "__main__":
    sys.exit(main())
