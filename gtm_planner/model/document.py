"""The live plan the window works on: the plan, its file, the chosen scenario, the results.

Its small mutation API is what commands call (``commands.py``); every mutation announces
itself through a plain-Python event, and Qt models translate those into their own signals.
Recalculation is not a command: it follows from the document. Results are cached per scenario
and dropped only for the scenario that changed.
"""

from __future__ import annotations

import datetime as dt
import getpass
import time
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np

from gtm_planner.model.defaults import empty_inputs
from gtm_planner.model.engine import ScenarioResult, compute_kpis, compute_scenario
from gtm_planner.model.engine.kpis import Kpi
from gtm_planner.model.entities import (
    ARRAY_FIELDS,
    BudgetLine,
    ChangeLogEntry,
    Plan,
    Region,
    Scenario,
    ScenarioInputs,
)
from gtm_planner.model.events import Event
from gtm_planner.model.pending import (
    CellEdit,
    PendingEdit,
    RecordEdit,
    ScalarEdit,
    logged_number,
    plan_dimensions,
)
from gtm_planner.model.validation import RULE_BY_FIELD, cell_label

Array = np.ndarray

# Inputs whose region axis is not the first one.
REGION_AXIS = {"budget": 1}
LOGGED_CELLS_PER_EDIT = 20  # a larger edit is logged as one summary line


class RecordKind(StrEnum):
    REGION = "region"
    BUDGET_LINE = "budget_line"
    SCENARIO = "scenario"
    GOAL = "goal"
    SLA = "sla"
    DEFINITION = "definition"
    SNAPSHOT = "snapshot"
    SETTINGS = "settings"


def current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class PlanDocument:
    """Owns one plan. Listeners subscribe to its events; they never mutate it directly."""

    def __init__(self, plan: Plan, path: Path | None = None, read_only: bool = False) -> None:
        self.plan = plan
        self.path = path
        self.read_only = read_only
        self._current_id = plan.plan_of_record.id
        self._previous_id = self._current_id  # where to go back if the current one is removed
        self._results: dict[int, ScenarioResult] = {}
        self.last_recalc_seconds = 0.0
        self.dirty_scenarios: set[int] = set()
        self.structure_dirty = False
        self.pending_log: list[ChangeLogEntry] = []
        # Every mutation since the last save, in order (what team mode saves edit by edit).
        self.pending_edits: list[PendingEdit] = []
        self._step = (0, "")  # the undo step the next mutations belong to
        self.current_scenario_changed: Event[[int]] = Event()
        self.results_changed: Event[[int]] = Event()
        self.values_changed: Event[[int, str]] = Event()  # scenario id, input field
        self.structure_changed: Event[[]] = Event()  # regions or budget lines
        self.scenarios_changed: Event[[]] = Event()  # list, names, plan of record
        self.records_changed: Event[[RecordKind]] = Event()
        # A what-if preview: inputs shown instead of a scenario's own, never saved.
        self._what_if: dict[int, ScenarioInputs] = {}
        self.what_if_changed: Event[[int]] = Event()

    @property
    def current_scenario(self) -> Scenario:
        for s in self.plan.scenarios:
            if s.id == self._current_id:
                return s
        return self.plan.plan_of_record

    def set_current_scenario(self, scenario_id: int) -> None:
        if scenario_id == self._current_id:
            return
        if scenario_id not in {s.id for s in self.plan.scenarios}:
            raise KeyError(f"no scenario with id {scenario_id}")
        self._previous_id = self._current_id
        self._current_id = scenario_id
        self.current_scenario_changed.emit(scenario_id)

    def scenario_by_id(self, scenario_id: int) -> Scenario:
        for s in self.plan.scenarios:
            if s.id == scenario_id:
                return s
        raise KeyError(f"no scenario with id {scenario_id}")

    def result(self, scenario_id: int | None = None) -> ScenarioResult:
        """The engine's outputs for a scenario (the current one by default), cached."""
        sid = self._current_id if scenario_id is None else scenario_id
        cached = self._results.get(sid)
        if cached is None:
            started = time.perf_counter()
            cached = compute_scenario(self.plan, self.shown_inputs(sid))
            self.last_recalc_seconds = time.perf_counter() - started
            self._results[sid] = cached
        return cached

    def kpis(self, scenario_id: int | None = None) -> dict[str, Kpi]:
        sid = self._current_id if scenario_id is None else scenario_id
        return compute_kpis(self.plan, self.shown_inputs(sid), self.result(sid))

    def shown_inputs(self, scenario_id: int) -> ScenarioInputs:
        """The inputs the numbers on screen come from: a what-if preview, else the scenario's."""
        preview = self._what_if.get(scenario_id)
        return preview if preview is not None else self.scenario_by_id(scenario_id).inputs

    def what_if(self, scenario_id: int) -> ScenarioInputs | None:
        return self._what_if.get(scenario_id)

    def set_what_if(self, scenario_id: int, inputs: ScenarioInputs | None) -> None:
        """Show ``inputs`` in place of a scenario's own (None ends the preview).

        Not a command and not saved: the what-if panel drives it while a slider moves, and
        "Save as scenario" turns the preview into an undoable InsertScenario.
        """
        if inputs is None:
            if self._what_if.pop(scenario_id, None) is None:
                return
        else:
            self._what_if[scenario_id] = inputs
        self.what_if_changed.emit(scenario_id)
        self.inputs_changed(scenario_id)

    def inputs_changed(self, scenario_id: int) -> None:
        """Drop the cached results of one scenario and tell listeners to repaint."""
        self._results.pop(scenario_id, None)
        self.results_changed.emit(scenario_id)

    # -- mutations (called by commands only) ------------------------------------------------

    def begin_step(self, label: str) -> None:
        """The mutations from here on are one step of the user's (one undo step): team mode
        saves or refuses a step whole, like an import or a paste."""
        self._step = (self._step[0] + 1, label)

    def _log(self, scenario: str, what: str, old: str, new: str) -> None:
        next_id = max([e.id for e in self.plan.change_log + self.pending_log], default=0) + 1
        self.pending_log.append(
            ChangeLogEntry(
                next_id, dt.datetime.now(dt.UTC), current_user(), scenario, what, old, new
            )
        )

    def _record_edit(self, scenario: str, what: str, old: str, new: str) -> None:
        """Log a change other than cell values and remember it for a whole save."""
        self._log(scenario, what, old, new)
        self.pending_edits.append(RecordEdit(what, (self.pending_log[-1],), *self._step))

    def set_values(self, scenario_id: int, field: str, cells: Array, values: Array) -> Array:
        """Write ``values`` at ``cells`` (N, ndim) of one input array; return the old values."""
        scenario = self.scenario_by_id(scenario_id)
        array = getattr(scenario.inputs, field)
        index = tuple(np.asarray(cells, dtype=np.int64).T)
        old: Array = np.array(array[index], dtype=np.float64)
        array[index] = values
        logged = len(self.pending_log)
        if len(old) <= LOGGED_CELLS_PER_EDIT:
            for cell, before, after in zip(cells, old, values, strict=True):
                where = cell_label(self.plan, field, tuple(int(i) for i in cell))
                self._log(scenario.name, where, logged_number(before), logged_number(after))
        else:
            label = RULE_BY_FIELD[field].label
            before, after = logged_number(old.sum()), logged_number(np.sum(values))
            self._log(scenario.name, f"{label}: {len(old)} cells", f"total {before}",
                      f"total {after}")  # fmt: skip
        axes = self.plan.axis_ids(field)
        keys = np.stack([ids[i] for ids, i in zip(axes, index, strict=True)], axis=1)
        new = np.array(np.broadcast_to(values, old.shape), dtype=np.float64)
        self.pending_edits.append(
            CellEdit(
                scenario_id, field, keys, old, new, tuple(self.pending_log[logged:]), *self._step
            )
        )
        self.dirty_scenarios.add(scenario_id)
        self.values_changed.emit(scenario_id, field)
        self.inputs_changed(scenario_id)
        return old

    def set_scalar(self, scenario_id: int, field: str, value: float) -> float:
        scenario = self.scenario_by_id(scenario_id)
        old = float(getattr(scenario.inputs, field))
        setattr(scenario.inputs, field, value)
        what = field.replace("_", " ").capitalize()
        self._log(scenario.name, what, logged_number(old), logged_number(value))
        self.pending_edits.append(
            ScalarEdit(scenario_id, field, old, float(value), (self.pending_log[-1],), *self._step)
        )
        self.dirty_scenarios.add(scenario_id)
        self.values_changed.emit(scenario_id, field)
        self.inputs_changed(scenario_id)
        return old

    def _records(self, kind: RecordKind) -> list[Any]:
        lists: dict[RecordKind, list[Any]] = {
            RecordKind.REGION: self.plan.regions,
            RecordKind.BUDGET_LINE: self.plan.budget_lines,
            RecordKind.SCENARIO: self.plan.scenarios,
            RecordKind.GOAL: self.plan.goals,
            RecordKind.SLA: self.plan.sla,
            RecordKind.DEFINITION: self.plan.definitions,
            RecordKind.SNAPSHOT: self.plan.snapshots,
        }
        return lists[kind]

    def record(self, kind: RecordKind, record_id: int) -> Any:
        if kind is RecordKind.SETTINGS:
            return self.plan.settings
        for r in self._records(kind):
            if r.id == record_id:
                return r
        raise KeyError(f"no {kind} with id {record_id}")

    def _announce(self, kind: RecordKind) -> None:
        if kind in (RecordKind.REGION, RecordKind.BUDGET_LINE):
            self.structure_dirty = True
            self.structure_changed.emit()
        elif kind is RecordKind.SCENARIO:
            self.scenarios_changed.emit()
        else:
            self.records_changed.emit(kind)

    def set_attribute(
        self, kind: RecordKind, record_id: int, attribute: str, value: object
    ) -> object:
        record = self.record(kind, record_id)
        old: object = getattr(record, attribute)
        setattr(record, attribute, value)
        name = getattr(record, "name", getattr(record, "term", kind.value))
        self._record_edit("plan", f"{kind.value} «{name}» {attribute}", str(old), str(value))
        if kind is RecordKind.SETTINGS or (kind in (RecordKind.REGION, RecordKind.BUDGET_LINE)):
            self.structure_dirty = True
        if kind is RecordKind.SETTINGS:
            self._drop_what_ifs()
            self._results.clear()
            self.structure_changed.emit()
        else:
            self._announce(kind)
        return old

    def insert_record(self, kind: RecordKind, position: int, record: Any) -> None:
        self._records(kind).insert(position, record)
        name = getattr(record, "name", getattr(record, "term", ""))
        self._record_edit("plan", f"Add {kind.value} «{name}»", "", name)
        self._announce(kind)

    def remove_record(self, kind: RecordKind, record_id: int) -> tuple[int, Any]:
        records = self._records(kind)
        position = next(i for i, r in enumerate(records) if r.id == record_id)
        record = records.pop(position)
        name = getattr(record, "name", getattr(record, "term", ""))
        self._record_edit("plan", f"Remove {kind.value} «{name}»", name, "")
        self._announce(kind)
        return position, record

    def next_id(self, kind: RecordKind) -> int:
        return max((r.id for r in self._records(kind)), default=0) + 1

    def insert_region(
        self, position: int, region: Region, slices: dict[int, dict[str, Array]]
    ) -> None:
        """Add a region to every scenario, with ``slices`` or neutral inputs."""
        plan = self.plan
        neutral = empty_inputs(1, len(plan.sources), len(plan.budget_lines), plan.calendar())
        for scenario in plan.scenarios:
            given = slices.get(scenario.id, {})
            for name in ARRAY_FIELDS:
                axis = REGION_AXIS.get(name, 0)
                values = given.get(name, np.take(getattr(neutral, name), 0, axis=axis))
                array = getattr(scenario.inputs, name)
                setattr(scenario.inputs, name, np.insert(array, position, values, axis=axis))
        plan.regions.insert(position, region)
        self._record_edit("plan", f"Add region «{region.name}»", "", region.name)
        self._structure_edited()

    def remove_region(self, region_id: int) -> tuple[int, Region, dict[int, dict[str, Array]]]:
        plan = self.plan
        position = next(i for i, r in enumerate(plan.regions) if r.id == region_id)
        slices: dict[int, dict[str, Array]] = {}
        for scenario in plan.scenarios:
            slices[scenario.id] = {}
            for name in ARRAY_FIELDS:
                axis = REGION_AXIS.get(name, 0)
                array = getattr(scenario.inputs, name)
                slices[scenario.id][name] = np.take(array, position, axis=axis).copy()
                setattr(scenario.inputs, name, np.delete(array, position, axis=axis))
        region = plan.regions.pop(position)
        self._record_edit("plan", f"Remove region «{region.name}»", region.name, "")
        self._structure_edited()
        return position, region, slices

    def insert_budget_line(
        self, position: int, line: BudgetLine, slices: dict[int, Array]
    ) -> None:
        plan = self.plan
        shape = (len(plan.regions), plan.settings.horizon_months)
        for scenario in plan.scenarios:
            values = slices.get(scenario.id, np.zeros(shape))
            scenario.inputs.budget = np.insert(scenario.inputs.budget, position, values, axis=0)
        plan.budget_lines.insert(position, line)
        self._record_edit("plan", f"Add budget line «{line.name}»", "", line.name)
        self._structure_edited()

    def remove_budget_line(self, line_id: int) -> tuple[int, BudgetLine, dict[int, Array]]:
        plan = self.plan
        position = next(i for i, b in enumerate(plan.budget_lines) if b.id == line_id)
        slices = {}
        for scenario in plan.scenarios:
            slices[scenario.id] = scenario.inputs.budget[position].copy()
            scenario.inputs.budget = np.delete(scenario.inputs.budget, position, axis=0)
        line = plan.budget_lines.pop(position)
        self._record_edit("plan", f"Remove budget line «{line.name}»", line.name, "")
        self._structure_edited()
        return position, line, slices

    def _drop_what_ifs(self) -> None:
        """A what-if preview has the old shape once regions, lines or months change."""
        for scenario_id in list(self._what_if):
            del self._what_if[scenario_id]
            self.what_if_changed.emit(scenario_id)

    def _structure_edited(self) -> None:
        self.structure_dirty = True
        self._drop_what_ifs()
        self._results.clear()
        self.structure_changed.emit()
        for scenario in self.plan.scenarios:
            self.results_changed.emit(scenario.id)

    def insert_scenario(self, position: int, scenario: Scenario) -> None:
        if scenario.is_plan_of_record:
            # Back in as the plan of record (undoing a delete): it takes the ★ back.
            for other in self.plan.scenarios:
                other.is_plan_of_record = False
        self.plan.scenarios.insert(position, scenario)
        self._record_edit(scenario.name, "Add scenario", "", scenario.name)
        self.scenarios_changed.emit()

    def remove_scenario(self, scenario_id: int) -> tuple[int, Scenario]:
        scenarios = self.plan.scenarios
        if len(scenarios) == 1:
            raise ValueError("a plan keeps at least one scenario")
        position = next(i for i, s in enumerate(scenarios) if s.id == scenario_id)
        scenario = scenarios.pop(position)
        if scenario.is_plan_of_record:
            scenarios[0].is_plan_of_record = True
            scenario.is_plan_of_record = True  # restored as it was on undo
        self._results.pop(scenario_id, None)
        self.dirty_scenarios.discard(scenario_id)
        self._record_edit(scenario.name, "Remove scenario", scenario.name, "")
        if self._current_id == scenario_id:
            # Back to the scenario shown before this one (undoing "Save as scenario"), else
            # its neighbour in the list.
            remaining = {s.id for s in scenarios}
            neighbour = scenarios[min(position, len(scenarios) - 1)].id
            self._current_id = self._previous_id if self._previous_id in remaining else neighbour
            self.current_scenario_changed.emit(self._current_id)
        self.scenarios_changed.emit()
        return position, scenario

    def set_plan_of_record(self, scenario_id: int) -> int:
        old = self.plan.plan_of_record.id
        for s in self.plan.scenarios:
            s.is_plan_of_record = s.id == scenario_id
        new_name = self.scenario_by_id(scenario_id).name
        self._record_edit(new_name, "Plan of record", self.scenario_by_id(old).name, new_name)
        self.scenarios_changed.emit()
        return old

    # -- values from elsewhere (team mode): not commands, not logged, never undone ------------

    def apply_stored_values(
        self, scenario_id: int, field: str, cells: Array, values: Array
    ) -> int:
        """Put values another client saved into one input array; return how many differed."""
        array = getattr(self.scenario_by_id(scenario_id).inputs, field)
        index = tuple(np.asarray(cells, dtype=np.int64).T)
        current = array[index]
        differs = ~((current == values) | (np.isnan(current) & np.isnan(values)))
        count = int(np.count_nonzero(differs))
        if count:
            array[index] = values
            self.values_changed.emit(scenario_id, field)
            self.inputs_changed(scenario_id)
        return count

    def apply_stored_scalar(self, scenario_id: int, field: str, value: float) -> int:
        inputs = self.scenario_by_id(scenario_id).inputs
        old = float(getattr(inputs, field))
        if old == value or (np.isnan(old) and np.isnan(value)):
            return 0
        setattr(inputs, field, value)
        self.values_changed.emit(scenario_id, field)
        self.inputs_changed(scenario_id)
        return 1

    def replace_plan(self, plan: Plan) -> None:
        """Show ``plan`` instead (a reload): pending edits and results are dropped, and so
        are what-if previews unless the plan keeps their scenario, regions, sources, budget
        lines and months. The current scenario stays when the new plan still has it.
        """
        same_shape = plan_dimensions(plan) == plan_dimensions(self.plan)
        self.plan = plan
        ids = {s.id for s in plan.scenarios}
        for scenario_id in list(self._what_if):
            if not same_shape or scenario_id not in ids:
                del self._what_if[scenario_id]
                self.what_if_changed.emit(scenario_id)
        self._results.clear()
        self.pending_edits.clear()
        self.pending_log.clear()
        self.dirty_scenarios.clear()
        self.structure_dirty = False
        current = self._current_id
        if self._current_id not in ids:
            self._current_id = plan.plan_of_record.id
        if self._previous_id not in ids:
            self._previous_id = self._current_id
        self.structure_changed.emit()
        self.scenarios_changed.emit()
        for kind in RecordKind:
            if kind not in (RecordKind.REGION, RecordKind.BUDGET_LINE, RecordKind.SCENARIO):
                self.records_changed.emit(kind)
        if self._current_id != current:
            self.current_scenario_changed.emit(self._current_id)
        for scenario in plan.scenarios:
            self.results_changed.emit(scenario.id)

    def mark_saved(self) -> None:
        """After a successful save: the pending log is in the file, nothing is dirty."""
        self.plan.change_log.extend(self.pending_log)
        self.pending_log.clear()
        self.pending_edits.clear()
        self.dirty_scenarios.clear()
        self.structure_dirty = False
