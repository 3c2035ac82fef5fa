"""The main window: lays out the scenario switcher, the KPI summary and the reverse waterfall.

No business logic here. Slots are short controller methods: the user's choice becomes a call on
the document, and the document's events repaint the window (the Qt models follow on their own).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from importlib import metadata
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QToolBar,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import Shiboken

from gtm_planner.model.document import PlanDocument
from gtm_planner.ui.actions import ACTIONS, Menu, create_actions, enabled_states
from gtm_planner.ui.dashboard_page import DashboardPage
from gtm_planner.ui.document_events import subscribe
from gtm_planner.ui.edit_routing import focused_grid
from gtm_planner.ui.excel_dialogs import ExcelController
from gtm_planner.ui.models import KpiTableModel, WaterfallTableModel
from gtm_planner.ui.navigation import Navigator
from gtm_planner.ui.plan_header import PlanHeader
from gtm_planner.ui.presentation import PresentationMode
from gtm_planner.ui.scenario_switcher import ScenarioSwitcher
from gtm_planner.ui.shortcuts_dialog import ShortcutsDialog
from gtm_planner.ui.solve_dialogs import AllocationDialog, GoalSeekDialog
from gtm_planner.ui.tasks import TaskRunner
from gtm_planner.ui.theme import DEFAULT_POINT_SIZE, MAX_POINT_SIZE, MIN_POINT_SIZE, stylesheet
from gtm_planner.ui.undo import UndoController
from gtm_planner.ui.whatif_panel import WhatIfPanel

if TYPE_CHECKING:
    from gtm_planner.ui.plan_window import PlanWindowController

APP_NAME = "GTM Planner"
DEFAULT_SIZE = (1600, 1000)
UNSAVED_TEXT = "Unsaved demo plan"
READ_ONLY_TEXT = "Read-only: changes cannot be saved to this file"


def recalculation_text(seconds: float) -> str:
    """'Recalculated in 0.6 ms' (one decimal under 10 ms, whole milliseconds above)."""
    milliseconds = seconds * 1000.0
    shown = f"{milliseconds:.1f}" if milliseconds < 10 else f"{milliseconds:.0f}"
    return f"Recalculated in {shown} ms"


def _version() -> str:
    try:
        return metadata.version("gtm-planner")
    except metadata.PackageNotFoundError:
        return "development"


class MainWindow(QMainWindow):
    """One window on one ``PlanDocument``: the chosen scenario's KPIs and reverse waterfall."""

    def __init__(self, document: PlanDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.text_point_size = DEFAULT_POINT_SIZE
        self.setObjectName("mainWindow")
        self.files: PlanWindowController | None = None  # set by the Workspace

        self.undo = UndoController(document, self)
        self.kpi_model = KpiTableModel(document, self)
        self.waterfall_model = WaterfallTableModel(document, self)
        self.action_by_id = create_actions(self)
        self.tasks = TaskRunner(self)  # long work: export, import, print
        self.excel = ExcelController(self, self.undo, self.tasks)
        self._build_menus()
        self._build_toolbar()
        self._build_central_widget()
        self._build_what_if_dock()
        self.presentation = PresentationMode(self, self.dashboard, self.navigator, self)
        presentation = self.action_by_id["presentation"]
        presentation.toggled.connect(self.presentation.set_active)
        self.presentation.active_changed.connect(presentation.setChecked)  # Esc unchecks it
        self._build_status_bar()

        # After the models: they refresh first, so the numbers are in place when we relabel.
        subscribe(self, document.current_scenario_changed, self._on_current_scenario_changed)
        subscribe(self, document.results_changed, self._on_results_changed)

        self.set_text_point_size(DEFAULT_POINT_SIZE)
        self._show_current_scenario()
        self.resize(*DEFAULT_SIZE)

    # --- layout -------------------------------------------------------------------------

    def _build_menus(self) -> None:
        menus = {menu: self.menuBar().addMenu(menu.value) for menu in Menu}
        for spec in ACTIONS:
            menus[spec.menu].addAction(self.action_by_id[spec.id])
            if spec.separator_after:
                menus[spec.menu].addSeparator()
        self.action_by_id["refresh"].setVisible(False)  # shown for a shared plan only
        self.action_by_id["quit"].triggered.connect(QApplication.closeAllWindows)
        self.action_by_id["zoom_in"].triggered.connect(lambda: self._zoom(+1))
        self.action_by_id["zoom_out"].triggered.connect(lambda: self._zoom(-1))
        self.action_by_id["zoom_reset"].triggered.connect(
            lambda: self.set_text_point_size(DEFAULT_POINT_SIZE)
        )
        self.action_by_id["full_screen"].toggled.connect(self._set_full_screen)
        self.action_by_id["about"].triggered.connect(self._show_about)
        self.action_by_id["shortcuts"].triggered.connect(self._show_shortcuts)
        self.action_by_id["goal_seek"].triggered.connect(
            lambda: self._open_dialog(GoalSeekDialog(self.document, self.undo, self))
        )
        self.action_by_id["allocate"].triggered.connect(
            lambda: self._open_dialog(AllocationDialog(self.document, self.undo, self))
        )
        self.action_by_id["print"].triggered.connect(lambda: self._show_report(export=False))
        self.action_by_id["export_pdf"].triggered.connect(lambda: self._show_report(export=True))
        self.excel.bind_actions(self.action_by_id)
        self.excel.message.connect(self._show_message)
        stack = self.undo.stack
        self.action_by_id["undo"].triggered.connect(stack.undo)
        self.action_by_id["redo"].triggered.connect(stack.redo)
        stack.undoTextChanged.connect(lambda text: self._name_action("undo", "&Undo", text))
        stack.redoTextChanged.connect(lambda text: self._name_action("redo", "&Redo", text))
        stack.indexChanged.connect(self._on_undo_index_changed)
        for action_id in ("copy", "paste", "fill_down", "fill_right"):
            self.action_by_id[action_id].triggered.connect(
                lambda _checked=False, a=action_id: self._edit_grid(a)
            )
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus_changed)

    def _build_toolbar(self) -> None:
        toolbar = QToolBar("Scenario", self)
        toolbar.setObjectName("scenarioToolbar")
        toolbar.setMovable(False)
        toolbar.setFloatable(False)
        self.addToolBar(toolbar)
        label = QLabel("&Scenario:", toolbar)
        self.scenario_switcher = ScenarioSwitcher(self.document, toolbar)
        label.setBuddy(self.scenario_switcher)
        toolbar.addWidget(label)
        toolbar.addWidget(self.scenario_switcher)
        self.scenario_switcher.scenario_chosen.connect(self._on_scenario_chosen)

    def _build_central_widget(self) -> None:
        self.plan_header = PlanHeader(self.document, self)
        self.dashboard = DashboardPage(
            self.kpi_model, self.waterfall_model, self, document=self.document
        )
        self.kpi_panel = self.dashboard.kpi_panel
        self.waterfall_panel = self.dashboard.waterfall_panel
        self.navigator = Navigator(self)
        self.navigator.add_page("Dashboard", self.dashboard)
        for title, page in self._screens():
            self.navigator.add_page(title, page)

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.plan_header)
        self.notice_area = QVBoxLayout()  # notices across the window (team mode)
        self.notice_area.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.notice_area)
        layout.addWidget(self.navigator, 1)
        self.setCentralWidget(central)

    def _build_what_if_dock(self) -> None:
        """View › What-if panel: a dock on the right; closing it drops the preview."""
        self.what_if_panel = WhatIfPanel(self.document, self.undo, self)
        dock = QDockWidget("What-if", self)
        dock.setObjectName("whatIfDock")
        dock.setAllowedAreas(
            Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea
        )
        dock.setWidget(self.what_if_panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.resizeDocks([dock], [430], Qt.Orientation.Horizontal)
        dock.hide()
        self.what_if_dock = dock
        action = self.action_by_id["what_if"]
        action.toggled.connect(dock.setVisible)
        dock.toggleViewAction().toggled.connect(action.setChecked)  # closed with its ×

    def _open_dialog(self, dialog: QDialog) -> None:
        """Tools › Goal seek… and Allocate…: window-modal, deleted when closed."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _screens(self) -> list[tuple[str, Callable[[], QWidget]]]:
        """The editing screens, in the order of SPEC §4's navigation, built when first shown."""
        from gtm_planner.ui.grid import GridScreen
        from gtm_planner.ui.screens.budget import BudgetScreen
        from gtm_planner.ui.screens.capacity import CapacityScreen
        from gtm_planner.ui.screens.compare import CompareScreen
        from gtm_planner.ui.screens.definitions import DefinitionsScreen
        from gtm_planner.ui.screens.funnel import FunnelScreen
        from gtm_planner.ui.screens.goals import GoalsScreen
        from gtm_planner.ui.screens.scenarios import ScenariosScreen
        from gtm_planner.ui.screens.targets import TargetsScreen

        def grid(screen: type[GridScreen]) -> tuple[str, Callable[[], QWidget]]:
            def build() -> QWidget:
                page = screen(self.document, self.undo, self)
                page.message.connect(self._show_message)
                return page

            return screen.TITLE, build

        return [
            ("Goals & SLA", lambda: GoalsScreen(self.document, self.undo, self)),
            *(grid(s) for s in (TargetsScreen, FunnelScreen, BudgetScreen, CapacityScreen)),
            ("Scenarios", lambda: ScenariosScreen(self.document, self.undo, self)),
            ("Compare", lambda: CompareScreen(self.document, self.undo, self)),
            ("Definitions", lambda: DefinitionsScreen(self.document, self.undo, self)),
        ]

    def _show_message(self, text: str) -> None:
        if text:
            self.statusBar().showMessage(text, 8000)

    def add_notices(self, notices: QWidget) -> None:
        """Put a controller's notices under the plan header, over every screen."""
        self.notice_area.addWidget(notices)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        status.setSizeGripEnabled(False)
        path = self.document.path
        self.file_label = QLabel(str(path) if path is not None else UNSAVED_TEXT, status)
        self.file_label.setObjectName("fileLabel")
        self.file_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.read_only_label = QLabel(READ_ONLY_TEXT, status)
        self.read_only_label.setObjectName("readOnly")
        self.read_only_label.setVisible(self.document.read_only)
        self.recalc_label = QLabel(status)
        self.recalc_label.setObjectName("recalcLabel")
        status.addWidget(self.file_label, 1)
        status.addPermanentWidget(self.read_only_label)
        status.addPermanentWidget(self.recalc_label)
        # Qt hides the label under a message, but its next re-layout of the bar (a resize, a
        # label shown) shows it again over the message; hidden explicitly it stays hidden.
        status.messageChanged.connect(lambda text: self.file_label.setVisible(not text))

    # --- what the window shows ----------------------------------------------------------

    def status_text(self) -> str:
        """The status bar as a user reads it, left to right."""
        labels = (self.file_label, self.read_only_label, self.recalc_label)
        return " | ".join(label.text() for label in labels if not label.isHidden())

    def _show_current_scenario(self) -> None:
        scenario = self.document.current_scenario
        self.scenario_switcher.show_scenario(scenario.id)
        self.plan_header.refresh()
        self._show_recalculation_time()
        parts = [self.document.plan.settings.name, scenario.name]
        if self.document.path is not None:
            parts.insert(0, self.document.path.name)
        title = " — ".join([*parts, APP_NAME])
        self.setWindowTitle(f"{title} [read-only]" if self.document.read_only else title)

    def _show_recalculation_time(self) -> None:
        self.recalc_label.setText(recalculation_text(self.document.last_recalc_seconds))

    def _update_enabled_actions(self) -> None:
        states = enabled_states(
            self.document,
            self.text_point_size,
            can_undo=self.undo.stack.canUndo(),
            can_redo=self.undo.stack.canRedo(),
            grid_focused=focused_grid(self) is not None,
            shared=self.files is not None and self.files.shared,
        )
        for action_id, enabled in states.items():
            self.action_by_id[action_id].setEnabled(enabled)

    def _on_undo_index_changed(self, _index: int) -> None:
        if Shiboken.isValid(self.undo.stack):  # the stack empties itself while destroyed
            self._update_enabled_actions()

    def attach_files(self, files: PlanWindowController) -> None:
        """Called once by the ``Workspace``: the controller of this window's plan (a file's,
        or a shared database's)."""
        self.files = files
        files.file_changed.connect(self._show_file_state)
        self._show_file_state()

    def _show_file_state(self) -> None:
        """After Save As (new path, no longer read-only), or a save to a shared database: the
        status bar and actions follow."""
        location = self.files.location_text() if self.files is not None else ""
        self.file_label.setText(location or UNSAVED_TEXT)
        self.read_only_label.setVisible(self.document.read_only)
        self.action_by_id["refresh"].setVisible(self.files is not None and self.files.shared)
        self._update_enabled_actions()

    def _on_focus_changed(self, _old: QWidget | None, _new: QWidget | None) -> None:
        self._update_enabled_actions()

    def _name_action(self, action_id: str, verb: str, what: str) -> None:
        """'Undo Paste 12 cells': the Edit menu names the step it will undo or redo."""
        self.action_by_id[action_id].setText(f"{verb} {what}" if what else verb)

    def _edit_grid(self, action_id: str) -> None:
        grid = focused_grid(self)
        if grid is None:
            return
        if action_id == "copy":
            grid.copy_selection()
        elif action_id == "paste":
            text = QApplication.clipboard().text()
            grid.paste_text(text)
        elif action_id == "fill_down":
            grid.fill_down()
        elif action_id == "fill_right":
            grid.fill_right()

    # --- controller ---------------------------------------------------------------------

    def _on_scenario_chosen(self, scenario_id: int) -> None:
        self.document.set_current_scenario(scenario_id)

    def _on_current_scenario_changed(self, _scenario_id: int) -> None:
        self._show_current_scenario()

    def _on_results_changed(self, scenario_id: int) -> None:
        if scenario_id == self.document.current_scenario.id:
            self._show_recalculation_time()

    def set_text_point_size(self, point_size: int) -> None:
        """Scale every font of the window (View › Larger / Smaller text)."""
        self.text_point_size = max(MIN_POINT_SIZE, min(MAX_POINT_SIZE, point_size))
        self.setStyleSheet(stylesheet(self.text_point_size))
        self.kpi_panel.reflow()
        self.waterfall_panel.table.fit_to_contents()
        self.navigator.fit_width()
        self._update_enabled_actions()

    def _zoom(self, steps: int) -> None:
        self.set_text_point_size(self.text_point_size + steps)

    def _set_full_screen(self, full_screen: bool) -> None:
        if full_screen:
            self.showFullScreen()
        else:
            self.showNormal()

    def _show_report(self, *, export: bool) -> None:
        from gtm_planner.ui.report_dialog import ReportDialog

        ReportDialog(self.document, self, export=export).exec()

    def _show_shortcuts(self) -> None:
        ShortcutsDialog(self.action_by_id, self.navigator.titles, self).exec()

    def _show_about(self) -> None:
        QMessageBox.about(self, f"About {APP_NAME}", self.about_text())

    @staticmethod
    def about_text() -> str:
        return (
            f"<h3>{APP_NAME} {html.escape(_version())}</h3>"
            "<p>One joint go-to-market plan for the CRO and the CMO: the bookings target they "
            "share, the pipeline it takes, the budget split between sales and marketing, and "
            "the scenario they take to the board.</p>"
        )
