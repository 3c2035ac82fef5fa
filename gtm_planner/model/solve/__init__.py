"""Solve-for and allocation (SPEC §3.5): goal seek and the demand-creation allocation.

Pure functions of a plan and a scenario; nothing is applied. Each answer carries the command
(``SetValues``, ``InsertScenario``) that would apply it, for the undo stack.
"""

from gtm_planner.model.solve.allocation import (
    AllocationResult,
    RegionAllocation,
    allocate_demand_creation,
)
from gtm_planner.model.solve.common import KpiChange, SolveError
from gtm_planner.model.solve.goal_seek import (
    GoalSeekResult,
    RegionValue,
    Unreachable,
    goal_seek,
)
from gtm_planner.model.solve.levers import GoalSeekInput

__all__ = [
    "AllocationResult",
    "GoalSeekInput",
    "GoalSeekResult",
    "KpiChange",
    "RegionAllocation",
    "RegionValue",
    "SolveError",
    "Unreachable",
    "allocate_demand_creation",
    "goal_seek",
]
