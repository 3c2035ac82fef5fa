"""The calculation engine (SPEC §3): pure functions of NumPy arrays, no Qt, no I/O."""

from gtm_planner.model.engine.compute import compute_scenario
from gtm_planner.model.engine.kpis import KPI_BY_KEY, KPI_CATALOGUE, Kpi, Unit, compute_kpis
from gtm_planner.model.engine.results import ScenarioResult

__all__ = [
    "KPI_BY_KEY",
    "KPI_CATALOGUE",
    "Kpi",
    "ScenarioResult",
    "Unit",
    "compute_kpis",
    "compute_scenario",
]
