"""Every change to a plan is one of these frozen commands; ``apply`` returns its inverse.

Commands are plain data. They hold no Qt and no references to live objects beyond ids, so an
undo stack can keep them for as long as it likes. Validation happens before a command exists
(see ``validation``); ``apply`` assumes valid values and never fails for a user's reason.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from gtm_planner.model.document import PlanDocument, RecordKind
from gtm_planner.model.entities import (
    BudgetLine,
    Definition,
    Region,
    Scenario,
    SharedGoal,
    SlaLine,
    Snapshot,
)

Record = SharedGoal | SlaLine | Definition | Snapshot


class Command(Protocol):
    @property
    def label(self) -> str: ...

    def apply(self, document: PlanDocument) -> Command: ...


@dataclass(frozen=True, eq=False)
class SetValues:
    """Set cells of one input array of one scenario (an edit, a paste, a fill).

    ``cells`` is an (N, ndim) integer array of positions; ``values`` the N new values.
    """

    label: str
    scenario_id: int
    field: str
    cells: np.ndarray
    values: np.ndarray

    def apply(self, document: PlanDocument) -> SetValues:
        old = document.set_values(self.scenario_id, self.field, self.cells, self.values)
        return SetValues(self.label, self.scenario_id, self.field, self.cells, old)


@dataclass(frozen=True)
class SetScalar:
    """Set a scenario-level scalar input (the gross margin)."""

    label: str
    scenario_id: int
    field: str
    value: float

    def apply(self, document: PlanDocument) -> SetScalar:
        old = document.set_scalar(self.scenario_id, self.field, self.value)
        return SetScalar(self.label, self.scenario_id, self.field, old)


@dataclass(frozen=True)
class Macro:
    """Several commands as one undo step ("Paste 12 cells", "Import from Excel")."""

    label: str
    commands: tuple[Command, ...]

    def apply(self, document: PlanDocument) -> Macro:
        inverses = [c.apply(document) for c in self.commands]
        return Macro(self.label, tuple(reversed(inverses)))


@dataclass(frozen=True)
class SetAttribute:
    """Rename a region, a line or a scenario; edit a goal, SLA line or definition field."""

    label: str
    kind: RecordKind
    record_id: int
    attribute: str
    value: object

    def apply(self, document: PlanDocument) -> SetAttribute:
        old = document.set_attribute(self.kind, self.record_id, self.attribute, self.value)
        return SetAttribute(self.label, self.kind, self.record_id, self.attribute, old)


@dataclass(frozen=True)
class InsertRecord:
    """Add a goal, SLA line, definition or snapshot at a position."""

    label: str
    kind: RecordKind
    position: int
    record: Record

    def apply(self, document: PlanDocument) -> RemoveRecord:
        document.insert_record(self.kind, self.position, copy.deepcopy(self.record))
        return RemoveRecord(self.label, self.kind, self.record.id)


@dataclass(frozen=True)
class RemoveRecord:
    label: str
    kind: RecordKind
    record_id: int

    def apply(self, document: PlanDocument) -> InsertRecord:
        position, record = document.remove_record(self.kind, self.record_id)
        return InsertRecord(self.label, self.kind, position, record)


@dataclass(frozen=True, eq=False)
class InsertRegion:
    """Add a region; ``slices`` holds each scenario's inputs for it (from a removal)."""

    label: str
    position: int
    region: Region
    slices: dict[int, dict[str, np.ndarray]] = field(default_factory=dict)

    def apply(self, document: PlanDocument) -> RemoveRegion:
        document.insert_region(self.position, copy.copy(self.region), self.slices)
        return RemoveRegion(self.label, self.region.id)


@dataclass(frozen=True)
class RemoveRegion:
    label: str
    region_id: int

    def apply(self, document: PlanDocument) -> InsertRegion:
        position, region, slices = document.remove_region(self.region_id)
        return InsertRegion(self.label, position, region, slices)


@dataclass(frozen=True, eq=False)
class InsertBudgetLine:
    label: str
    position: int
    line: BudgetLine
    slices: dict[int, np.ndarray] = field(default_factory=dict)

    def apply(self, document: PlanDocument) -> RemoveBudgetLine:
        document.insert_budget_line(self.position, copy.copy(self.line), self.slices)
        return RemoveBudgetLine(self.label, self.line.id)


@dataclass(frozen=True)
class RemoveBudgetLine:
    label: str
    line_id: int

    def apply(self, document: PlanDocument) -> InsertBudgetLine:
        position, line, slices = document.remove_budget_line(self.line_id)
        return InsertBudgetLine(self.label, position, line, slices)


@dataclass(frozen=True, eq=False)
class InsertScenario:
    """Add a scenario (a clone, a restored snapshot, an imported workbook)."""

    label: str
    position: int
    scenario: Scenario

    def apply(self, document: PlanDocument) -> RemoveScenario:
        document.insert_scenario(self.position, copy.deepcopy(self.scenario))
        return RemoveScenario(self.label, self.scenario.id)


@dataclass(frozen=True)
class RemoveScenario:
    label: str
    scenario_id: int

    def apply(self, document: PlanDocument) -> InsertScenario:
        position, scenario = document.remove_scenario(self.scenario_id)
        return InsertScenario(self.label, position, scenario)


@dataclass(frozen=True)
class SetPlanOfRecord:
    label: str
    scenario_id: int

    def apply(self, document: PlanDocument) -> SetPlanOfRecord:
        old = document.set_plan_of_record(self.scenario_id)
        return SetPlanOfRecord(self.label, old)


def run(document: PlanDocument, command: Command) -> Command:
    """Apply a command outside any undo stack (CLI, tests); returns its inverse."""
    return command.apply(document)
