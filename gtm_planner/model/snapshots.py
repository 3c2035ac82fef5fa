"""Snapshots: frozen, named and dated copies of a scenario's inputs and KPI outputs.

A snapshot never follows later edits: it holds its own deep copy of the inputs and the KPI
values computed when it was taken. It can be restored as a new scenario only while the plan's
dimensions (regions, sources, budget lines, months, fiscal years) still have the shape they had
when it was taken. Also the naming rules for scenarios made from clones and snapshots.
Pure Python, no Qt.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

import numpy as np

from gtm_planner.model.defaults import empty_inputs
from gtm_planner.model.engine.kpis import Unit, compute_kpis
from gtm_planner.model.engine.results import ScenarioResult
from gtm_planner.model.entities import Plan, Scenario, ScenarioInputs, Snapshot

_DIMENSIONS = (  # (input array, axis, what it counts)
    ("asp", 0, "regions"),
    ("asp", 1, "pipeline sources"),
    ("budget", 0, "budget lines"),
    ("budget", 2, "plan months"),
    ("annual_target", 1, "fiscal years"),
)


class SnapshotMismatchError(ValueError):
    """The plan's dimensions changed since the snapshot was taken; the message says how."""


@dataclass(frozen=True)
class InputTotal:
    """One headline total of a snapshot's inputs, for its read-only view."""

    label: str
    value: float
    unit: Unit


def take_snapshot(
    plan: Plan,
    scenario: Scenario,
    result: ScenarioResult,
    snapshot_id: int,
    name: str,
    created_at: dt.datetime | None = None,
) -> Snapshot:
    """A frozen copy of ``scenario`` now: its inputs (deep-copied) and every KPI's value."""
    outputs = {key: kpi.value for key, kpi in compute_kpis(plan, scenario.inputs, result).items()}
    return Snapshot(
        id=snapshot_id,
        name=name.strip(),
        scenario_name=scenario.name,
        created_at=created_at if created_at is not None else dt.datetime.now(dt.UTC),
        inputs=scenario.inputs.copy(),
        outputs=outputs,
    )


def shape_problems(plan: Plan, inputs: ScenarioInputs) -> list[str]:
    """Why ``inputs`` no longer fit ``plan``'s dimensions, in words; empty when they fit."""
    expected = empty_inputs(
        len(plan.regions), len(plan.sources), len(plan.budget_lines), plan.calendar()
    )
    problems: list[str] = []
    for field, axis, what in _DIMENSIONS:
        had = np.shape(getattr(inputs, field))
        has = np.shape(getattr(expected, field))
        if len(had) != len(has) or had[axis] != has[axis]:
            then = had[axis] if axis < len(had) else "?"
            problems.append(f"the plan now has {has[axis]} {what}; the snapshot has {then}")
    if not problems:
        for f in fields(ScenarioInputs):
            had, has = np.shape(getattr(inputs, f.name)), np.shape(getattr(expected, f.name))
            if had != has:
                problems.append(f"{f.name.replace('_', ' ')} is {had}, the plan needs {has}")
    return problems


def fits_plan(plan: Plan, snapshot: Snapshot) -> bool:
    return not shape_problems(plan, snapshot.inputs)


def unique_name(base: str, taken: set[str] | list[str]) -> str:
    """``base``, or ``base 2``, ``base 3``… whichever is not taken (case-insensitive)."""
    used = {name.casefold() for name in taken}
    if base.casefold() not in used:
        return base
    n = 2
    while f"{base} {n}".casefold() in used:
        n += 1
    return f"{base} {n}"


def scenario_name_problem(plan: Plan, name: str, scenario_id: int | None = None) -> str | None:
    """Why ``name`` cannot name a scenario (empty, or another scenario's); None if it can."""
    cleaned = name.strip()
    if not cleaned:
        return "A scenario needs a name."
    for other in plan.scenarios:
        if other.id != scenario_id and other.name.casefold() == cleaned.casefold():
            return f"There is already a scenario named “{other.name}”; choose another name."
    return None


def snapshot_name_problem(plan: Plan, name: str) -> str | None:
    """Why ``name`` cannot name a new snapshot (empty, or already used); None if it can."""
    cleaned = name.strip()
    if not cleaned:
        return "A snapshot needs a name."
    if cleaned.casefold() in {s.name.casefold() for s in plan.snapshots}:
        return f"There is already a snapshot named ‘{cleaned}’; choose another name."
    return None


def clone_scenario(plan: Plan, source: Scenario, scenario_id: int) -> Scenario:
    """A copy of ``source`` named "X copy" (made unique), never the plan of record."""
    return Scenario(
        id=scenario_id,
        name=unique_name(f"{source.name} copy", [s.name for s in plan.scenarios]),
        inputs=source.inputs.copy(),
        is_plan_of_record=False,
        description=source.description,
    )


def restore_scenario(plan: Plan, snapshot: Snapshot, scenario_id: int) -> Scenario:
    """A new scenario with the snapshot's inputs, "<snapshot name> (restored)".

    Raises ``SnapshotMismatchError`` if the plan's regions, sources, lines or months changed
    shape since the snapshot was taken.
    """
    problems = shape_problems(plan, snapshot.inputs)
    if problems:
        raise SnapshotMismatchError(
            f"Snapshot “{snapshot.name}” cannot be restored: "
            + "; ".join(problems)
            + ". Its inputs no longer fit this plan's dimensions."
        )
    taken = snapshot.created_at.strftime("%Y-%m-%d %H:%M")
    return Scenario(
        id=scenario_id,
        name=unique_name(f"{snapshot.name} (restored)", [s.name for s in plan.scenarios]),
        inputs=snapshot.inputs.copy(),
        is_plan_of_record=False,
        description=f"Restored from snapshot “{snapshot.name}” of {snapshot.scenario_name}, "
        f"taken {taken} UTC.",
    )


def input_totals(inputs: ScenarioInputs) -> tuple[InputTotal, ...]:
    """The headline totals of a set of inputs (all regions, all months)."""
    return (
        InputTotal("Bookings target, all years", float(inputs.annual_target.sum()), Unit.MONEY),
        InputTotal("S&M budget (all lines)", float(inputs.budget.sum()), Unit.MONEY),
        InputTotal("Opening pipeline", float(inputs.opening_pipeline.sum()), Unit.MONEY),
        InputTotal("AEs at plan start", float(inputs.starting_aes.sum()), Unit.COUNT),
        InputTotal("AE hires", float(inputs.ae_hires.sum()), Unit.COUNT),
        InputTotal("SDRs", float(inputs.sdr_count.sum()), Unit.COUNT),
        InputTotal("Solution engineers", float(inputs.se_count.sum()), Unit.COUNT),
    )
