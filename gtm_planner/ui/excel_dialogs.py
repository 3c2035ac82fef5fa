"""File › Export to Excel and Import from Excel: the questions, the preview, the problems.

Reading and writing run on the task runner's worker over a copy of the plan taken on the GUI
thread; the document changes only on the GUI thread, after the user saw the preview and chose
"Apply" (one undo step) or "New scenario…". Every question a dialog would ask is an attribute
(``choose_save_path``, ``choose_open_path``, ``ask_choice``, ``choose_item``, ``ask_text``,
``inform``) so tests replace them; the preview and problems dialogs open without blocking and
expose their buttons.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QInputDialog,
    QWidget,
)

from gtm_planner.model.document import PlanDocument
from gtm_planner.model.entities import Plan
from gtm_planner.model.exchange.errors import ExchangeError
from gtm_planner.model.exchange.excel_export import export_workbook
from gtm_planner.model.exchange.excel_import import ImportResult
from gtm_planner.ui.excel_preview import (
    WORKBOOK_FILTER,
    ImportPreview,
    ImportPreviewDialog,
    ImportProblemsDialog,
    read_for_preview,
    scan_workbook,
)
from gtm_planner.ui.questions import Icon, ask, tell
from gtm_planner.ui.tasks import Cancelled, Progress, TaskRunner
from gtm_planner.ui.undo import UndoController

AnyIndex = QModelIndex | QPersistentModelIndex
ALL, CURRENT = "all", "current"  # what an export covers


class ExcelController(QObject):
    """File › Export to Excel / Import from Excel for one window and its undo stack."""

    message = Signal(str)  # a one-line outcome for the status bar

    def __init__(self, window: QWidget, undo: UndoController, tasks: TaskRunner | None = None):
        super().__init__(window)
        self.window = window
        self.undo = undo
        self.document: PlanDocument = undo.document
        self.tasks = tasks if tasks is not None else TaskRunner(window)
        self.dialog: ImportPreviewDialog | ImportProblemsDialog | None = None
        self.choose_save_path: Callable[[str, Path], Path | None] = self._choose_save_path
        self.choose_open_path: Callable[[str, Path], Path | None] = self._choose_open_path
        self.ask_choice: Callable[[str, str, list[str]], str] = lambda title, text, choices: ask(
            self.window, Icon.Question, title, text, choices
        )
        self.choose_item: Callable[[str, str, list[str], int], str | None] = self._choose_item
        self.ask_text: Callable[[str, str, str], str | None] = self._ask_text
        self.inform: Callable[[Icon, str, str], None] = lambda icon, title, text: tell(
            self.window, icon, title, text
        )
        self.export_function = export_workbook  # replaceable in tests, to pause the worker

    def bind_actions(self, actions: Mapping[str, QAction]) -> None:
        """Connect "export_excel" and "import_excel" when present (ids as in ``actions.py``)."""
        slots = {"export_excel": self.export_to_excel, "import_excel": self.import_from_excel}
        for action_id, slot in slots.items():
            if action_id in actions:
                actions[action_id].triggered.connect(lambda _=False, run=slot: run())

    def _folder(self) -> Path:
        return self.document.path.parent if self.document.path is not None else Path.home()

    # --- export -------------------------------------------------------------------------

    def export_to_excel(self) -> None:
        """Ask which scenarios and where, then write the workbook on the worker."""
        plan, current = self.document.plan, self.document.current_scenario
        scope = CURRENT
        if len(plan.scenarios) > 1:
            every = f"All {len(plan.scenarios)} scenarios, with a Compare sheet"
            choices = [f"Current scenario ‘{current.name}’", every, "Cancel"]
            chosen = self.ask_choice("Export to Excel", "Export which scenarios?", choices)
            if chosen == choices[-1]:
                return
            scope = CURRENT if chosen == choices[0] else ALL
        stem = plan.settings.name + (f" — {current.name}" if scope == CURRENT else "")
        suggested = self._folder() / (re.sub(r'[\\/:*?"<>|]+', "-", stem) + ".xlsx")
        path = self.choose_save_path("Export to Excel", suggested)
        if path is None:
            return
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        ids = [current.id] if scope == CURRENT else None
        snapshot = plan.copy()  # the worker reads this copy, never the live document
        export = self.export_function

        def work(progress: Progress, cancelled: Cancelled) -> list[str]:
            return export(snapshot, path, ids, progress=progress, cancelled=cancelled)

        self.tasks.run(
            f"Exporting to {path.name}",
            work,
            lambda sheets: self.message.emit(f"Exported {len(sheets)} sheets to {path}"),
            on_failed=lambda error: self._failed(error, "Cannot export to Excel"),
            on_cancelled=lambda: self.message.emit("Export cancelled; no file was written"),
        )

    # --- import -------------------------------------------------------------------------

    def import_from_excel(self, path: Path | None = None) -> None:
        """Read a workbook on the worker; then the problems, or the preview to decide on."""
        if path is None:
            path = self.choose_open_path("Import from Excel", self._folder())
            if path is None:
                return
        chosen = path
        snapshot = self.document.plan.copy()
        self.tasks.run(
            f"Reading {chosen.name}",
            lambda progress, cancelled: scan_workbook(chosen, snapshot, progress, cancelled),
            lambda found: self._scanned(chosen, snapshot, found),
            on_failed=lambda error: self._failed(error, "Cannot import this workbook"),
            on_cancelled=self._import_cancelled,
        )

    def _scanned(self, path: Path, plan: Plan, found: ImportPreview | dict[int, str]) -> None:
        if isinstance(found, ImportPreview):
            self._show_preview(found)
            return
        in_plan: dict[str, int] = {}  # workbook scenario name → the plan scenario it matches
        for s in plan.scenarios:
            wid = s.id if s.id in found else next((i for i, n in found.items() if n == s.name), 0)
            if wid:
                in_plan[found[wid]] = s.id
        if not in_plan:
            listed = ", ".join(f"‘{n}’" for n in found.values())
            text = (f"«{path.name}» holds {len(found)} scenarios ({listed}) and none of them "
                    "is in this plan. Export one scenario from this plan, or import a workbook "
                    "that holds one scenario only.")  # fmt: skip
            return self.inform(Icon.Warning, "Cannot import this workbook", text)
        names = list(in_plan)
        current = self.document.current_scenario.id
        start = next((i for i, n in enumerate(names) if in_plan[n] == current), 0)
        text = f"«{path.name}» holds {len(found)} scenarios. Import which one?"
        name = self.choose_item("Import from Excel", text, names, start)
        if name is None:
            return self._import_cancelled()
        sid = in_plan[name]
        self.tasks.run(
            f"Reading {path.name}",
            lambda progress, cancelled: read_for_preview(path, plan, sid, progress, cancelled),
            self._show_preview,
            on_failed=lambda error: self._failed(error, "Cannot import this workbook"),
            on_cancelled=self._import_cancelled,
        )

    def _import_cancelled(self) -> None:
        self.message.emit("Import cancelled; nothing was changed")

    def _show_preview(self, preview: ImportPreview) -> None:
        if not preview.result.ok:
            self._open(ImportProblemsDialog(preview.result, self.window))
            return
        currency = self.document.plan.settings.currency
        dialog = ImportPreviewDialog(preview, currency, not self.document.read_only, self.window)
        dialog.apply_button.clicked.connect(lambda: self._apply(dialog, preview.result))
        dialog.new_scenario_button.clicked.connect(lambda: self._as_new(dialog, preview.result))
        self._open(dialog)

    def _open(self, dialog: ImportPreviewDialog | ImportProblemsDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self._closed(dialog))
        self.dialog = dialog
        dialog.open()

    def _closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _apply(self, dialog: QDialog, result: ImportResult) -> None:
        sid = result.scenario_id
        try:
            command = result.to_command(self.document, sid)
        except ExchangeError as error:
            return self.inform(Icon.Critical, "Cannot apply the import", str(error))
        assert sid is not None  # to_command refuses a result without a scenario
        self.undo.push(command)
        self.document.set_current_scenario(sid)
        dialog.accept()
        self.message.emit(f"{command.label} into ‘{result.scenario_name}’")

    def _as_new(self, dialog: QDialog, result: ImportResult) -> None:
        taken = {s.name for s in self.document.plan.scenarios}
        base = f"{result.workbook_scenario or 'Imported'} (from Excel)"
        name, number = base, 1
        while name in taken:
            number += 1
            name = f"{base} {number}"
        while True:
            answer = self.ask_text("New scenario from Excel", "Name of the new scenario:", name)
            if answer is None:
                return
            try:
                command = result.to_new_scenario(self.document, answer)
                break
            except ExchangeError as error:
                self.inform(Icon.Warning, "New scenario from Excel", str(error))
                name = answer
        self.undo.push(command)
        self.document.set_current_scenario(command.scenario.id)
        dialog.accept()
        self.message.emit(f"Imported {result.path.name} as the new scenario ‘{answer.strip()}’")

    def _failed(self, error: BaseException, title: str) -> None:
        if isinstance(error, ExchangeError | OSError):  # refused files too: one clear sentence
            self.inform(Icon.Critical, title, str(error))
            return
        raise error  # a bug: never silent

    # --- the default questions (tests replace these attributes) -------------------------

    def _choose_save_path(self, title: str, suggested: Path) -> Path | None:
        dialog = QFileDialog(self.window, title, str(suggested), "Excel workbooks (*.xlsx)")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("xlsx")
        dialog.selectFile(str(suggested))
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return None
        return Path(dialog.selectedFiles()[0])

    def _choose_open_path(self, title: str, folder: Path) -> Path | None:
        chosen, _ = QFileDialog.getOpenFileName(self.window, title, str(folder), WORKBOOK_FILTER)
        return Path(chosen) if chosen else None

    def _choose_item(self, title: str, text: str, items: list[str], current: int) -> str | None:
        item, ok = QInputDialog.getItem(self.window, title, text, items, current, False)
        return item if ok else None

    def _ask_text(self, title: str, label: str, text: str) -> str | None:
        answer, ok = QInputDialog.getText(self.window, title, label, text=text)
        return answer if ok else None
