"""What every plan window's controller does, wherever its plan is kept (a file or a database).

A window's controller is a child of the window. This base holds what does not depend on where
the plan lives: File › New, Open and Open Recent, the change log, bringing the window to the
front, its title and the question before it closes. ``FileController`` (``files.py``) keeps a
plan in a ``.gtmplan`` file; ``TeamController`` (``team.py``) keeps it in a shared database.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu

from gtm_planner.model.document import PlanDocument
from gtm_planner.ui.change_log_dialog import ChangeLogDialog
from gtm_planner.ui.document_events import subscribe
from gtm_planner.ui.questions import Icon, tell
from gtm_planner.ui.undo import UndoController

if TYPE_CHECKING:
    from gtm_planner.ui.workspace import Workspace

APP_NAME = "GTM Planner"

WindowFactory = Callable[[PlanDocument], QMainWindow]


@runtime_checkable
class HasUndo(Protocol):
    """A window with its own undo stack (the main window); the controller watches it."""

    @property
    def undo(self) -> UndoController: ...


@runtime_checkable
class FilesAware(Protocol):
    """A window that wants to know its controller (to follow its signals)."""

    def attach_files(self, files: PlanWindowController) -> None: ...


class PlanWindowController(QObject):
    """One open plan's window: the File menu's commands, the title, the close question."""

    file_changed = Signal()  # where the plan is kept, or how that reads, changed
    shared = False  # True: the plan is shared in a database (team mode)

    def __init__(self, workspace: Workspace, window: QMainWindow, undo: UndoController) -> None:
        super().__init__(window)
        self.workspace = workspace
        self.window = window
        self.undo = undo
        self.document = undo.document
        self.recent_menu = QMenu("Open &Recent", window)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._change_log: ChangeLogDialog | None = None
        window.installEventFilter(self)

    def _connect_window(self) -> None:
        """Called last by a subclass's ``__init__``: the window's actions, title and status."""
        # After the window's own subscriptions: the title set here is the one that stays.
        subscribe(self, self.document.current_scenario_changed, self._on_scenario_changed)
        subscribe(self, self.document.scenarios_changed, self.show_title)
        subscribe(self, self.document.structure_changed, self.show_title)
        actions = getattr(self.window, "action_by_id", None)
        if isinstance(actions, dict):
            self.bind_actions(actions)
        if isinstance(self.window, FilesAware):
            self.window.attach_files(self)
        self.show_title()

    # --- what a subclass supplies -------------------------------------------------------

    def save(self) -> bool:
        raise TypeError(f"{type(self).__name__} must say how the plan is saved (save)")

    def save_as(self, path: Path | None = None) -> bool:
        raise TypeError(f"{type(self).__name__} must say what Save As does (save_as)")

    def show_title(self) -> None:
        raise TypeError(f"{type(self).__name__} must say how the window is titled (show_title)")

    def location_text(self) -> str:
        """Where the plan is kept, as the status bar says it."""
        raise TypeError(f"{type(self).__name__} must say where the plan is (location_text)")

    def maybe_save(self) -> bool:
        """Before the plan closes: True when it may close (its work is saved or given up)."""
        raise TypeError(f"{type(self).__name__} must say what closing asks (maybe_save)")

    def close_plan(self) -> None:
        """The window is going: stop its timers, let go of the plan."""
        raise TypeError(f"{type(self).__name__} must say how the plan closes (close_plan)")

    def extra_actions(self) -> dict[str, Callable[[], object]]:
        """File actions this kind of plan adds to the common ones, by action id."""
        return {}

    # --- wiring -------------------------------------------------------------------------

    def bind_actions(self, actions: Mapping[str, QAction]) -> None:
        """Connect the File actions present among ``actions`` (ids as in ``actions.py``)."""
        slots: dict[str, Callable[[], object]] = {
            "new": self.new_plan,
            "open": self.open_plan,
            "open_shared": self.open_shared_plan,
            "save": self.save,
            "save_as": self.save_as,
            "change_log": self.show_change_log,
            **self.extra_actions(),
        }
        for action_id, slot in slots.items():
            if action_id in actions:
                actions[action_id].triggered.connect(lambda _=False, run=slot: run())
        if "open_recent" in actions:
            actions["open_recent"].setMenu(self.recent_menu)

    def raise_window(self) -> None:
        """Bring the window to the front, before a question about its plan."""
        window = self.window
        if window.isVisible() and window.isActiveWindow():
            return
        if window.isMinimized():
            window.showNormal()
        window.show()
        if len(self.workspace.controllers) > 1:  # only our own windows can be over it
            window.raise_()
        window.activateWindow()

    def _on_scenario_changed(self, _scenario_id: int) -> None:
        self.show_title()

    # --- File menu ----------------------------------------------------------------------

    def new_plan(self, path: Path | None = None) -> None:
        self.workspace.new_plan(self.window, path)

    def open_plan(self, path: Path | None = None) -> None:
        self.workspace.open_plan(self.window, path)

    def open_shared_plan(self) -> None:
        self.workspace.ask_and_open_database(self.window)

    def open_recent(self, path: Path) -> None:
        if not path.is_file():
            self.workspace.forget_recent(path)
            tell(
                self.window,
                Icon.Warning,
                "Open Recent",
                f"«{path.name}» is no longer at {path.parent}; it was removed from Open Recent.",
            )
            return
        self.workspace.open_path(path, self.window)

    def _fill_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        paths = self.workspace.recent_paths()
        for number, path in enumerate(paths, start=1):
            action = menu.addAction(f"&{number} {path.name}")
            action.setToolTip(str(path))
            action.setStatusTip(str(path))
            action.triggered.connect(lambda _=False, chosen=path: self.open_recent(chosen))
        if paths:
            menu.addSeparator()
        clear = menu.addAction("&Clear list")
        clear.setEnabled(bool(paths))
        clear.triggered.connect(self.workspace.clear_recent)

    def show_change_log(self) -> None:
        if self._change_log is None:
            self._change_log = ChangeLogDialog(self.document, self.window, shared=self.shared)
        self._change_log.refresh()
        if self._change_log.isVisible():
            self._change_log.raise_()
        self._change_log.show()

    def refresh_change_log(self) -> None:
        if self._change_log is not None and self._change_log.isVisible():
            self._change_log.refresh()

    # --- closing ------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            if not self.maybe_save():
                event.ignore()
                return True
            self.close_plan()
        return False
