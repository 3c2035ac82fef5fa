"""The what-if panel (issue 4, SPEC §4): drag a region's drivers, watch the dashboard follow.

The sliders move an ``Overlay`` (model/whatif.py) laid over a copy of the current scenario's
inputs; the document shows that copy in place of the scenario's own (``set_what_if``), so every
screen follows and nothing is saved. Ticks are coalesced: a slider may fire many times between
two paints, and only the last position is computed (a 0 ms single-shot timer). A refused value
changes nothing: the controls go back to the last accepted position and the message says why.
"Save as scenario…" keeps the preview as a new scenario (one undo step) and switches to it;
"Reset", switching scenario or closing the panel drops the preview.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from gtm_planner.model.document import PlanDocument
from gtm_planner.model.engine import compute_kpis, compute_scenario
from gtm_planner.model.formatting import money, money_short
from gtm_planner.model.pending import plan_dimensions
from gtm_planner.model.snapshots import unique_name
from gtm_planner.model.solve.common import SpendBlock, period_months
from gtm_planner.model.whatif import Overlay, SpendMove, WhatIf, WhatIfError
from gtm_planner.ui.document_events import subscribe
from gtm_planner.ui.screens.records import MessageBar, section_title
from gtm_planner.ui.screens.scenarios import AskText, ask_text
from gtm_planner.ui.theme import MUTED, WARNING_INK
from gtm_planner.ui.undo import UndoController
from gtm_planner.ui.whatif_controls import (
    DRIVERS,
    Driver,
    DriverRow,
    MoveEditor,
    choice_grid,
    narrow_combo,
)

EVERY_MONTH = -1  # the period choice "every month of the plan"
PREVIEW_TEXT = "What-if preview — not saved"
_PREVIEW_STYLE = (
    f"QLabel {{ color: {WARNING_INK}; background: #fff7ed; font-weight: 700; "
    "border: 2px solid #fb923c; border-radius: 4px; padding: 8px 12px; }"
)
_SAVED_STYLE = f"QLabel {{ color: {MUTED}; padding: 8px 12px; }}"
_SUMMARY_KPIS = (("forecast_bookings", "Forecast bookings"), ("gap", "Gap to target"))


class WhatIfPanel(QWidget):
    """Per-region driver sliders and spend moves over the current scenario, previewed live."""

    preview_changed = Signal(bool)  # True while the dashboard shows an unsaved what-if

    def __init__(
        self, document: PlanDocument, undo: UndoController, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("whatIfPanel")
        self.document = document
        self.undo = undo
        self.ask_name: AskText = ask_text
        self._what_if = WhatIf(document.plan, document.current_scenario)
        self._pending: Overlay | None = None
        self._saved_kpis: dict[str, float] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.flush)
        self._build()
        self._fill_choices()
        subscribe(self, document.current_scenario_changed, self._on_scenario_changed)
        subscribe(self, document.values_changed, self._on_values_changed)
        subscribe(self, document.structure_changed, self._on_structure_changed)
        subscribe(self, document.scenarios_changed, self._show_state)
        self._show_overlay()

    # --- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        self.state_label = QLabel(self)
        self.state_label.setObjectName("whatIfState")
        self.state_label.setWordWrap(True)
        self.message = MessageBar(self)
        self.region_combo = QComboBox(self)
        self.period_combo = QComboBox(self)
        for combo in (self.region_combo, self.period_combo):
            narrow_combo(combo)
        self.region_combo.currentIndexChanged.connect(lambda _i: self._show_overlay())
        self.period_combo.currentIndexChanged.connect(self._period_chosen)
        choices = choice_grid(
            self, (("Regi&on", self.region_combo), ("Spend per&iod", self.period_combo))
        )

        self.rows: dict[str, DriverRow] = {}
        sliders = QVBoxLayout()
        sliders.setSpacing(2)
        for driver in DRIVERS:
            driver_row = DriverRow(driver, self)
            driver_row.edited.connect(lambda value, d=driver: self._driver_edited(d, value))
            self.rows[driver.key] = driver_row
            sliders.addWidget(QLabel(driver.label, self))
            sliders.addWidget(driver_row)
            sliders.addSpacing(4)

        self.mover = MoveEditor(self)
        self.mover.move_requested.connect(self.add_move)
        self.mover.remove_requested.connect(self.remove_move)
        self.mover.giver_changed.connect(self._show_available)

        self.summary_labels: dict[str, QLabel] = {}
        summary = QGridLayout()
        summary.setColumnStretch(1, 1)
        for row, (key, text) in enumerate(_SUMMARY_KPIS):
            summary.addWidget(QLabel(text, self), row, 0, Qt.AlignmentFlag.AlignTop)
            value = QLabel(self)
            value.setStyleSheet("font-weight: 700;")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            summary.addWidget(value, row, 1)
            self.summary_labels[key] = value

        self.save_button = QPushButton("Save as s&cenario…", self)
        self.save_button.clicked.connect(self.save_as_scenario)
        self.reset_button = QPushButton("Rese&t", self)
        self.reset_button.setToolTip("Drop the what-if: back to the scenario's saved numbers")
        self.reset_button.clicked.connect(self.reset)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button, 1)
        buttons.addWidget(self.reset_button)

        body = QWidget(self)
        controls = QVBoxLayout(body)  # scrolls when the text is large (View › Larger text)
        controls.setContentsMargins(0, 0, 4, 0)
        controls.addLayout(choices)
        controls.addWidget(section_title("Drivers of the region", body))
        controls.addLayout(sliders)
        move_title = section_title("Move demand-creation spend", body)
        move_title.setWordWrap(True)
        controls.addWidget(move_title)
        controls.addWidget(self.mover)
        controls.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(6)
        layout.addWidget(self.state_label)
        layout.addLayout(summary)
        layout.addWidget(self.message)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)

    def _fill_choices(self) -> None:
        plan = self.document.plan
        chosen = self.region_combo.currentData()
        self.region_combo.blockSignals(True)
        self.region_combo.clear()
        for region in plan.regions:
            self.region_combo.addItem(region.name, region.id)
        self.region_combo.setCurrentIndex(max(self.region_combo.findData(chosen), 0))
        self.region_combo.blockSignals(False)
        self.mover.set_plan(plan)
        self.period_combo.blockSignals(True)
        self.period_combo.clear()
        for year in plan.calendar().fiscal_years:
            self.period_combo.addItem(f"FY{year}", year)
        self.period_combo.addItem("All plan months", EVERY_MONTH)
        self.period_combo.blockSignals(False)
        self._what_if = WhatIf(plan, self.document.current_scenario)
        self._what_if.set_overlay(Overlay(fiscal_year=self._chosen_period()))
        self._dimensions = plan_dimensions(plan)  # what the overlay's positions refer to

    # --- what the panel shows -----------------------------------------------------------

    @property
    def overlay(self) -> Overlay:
        """The overlay shown on the dashboard (the last one accepted)."""
        return self._what_if.overlay

    @property
    def preview_active(self) -> bool:
        return self.document.what_if(self._what_if.scenario.id) is not None

    def _chosen_period(self) -> int | None:
        """The fiscal year the spend drivers act on; None for every month of the plan."""
        data = self.period_combo.currentData()
        return None if data is None or data == EVERY_MONTH else int(data)

    def _region_id(self) -> int:
        return int(self.region_combo.currentData())

    def _show_overlay(self) -> None:
        """Put every control where the accepted overlay is (after a refusal, too)."""
        overlay = self.overlay
        if self.region_combo.count():
            drivers = overlay.drivers_for(self._region_id())
            for driver in DRIVERS:
                self.rows[driver.key].show_value(driver.shown(drivers))
        self.period_combo.blockSignals(True)
        shown = EVERY_MONTH if overlay.fiscal_year is None else overlay.fiscal_year
        self.period_combo.setCurrentIndex(self.period_combo.findData(shown))
        self.period_combo.blockSignals(False)
        self.mover.show_moves(self.document.plan, overlay.moves)
        self._show_available()
        self._show_state()

    def _show_available(self) -> None:
        plan = self.document.plan
        fiscal_year = self.overlay.fiscal_year
        giver = self.mover.giver
        if not giver.count():
            return
        block = SpendBlock.of(plan, period_months(plan, fiscal_year))
        inputs = self.document.shown_inputs(self._what_if.scenario.id)
        totals = block.totals(inputs.budget) if not block.empty else None
        r = giver.currentIndex()
        period = "the plan" if fiscal_year is None else f"FY{fiscal_year}"
        have = money(float(totals[r]), plan.settings.currency) if totals is not None else "none"
        self.mover.available.setText(
            f"{giver.currentText()} has {have} of demand-creation spend in {period}."
        )

    def _show_state(self) -> None:
        active = self.preview_active
        name = self._what_if.scenario.name
        if active:
            self.state_label.setText(f"{PREVIEW_TEXT}\n(±): the change from “{name}” as saved")
            self.state_label.setStyleSheet(_PREVIEW_STYLE)
        else:
            self.state_label.setText(f"Showing the saved numbers of “{name}”")
            self.state_label.setStyleSheet(_SAVED_STYLE)
        self.save_button.setEnabled(active and not self.document.read_only)
        self.reset_button.setEnabled(active)
        self._show_summary(active)

    def _show_summary(self, active: bool) -> None:
        scenario = self._what_if.scenario
        if self._saved_kpis is None:
            plan = self.document.plan
            if active:
                kpis = compute_kpis(plan, scenario.inputs, compute_scenario(plan, scenario.inputs))
            else:
                kpis = self.document.kpis(scenario.id)
            self._saved_kpis = {key: kpis[key].value for key, _ in _SUMMARY_KPIS}
        shown = self.document.kpis(scenario.id) if active else None
        currency = self.document.plan.settings.currency
        for key, label in self.summary_labels.items():
            saved = self._saved_kpis[key]
            label.setToolTip(f"Saved: {money(saved, currency)}")
            if shown is None:
                label.setText(money_short(saved, currency))
                continue
            now = shown[key].value
            sign = "+" if now >= saved else "−"
            label.setText(f"{money_short(now, currency)} "
                          f"({sign}{money_short(abs(now - saved), currency)})")  # fmt: skip

    # --- changes ------------------------------------------------------------------------

    def _request(self, overlay: Overlay) -> None:
        """Coalesce: only the last overlay asked for before the event loop runs is computed."""
        self._pending = overlay
        self._timer.start()

    def _driver_edited(self, driver: Driver, value: float) -> None:
        base = self._pending or self.overlay
        region_id = self._region_id()
        drivers = driver.drivers_with(base.drivers_for(region_id), value)
        self._request(base.with_drivers(region_id, drivers))

    def _period_chosen(self, _index: int) -> None:
        self._request(replace(self._pending or self.overlay,
                              fiscal_year=self._chosen_period()))  # fmt: skip
        self.flush()

    def add_move(self, move: SpendMove) -> None:
        """Move an amount from one region to another over the chosen period."""
        self._request((self._pending or self.overlay).with_move(move))
        self.flush()

    def remove_move(self, row: int) -> None:
        moves = self.overlay.moves
        if 0 <= row < len(moves):
            self._request(replace(self.overlay, moves=moves[:row] + moves[row + 1 :]))
            self.flush()

    def flush(self) -> None:
        """Compute the pending overlay now and show it everywhere (or refuse it, saying why)."""
        self._timer.stop()
        overlay, self._pending = self._pending, None
        if overlay is None:
            return
        problems = self._what_if.set_overlay(overlay)
        if problems:
            self.message.show_problem("Not applied: " + " ".join(problems[:3]))
            if self._what_if.set_overlay(self.overlay):  # the scenario changed underneath
                self._what_if.reset()
            self._publish()
            return
        self.message.clear_message()
        self._publish()

    def _publish(self) -> None:
        scenario_id = self._what_if.scenario.id
        was_active = self.preview_active
        if self.overlay.empty:
            self.document.set_what_if(scenario_id, None)
        else:
            self.document.set_what_if(scenario_id, self._what_if.outcome().inputs)
        self._show_overlay()
        if self.preview_active != was_active:
            self.preview_changed.emit(self.preview_active)

    def reset(self) -> None:
        """Drop the what-if: the scenario's saved inputs on every screen again."""
        self._timer.stop()
        self._pending = None
        self._what_if.set_overlay(Overlay(fiscal_year=self.overlay.fiscal_year))
        self._publish()

    def save_as_scenario(self) -> bool:
        """Ask a name, keep the preview as a new scenario (undoable) and switch to it."""
        self.flush()
        if not self.preview_active:
            self.message.show_problem("Nothing to save yet: move a slider or some spend first.")
            return False
        scenario = self._what_if.scenario
        taken = [s.name for s in self.document.plan.scenarios]
        name = unique_name(f"{scenario.name} — what-if", taken)
        prompt = "Name of the new scenario:"
        while True:
            given = self.ask_name(self, "Save what-if as scenario", prompt, name)
            if given is None:
                return False
            try:
                command = self._what_if.to_scenario(given)
                break
            except WhatIfError as problem:
                name, prompt = given, f"{problem}\nName of the new scenario:"
        try:
            self.undo.push(command)
        except PermissionError as problem:
            self.message.show_problem(str(problem))
            return False
        self.reset()
        self.document.set_current_scenario(command.scenario.id)
        self.message.show_info(f"Saved as scenario “{command.scenario.name}” and switched to "
                               "it. Undo removes it.")  # fmt: skip
        return True

    # --- the document moved ---------------------------------------------------------------

    def _on_scenario_changed(self, scenario_id: int) -> None:
        old = self._what_if.scenario
        dropped = not self.overlay.empty
        self._timer.stop()
        self._pending = None
        if self.document.what_if(old.id) is not None:  # also when ``old`` was just deleted
            self.document.set_what_if(old.id, None)
        self._what_if = WhatIf(self.document.plan, self.document.scenario_by_id(scenario_id))
        self._what_if.set_overlay(Overlay(fiscal_year=self._chosen_period()))
        self._saved_kpis = None
        self._show_overlay()
        if dropped:
            self.message.show_info(f"The unsaved what-if on “{old.name}” was dropped.")
            self.preview_changed.emit(False)

    def _on_values_changed(self, scenario_id: int, _field: str) -> None:
        if scenario_id == self._what_if.scenario.id:
            self._saved_kpis = None
            self._what_if.inputs_changed()
            if self.overlay.empty:
                self._show_state()
            else:
                self._request(self._pending or self.overlay)

    def _on_structure_changed(self) -> None:
        overlay = self._pending or self.overlay
        kept = (
            plan_dimensions(self.document.plan) == self._dimensions
            and self._what_if.scenario.id == self.document.current_scenario.id
        )
        dropped = not overlay.empty and not kept
        self._timer.stop()
        self._pending = None
        if not kept:
            self.document.set_what_if(self._what_if.scenario.id, None)
        self._saved_kpis = None
        self._fill_choices()
        if kept and not overlay.empty:
            # Names changed, or the plan was reloaded (team mode) with the same regions, lines
            # and months: the what-if goes on over the plan as it is now.
            self._request(overlay)
            self.flush()
        self._show_overlay()
        if dropped:
            self.message.show_info("The plan's regions or budget lines changed: the unsaved "
                                   "what-if was dropped.")  # fmt: skip

    def hideEvent(self, event: QHideEvent) -> None:
        """Closing the panel drops the preview: no unsaved what-if without its warning.

        Checked once the event loop runs again: floating or re-docking the panel hides it
        only for a moment, and a minimised window (a spontaneous hide) keeps it.
        """
        if not event.spontaneous():
            QTimer.singleShot(0, self, self._drop_preview_if_hidden)
        super().hideEvent(event)

    def _drop_preview_if_hidden(self) -> None:
        if not self.isVisible() and (self._pending is not None or self.preview_active):
            self.reset()
