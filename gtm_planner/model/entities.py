"""The plan's data: settings, dimensions, scenario inputs, goals, SLA, glossary, log.

Plain Python and NumPy, no Qt and no I/O. Rates are fractions (0.25 is 25%); money is a float
in the plan currency. Array shapes use ``R`` regions, ``S`` sources, ``L`` budget lines,
``T`` plan months and ``Y`` fiscal years, in the order of the plan's dimension lists.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
from dataclasses import dataclass, field, fields
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from gtm_planner.model.calendar import FiscalCalendar

FloatArray = npt.NDArray[np.float64]


class Function(StrEnum):
    SALES = "sales"
    MARKETING = "marketing"


class SourceKind(StrEnum):
    """What a pipeline source is; only the marketing source is driven by program spend."""

    MARKETING = "marketing"
    SDR_OUTBOUND = "sdr_outbound"
    AE_SELF_SOURCED = "ae_self_sourced"
    PARTNER = "partner"


class Owner(StrEnum):
    CRO = "CRO"
    CMO = "CMO"
    JOINT = "joint"


@dataclass
class PlanSettings:
    name: str
    currency: str  # ISO 4217 code, e.g. "USD"
    fiscal_year_start_month: int  # 1..12
    start_year: int
    start_month: int  # 1..12: calendar month of the first plan month
    horizon_months: int

    def calendar(self) -> FiscalCalendar:
        return _calendar(
            self.start_year, self.start_month, self.horizon_months, self.fiscal_year_start_month
        )


@functools.lru_cache(maxsize=64)
def _calendar(
    start_year: int, start_month: int, horizon_months: int, fiscal_year_start_month: int
) -> FiscalCalendar:
    """One (immutable) calendar per setting, so its cached month tables are built once."""
    return FiscalCalendar(
        start_year=start_year,
        start_month=start_month,
        horizon_months=horizon_months,
        fiscal_year_start_month=fiscal_year_start_month,
    )


@dataclass
class Region:
    id: int
    name: str


@dataclass
class Source:
    id: int
    name: str
    kind: SourceKind


@dataclass
class Category:
    """A budget category. Only categories with ``drives_inquiries`` feed the forward model."""

    key: str
    name: str
    function: Function
    drives_inquiries: bool = False


@dataclass
class BudgetLine:
    id: int
    name: str
    category: str  # Category.key

    # The function is the category's; kept on the line for quick grouping.
    function: Function


@dataclass
class ScenarioInputs:
    """Everything a scenario can vary (SPEC §3.1). Arrays are owned by the scenario."""

    # Targets
    annual_target: FloatArray  # (R, Y) bookings target per region and fiscal year
    seasonality: FloatArray  # (R, 12) weight per fiscal month; normalised per region
    # Source mix and funnel (per region and source)
    source_mix: FloatArray  # (R, S) share of bookings per source, rows sum to 1
    asp: FloatArray  # (R, S) average deal size
    win_rate: FloatArray  # (R, S) opportunity -> won
    sql_to_opp: FloatArray  # (R, S)
    mql_to_sql: FloatArray  # (R, S)
    inquiry_to_mql: FloatArray  # (R, S)
    sales_cycle_months: FloatArray  # (R, S) whole months, opportunity created -> closed
    lead_lag_months: FloatArray  # (R, S) whole months, lead (SQL) -> opportunity
    # Marketing response (per region)
    cost_per_inquiry: FloatArray  # (R,)
    elasticity: FloatArray  # (R,) 1 = linear, < 1 diminishing returns
    reference_spend: FloatArray  # (R,) monthly spend at which cost_per_inquiry was measured
    opening_pipeline: FloatArray  # (R,) marketing-sourced pipeline value open at plan start
    # SLA drivers (per region)
    follow_up_rate: FloatArray  # (R,) share of MQLs sales follows up in time
    hours_to_first_touch: FloatArray  # (R,)
    # Sales capacity (per region unless noted)
    starting_aes: FloatArray  # (R,) ramped AEs at plan start
    ae_hires: FloatArray  # (R, T) AEs hired in each plan month
    ramp_months: FloatArray  # (R,) whole months to full productivity (linear ramp)
    annual_quota: FloatArray  # (R,) per ramped AE
    attainment: FloatArray  # (R,) expected share of quota attained
    ae_cost: FloatArray  # (R,) fully loaded annual cost per AE
    sdr_count: FloatArray  # (R,)
    sdr_cost: FloatArray  # (R,)
    se_count: FloatArray  # (R,)
    se_cost: FloatArray  # (R,)
    # Budget
    budget: FloatArray  # (L, R, T) spend per line, region and month
    gross_margin: float = 0.8

    def copy(self) -> ScenarioInputs:
        return copy.deepcopy(self)

    def equals(self, other: ScenarioInputs) -> bool:
        for f in fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            if isinstance(a, np.ndarray):
                if a.shape != b.shape or not np.array_equal(a, b):
                    return False
            elif a != b:
                return False
        return True


ARRAY_FIELDS: tuple[str, ...] = tuple(
    f.name for f in fields(ScenarioInputs) if f.name != "gross_margin"
)


@dataclass
class Scenario:
    id: int
    name: str
    inputs: ScenarioInputs
    is_plan_of_record: bool = False
    description: str = ""


@dataclass
class SharedGoal:
    """A named target both teams track; ``metric`` is a key of the KPI catalogue."""

    id: int
    name: str
    metric: str
    owner: Owner
    fiscal_year: int
    value: float


@dataclass
class SlaLine:
    """One line of the marketing–sales service-level agreement (the human agreement)."""

    id: int
    name: str
    commitment: str
    owner: Owner
    value: float
    unit: str


@dataclass
class Definition:
    """One term of the shared glossary (inquiry, MQL, SAL, SQL, opportunity, ICP…)."""

    id: int
    term: str
    definition: str
    owner: Owner


@dataclass
class Snapshot:
    """An immutable, named and dated copy of a scenario's inputs and headline outputs."""

    id: int
    name: str
    scenario_name: str
    created_at: dt.datetime
    inputs: ScenarioInputs
    outputs: dict[str, float]


@dataclass
class ChangeLogEntry:
    id: int
    at: dt.datetime
    user: str
    scenario: str
    what: str
    old_value: str
    new_value: str
    db_user: str = ""  # the database role, in team mode; the OS user is ``user``
    revision: int = 0  # the plan revision it was saved under, in team mode


@dataclass
class Plan:
    """The whole plan: what one ``.gtmplan`` file holds."""

    settings: PlanSettings
    regions: list[Region]
    sources: list[Source]
    categories: list[Category]
    budget_lines: list[BudgetLine]
    scenarios: list[Scenario]
    goals: list[SharedGoal] = field(default_factory=list)
    sla: list[SlaLine] = field(default_factory=list)
    definitions: list[Definition] = field(default_factory=list)
    snapshots: list[Snapshot] = field(default_factory=list)
    change_log: list[ChangeLogEntry] = field(default_factory=list)

    def calendar(self) -> FiscalCalendar:
        return self.settings.calendar()

    def scenario(self, name: str) -> Scenario:
        for s in self.scenarios:
            if s.name == name:
                return s
        known = ", ".join(s.name for s in self.scenarios)
        raise KeyError(f"no scenario named {name!r} (this plan has: {known})")

    @property
    def plan_of_record(self) -> Scenario:
        for s in self.scenarios:
            if s.is_plan_of_record:
                return s
        return self.scenarios[0]

    def axis_ids(self, field: str) -> tuple[npt.NDArray[np.int64], ...]:
        """For each axis of the input array ``field``, the stable key of each position.

        Regions, sources and budget lines by id; fiscal years by their number; fiscal months
        (0-11) and plan months (0 = the plan's first month) by index. Keys survive regions or
        lines being added, removed or reordered, where positions do not.
        """
        calendar = self.calendar()
        regions = np.array([r.id for r in self.regions], dtype=np.int64)
        months = np.arange(calendar.horizon_months, dtype=np.int64)
        if field == "budget":
            return np.array([b.id for b in self.budget_lines], dtype=np.int64), regions, months
        if field == "annual_target":
            return regions, np.array(calendar.fiscal_years, dtype=np.int64)
        if field == "seasonality":
            return regions, np.arange(12, dtype=np.int64)
        if field == "ae_hires":
            return regions, months
        if np.ndim(getattr(self.scenarios[0].inputs, field)) == 2:
            return regions, np.array([s.id for s in self.sources], dtype=np.int64)
        return (regions,)

    def marketing_source_index(self) -> int:
        for i, s in enumerate(self.sources):
            if s.kind is SourceKind.MARKETING:
                return i
        raise ValueError("the plan has no marketing source")

    def demand_creation_mask(self) -> npt.NDArray[np.bool_]:
        """(L,) True for budget lines whose category drives inquiries."""
        driving = {c.key for c in self.categories if c.drives_inquiries}
        return np.array([line.category in driving for line in self.budget_lines], dtype=bool)

    def marketing_line_mask(self) -> npt.NDArray[np.bool_]:
        return np.array(
            [line.function is Function.MARKETING for line in self.budget_lines], dtype=bool
        )

    def copy(self) -> Plan:
        return copy.deepcopy(self)
