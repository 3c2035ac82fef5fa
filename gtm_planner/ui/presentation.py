"""Presentation mode for the offsite: the Dashboard full screen, in large type, nothing else.

Entering remembers how the window looked — window state and geometry, text size, the screen
shown, which bars were visible — then hides the menu bar, toolbars, status bar and screen
list, makes the text 1.6× the normal size, shows the Dashboard with its headline figures and
a big scenario switcher in its header, and goes full screen. Esc (or the same action again)
puts everything back as it was.

The menus' shortcuts keep working while the menu bar is hidden: their actions are added to
the window for as long as the presentation lasts (Qt ignores shortcuts of hidden menus).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from PySide6.QtCore import QObject, QRect, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar, QWidget

from gtm_planner.model.dashboard_data import HEADLINE_TILES
from gtm_planner.ui.dashboard_page import DashboardPage
from gtm_planner.ui.navigation import Navigator
from gtm_planner.ui.theme import DEFAULT_POINT_SIZE, MAX_POINT_SIZE

PRESENTATION_SCALE = 1.6


class TextSizeControl(Protocol):
    """What presentation mode needs to scale the window's text (the main window has it)."""

    @property
    def text_point_size(self) -> int: ...

    def set_text_point_size(self, point_size: int) -> None: ...


def presentation_point_size(current: int) -> int:
    """1.6× the normal base size (21 pt for 13 pt), never smaller than what is shown now."""
    return min(MAX_POINT_SIZE, max(current, round(DEFAULT_POINT_SIZE * PRESENTATION_SCALE)))


@dataclass
class _Before:
    """The window as it was before the presentation, to put back on leaving."""

    visible: bool
    window_state: Qt.WindowState
    geometry: QRect  # when not maximised or full screen
    text_point_size: int
    page_row: int
    hidden: list[QWidget] = field(default_factory=list)
    borrowed_actions: list[QAction] = field(default_factory=list)


def _menu_actions(window: QMainWindow) -> list[QAction]:
    """Every action reachable from the menu bar that has a shortcut, submenus included."""
    found: list[QAction] = []
    pending = list(window.menuBar().actions())
    while pending:
        action = pending.pop()
        menu = action.menu()
        if isinstance(menu, QMenu):
            pending.extend(menu.actions())
        elif not action.shortcut().isEmpty():
            found.append(action)
    return found


class PresentationMode(QObject):
    """``enter`` / ``leave`` / ``set_active``; ``active_changed`` tells the window's action."""

    active_changed = Signal(bool)

    def __init__(
        self,
        window: QMainWindow,
        dashboard: DashboardPage,
        navigator: Navigator,
        text_size: TextSizeControl,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._dashboard = dashboard
        self._navigator = navigator
        self._text_size = text_size
        self._before: _Before | None = None
        self.escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), window)
        self.escape.setContext(Qt.ShortcutContext.WindowShortcut)
        self.escape.setEnabled(False)
        self.escape.activated.connect(self.leave)

    @property
    def is_active(self) -> bool:
        return self._before is not None

    def set_active(self, active: bool) -> None:
        """For a checkable action's ``toggled``: enter or leave; nothing if already so."""
        if active:
            self.enter()
        else:
            self.leave()

    def toggle(self) -> None:
        self.set_active(not self.is_active)

    def enter(self) -> None:
        if self._before is not None:
            return
        window, navigator = self._window, self._navigator
        chrome: list[QWidget] = [
            window.menuBar(),
            *window.findChildren(QToolBar),
            window.statusBar(),
            navigator.list,
        ]
        own = set(window.actions())
        before = _Before(
            visible=window.isVisible(),
            window_state=window.windowState(),
            geometry=window.geometry(),
            text_point_size=self._text_size.text_point_size,
            page_row=navigator.list.currentRow(),
            hidden=[bar for bar in chrome if not bar.isHidden()],
            borrowed_actions=[a for a in _menu_actions(window) if a not in own],
        )
        self._before = before
        window.addActions(before.borrowed_actions)
        for bar in before.hidden:
            bar.hide()
        self._text_size.set_text_point_size(presentation_point_size(before.text_point_size))
        navigator.list.setCurrentRow(navigator.stack.indexOf(self._dashboard))
        self._dashboard.set_presentation(True)
        self._dashboard.kpi_panel.show_only(HEADLINE_TILES)
        self._dashboard.verticalScrollBar().setValue(0)
        window.showFullScreen()
        self.escape.setEnabled(True)
        self.active_changed.emit(True)

    def leave(self) -> None:
        before = self._before
        if before is None:
            return
        self._before = None
        window = self._window
        self.escape.setEnabled(False)
        self._dashboard.set_presentation(False)
        self._dashboard.kpi_panel.show_only(None)
        for action in before.borrowed_actions:
            window.removeAction(action)
        for bar in before.hidden:
            bar.show()
        self._text_size.set_text_point_size(before.text_point_size)
        self._navigator.list.setCurrentRow(before.page_row)
        layout = window.layout()
        if layout is not None:
            layout.activate()  # the minimum size of normal text, before the geometry is set
        if before.window_state & Qt.WindowState.WindowFullScreen:
            window.showFullScreen()
        elif before.window_state & Qt.WindowState.WindowMaximized:
            window.showMaximized()
        else:
            window.showNormal()
            window.setGeometry(before.geometry)
        if not before.visible:
            window.hide()
        self.active_changed.emit(False)
