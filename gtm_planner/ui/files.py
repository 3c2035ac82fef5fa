"""Files: New, Open, Open Recent, Save, Save As, the plan lock, autosave and recovery.

One window per plan. The app's ``Workspace`` opens plans (asking about locks, recoveries and
upgrades on the way) and gives each its window; closing the last window quits. Each window's
``FileController`` (a child of the window; its base in ``plan_window.py`` has the File menu's
commands every plan window shares) holds what belongs to one open plan file: the lock on its
file, saving, autosave, the title and the close question. "Modified" is the window's undo
stack not being at its clean index; a save moves the clean index to the current one.

Every error a file can raise at a user is shown as its ``PlanFileError`` sentence, never as a
traceback. Autosave copies the document on the GUI thread and writes on a worker thread.
"""

from __future__ import annotations

import contextlib
import os
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from gtm_planner.model.document import PlanDocument
from gtm_planner.model.persistence import (
    PlanFileError,
    save_plan,
    save_plan_as,
)
from gtm_planner.model.persistence import recovery as recoveries
from gtm_planner.model.persistence.lock import Lock
from gtm_planner.model.persistence.recovery import Recovery
from gtm_planner.ui.plan_window import APP_NAME, PlanWindowController
from gtm_planner.ui.questions import Button, Icon, busy, tell
from gtm_planner.ui.undo import UndoController

if TYPE_CHECKING:
    from gtm_planner.ui.workspace import Workspace

PLAN_FILTER = "GTM plans (*.gtmplan)"
PLAN_SUFFIX = ".gtmplan"
RECENT_KEY = "files/recent"
MAX_RECENT = 8
AUTOSAVE_ENV = "GTM_PLANNER_AUTOSAVE_SECONDS"
AUTOSAVE_SECONDS = 180.0  # every 3 minutes while there is unsaved work
IDLE_SECONDS = 20.0  # and 20 s after the last change


def autosave_intervals() -> tuple[int, int]:
    """(periodic, idle) autosave delays in ms; ``GTM_PLANNER_AUTOSAVE_SECONDS`` shortens both."""
    seconds = AUTOSAVE_SECONDS
    with contextlib.suppress(ValueError):
        seconds = float(os.environ.get(AUTOSAVE_ENV, "") or AUTOSAVE_SECONDS)
    seconds = max(0.05, seconds)
    return round(seconds * 1000), round(min(seconds, IDLE_SECONDS) * 1000)


def window_title(document: PlanDocument) -> str:
    """'q3.gtmplan[*] — Northwind FY27 — Baseline — GTM Planner', '— read-only' when so."""
    name = document.path.name.replace("[*]", "[*][*]") if document.path else "Untitled"
    parts = [f"{name}[*]", document.plan.settings.name, document.current_scenario.name, APP_NAME]
    if document.read_only:
        parts.append("read-only")
    return " — ".join(parts)


def _absolute(path: Path | str) -> Path:
    return Path(os.path.abspath(path))


def _with_suffix(chosen: str) -> Path:
    path = _absolute(chosen)
    return path if path.suffix.lower() == PLAN_SUFFIX else path.with_name(path.name + PLAN_SUFFIX)


class FileController(PlanWindowController):
    """One open plan's file side: save, save as, title, autosave, the lock, the close question."""

    modified_changed = Signal(bool)  # the undo stack left or reached its clean state
    autosaved = Signal()  # a recovery copy of the unsaved work was written
    _autosave_done = Signal()  # from the worker thread, delivered on the GUI thread

    def __init__(
        self, workspace: Workspace, window: QMainWindow, undo: UndoController, lock: Lock | None
    ) -> None:
        super().__init__(workspace, window, undo)
        self.lock = lock
        self.recovered: Recovery | None = None  # the copy this document was recovered from
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="autosave")
        self._autosave: Future[Recovery] | None = None
        self._changed_since_autosave = False
        self.last_autosave_error = ""
        periodic, idle = autosave_intervals()
        self._periodic = QTimer(self, interval=periodic)
        self._periodic.timeout.connect(self.autosave)
        self._idle = QTimer(self, interval=idle, singleShot=True)
        self._idle.timeout.connect(self.autosave)
        self._autosave_done.connect(self._on_autosave_done)
        self.undo.stack.cleanChanged.connect(self._on_clean_changed)
        self.undo.stack.indexChanged.connect(self._on_index_changed)
        self._connect_window()
        self._periodic.start()

    # --- state --------------------------------------------------------------------------

    @property
    def is_modified(self) -> bool:
        return not self.undo.stack.isClean()

    def show_title(self) -> None:
        self.window.setWindowTitle(window_title(self.document))
        self.window.setWindowModified(self.is_modified)

    def location_text(self) -> str:
        path = self.document.path
        return str(path) if path is not None else ""

    def _on_clean_changed(self, clean: bool) -> None:
        self.show_title()
        if clean:  # saved, or every change undone: the file holds it all
            self._changed_since_autosave = False
            self._discard_recovery()
        self.modified_changed.emit(not clean)
        self.refresh_change_log()

    def _on_index_changed(self, _index: int) -> None:
        self._changed_since_autosave = True
        self._idle.start()
        self.refresh_change_log()

    # --- File menu ----------------------------------------------------------------------

    def save(self) -> bool:
        """Write the unsaved changes into the plan's file; False if not saved."""
        document = self.document
        if document.read_only or document.path is None:
            return self.save_as()
        path = document.path
        changed = None if document.structure_dirty else set(document.dirty_scenarios)
        try:
            with busy():
                plan = recoveries.plan_with_pending_log(document)
                if path.exists():
                    save_plan(path, plan, dirty_scenarios=changed)
                else:  # moved or deleted since it was opened: write it anew
                    save_plan_as(path, plan)
        except PlanFileError as err:
            tell(self.window, Icon.Critical, "Cannot save the plan", str(err))
            return False
        self._saved()
        return True

    def save_as(self, path: Path | None = None) -> bool:
        """Write the whole plan to another file and keep working there; False if not saved."""
        document = self.document
        if path is None:
            start = document.path or self.workspace.default_folder() / f"New GTM plan{PLAN_SUFFIX}"
            chosen, _ = QFileDialog.getSaveFileName(
                self.window, "Save plan as", str(start), PLAN_FILTER
            )
            if not chosen:
                return False
            path = _with_suffix(chosen)
        path = _absolute(path)
        if path == document.path and not document.read_only:
            return self.save()
        plan = recoveries.plan_with_pending_log(document)
        lock = self.workspace.write_plan_file(
            path, plan, self.window, "Cannot save the plan", mine=self
        )
        if lock is None:
            return False
        self._wait_for_autosave()
        self._discard_recovery()
        if self.lock is not None:
            self.lock.release()
        self.lock = lock
        document.path = path
        document.read_only = False
        self._saved()
        self.file_changed.emit()
        return True

    def _saved(self) -> None:
        self._wait_for_autosave()  # so no copy older than the file is written after this
        self.document.mark_saved()
        if self.undo.stack.isClean():
            self._discard_recovery()  # no cleanChanged will come
        self.undo.stack.setClean()
        self.show_title()
        self.refresh_change_log()
        if self.document.path is not None:
            self.workspace.remember_recent(self.document.path)

    # --- closing ------------------------------------------------------------------------

    def maybe_save(self) -> bool:
        """Before the plan closes: Save / Discard / Cancel; True when it may close."""
        if not self.is_modified:
            return True
        self.raise_window()
        name = self.document.path.name if self.document.path else "this plan"
        box = QMessageBox(
            Icon.Warning,
            "Unsaved changes",
            f"Save the changes to «{name}» before closing?",
            Button.Save | Button.Discard | Button.Cancel,
            self.window,
        )
        box.setInformativeText("If you don't save, your changes will be lost.")
        box.setDefaultButton(Button.Save)
        answer = box.exec()
        if answer == Button.Save:
            return self.save()
        return answer == Button.Discard

    def close_plan(self) -> None:
        """The window is going: no more autosave, the work is saved or given up, unlock."""
        self._periodic.stop()
        self._idle.stop()
        # The stack empties itself as the window is destroyed; nobody is to hear of it (it is
        # not the user undoing everything, and some listeners are half destroyed by then).
        self.undo.stack.blockSignals(True)
        self._wait_for_autosave()
        self._worker.shutdown(wait=True)
        self._discard_recovery()
        if self.lock is not None:
            self.lock.release()
        self.workspace.forget(self)

    # --- autosave -----------------------------------------------------------------------

    def autosave(self) -> None:
        """Copy the unsaved work to the recovery folder (written on a worker thread)."""
        document = self.document
        if not (self.is_modified and self._changed_since_autosave):
            return
        if document.path is None or document.read_only:
            return  # a read-only plan's recovery key may be its editor's
        if self._autosave is not None:
            return  # one at a time; the flag stays set so the next tick writes
        prepared = recoveries.prepare_recovery(document, self.workspace.recovery_folder)
        self._changed_since_autosave = False
        self._autosave = self._worker.submit(recoveries.store_recovery, prepared)
        self._autosave.add_done_callback(lambda _future: self._autosave_done.emit())

    def _on_autosave_done(self) -> None:
        future, self._autosave = self._autosave, None
        if future is None:
            return
        self._finish(future)

    def _finish(self, future: Future[Recovery]) -> None:
        error = future.exception()
        if error is not None:
            self._changed_since_autosave = True
            self.last_autosave_error = str(error)
            self.window.statusBar().showMessage(f"Autosave failed: {error}", 15_000)
            return
        self.last_autosave_error = ""
        if self.is_modified:
            self.autosaved.emit()
        else:  # saved while it was being written: the copy is out of date already
            self._discard_recovery()

    def _wait_for_autosave(self) -> None:
        future, self._autosave = self._autosave, None
        if future is not None:
            with contextlib.suppress(Exception):
                future.result()

    def _discard_recovery(self) -> None:
        """The unsaved work is saved or given up: its recovery copy goes."""
        if self.recovered is not None:
            recoveries.discard(self.recovered)
            self.recovered = None
        if self.document.path is not None and not self.document.read_only:
            recoveries.discard_for(self.document.path, self.workspace.recovery_folder)
