"""What a document remembers of its edits until they are saved, in the terms team mode saves
them: cells by stable keys, scenario scalars, and changes saved whole; each tagged with the undo
step it belongs to. Also the plan's dimensions (what the shape and meaning of a scenario's
arrays depend on) and how the change log writes numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gtm_planner.model.entities import ChangeLogEntry, Plan

Array = np.ndarray


@dataclass(frozen=True, eq=False)
class CellEdit:
    """Cells of one input array set by one mutation, as team mode saves them.

    ``keys`` (N, ndim) holds each cell's stable keys (``Plan.axis_ids``) as they were when
    the edit was made, so the edit still names the same cells after regions move.
    """

    scenario_id: int
    field: str
    keys: Array
    old: Array
    new: Array
    log: tuple[ChangeLogEntry, ...]
    step: int = 0  # the undo step it belongs to (see ``PlanDocument.begin_step``)
    step_label: str = ""


@dataclass(frozen=True, eq=False)
class ScalarEdit:
    scenario_id: int
    field: str
    old: float
    new: float
    log: tuple[ChangeLogEntry, ...]
    step: int = 0
    step_label: str = ""


@dataclass(frozen=True, eq=False)
class RecordEdit:
    """Any other change (records, regions, lines, scenarios, settings): saved whole."""

    what: str
    log: tuple[ChangeLogEntry, ...]
    step: int = 0
    step_label: str = ""


PendingEdit = CellEdit | ScalarEdit | RecordEdit


def plan_dimensions(plan: Plan) -> tuple[object, ...]:
    """What the shape and meaning of a scenario's arrays depend on."""
    settings = plan.settings
    return (
        [r.id for r in plan.regions],
        [s.id for s in plan.sources],
        [b.id for b in plan.budget_lines],
        (settings.start_year, settings.start_month, settings.horizon_months,
         settings.fiscal_year_start_month),
    )  # fmt: skip


def logged_number(value: object) -> str:
    """A number as the change log keeps it: exact to 12 digits, never in exponent form (a
    target of 15000000, not 1.5e+07), and readable back with ``float``."""
    return format(float(value), ".12g")  # type: ignore[arg-type]
