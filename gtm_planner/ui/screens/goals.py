"""Goals & SLA: the targets the CRO and CMO share, tracked against the plan's own numbers.

Three tables: the shared goals (each a KPI of the catalogue for a fiscal year, with the plan's
value for the current scenario and met / behind), the SLA lines between marketing and sales,
and the SLA's model drivers for the current scenario, read-only: MQL follow-up rate, hours to
first touch, and the SQLs marketing commits per region and quarter (from the reverse waterfall).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QWidget

from gtm_planner.model.commands import Command, InsertRecord, Macro, RemoveRecord
from gtm_planner.model.document import PlanDocument, RecordKind
from gtm_planner.model.engine import KPI_BY_KEY, KPI_CATALOGUE, Unit
from gtm_planner.model.entities import Owner, SharedGoal, SlaLine
from gtm_planner.model.formatting import percent
from gtm_planner.model.goals import (
    GoalStatus,
    GoalTracking,
    SlaDriverRow,
    format_goal_value,
    format_shortfall,
    goal_edit_text,
    metric_unit,
    new_goal,
    parse_fiscal_year,
    parse_goal_value,
    parse_number,
    plan_value,
    sla_driver_rows,
    suggested_target,
    track_goals,
)
from gtm_planner.model.snapshots import unique_name
from gtm_planner.ui.document_events import subscribe
from gtm_planner.ui.screens.records import (
    LEFT,
    RIGHT,
    AnyIndex,
    ChoiceDelegate,
    OwnerChipDelegate,
    RecordInputError,
    RecordScreen,
    RecordTable,
    RecordTableModel,
    footnote,
    section_title,
)
from gtm_planner.ui.theme import MUTED, TOTAL_ROW_COLOR, WARNING_INK, bold_font
from gtm_planner.ui.undo import UndoController

MET_INK = "#166534"
_STATUS_TEXT = {GoalStatus.MET: "Met", GoalStatus.BEHIND: "Behind", GoalStatus.NO_DATA: "–"}
_STATUS_INK = {GoalStatus.MET: MET_INK, GoalStatus.BEHIND: WARNING_INK, GoalStatus.NO_DATA: MUTED}


class GoalsTableModel(RecordTableModel):
    """The shared goals and how the current scenario stands against each of them."""

    kind = RecordKind.GOAL
    noun = "goal"
    headers = ("Goal", "Metric", "Owner", "Year", "Target", "Plan", "Status", "Gap")
    NAME, METRIC, OWNER, YEAR, TARGET, PLAN, STATUS, GAP = range(8)
    editable = frozenset({NAME, METRIC, OWNER, YEAR, TARGET})
    owner_column = OWNER
    right_aligned = frozenset({TARGET, PLAN, GAP})

    def __init__(
        self, document: PlanDocument, undo: UndoController, parent: QObject | None = None
    ) -> None:
        self._tracking: dict[int, GoalTracking] = {}
        super().__init__(document, undo, parent)
        self._track()

    def _connect_events(self) -> None:
        super()._connect_events()
        document = self.document
        subscribe(self, document.current_scenario_changed, lambda _sid: self.refresh())
        subscribe(self, document.results_changed, self._on_results_changed)
        subscribe(self, document.structure_changed, self.refresh)

    def _on_results_changed(self, scenario_id: int) -> None:
        if scenario_id == self.document.current_scenario.id:
            self.refresh()

    def _track(self) -> None:
        document = self.document
        scenario = document.current_scenario
        self._tracking = track_goals(document.plan, scenario.inputs, document.result())

    def refresh(self) -> None:
        self._track()
        super().refresh()

    def records(self) -> list[Any]:
        return self.document.plan.goals

    def tracking(self, goal_id: int) -> GoalTracking:
        return self._tracking[goal_id]

    def fiscal_years(self) -> tuple[int, ...]:
        return self.document.plan.calendar().fiscal_years

    def plan_value(self, metric: str, fiscal_year: int) -> float:
        """The current scenario's own value of a KPI in a fiscal year."""
        document = self.document
        inputs = document.current_scenario.inputs
        return plan_value(document.plan, inputs, document.result(), metric, fiscal_year)

    def display(self, record: Any, column: int) -> str:
        goal: SharedGoal = record
        unit, currency = metric_unit(goal.metric), self.document.plan.settings.currency
        tracking = self._tracking.get(goal.id)
        if column == self.NAME:
            return goal.name
        if column == self.METRIC:
            return KPI_BY_KEY[goal.metric].label
        if column == self.YEAR:
            return f"FY{goal.fiscal_year}"
        if column == self.TARGET:
            return format_goal_value(goal.value, unit, currency)
        if tracking is None:
            return ""
        if column == self.PLAN:
            return format_goal_value(tracking.actual, unit, currency)
        if column == self.STATUS:
            return _STATUS_TEXT[tracking.status]
        return format_shortfall(tracking, unit, currency)

    def edit_value(self, record: Any, column: int) -> object:
        goal: SharedGoal = record
        if column == self.METRIC:
            return goal.metric
        if column == self.YEAR:
            return goal.fiscal_year
        if column == self.TARGET:
            return goal_edit_text(goal.value, metric_unit(goal.metric))
        return self.display(record, column)

    def tooltip(self, record: Any, column: int) -> str | None:
        goal: SharedGoal = record
        definition = KPI_BY_KEY[goal.metric]
        if column in (self.METRIC, self.PLAN):
            where = f"FY{goal.fiscal_year} of ‘{self.document.current_scenario.name}’"
            better = "lower" if self._tracking[goal.id].lower_is_better else "higher"
            return f"{definition.label} = {definition.formula}\n{where}; {better} is better"
        if column == self.TARGET and definition.unit is Unit.PERCENT:
            return "Type the target in percent: 40 or 40% is 40%"
        if column == self.YEAR and goal.fiscal_year not in self.fiscal_years():
            return f"FY{goal.fiscal_year} lies outside the plan's months: nothing to track"
        return None

    def foreground(self, record: Any, column: int) -> QColor | None:
        if column in (self.STATUS, self.GAP):
            return QColor(_STATUS_INK[self._tracking[record.id].status])
        return None

    def bold(self, record: Any, column: int) -> bool:
        return column in (self.PLAN, self.STATUS)

    def change(self, record: Any, column: int, value: object) -> Command | None:
        goal: SharedGoal = record
        if column == self.NAME:
            return self.text_change(goal, "name", value)
        if column == self.OWNER:
            return self.owner_change(goal, value)
        if column == self.YEAR:
            year = parse_fiscal_year(str(value), self.fiscal_years())
            return self.set_attribute(goal, "fiscal_year", year, "year")
        if column == self.METRIC:
            return self._metric_change(goal, str(value))
        number = parse_goal_value(str(value), metric_unit(goal.metric))
        return self.set_attribute(goal, "value", number, "target")

    def _metric_change(self, goal: SharedGoal, metric: str) -> Command | None:
        """A new metric; if its unit differs, the target restarts from the plan's own value."""
        if metric not in KPI_BY_KEY:
            raise RecordInputError(f"“{metric}” is not a KPI of the catalogue.")
        change = self.set_attribute(goal, "metric", metric)
        unit = metric_unit(metric)
        if change is None or unit is metric_unit(goal.metric):
            return change
        value = suggested_target(self.plan_value(metric, goal.fiscal_year), unit)
        reset = self.set_attribute(goal, "value", value, "target")
        return change if reset is None else Macro(change.label, (change, reset))


class SlaTableModel(RecordTableModel):
    """The service-level agreement's lines: who commits to what, and how much."""

    kind = RecordKind.SLA
    noun = "SLA line"
    headers = ("SLA line", "Commitment", "Owner", "Value", "Unit")
    NAME, COMMITMENT, OWNER, VALUE, UNIT = range(5)
    ATTRIBUTES = ("name", "commitment", "owner", "value", "unit")
    editable = frozenset(range(5))
    owner_column = OWNER
    right_aligned = frozenset({VALUE})

    def records(self) -> list[Any]:
        return self.document.plan.sla

    def display(self, record: Any, column: int) -> str:
        line: SlaLine = record
        if column == self.VALUE:
            return (
                f"{line.value:,.0f}" if line.value == round(line.value) else f"{line.value:,.2f}"
            )
        return str(getattr(line, self.ATTRIBUTES[column]))

    def change(self, record: Any, column: int, value: object) -> Command | None:
        if column == self.OWNER:
            return self.owner_change(record, value)
        if column == self.VALUE:
            return self.set_attribute(record, "value", parse_number(str(value)))
        return self.text_change(record, self.ATTRIBUTES[column], value)


class SlaDriversModel(QAbstractTableModel):
    """Per region, read-only: the SLA's model drivers and the SQLs marketing must deliver."""

    FIXED_HEADERS = ("Region", "MQL follow-up", "First touch", "Before start")
    HEADER_TIPS = (
        "",
        "Share of MQLs sales follows up within the agreed time (SLA driver)",
        "Hours from a new MQL to sales' first touch (SLA)",
        "SQLs the plan needs from leads that predate the plan start",
    )
    QUARTER_TIP = (
        "SQLs marketing commits in the quarter (by lead month); leads for deals that close "
        "after the plan's last month are not planned"
    )

    def __init__(self, document: PlanDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self._rows: list[SlaDriverRow] = []
        self._quarters: tuple[str, ...] = ()
        self._build()
        subscribe(self, document.current_scenario_changed, lambda _sid: self.refresh())
        subscribe(self, document.results_changed, lambda _sid: self.refresh())
        subscribe(self, document.structure_changed, self.refresh)

    def _build(self) -> None:
        document = self.document
        plan, inputs = document.plan, document.current_scenario.inputs
        self._rows = sla_driver_rows(plan, inputs, document.result())
        self._quarters = plan.calendar().quarter_labels

    def refresh(self) -> None:
        self.beginResetModel()
        self._build()
        self.endResetModel()

    def sqls(self, row: int) -> tuple[float, ...]:
        """Before start, each quarter, and the plan's total, for one row."""
        return self._rows[row].sqls

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.FIXED_HEADERS) + len(self._quarters) + 1

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self._rows[index.row()], index.column()
        total = index.row() == len(self._rows) - 1
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return row.region
            if column in (1, 2):
                hours = f"{row.hours_to_first_touch:g} h"
                return "" if total else (percent(row.follow_up_rate, 0), hours)[column - 1]
            return f"{row.sqls[column - 3]:,.0f}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return LEFT if column == 0 else RIGHT
        if role == Qt.ItemDataRole.FontRole and (total or column == self.columnCount() - 1):
            return bold_font()
        if role == Qt.ItemDataRole.BackgroundRole and total:
            return TOTAL_ROW_COLOR
        if role == Qt.ItemDataRole.ToolTipRole and column >= 3:
            return self.headerData(column, Qt.Orientation.Horizontal, role)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return (*self.FIXED_HEADERS, *self._quarters, "Total SQLs")[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            tips = self.HEADER_TIPS
            return (tips[section] or None) if section < len(tips) else self.QUARTER_TIP
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return LEFT if section == 0 else RIGHT
        return None


class GoalsScreen(RecordScreen):
    """Shared goals, the SLA and its drivers; every change an undoable command."""

    def __init__(
        self, document: PlanDocument, undo: UndoController, parent: QWidget | None = None
    ) -> None:
        super().__init__(document, undo, parent)
        self.goals_model = GoalsTableModel(document, undo, self)
        self.sla_model = SlaTableModel(document, undo, self)
        self.drivers_model = SlaDriversModel(document, self)
        self.goals_table = RecordTable(self.goals_model, GoalsTableModel.NAME, self)
        self.sla_table = RecordTable(self.sla_model, SlaTableModel.COMMITMENT, self)
        self.drivers_table = RecordTable(self.drivers_model, None, self)
        self.drivers_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        metrics: list[tuple[str, object]] = [(d.label, d.key) for d in KPI_CATALOGUE]
        years = ChoiceDelegate(lambda: [(f"FY{y}", y) for y in self.goals_model.fiscal_years()])
        for table, column, delegate in (
            (self.goals_table, GoalsTableModel.OWNER, OwnerChipDelegate()),
            (self.goals_table, GoalsTableModel.METRIC, ChoiceDelegate(lambda: metrics)),
            (self.goals_table, GoalsTableModel.YEAR, years),
            (self.sla_table, SlaTableModel.OWNER, OwnerChipDelegate()),
        ):
            delegate.setParent(table)
            table.setItemDelegateForColumn(column, delegate)
        for model in (self.goals_model, self.sla_model):
            model.rejected.connect(self.message.show_problem)
            model.dataChanged.connect(lambda *_: self.message.clear_message())
        self.add_button("add_goal", "Add goal", self.add_goal)
        self.add_button("remove_goal", "Remove goal", self.remove_selected_goal)
        self.add_button("add_sla", "Add SLA line", self.add_sla_line)
        self.add_button("remove_sla", "Remove SLA line", self.remove_selected_sla_line)
        for button in self.buttons.values():
            button.setEnabled(not document.read_only)
        self.goals_note = footnote("", self)
        self.drivers_title = section_title("", self)
        self.add_section("Shared goals", ("add_goal", "remove_goal"), self.goals_note,
                         self.goals_table)  # fmt: skip
        self.add_section("Service-level agreement: marketing ⇄ sales", ("add_sla", "remove_sla"),
                         "The agreement between the teams; double-click a cell to edit it.",
                         self.sla_table)  # fmt: skip
        self.add_section(self.drivers_title, (), "Read-only (funnel inputs; effective MQL→SQL = "
                         "MQL→SQL × follow-up rate). SQLs: what the target needs from marketing, "
                         "by quarter of the lead.", self.drivers_table)  # fmt: skip
        self.end_sections()
        subscribe(self, document.current_scenario_changed, lambda _sid: self._show_scenario())
        subscribe(self, document.scenarios_changed, self._show_scenario)
        self._show_scenario()

    def _show_scenario(self) -> None:
        name = self.document.current_scenario.name
        self.goals_note.setText(
            f"Tracked against ‘{name}’: each goal's fiscal year, the plan's own numbers. "
            "Owners: CRO (sales), CMO (marketing), Joint (both). Double-click to edit."
        )
        self.drivers_title.setText(f"SLA drivers and SQLs marketing commits, per region: ‘{name}’")

    def add_goal(self) -> int:
        """Add a goal (joint forecast bookings, first year, at plan) and edit its name."""
        document = self.document
        goal = new_goal(document.plan, document.current_scenario.inputs, document.result(),
                        document.next_id(RecordKind.GOAL))  # fmt: skip
        position = len(document.plan.goals)
        self.push(InsertRecord(f"Add goal ‘{goal.name}’", RecordKind.GOAL, position, goal))
        self._edit_new_row(self.goals_table, position)
        return goal.id

    def add_sla_line(self) -> int:
        names = [line.name for line in self.document.plan.sla]
        line = SlaLine(self.document.next_id(RecordKind.SLA), unique_name("New SLA line", names),
                       "", Owner.JOINT, 0.0, "")  # fmt: skip
        position = len(self.document.plan.sla)
        self.push(InsertRecord(f"Add SLA line ‘{line.name}’", RecordKind.SLA, position, line))
        self._edit_new_row(self.sla_table, position)
        return line.id

    def remove_selected_goal(self) -> bool:
        return self._remove_selected(self.goals_table, self.goals_model)

    def remove_selected_sla_line(self) -> bool:
        return self._remove_selected(self.sla_table, self.sla_model)

    def _remove_selected(self, table: RecordTable, model: RecordTableModel) -> bool:
        row = table.selected_row()
        if row is None:
            self.message.show_problem(f"Select the {model.noun} to remove first.")
            return False
        record = model.record_at(row)
        label = f"Remove {model.noun} ‘{record.name}’"
        done = self.push(RemoveRecord(label, model.kind, record.id))
        table.select_row(min(row, model.rowCount() - 1))
        return done

    def _edit_new_row(self, table: RecordTable, row: int) -> None:
        if self.isVisible() and 0 <= row < table.model().rowCount():
            index = table.model().index(row, 0)
            table.setCurrentIndex(index)
            table.edit(index)
