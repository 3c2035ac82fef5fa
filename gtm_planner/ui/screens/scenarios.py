"""Scenarios: clone, rename, delete, mark the plan of record, switch; snapshots of them.

Every change is one undoable command with a label that says what happened ("Clone scenario
‘Baseline’"). Switching the scenario on screen is a view choice, not an edit of the plan.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QInputDialog,
    QLineEdit,
    QWidget,
)

from gtm_planner.model.commands import (
    Command,
    InsertRecord,
    InsertScenario,
    Macro,
    RemoveScenario,
    SetAttribute,
    SetPlanOfRecord,
)
from gtm_planner.model.document import PlanDocument, RecordKind
from gtm_planner.model.engine import Unit
from gtm_planner.model.entities import Scenario, Snapshot
from gtm_planner.model.formatting import format_value
from gtm_planner.model.snapshots import (
    SnapshotMismatchError,
    clone_scenario,
    restore_scenario,
    scenario_name_problem,
    shape_problems,
    snapshot_name_problem,
    take_snapshot,
)
from gtm_planner.ui.document_events import subscribe
from gtm_planner.ui.screens.records import (
    RecordInputError,
    RecordScreen,
    RecordTable,
    RecordTableModel,
)
from gtm_planner.ui.screens.snapshot_view import SnapshotView, snapshot_time
from gtm_planner.ui.theme import WARNING_INK
from gtm_planner.ui.undo import UndoController

PLAN_OF_RECORD = "★ Plan of record"
ONE_SCENARIO_LEFT = "A plan keeps at least one scenario: clone or add another before deleting."
AskText = Callable[[QWidget, str, str, str], str | None]
_KPI_COLUMNS = ("bookings_target", "forecast_bookings", "gap", "sm_budget")


def ask_text(parent: QWidget, title: str, prompt: str, suggestion: str) -> str | None:
    text, accepted = QInputDialog.getText(
        parent, title, prompt, QLineEdit.EchoMode.Normal, suggestion
    )
    return text if accepted else None


class ScenariosTableModel(RecordTableModel):
    """The plan's scenarios with their headline numbers over the whole horizon."""

    kind = RecordKind.SCENARIO
    noun = "scenario"
    headers = (
        "Scenario",
        "Description",
        "Plan of record",
        "Target",
        "Forecast",
        "Gap",
        "S&M budget",
    )
    NAME, DESCRIPTION, PLAN_OF_RECORD, TARGET, FORECAST, GAP, BUDGET = range(7)
    editable = frozenset({NAME, DESCRIPTION})
    right_aligned = frozenset({TARGET, FORECAST, GAP, BUDGET})

    def __init__(
        self, document: PlanDocument, undo: UndoController, parent: QObject | None = None
    ) -> None:
        self._kpis: dict[int, dict[str, float]] = {}
        super().__init__(document, undo, parent)

    def _connect_events(self) -> None:
        document = self.document
        subscribe(self, document.scenarios_changed, self.refresh)
        subscribe(self, document.current_scenario_changed, lambda _sid: self.refresh())
        subscribe(self, document.results_changed, self._on_results_changed)

    def _on_results_changed(self, scenario_id: int) -> None:
        self._kpis.pop(scenario_id, None)
        if scenario_id in self._ids:
            row = self.row_of(scenario_id)
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def refresh(self) -> None:
        self._kpis.clear()
        super().refresh()

    def records(self) -> list[Any]:
        return self.document.plan.scenarios

    def kpi(self, scenario_id: int, key: str) -> float:
        if scenario_id not in self._kpis:
            values = self.document.kpis(scenario_id)
            self._kpis[scenario_id] = {k: values[k].value for k in _KPI_COLUMNS}
        return self._kpis[scenario_id][key]

    def display(self, record: Any, column: int) -> str:
        scenario: Scenario = record
        if column == self.NAME:
            return scenario.name
        if column == self.DESCRIPTION:
            return scenario.description
        if column == self.PLAN_OF_RECORD:
            return PLAN_OF_RECORD if scenario.is_plan_of_record else ""
        key = _KPI_COLUMNS[column - self.TARGET]
        currency = self.document.plan.settings.currency
        return format_value(self.kpi(scenario.id, key), Unit.MONEY, currency, short=True)

    def tooltip(self, record: Any, column: int) -> str | None:
        if column == self.NAME and record.id == self.document.current_scenario.id:
            return f"‘{record.name}’ is the scenario on screen"
        if column == self.GAP:
            return "Gap to target = bookings target − forecast bookings, whole plan horizon"
        return None

    def foreground(self, record: Any, column: int) -> QColor | None:
        if column == self.GAP:
            return QColor(WARNING_INK if self.kpi(record.id, "gap") > 0 else "#166534")
        return None

    def bold(self, record: Any, column: int) -> bool:
        current = record.id == self.document.current_scenario.id
        return current or (column == self.PLAN_OF_RECORD and record.is_plan_of_record)

    def change(self, record: Any, column: int, value: object) -> Command | None:
        scenario: Scenario = record
        text = str(value).strip()
        if column == self.DESCRIPTION:
            if text == scenario.description:
                return None
            return self.set_attribute(scenario, "description", text, "description")
        if text == scenario.name:
            return None
        problem = scenario_name_problem(self.document.plan, text, scenario.id)
        if problem:
            raise RecordInputError(problem)
        label = f"Rename scenario ‘{scenario.name}’ to ‘{text}’"
        return SetAttribute(label, RecordKind.SCENARIO, scenario.id, "name", text)


class SnapshotsTableModel(RecordTableModel):
    """The plan's snapshots, newest last; whether each still fits the plan's dimensions."""

    kind = RecordKind.SNAPSHOT
    noun = "snapshot"
    headers = ("Snapshot", "Of scenario", "Taken", "Restorable")

    def _connect_events(self) -> None:
        super()._connect_events()
        subscribe(self, self.document.structure_changed, self.refresh)

    def records(self) -> list[Any]:
        return self.document.plan.snapshots

    def display(self, record: Any, column: int) -> str:
        snapshot: Snapshot = record
        if column == 0:
            return snapshot.name
        if column == 1:
            return snapshot.scenario_name
        if column == 2:
            return snapshot_time(snapshot)
        return "No: the plan changed" if self._problems(snapshot) else "Yes"

    def _problems(self, snapshot: Snapshot) -> list[str]:
        return shape_problems(self.document.plan, snapshot.inputs)

    def tooltip(self, record: Any, column: int) -> str | None:
        problems = self._problems(record)
        return "; ".join(problems).capitalize() if column == 3 and problems else None

    def foreground(self, record: Any, column: int) -> QColor | None:
        return QColor(WARNING_INK) if column == 3 and self._problems(record) else None


class ScenariosScreen(RecordScreen):
    """The plan's scenarios and snapshots, with the actions a planning offsite needs."""

    def __init__(
        self, document: PlanDocument, undo: UndoController, parent: QWidget | None = None
    ) -> None:
        super().__init__(document, undo, parent)
        self.ask_text: AskText = ask_text
        self.scenarios_model = ScenariosTableModel(document, undo, self)
        self.snapshots_model = SnapshotsTableModel(document, undo, self)
        self.scenarios_table = RecordTable(self.scenarios_model, ScenariosTableModel.DESCRIPTION,
                                           self)  # fmt: skip
        self.snapshots_table = RecordTable(self.snapshots_model, 0, self)
        self.scenarios_model.rejected.connect(self.message.show_problem)
        for key, text, slot in (
            ("switch", "Switch to", self.switch_to_selected),
            ("clone", "Clone", self.clone_selected),
            ("rename", "Rename…", self.rename_selected),
            ("delete", "Delete…", self.delete_selected),
            ("plan_of_record", "Mark plan of record ★", self.mark_selected_plan_of_record),
            ("snapshot", "Take snapshot…", self.take_snapshot),
            ("open", "Open read-only", self.open_selected_snapshot),
            ("restore", "Restore as new scenario", self.restore_selected_snapshot),
        ):
            self.add_button(key, text, slot)
        self.add_section(
            "Scenarios", ("switch", "clone", "rename", "delete", "plan_of_record"),
            "Figures over the whole plan horizon. ★ marks the plan of record taken to the board; "
            "the bold row is the scenario on screen. Double-click a name or description to edit "
            "it.", self.scenarios_table)  # fmt: skip
        self.add_section(
            "Snapshots", ("snapshot", "open", "restore"),
            "A snapshot is a frozen, dated copy of a scenario's inputs and results: later edits "
            "never change it. Restore one as a new scenario to work from it again.",
            self.snapshots_table)  # fmt: skip
        self.end_sections()
        self._selected_id = document.current_scenario.id
        self.scenarios_model.modelReset.connect(self._reselect)
        self.scenarios_model.dataChanged.connect(self.update_actions)
        self.scenarios_table.selectionModel().selectionChanged.connect(self._on_selection)
        self.snapshots_table.selectionModel().selectionChanged.connect(self.update_actions)
        self.snapshots_model.modelReset.connect(self.update_actions)
        subscribe(self, document.current_scenario_changed, lambda _sid: self.update_actions())
        self._reselect()

    # --- selection and enabled states -----------------------------------------------------

    def selected_scenario(self) -> Scenario:
        """The scenario chosen in the table (the one on screen when none is)."""
        row = self.scenarios_table.selected_row()
        if row is None:
            return self.document.current_scenario
        scenario: Scenario = self.scenarios_model.record_at(row)
        return scenario

    def select_scenario(self, scenario_id: int) -> None:
        self._selected_id = scenario_id
        self._reselect()

    def _reselect(self) -> None:
        ids = [s.id for s in self.document.plan.scenarios]
        if self._selected_id not in ids:
            self._selected_id = self.document.current_scenario.id
        self.scenarios_table.select_row(ids.index(self._selected_id))
        self.update_actions()

    def _on_selection(self, *_args: object) -> None:
        row = self.scenarios_table.selected_row()
        if row is not None:
            self._selected_id = self.scenarios_model.record_at(row).id
        self.update_actions()

    def update_actions(self, *_args: object) -> None:
        """Enable what makes sense for the selection; say why the rest is off."""
        writable = not self.document.read_only
        scenario = self.selected_scenario()
        only_one = len(self.document.plan.scenarios) == 1
        on_screen = scenario.id == self.document.current_scenario.id
        has_snapshot = self.snapshots_table.selected_row() is not None
        states = {
            "switch": (
                not on_screen,
                f"‘{scenario.name}’ is already on screen"
                if on_screen
                else f"Show ‘{scenario.name}’ on every screen",
            ),
            "clone": (writable, f"Copy ‘{scenario.name}’ as ‘{scenario.name} copy’"),
            "rename": (writable, f"Rename ‘{scenario.name}’"),
            "delete": (
                writable and not only_one,
                ONE_SCENARIO_LEFT if only_one else f"Delete ‘{scenario.name}’ (undoable)",
            ),
            "plan_of_record": (
                writable and not scenario.is_plan_of_record,
                f"‘{scenario.name}’ is already the plan of record"
                if scenario.is_plan_of_record
                else f"Make ‘{scenario.name}’ the plan taken to the board",
            ),
            "snapshot": (writable, f"Freeze ‘{scenario.name}’ as it is now"),
            "open": (has_snapshot, "See the snapshot's frozen figures"),
            "restore": (writable and has_snapshot, self._restore_tip()),
        }
        for key, (enabled, tip) in states.items():
            self.buttons[key].setEnabled(enabled)
            self.buttons[key].setToolTip(tip)

    def _restore_tip(self) -> str:
        snapshot = self.selected_snapshot()
        problems = shape_problems(self.document.plan, snapshot.inputs) if snapshot else []
        if problems:
            return "Cannot be restored: " + "; ".join(problems)
        return "Add a new scenario with the snapshot's inputs"

    # --- scenario actions -------------------------------------------------------------------

    def switch_to_selected(self) -> None:
        self.document.set_current_scenario(self.selected_scenario().id)

    def clone_selected(self) -> int | None:
        """Insert a copy of the selected scenario after it; the new scenario's id."""
        source = self.selected_scenario()
        plan = self.document.plan
        clone = clone_scenario(plan, source, self.document.next_id(RecordKind.SCENARIO))
        position = plan.scenarios.index(source) + 1
        if not self.push(InsertScenario(f"Clone scenario ‘{source.name}’", position, clone)):
            return None
        self.select_scenario(clone.id)
        self.message.show_info(f"‘{clone.name}’ added: a copy of ‘{source.name}’.")
        return clone.id

    def rename_selected(self, new_name: str | None = None) -> bool:
        scenario = self.selected_scenario()
        if new_name is None:
            new_name = self.ask_text(self, "Rename scenario", "New name:", scenario.name)
            if new_name is None:
                return False
        row = self.document.plan.scenarios.index(scenario)
        index = self.scenarios_model.index(row, ScenariosTableModel.NAME)
        return self.scenarios_model.setData(index, new_name)

    def delete_selected(self) -> bool:
        scenario = self.selected_scenario()
        scenarios = self.document.plan.scenarios
        if len(scenarios) == 1:
            self.message.show_problem(ONE_SCENARIO_LEFT)
            return False
        label = f"Delete scenario ‘{scenario.name}’"
        command: Command = RemoveScenario(label, scenario.id)
        question = f"Delete scenario ‘{scenario.name}’? Edit › Undo brings it back."
        if scenario.is_plan_of_record:  # move the ★ first, so that undo puts it back
            heir = next(s for s in scenarios if s.id != scenario.id)
            command = Macro(label, (SetPlanOfRecord(label, heir.id), command))
            question += f" ‘{heir.name}’ becomes the plan of record."
        if not self.confirm(self, "Delete scenario", question):
            return False
        return self.push(command)

    def mark_selected_plan_of_record(self) -> bool:
        scenario = self.selected_scenario()
        if scenario.is_plan_of_record:
            return False
        label = f"Mark ‘{scenario.name}’ plan of record"
        return self.push(SetPlanOfRecord(label, scenario.id))

    # --- snapshot actions -------------------------------------------------------------------

    def take_snapshot(self, name: str | None = None) -> int | None:
        """Freeze the selected scenario as a named snapshot, dated now; its id."""
        scenario = self.selected_scenario()
        if name is None:
            prompt = f"Name the snapshot of ‘{scenario.name}’:"
            name = self.ask_text(self, "Take snapshot", prompt, f"{scenario.name} snapshot")
            if name is None:
                return None
        name = name.strip()
        problem = snapshot_name_problem(self.document.plan, name)
        if problem:
            self.message.show_problem(problem)
            return None
        document = self.document
        snapshot = take_snapshot(
            document.plan,
            scenario,
            document.result(scenario.id),
            document.next_id(RecordKind.SNAPSHOT),
            name,
        )
        position = len(document.plan.snapshots)
        label = f"Take snapshot ‘{name}’"
        if not self.push(InsertRecord(label, RecordKind.SNAPSHOT, position, snapshot)):
            return None
        self.snapshots_table.select_row(position)
        self.message.show_info(f"Snapshot ‘{name}’ of ‘{scenario.name}’ taken.")
        return snapshot.id

    def selected_snapshot(self) -> Snapshot | None:
        row = self.snapshots_table.selected_row()
        if row is None:
            return None
        snapshot: Snapshot = self.snapshots_model.record_at(row)
        return snapshot

    def open_selected_snapshot(self) -> SnapshotView | None:
        snapshot = self.selected_snapshot()
        if snapshot is None:
            self.message.show_problem("Select a snapshot to open first.")
            return None
        view = SnapshotView(self.document, snapshot, self)
        view.show()
        return view

    def restore_selected_snapshot(self) -> int | None:
        """Add a scenario with the snapshot's inputs; refuses if the plan changed shape."""
        snapshot = self.selected_snapshot()
        if snapshot is None:
            self.message.show_problem("Select a snapshot to restore first.")
            return None
        plan = self.document.plan
        try:
            scenario = restore_scenario(plan, snapshot, self.document.next_id(RecordKind.SCENARIO))
        except SnapshotMismatchError as problem:
            self.message.show_problem(str(problem))
            return None
        label = f"Restore snapshot ‘{snapshot.name}’ as a new scenario"
        if not self.push(InsertScenario(label, len(plan.scenarios), scenario)):
            return None
        self.select_scenario(scenario.id)
        self.message.show_info(f"‘{scenario.name}’ added from snapshot ‘{snapshot.name}’.")
        return scenario.id
