"""What every editing screen shares: a title, the message bar, titled grids, the scenario.

A screen shows the document's current scenario. Grids refuse bad input through their
``message`` signal; the screen shows it in a message bar that stays until the user dismisses
it or the next edit succeeds, and re-emits it as ``message`` for the window's status bar.
Cross-field problems (a source mix that does not add up to 100%) show in a warning bar.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gtm_planner.model.document import PlanDocument
from gtm_planner.model.validation import validate_inputs
from gtm_planner.ui.document_events import subscribe
from gtm_planner.ui.grid.model import GridModel
from gtm_planner.ui.grid.spec import GridSpec
from gtm_planner.ui.grid.view import PlanGrid
from gtm_planner.ui.undo import UndoController

_BAR_STYLES = {
    "messageBar": ("#fef2f2", "#fca5a5", "#991b1b"),  # an edit was refused
    "warningBar": ("#fff7ed", "#fdba74", "#9a3412"),  # the plan has a cross-field problem
}


class MessageBar(QFrame):
    """A line of text over the grids, in a colour that cannot be missed from the back row."""

    def __init__(
        self, name: str = "messageBar", dismissable: bool = True, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        fill, border, ink = _BAR_STYLES[name]
        self.setStyleSheet(
            f"QFrame#{name} {{ background: {fill}; border: 1px solid {border};"
            f" border-radius: 4px; }}"
            f" QFrame#{name} QLabel {{ color: {ink}; font-weight: 600; }}"
            f" QFrame#{name} QToolButton {{ color: {ink}; border: none; font-weight: 700; }}"
        )
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 6, 6)
        layout.addWidget(self.label, 1)
        if dismissable:
            close = QToolButton(self)
            close.setText("✕")
            close.setToolTip("Dismiss this message")
            close.clicked.connect(self.dismiss)
            layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def text(self) -> str:
        return self.label.text() if not self.isHidden() else ""

    def show_message(self, text: str) -> None:
        if not text:
            self.dismiss()
            return
        self.label.setText(text)
        self.show()

    def dismiss(self) -> None:
        self.label.clear()
        self.hide()


class GridScreen(QWidget):
    """A screen of titled grids over the current scenario; subclasses add the grids."""

    message = Signal(str)
    TITLE = ""

    def __init__(
        self, document: PlanDocument, undo: UndoController, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.undo = undo
        self.grids: list[PlanGrid] = []
        self.notes: dict[PlanGrid, QLabel] = {}  # the line under each grid's title
        self._last_grid: PlanGrid | None = None

        self.title = QLabel(self.TITLE, self)
        self.title.setObjectName("sectionTitle")
        self.controls = QHBoxLayout()
        self.controls.setSpacing(10)
        heading = QHBoxLayout()
        heading.setSpacing(16)
        heading.addWidget(self.title)
        heading.addStretch(1)
        heading.addLayout(self.controls)
        self.message_bar = MessageBar("messageBar", parent=self)
        self.warning_bar = MessageBar("warningBar", dismissable=False, parent=self)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(20, 14, 20, 12)
        self.body.setSpacing(6)
        self.body.addLayout(heading)
        self.body.addWidget(self.message_bar)
        self.body.addWidget(self.warning_bar)

        self.message.connect(self.message_bar.show_message)
        undo.stack.indexChanged.connect(self.message_bar.dismiss)
        subscribe(self, document.current_scenario_changed, self._on_scenario_changed)
        subscribe(self, document.values_changed, self._on_values_changed)

    # --- building ------------------------------------------------------------------------

    def add_grid(
        self, title: str, build: Callable[[PlanDocument], GridSpec], note: str = ""
    ) -> PlanGrid:
        """A titled grid over ``build``'s spec, added below the ones before it."""
        heading = QHBoxLayout()
        heading.setSpacing(16)
        label = QLabel(title, self)
        label.setObjectName("gridTitle")
        label.setStyleSheet("QLabel#gridTitle { font-weight: 700; }")
        heading.addWidget(label)
        footnote = QLabel(note, self)
        footnote.setObjectName("footnote")
        footnote.setWordWrap(True)
        heading.addWidget(footnote, 1, Qt.AlignmentFlag.AlignBaseline)
        grid = PlanGrid(GridModel(self.document, self.undo, build), self)
        self.notes[grid] = footnote
        grid.setObjectName(f"grid_{len(self.grids)}")
        grid.message.connect(self.message)
        grid.focused.connect(lambda: self._remember(grid))
        if self.grids:
            self.body.addSpacing(10)
        self.body.addLayout(heading)
        self.body.addWidget(grid, 1)
        self.grids.append(grid)
        return grid

    def finish(self) -> None:
        """After the last grid: the room left stays below the grids, not inside them."""
        self.body.addStretch(0)
        self.refresh_warnings()

    # --- what the window calls ------------------------------------------------------------

    def active_grid(self) -> PlanGrid | None:
        """The grid that has (or last had) the keyboard focus: Edit › Copy, Paste, Fill."""
        if self._last_grid is not None and self._last_grid in self.grids:
            return self._last_grid
        return self.grids[0] if self.grids else None

    def _remember(self, grid: PlanGrid) -> None:
        self._last_grid = grid

    # --- the current scenario ---------------------------------------------------------------

    def _on_scenario_changed(self, _scenario_id: int) -> None:
        self.message_bar.dismiss()
        self.refresh_warnings()

    def _on_values_changed(self, scenario_id: int, _field: str) -> None:
        if scenario_id == self.document.current_scenario.id:
            self.refresh_warnings()

    # --- cross-field warnings ------------------------------------------------------------

    WARNED_PREFIXES: tuple[str, ...] = ()  # which ``validate_inputs`` problems this screen shows

    def warnings(self) -> list[str]:
        if not self.WARNED_PREFIXES:
            return []
        scenario = self.document.current_scenario
        problems = validate_inputs(self.document.plan, scenario.name, scenario.inputs)
        return [
            f"{p.where}: {p.message}."
            for p in problems
            if p.where.startswith(self.WARNED_PREFIXES)
        ]

    def refresh_warnings(self) -> None:
        self.warning_bar.show_message("\n".join(self.warnings()))
