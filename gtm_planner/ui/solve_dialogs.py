"""Goal seek and allocation (SPEC §3.5): the answer and its effect first, then one undo step.

Both dialogs call the pure solvers in ``model/solve`` on the current scenario's saved inputs,
show the answer (or why there is none) and apply nothing until the user says so: "Apply" pushes
the goal seek's ``SetValues``, "Create scenario" the allocation's ``InsertScenario``. Changing a
choice after solving clears the answer, so a stale one can never be applied.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from gtm_planner.model.document import PlanDocument
from gtm_planner.model.engine.kpis import Unit
from gtm_planner.model.formatting import currency_prefix, format_value, money
from gtm_planner.model.solve import (
    AllocationResult,
    GoalSeekInput,
    GoalSeekResult,
    SolveError,
    allocate_demand_creation,
    goal_seek,
)
from gtm_planner.model.solve.common import SpendBlock, fiscal_year_months
from gtm_planner.ui.answer_tables import (
    ALL_REGIONS,
    BoundsModel,
    Cell,
    TextTableModel,
    button_row,
    column,
    combo,
    headline,
    labelled,
    money_text,
    region_items,
    result_table,
    signed,
    value_text,
    year_items,
)
from gtm_planner.ui.screens.records import MessageBar, footnote
from gtm_planner.ui.undo import UndoController

GOAL_SEEK_INPUTS: tuple[tuple[GoalSeekInput, str], ...] = (
    (GoalSeekInput.DEMAND_CREATION_BUDGET, "Demand-creation budget"),
    (GoalSeekInput.MARKETING_WIN_RATE, "Marketing win rate"),
    (GoalSeekInput.WIN_RATE_ALL_SOURCES, "Win rate, all sources"),
    (GoalSeekInput.AE_HIRES, "AEs hired at the start of the year"),
    (GoalSeekInput.STARTING_AES, "AEs at plan start"),
)


class GoalSeekDialog(QDialog):
    """What value of one input closes the gap for a region (or all) and a fiscal year."""

    def __init__(
        self, document: PlanDocument, undo: UndoController, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Goal seek: what closes the gap?")
        self.document = document
        self.undo = undo
        self.answer: GoalSeekResult | None = None
        self.what_combo = combo(self, [(text, what.value) for what, text in GOAL_SEEK_INPUTS])
        self.region_combo = combo(self, region_items(document, "All regions"))
        self.year_combo = combo(self, year_items(document))
        self.solve_button = QPushButton("&Solve", self)
        self.solve_button.setDefault(True)
        self.solve_button.clicked.connect(self.solve)
        for box in (self.what_combo, self.region_combo, self.year_combo):
            box.currentIndexChanged.connect(lambda _i: self.clear_answer())
        choices = QGridLayout()
        labelled(choices, 0, "Solve &for", self.what_combo)
        labelled(choices, 1, "&Region", self.region_combo)
        labelled(choices, 2, "Fiscal &year", self.year_combo)
        choices.addWidget(self.solve_button, 1, 3)
        choices.setColumnStretch(4, 1)

        self.scenario_note = footnote("", self)
        self.message = MessageBar(self)
        self.headline = headline(self)
        self.method_note = footnote("", self)
        self.effect_model = TextTableModel(("", "Before", "After", "Change"), self)
        self.region_model = TextTableModel(("Region", "Today", "Solved"), self)
        self.kpi_model = TextTableModel(("KPI", "Before", "After", "Change"), self)
        self.effect_table = result_table(self.effect_model, self, stretch=0)
        self.region_table = result_table(self.region_model, self, stretch=0)
        self.kpi_table = result_table(self.kpi_model, self, stretch=0)
        self.apply_button = QPushButton("&Apply", self)
        self.apply_button.clicked.connect(self.apply)
        close = QPushButton("Close", self)
        close.clicked.connect(self.reject)

        tables = QHBoxLayout()
        tables.addLayout(column(self, "Effect on the region and year", self.effect_table,
                                "Value by region", self.region_table), 1)  # fmt: skip
        tables.addLayout(column(self, "KPIs it changes (region and year)", self.kpi_table), 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.addLayout(choices)
        layout.addWidget(self.scenario_note)
        layout.addWidget(self.message)
        layout.addWidget(self.headline)
        layout.addWidget(self.method_note)
        layout.addLayout(tables, 1)
        layout.addLayout(button_row(self.apply_button, close))
        self.resize(1200, 760)
        self.clear_answer()

    def choose(self, what: GoalSeekInput, region_id: int | None, fiscal_year: int) -> None:
        """Set the three choices at once (a caller, or a test, that knows what it wants)."""
        self.what_combo.setCurrentIndex(self.what_combo.findData(what.value))
        self.region_combo.setCurrentIndex(
            self.region_combo.findData(ALL_REGIONS if region_id is None else region_id)
        )
        self.year_combo.setCurrentIndex(self.year_combo.findData(fiscal_year))

    def clear_answer(self) -> None:
        self.answer = None
        for model in (self.effect_model, self.region_model, self.kpi_model):
            model.set_rows([])
        scenario = self.document.current_scenario
        preview = self.document.what_if(scenario.id) is not None
        self.scenario_note.setText(
            f"On scenario “{scenario.name}”, its saved inputs"
            + (" (the unsaved what-if preview is left out)" if preview else "")
            + ". Nothing changes until you press Apply."
        )
        self.headline.setText("Choose what to solve for, then press Solve.")
        self.method_note.setText("")
        self.message.clear_message()
        self.apply_button.setEnabled(False)

    def solve(self) -> GoalSeekResult | None:
        """Run goal seek and show the answer and its effect; nothing is applied."""
        self.clear_answer()
        what = GoalSeekInput(self.what_combo.currentData())
        region = int(self.region_combo.currentData())
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            result = goal_seek(
                self.document.plan, self.document.current_scenario, what,
                int(self.year_combo.currentData()), None if region == ALL_REGIONS else region,
            )  # fmt: skip
        except SolveError as problem:
            self.message.show_problem(str(problem))
            return None
        finally:
            QApplication.restoreOverrideCursor()
        self.answer = result
        self._show(result)
        return result

    def _show(self, result: GoalSeekResult) -> None:
        currency = self.document.plan.settings.currency

        def value(v: float) -> str:
            return format_value(v, result.unit, currency)

        if result.reachable and result.solved_value is not None:
            self.headline.setText(
                f"{result.label}: {value(result.current_value)} → {value(result.solved_value)}"
            )
        else:
            closest = result.closest_value
            self.message.show_problem(f"Not reachable. {result.reason}")
            self.headline.setText(
                f"{result.label}: no allowed value closes the gap"
                + ("" if closest is None else f" — the closest is {value(closest)}")
            )
        self.method_note.setText(f"How it moves: {result.method}." if result.method else "")
        after = "After" if result.reachable else "At the closest value"
        rows: list[list[Cell]] = [
            [(name, None), (money_text(b, currency), b), (money_text(a, currency), a),
             (signed(a - b, Unit.MONEY, currency), a - b)]
            for name, b, a in (
                ("Bookings target", result.target, result.target),
                ("Forecast bookings", result.forecast_before, result.forecast_after),
                ("Gap to target", result.gap_before, result.gap_after),
            )
        ]  # fmt: skip
        self.effect_model.set_rows(
            rows, ("", "Before", after, "Change"), {(1, 2), (2, 2)} if result.reachable else None
        )
        self.region_model.set_rows(
            [[(r.region, None), (value(r.current), r.current), (value(r.solved), r.solved)]
             for r in result.per_region],
            ("Region", "Today", "Solved" if result.reachable else "Closest"),
        )  # fmt: skip
        self.kpi_model.set_rows(
            [[(c.label, None), (value_text(c.before, c.unit, currency), c.before),
              (value_text(c.after, c.unit, currency), c.after),
              (signed(c.delta, c.unit, currency), c.delta)]
             for c in result.kpi_changes],
            ("KPI", "Before", after, "Change"),
        )  # fmt: skip
        editable = not self.document.read_only
        self.apply_button.setEnabled(result.command is not None and editable)
        if result.command is not None and not editable:
            self.message.show_problem("This plan is open read-only: the answer cannot be applied.")

    def apply(self) -> bool:
        """Apply the shown answer as one undoable step."""
        result = self.answer
        if result is None or result.command is None:
            return False
        try:
            self.undo.push(result.command)
        except PermissionError as problem:
            self.message.show_problem(str(problem))
            return False
        self.apply_button.setEnabled(False)
        self.message.show_info(f"Applied: {result.command.label}. Undo (Ctrl+Z) takes it back.")
        return True


class AllocationDialog(QDialog):
    """Spread a year's demand-creation budget across regions to maximise forecast bookings."""

    def __init__(
        self, document: PlanDocument, undo: UndoController, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Allocate the demand-creation budget across regions")
        self.document = document
        self.undo = undo
        self.answer: AllocationResult | None = None
        currency = document.plan.settings.currency
        self.year_combo = combo(self, year_items(document))
        self.total_spin = QDoubleSpinBox(self)
        self.total_spin.setRange(0.0, 1e13)
        self.total_spin.setDecimals(0)
        self.total_spin.setSingleStep(100_000.0)
        self.total_spin.setGroupSeparatorShown(True)
        self.total_spin.setPrefix(currency_prefix(currency))
        self.total_spin.setMinimumWidth(self.total_spin.fontMetrics().horizontalAdvance("8" * 18))
        self.allocate_button = QPushButton("&Allocate", self)
        self.allocate_button.setDefault(True)
        self.allocate_button.clicked.connect(self.allocate)
        choices = QGridLayout()
        labelled(choices, 0, "Fiscal &year", self.year_combo)
        labelled(choices, 1, "Demand-creation &budget to allocate", self.total_spin)
        choices.addWidget(self.allocate_button, 1, 2)
        choices.setColumnStretch(3, 1)

        self.message = MessageBar(self)
        self.bounds_model = BoundsModel(document, self)
        self.bounds_table = result_table(self.bounds_model, self)
        self.bounds_table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.bounds_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.bounds_table.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.bounds_model.rejected.connect(self.message.show_problem)
        self.bounds_model.dataChanged.connect(lambda *_: self.clear_answer())
        self.year_combo.currentIndexChanged.connect(lambda _i: self._year_chosen())
        self.total_spin.valueChanged.connect(lambda _v: self.clear_answer())

        self.headline = headline(self)
        self.detail = QLabel(self)
        self.detail.setWordWrap(True)
        self.method_note = footnote("", self)
        self.result_model = TextTableModel(RESULT_HEADERS, self)
        self.result_table = result_table(self.result_model, self)
        self.create_button = QPushButton("&Create scenario", self)
        self.create_button.clicked.connect(self.create_scenario)
        close = QPushButton("Close", self)
        close.clicked.connect(self.reject)

        self.bounds_table.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Maximum)
        left = column(
            self,
            "Floors and ceilings",
            self.bounds_table,
            footnote("Leave a bound empty for none; 1.2M and 850K are fine.", self),
            stretch=False,
        )
        right = column(self, "The allocation", self.headline, self.detail, self.method_note)
        bounds_and_answer = QHBoxLayout()
        bounds_and_answer.addLayout(left)
        bounds_and_answer.addSpacing(24)
        bounds_and_answer.addLayout(right, 1)
        body = QVBoxLayout()
        body.addLayout(bounds_and_answer)
        self.result_table.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Maximum)
        body.addWidget(self.result_table, 0, Qt.AlignmentFlag.AlignLeft)
        body.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.addLayout(choices)
        layout.addWidget(self.message)
        layout.addLayout(body, 1)
        layout.addLayout(button_row(self.create_button, close))
        self.resize(1400, 760)
        self._year_chosen()

    def _year_chosen(self) -> None:
        plan = self.document.plan
        block = SpendBlock.of(plan, fiscal_year_months(plan, int(self.year_combo.currentData())))
        totals = block.totals(self.document.current_scenario.inputs.budget)
        self.bounds_model.set_today(totals.tolist())
        self.total_spin.setValue(float(totals.sum()))
        self.clear_answer()

    def clear_answer(self) -> None:
        self.answer = None
        self.result_model.set_rows([])
        self.headline.setText("Set the budget and the bounds, then press Allocate.")
        name = self.document.current_scenario.name
        self.detail.setText(f"From scenario “{name}”, its saved inputs. Nothing changes until "
                            "you press Create scenario.")  # fmt: skip
        self.method_note.setText("")
        self.message.clear_message()
        self.create_button.setEnabled(False)

    def allocate(self) -> AllocationResult | None:
        """Run the allocation and show it; nothing is applied."""
        self.clear_answer()
        model = self.bounds_model
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            result = allocate_demand_creation(
                self.document.plan, self.document.current_scenario,
                int(self.year_combo.currentData()), self.total_spin.value(),
                model.floors, model.ceilings,
            )  # fmt: skip
        except SolveError as problem:
            self.message.show_problem(f"Cannot allocate: {problem}")
            return None
        finally:
            QApplication.restoreOverrideCursor()
        self.answer = result
        self._show(result)
        return result

    def _show(self, result: AllocationResult) -> None:
        currency = self.document.plan.settings.currency
        prefix = currency_prefix(currency).strip()
        rows: list[list[Cell]] = []
        for r in result.regions:
            change = r.allocated - r.before
            rows.append([
                (r.region, None), (money(r.before, currency), r.before),
                (money(r.allocated, currency), r.allocated),
                (signed(change, Unit.MONEY, currency), change),
                (_per_unit(r.marginal_next_unit), r.marginal_next_unit),
                (_per_unit(r.marginal_last_unit), r.marginal_last_unit),
                (r.bound or "–", None),
                (money(r.bookings_before, currency), r.bookings_before),
                (money(r.bookings_after, currency), r.bookings_after),
            ])  # fmt: skip
        changed = {(i, 2) for i, r in enumerate(result.regions) if r.allocated != r.before}
        headers = list(RESULT_HEADERS)
        headers[4:6] = [f"Next {prefix}1 buys", f"Last {prefix}1 bought"]
        self.result_model.set_rows(rows, headers, changed)
        gain = result.forecast_after - result.forecast_before
        self.headline.setText(
            f"Forecast bookings over the plan: {money(result.forecast_before, currency)} → "
            f"{money(result.forecast_after, currency)} ({signed(gain, Unit.MONEY, currency)})"
        )
        price = result.marginal_return
        bound = [
            f"{r.region} at its {r.bound} (next {prefix}1 buys {_per_unit(r.marginal_next_unit)})"
            for r in result.regions
            if r.bound
        ]
        self.detail.setText(
            f"FY{result.fiscal_year}: {money(result.year_forecast_before, currency)} → "
            f"{money(result.year_forecast_after, currency)}. "
            + (f"Returns are balanced at {_per_unit(price)} of bookings per {prefix}1: where no "
               f"bound binds, no region's next {prefix}1 buys more and none's last bought less, "
               "so moving money between regions cannot do better." if math.isfinite(price) else
               "Every region sits at a floor or a ceiling.")
            + (f" Held by a bound: {'; '.join(bound)}." if bound else "")
        )  # fmt: skip
        self.method_note.setText(f"Worked out with {result.method}.")
        self.create_button.setEnabled(not self.document.read_only)

    def create_scenario(self) -> bool:
        """Offer the allocation as a new scenario (one undo step)."""
        result = self.answer
        if result is None:
            return False
        try:
            self.undo.push(result.command)
        except PermissionError as problem:
            self.message.show_problem(str(problem))
            return False
        self.create_button.setEnabled(False)
        self.message.show_info(f"Created scenario “{result.command.scenario.name}”; pick it "
                               "in the scenario switcher. Undo removes it.")  # fmt: skip
        return True


RESULT_HEADERS = (
    "Region", "Budget today", "Allocated", "Change", "Next unit buys", "Last unit bought",
    "At a bound", "Bookings before", "Bookings after",
)  # fmt: skip


def _per_unit(value: float) -> str:
    """Bookings per currency unit, 2 decimals; a rounding residue never shows as -0.00."""
    return "–" if not math.isfinite(value) else f"{0.0 if abs(value) < 0.005 else value:,.2f}"
