"""The one task runner: long work on a worker thread, with progress, Cancel and a live window.

The work is a pure function ``work(progress, cancelled) -> result`` (the model's exports and
imports take exactly these callbacks). It runs on a ``QThreadPool`` worker while a window-modal
``QProgressDialog`` shows how far it got; the event loop keeps running, so the window repaints
and its timers fire. Progress and the outcome come back as queued signals and are handled on
the GUI thread; the work itself must never touch the live document (give it a copy), and
whatever changes the document happens in ``on_finished``, on the GUI thread.

Cancel asks the work to stop (``cancelled()`` turns True); work that then raises was cancelled,
work that finishes anyway has finished.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

T = TypeVar("T")
Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]
Work = Callable[[Progress, Cancelled], T]

SHOW_AFTER_MS = 300  # quicker work never flashes a dialog
CANCELLING_TEXT = "Cancelling…"


class _Runnable(QRunnable):
    """Runs the work on a pool thread and reports through the task's signals."""

    def __init__(self, task: Task, work: Work[Any]) -> None:
        super().__init__()
        self._task = task
        self._work = work

    def run(self) -> None:
        task = self._task
        try:
            result = self._work(task._report_progress, task.is_cancel_requested)
        except BaseException as error:  # handed to the GUI thread, never swallowed
            task._emit("_failed", error, final=True)
        else:
            task._emit("_succeeded", result, final=True)


class Task(QObject):
    """One piece of long work under way: its progress dialog, its cancel flag, its outcome."""

    progressed = Signal(int, int, str)  # (done, total, what), on the GUI thread
    finished = Signal()  # after the outcome was delivered, whatever it was
    _progress = Signal(int, int, str)  # from the worker thread
    _succeeded = Signal(object)
    _failed = Signal(object)

    def __init__(
        self,
        owner: QObject,
        window: QWidget | None,
        title: str,
        on_finished: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
        on_cancelled: Callable[[], None],
    ) -> None:
        super().__init__(owner)
        self.title = title
        self._on_finished = on_finished
        self._on_failed = on_failed
        self._on_cancelled = on_cancelled
        self._cancel = threading.Event()
        self._done = threading.Event()
        self._updating = False  # inside QProgressDialog.setValue, which may process events
        self._outcome: tuple[str, object] | None = None
        self.is_running = True
        self.outcome = ""  # "finished", "failed" or "cancelled" once delivered
        self.dialog = QProgressDialog(title, "Cancel", 0, 0, window)
        self.dialog.setObjectName("taskProgress")
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.setMinimumWidth(460)
        self.dialog.setMinimumDuration(SHOW_AFTER_MS)
        self.cancel_button = QPushButton("Cancel", self.dialog)
        self.cancel_button.setObjectName("taskCancel")
        self.dialog.setCancelButton(self.cancel_button)
        self.dialog.canceled.connect(self.cancel)
        self.dialog.rejected.connect(self.cancel)
        self._progress.connect(self._show_progress)
        self._succeeded.connect(self._deliver_success)
        self._failed.connect(self._deliver_failure)

    # --- worker side --------------------------------------------------------------------

    def is_cancel_requested(self) -> bool:
        """The ``cancelled`` callback the work polls between steps."""
        return self._cancel.is_set()

    def _report_progress(self, done: int, total: int, what: str) -> None:
        self._emit("_progress", done, total, what)

    def _emit(self, signal: str, *args: object, final: bool = False) -> None:
        """Queue a signal to the GUI thread (from the worker thread)."""
        try:
            getattr(self, signal).emit(*args)
        except RuntimeError:  # the window (and this task) went away while the work ran
            pass
        finally:
            if final:
                self._done.set()

    # --- GUI side -----------------------------------------------------------------------

    def cancel(self) -> None:
        """Ask the work to stop; the outcome arrives when it has."""
        if not self.is_running or self._cancel.is_set():
            return
        self._cancel.set()
        self.dialog.setLabelText(CANCELLING_TEXT)
        self.cancel_button.setEnabled(False)

    def wait(self, timeout_seconds: float | None = None) -> bool:
        """Block until the worker is done (tests, closing); True if it is."""
        return self._done.wait(timeout_seconds)

    def _show_progress(self, done: int, total: int, what: str) -> None:
        if not self.is_running:
            return
        self._updating = True
        try:
            if self.dialog.maximum() != max(total, 1):
                self.dialog.setMaximum(max(total, 1))
            if not self._cancel.is_set():
                self.dialog.setLabelText(what)
            self.dialog.setValue(min(max(done, 0), max(total, 1)))
        finally:
            self._updating = False
        self.progressed.emit(done, total, what)
        if self._outcome is not None:  # arrived while setValue was processing events
            self._deliver()

    def _deliver_success(self, result: object) -> None:
        self._outcome = ("finished", result)
        if not self._updating:
            self._deliver()

    def _deliver_failure(self, error: object) -> None:
        kind = "cancelled" if self._cancel.is_set() else "failed"
        self._outcome = (kind, error)
        if not self._updating:
            self._deliver()

    def _deliver(self) -> None:
        outcome, self._outcome = self._outcome, None
        if outcome is None or not self.is_running:
            return
        self.is_running = False
        self.dialog.canceled.disconnect(self.cancel)
        self.dialog.rejected.disconnect(self.cancel)
        self.dialog.close()
        self.dialog.deleteLater()
        kind, value = outcome
        self.outcome = kind
        try:
            if kind == "finished":
                self._on_finished(value)
            elif kind == "cancelled":
                self._on_cancelled()
            else:
                assert isinstance(value, BaseException)
                self._on_failed(value)
        finally:
            self.finished.emit()
            self.deleteLater()


def _raise(error: BaseException) -> None:
    raise error


class TaskRunner(QObject):
    """Runs long work for one window, one piece at a time, on its own worker thread."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._window = parent
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self.current: Task | None = None

    @property
    def busy(self) -> bool:
        return self.current is not None and self.current.is_running

    def run(
        self,
        title: str,
        work: Work[T],
        on_finished: Callable[[T], None],
        *,
        on_failed: Callable[[BaseException], None] = _raise,
        on_cancelled: Callable[[], None] = lambda: None,
    ) -> Task:
        """Start ``work`` on the worker; its outcome is handed to one callback on the GUI thread.

        ``on_failed`` gets the exception the work raised (by default it is re-raised, so a bug
        is never silent); ``on_cancelled`` is called when the user cancelled and the work
        stopped.
        """
        if self.busy:
            raise RuntimeError("another long task is still running; wait for it to finish")
        task = Task(self, self._window, title, on_finished, on_failed, on_cancelled)
        task.finished.connect(self._forget)
        self.current = task
        self._pool.start(_Runnable(task, work))
        return task

    def _forget(self) -> None:
        if self.current is not None and not self.current.is_running:
            self.current = None

    def wait_for_done(self, timeout_ms: int = -1) -> bool:
        """Block until no worker runs (the window is closing); True if none does."""
        return self._pool.waitForDone(timeout_ms)
