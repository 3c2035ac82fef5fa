"""The app's workspace: opens plans (asking about locks, recoveries and upgrades on the way)
and gives each its own window with a ``FileController``, or a ``TeamController`` for a plan
shared in a database; closing the last window quits."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMainWindow, QWidget

from gtm_planner.model import defaults
from gtm_planner.model.document import PlanDocument
from gtm_planner.model.entities import Plan, PlanSettings
from gtm_planner.model.persistence import (
    PlanFileError,
    PlanRepository,
    create_plan_file,
    read_plan_unchanged,
)
from gtm_planner.model.persistence import recovery as recoveries
from gtm_planner.model.persistence.errors import display_name, display_url
from gtm_planner.model.persistence.lock import Lock, LockHeld, acquire
from gtm_planner.model.persistence.recovery import Recovery
from gtm_planner.model.persistence.team import TeamSession
from gtm_planner.model.persistence.urls import is_database_url, with_driver, without_password
from gtm_planner.ui.files import (
    MAX_RECENT,
    PLAN_FILTER,
    PLAN_SUFFIX,
    RECENT_KEY,
    FileController,
    _absolute,
    _with_suffix,
)
from gtm_planner.ui.plan_window import HasUndo, PlanWindowController, WindowFactory
from gtm_planner.ui.questions import Icon, ask, busy, tell
from gtm_planner.ui.team import TeamController
from gtm_planner.ui.undo import UndoController

LAST_SHARED_KEY = "team/last_url"  # the last shared plan opened, its password taken out


def default_window(document: PlanDocument) -> QMainWindow:
    """The app's main window on ``document``."""
    from gtm_planner.ui.main_window import MainWindow

    return MainWindow(document)


def blank_plan(name: str, today: dt.date | None = None) -> Plan:
    """What File › New starts from: one region, next January, 12 months, USD, one scenario."""
    year = (today or dt.date.today()).year + 1
    return defaults.blank_plan(PlanSettings(name, "USD", 1, year, 1, 12), ["Global"])


class Workspace(QObject):
    """The app's open plans, one window each; opens plans and offers recoveries."""

    def __init__(
        self,
        make_window: WindowFactory = default_window,
        *,
        settings: QSettings | None = None,
        recovery_folder: Path | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.make_window = make_window
        self.settings = settings if settings is not None else QSettings()
        self.recovery_folder = recovery_folder
        self.controllers: list[PlanWindowController] = []

    # --- opening ----------------------------------------------------------------------

    def start(self, path: Path) -> bool:
        """Open the first plan, then offer every other pending recovery; False: none open."""
        self.open_path(path)
        self._offer_recoveries(_absolute(path))
        return bool(self.controllers)

    def start_shared(self, session: TeamSession, plan: Plan) -> bool:
        """Open a plan shared in a database (already loaded), then offer pending recoveries:
        among them, edits to a shared plan that a crash kept from reaching its database."""
        self.open_shared(session, plan)
        self._offer_recoveries(None)
        return bool(self.controllers)

    def _offer_recoveries(self, opened: Path | None) -> None:
        for recovery in recoveries.pending_recoveries(self.recovery_folder):
            if recovery.original_path == opened or self.controller_for(recovery.original_path):
                continue
            choice = ask(
                None,
                Icon.Question,
                "Recover unsaved changes",
                recovery.describe(),
                ["Recover", "Discard", "Decide later"],
                "Recover opens them as unsaved changes to that plan; Discard deletes "
                "them for good.",
            )
            if choice == "Recover":
                self._recover(recovery, None)
            elif choice == "Discard":
                recoveries.discard(recovery)

    def controller_for(self, path: Path) -> PlanWindowController | None:
        wanted = _absolute(path)
        return next((c for c in self.controllers if c.document.path == wanted), None)

    def open_path(self, path: Path, parent: QWidget | None = None) -> PlanWindowController | None:
        """Open a plan in a new window (or raise the window that has it); None if not opened."""
        path = _absolute(path)
        existing = self.controller_for(path)
        if existing is not None:
            existing.raise_window()
            return existing
        if not path.is_file():
            tell(
                parent,
                Icon.Warning,
                "Cannot open the plan",
                f"«{path.name}» is not at {path.parent} any more (moved or deleted?).",
            )
            self.forget_recent(path)
            return None
        try:
            taken = acquire(path)
        except OSError as err:
            reason = f"it cannot be locked for editing ({err.strerror or err})"
            return self._offer_read_only(path, f"«{path.name}»: {reason}", parent)
        if isinstance(taken, LockHeld):
            return self._offer_read_only(path, taken.message, parent)
        recovery = recoveries.recovery_for(path, self.recovery_folder)
        if recovery is not None:
            choice = ask(
                parent,
                Icon.Question,
                "Recover unsaved changes",
                recovery.describe(),
                ["Recover", "Open saved version", "Cancel"],
                "Open saved version deletes the unsaved changes.",
            )
            if choice == "Cancel":
                taken.release()
                return None
            if choice == "Recover":
                return self._recover(recovery, taken, parent)
            recoveries.discard(recovery)
        return self._open_for_editing(path, taken, parent)

    def _open_for_editing(
        self, path: Path, lock: Lock, parent: QWidget | None
    ) -> FileController | None:
        try:
            with busy(), PlanRepository.open(path) as repository:
                plan = repository.load()
                upgraded_from, backup = repository.upgraded_from, repository.backup_path
        except PlanFileError as err:
            lock.release()
            tell(parent, Icon.Critical, "Cannot open the plan", str(err))
            return None
        if upgraded_from is not None:
            kept = f" A copy of the original is at {backup}." if backup else ""
            tell(
                parent,
                Icon.Information,
                "Plan upgraded",
                f"«{path.name}» was written by an older GTM Planner (file format "
                f"{upgraded_from}) and has been upgraded.{kept}",
            )
        return self.open_document(PlanDocument(plan, path=path), lock)

    def _offer_read_only(
        self, path: Path, reason: str, parent: QWidget | None
    ) -> FileController | None:
        choice = ask(
            parent,
            Icon.Warning,
            "Plan in use",
            f"{reason}.",
            ["Open read-only", "Cancel"],
            "Read-only: you can look and Save As a copy, not change this file.",
        )
        if choice != "Open read-only":
            return None
        try:
            with busy():
                plan = read_plan_unchanged(path)
        except PlanFileError as err:
            tell(parent, Icon.Critical, "Cannot open the plan", str(err))
            return None
        return self.open_document(PlanDocument(plan, path=path, read_only=True), None)

    def _recover(
        self, recovery: Recovery, lock: Lock | None, parent: QWidget | None = None
    ) -> FileController | None:
        original = recovery.original_path
        if lock is None:
            try:
                taken = acquire(original) if original.parent.is_dir() else None
            except OSError:
                taken = None
            if isinstance(taken, LockHeld):
                tell(
                    parent,
                    Icon.Warning,
                    "Plan in use",
                    f"{taken.message}. The recovered changes open read-only: use Save As "
                    "to keep them in another file.",
                )
            lock = taken if isinstance(taken, Lock) else None
        try:
            with busy():
                document = recoveries.load_recovery(recovery)
        except PlanFileError as err:
            if lock is not None:
                lock.release()
            recoveries.discard(recovery)
            tell(
                parent,
                Icon.Critical,
                "Cannot recover the changes",
                f"The unsaved changes to «{original.name}» could not be read back and were "
                f"deleted: {err}",
            )
            return None
        document.read_only = lock is None and original.exists()
        controller = self.open_document(document, lock, modified=True)
        controller.recovered = recovery
        return controller

    def open_document(
        self, document: PlanDocument, lock: Lock | None, *, modified: bool = False
    ) -> FileController:
        """Give ``document`` its window and the window its controller, and show it."""
        window, undo = self._window_for(document)
        controller = FileController(self, window, undo, lock)
        if modified:
            controller.undo.stack.resetClean()
        self.controllers.append(controller)
        if document.path is not None:
            self.remember_recent(document.path)
        window.show()
        return controller

    def _window_for(self, document: PlanDocument) -> tuple[QMainWindow, UndoController]:
        window = self.make_window(document)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        undo = window.undo if isinstance(window, HasUndo) else UndoController(document, window)
        return window, undo

    # --- plans shared in a database (team mode) -------------------------------------------

    def open_database(self, url: str, parent: QWidget | None = None) -> TeamController | None:
        """Connect to the plan shared at ``url`` and open it in a new window (or raise the
        window that has it); None, having said why, when it cannot be reached or read."""
        existing = self.controller_for_database(display_name(with_driver(url)))
        if existing is not None:
            existing.raise_window()
            return existing
        try:
            with busy():
                session, plan = TeamSession.open(url)
        except PlanFileError as err:
            tell(parent, Icon.Critical, "Cannot open the shared plan", str(err))
            return None
        return self.open_shared(session, plan)

    def ask_and_open_database(self, parent: QWidget | None = None) -> TeamController | None:
        """File › Open Shared Plan…: ask for the database's URL, then open it.

        The last URL is offered again, without any password it had (PostgreSQL's client reads
        a password from ``~/.pgpass`` or ``PGPASSWORD``; GTM Planner never keeps one).
        """
        last = str(self.settings.value(LAST_SHARED_KEY, "") or "")
        url, accepted = QInputDialog.getText(
            parent,
            "Open shared plan",
            "Database URL of the shared plan, e.g. postgresql+psycopg://you@host:5432/plan\n"
            "Leave the password out: PostgreSQL reads it from ~/.pgpass or PGPASSWORD.",
            text=last or "postgresql+psycopg://",
        )
        url = url.strip()
        if not accepted or not url:
            return None
        if not is_database_url(url):
            tell(parent, Icon.Warning, "Open shared plan",
                 f"{display_url(url)} is not a database URL; give one such as "
                 "postgresql+psycopg://USER@HOST:PORT/DATABASE.")  # fmt: skip
            return None
        opened = self.open_database(url, parent)
        if opened is not None:
            self.settings.setValue(LAST_SHARED_KEY, without_password(url))
        return opened

    def controller_for_database(self, label: str) -> TeamController | None:
        return next(
            (c for c in self.controllers if isinstance(c, TeamController) and c.label == label),
            None,
        )

    def open_shared(self, session: TeamSession, plan: Plan) -> TeamController:
        """Give a plan loaded from a database its window and a ``TeamController``; show it.

        Never added to Open Recent: the list holds files, and a URL may carry a password. A
        database user who may not change the plan gets it read-only, as a locked file is.
        """
        window, undo = self._window_for(PlanDocument(plan, read_only=not session.writable))
        controller = TeamController(self, window, undo, session)
        self.controllers.append(controller)
        window.show()
        return controller

    def forget(self, controller: PlanWindowController) -> None:
        with contextlib.suppress(ValueError):
            self.controllers.remove(controller)

    # --- File menu commands that do not need a plan -------------------------------------

    def new_plan(self, parent: QWidget | None = None, path: Path | None = None) -> None:
        """Ask where the new plan goes, write an empty plan there, open it."""
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                parent,
                "New plan",
                str(self.default_folder() / f"New GTM plan{PLAN_SUFFIX}"),
                PLAN_FILTER,
            )
            if not chosen:
                return
            path = _with_suffix(chosen)
        path = _absolute(path)
        plan = blank_plan(path.stem.strip() or "New GTM plan")
        lock = self.write_plan_file(path, plan, parent, "Cannot create the plan")
        if lock is not None:
            self.open_document(PlanDocument(plan, path=path), lock)

    def open_plan(self, parent: QWidget | None = None, path: Path | None = None) -> None:
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(
                parent, "Open plan", str(self.default_folder()), PLAN_FILTER
            )
            if not chosen:
                return
            path = Path(chosen)
        self.open_path(path, parent)

    def write_plan_file(
        self,
        path: Path,
        plan: Plan,
        parent: QWidget | None,
        title: str,
        *,
        mine: PlanWindowController | None = None,
    ) -> Lock | None:
        """Write ``plan`` as the file ``path`` (whole, replacing any file there), holding the
        file's lock; None, having said why under ``title``, when it is open in a window other
        than ``mine``, locked by another app, or cannot be written."""
        other = self.controller_for(path)
        if other is not None and other is not mine:
            tell(parent, Icon.Warning, title,
                 f"«{path.name}» is open in another window; close it first.")  # fmt: skip
            return None
        lock = self.lock_for_writing(path, parent, title)
        if lock is None:
            return None
        try:
            with busy():
                create_plan_file(path, plan, replace=True)
        except PlanFileError as err:
            lock.release()
            tell(parent, Icon.Critical, title, str(err))
            return None
        return lock

    def lock_for_writing(self, path: Path, parent: QWidget | None, title: str) -> Lock | None:
        try:
            taken = acquire(path)
        except OSError as err:
            tell(
                parent,
                Icon.Critical,
                title,
                f"«{path.name}» cannot be written ({err.strerror or err}).",
            )
            return None
        if isinstance(taken, LockHeld):
            tell(parent, Icon.Warning, title, f"{taken.message}; choose another name.")
            return None
        return taken

    def default_folder(self) -> Path:
        recent = self.recent_paths()
        return recent[0].parent if recent else Path.home()

    # --- Open Recent ------------------------------------------------------------------

    def recent_paths(self) -> list[Path]:
        stored = self.settings.value(RECENT_KEY, [], type=list)
        values = stored if isinstance(stored, list) else []
        return [Path(v) for v in values if isinstance(v, str) and v][:MAX_RECENT]

    def _store_recent(self, paths: list[Path]) -> None:
        self.settings.setValue(RECENT_KEY, [str(p) for p in paths[:MAX_RECENT]])
        self.settings.sync()

    def remember_recent(self, path: Path) -> None:
        path = _absolute(path)
        self._store_recent([path, *(p for p in self.recent_paths() if p != path)])

    def forget_recent(self, path: Path) -> None:
        path = _absolute(path)
        self._store_recent([p for p in self.recent_paths() if p != path])

    def clear_recent(self) -> None:
        self._store_recent([])
