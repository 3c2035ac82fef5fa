"""The live plan the window works on: the plan, its file, the chosen scenario, the results.

Recalculation is not a command: it follows from the document. Results are cached per scenario
and dropped only for the scenario that changed.
"""

from __future__ import annotations

import time
from pathlib import Path

from gtm_planner.model.engine import ScenarioResult, compute_kpis, compute_scenario
from gtm_planner.model.engine.kpis import Kpi
from gtm_planner.model.entities import Plan, Scenario
from gtm_planner.model.events import Event


class PlanDocument:
    """Owns one plan. Listeners subscribe to its events; they never mutate it directly."""

    def __init__(self, plan: Plan, path: Path | None = None, read_only: bool = False) -> None:
        self.plan = plan
        self.path = path
        self.read_only = read_only
        self._current_id = plan.plan_of_record.id
        self._results: dict[int, ScenarioResult] = {}
        self.last_recalc_seconds = 0.0
        self.current_scenario_changed: Event[[int]] = Event()
        self.results_changed: Event[[int]] = Event()

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
            cached = compute_scenario(self.plan, self.scenario_by_id(sid).inputs)
            self.last_recalc_seconds = time.perf_counter() - started
            self._results[sid] = cached
        return cached

    def kpis(self, scenario_id: int | None = None) -> dict[str, Kpi]:
        sid = self._current_id if scenario_id is None else scenario_id
        return compute_kpis(self.plan, self.scenario_by_id(sid).inputs, self.result(sid))

    def inputs_changed(self, scenario_id: int) -> None:
        """Drop the cached results of one scenario and tell listeners to repaint."""
        self._results.pop(scenario_id, None)
        self.results_changed.emit(scenario_id)
