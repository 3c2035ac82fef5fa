"""The bundled demo plan, and the ``large`` plan of SPEC §8 for benchmarks.

The demo is a believable mid-size B2B software company, "Northwind Analytics", planning fiscal
year 2027 (January start) across four regions, with numbers inside the field's published
ranges: win rates 20–30%, inquiry → MQL 10–25%, required coverage 3–5x.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gtm_planner.model.defaults import default_categories, default_definitions, default_sources
from gtm_planner.model.engine import compute_scenario
from gtm_planner.model.entities import (
    BudgetLine,
    ChangeLogEntry,
    Owner,
    Plan,
    PlanSettings,
    Region,
    Scenario,
    ScenarioInputs,
    SharedGoal,
    SlaLine,
    Snapshot,
)


@dataclass(frozen=True)
class _RegionProfile:
    name: str
    annual_target: float
    mix: tuple[float, float, float, float]  # marketing, SDR, AE, partner
    asp: float
    cycle: int
    cost_per_inquiry: float
    elasticity: float
    follow_up: float
    starting_aes: float
    hires: tuple[int, ...]  # plan months in which one AE is hired
    quota: float


_REGIONS = (
    _RegionProfile("North America", 24_000_000, (0.45, 0.25, 0.20, 0.10), 60_000, 3, 120, 0.85,
                   0.85, 36, (0, 1, 3, 5, 7, 9), 800_000),
    _RegionProfile("EMEA", 12_000_000, (0.40, 0.25, 0.20, 0.15), 50_000, 4, 140, 0.80,
                   0.80, 21, (0, 2, 4, 6), 700_000),
    _RegionProfile("APAC", 6_000_000, (0.35, 0.20, 0.20, 0.25), 40_000, 4, 100, 0.90,
                   0.75, 12, (1, 4, 8), 600_000),
    _RegionProfile("LATAM", 3_000_000, (0.30, 0.25, 0.20, 0.25), 30_000, 3, 80, 0.90,
                   0.80, 8, (2, 6), 500_000),
)  # fmt: skip

# Per source: win rate, SQL -> opp, MQL -> SQL, inquiry -> MQL, ASP factor, lead lag
_SOURCE_FUNNEL = (
    (0.24, 0.65, 0.35, 0.18, 1.0, 1),
    (0.20, 0.55, 0.30, 0.12, 0.9, 1),
    (0.30, 0.70, 0.40, 0.20, 1.2, 0),
    (0.28, 0.65, 0.40, 0.20, 1.1, 1),
)

# (name, category, share of the region's target spent per year)
_LINES = (
    ("Account executives", "sales_people", 0.0),  # from the capacity plan
    ("SDR team", "sales_people", 0.0),  # from the capacity plan
    ("Solution engineers", "sales_people", 0.0),  # from the capacity plan
    ("Sales tools & travel", "sales_tools_travel", 0.030),
    ("Marketing team", "marketing_people", 0.080),
    ("Brand & PR", "reputation", 0.030),
    ("Analyst relations", "reputation", 0.006),
    ("Paid digital", "demand_creation", 0.0),
    ("Events & field marketing", "demand_creation", 0.0),
    ("Content & webinars", "demand_creation", 0.0),
    ("Sales enablement content", "sales_enablement", 0.008),
    ("Market & competitive research", "market_intelligence", 0.005),
)
_DEMAND_CREATION_SPLIT = {"Paid digital": 0.45, "Events & field marketing": 0.35,
                          "Content & webinars": 0.20}  # fmt: skip
_QUARTER_WEIGHTS = (0.22, 0.24, 0.25, 0.29)


def _settings(name: str, horizon: int) -> PlanSettings:
    return PlanSettings(
        name=name,
        currency="USD",
        fiscal_year_start_month=1,
        start_year=2027,
        start_month=1,
        horizon_months=horizon,
    )


def _seasonality() -> np.ndarray:
    return np.repeat(np.array(_QUARTER_WEIGHTS) / 3.0, 3)


def _baseline_inputs(
    profiles: tuple[_RegionProfile, ...], lines: list[BudgetLine], settings: PlanSettings
) -> ScenarioInputs:
    calendar = settings.calendar()
    regions, horizon, years = len(profiles), settings.horizon_months, len(calendar.fiscal_years)
    growth = 1.25 ** np.arange(years)  # later fiscal years grow 25% a year
    funnel = np.array(_SOURCE_FUNNEL)

    def per_region(values: Sequence[float]) -> np.ndarray:
        return np.array(values, dtype=np.float64)

    def per_source(column: int) -> np.ndarray:
        return np.tile(funnel[:, column], (regions, 1)).astype(np.float64)

    hires = np.zeros((regions, horizon))
    for r, p in enumerate(profiles):
        for year in range(0, horizon, 12):
            for month in p.hires:
                if year + month < horizon:
                    hires[r, year + month] += 1.0 + (year // 12)
    inputs = ScenarioInputs(
        annual_target=per_region([p.annual_target for p in profiles])[:, None] * growth,
        seasonality=np.tile(_seasonality(), (regions, 1)),
        source_mix=np.array([p.mix for p in profiles], dtype=np.float64),
        asp=per_region([p.asp for p in profiles])[:, None] * per_source(4),
        win_rate=per_source(0),
        sql_to_opp=per_source(1),
        mql_to_sql=per_source(2),
        inquiry_to_mql=per_source(3),
        sales_cycle_months=np.tile(per_region([p.cycle for p in profiles])[:, None], (1, 4)),
        lead_lag_months=per_source(5),
        cost_per_inquiry=per_region([p.cost_per_inquiry for p in profiles]),
        elasticity=per_region([p.elasticity for p in profiles]),
        reference_spend=np.zeros(regions),
        opening_pipeline=np.zeros(regions),
        follow_up_rate=per_region([p.follow_up for p in profiles]),
        hours_to_first_touch=per_region([24, 24, 36, 48][:regions] + [24] * (regions - 4)),
        starting_aes=per_region([p.starting_aes for p in profiles]),
        ae_hires=hires,
        ramp_months=np.full(regions, 4.0),
        annual_quota=per_region([p.quota for p in profiles]),
        attainment=np.full(regions, 0.8),
        ae_cost=per_region([p.quota * 0.33 for p in profiles]),
        sdr_count=np.round(per_region([p.starting_aes * 0.6 for p in profiles])),
        sdr_cost=np.full(regions, 95_000.0),
        se_count=np.round(per_region([p.starting_aes * 0.3 for p in profiles])),
        se_cost=np.full(regions, 190_000.0),
        budget=np.zeros((len(lines), regions, horizon)),
        gross_margin=0.78,
    )
    _size_budget(inputs, lines, settings, coverage_of_need=0.96)
    return inputs


def _demand_creation_need_beyond_horizon(plan: Plan, inputs: ScenarioInputs) -> np.ndarray:
    """The linear (e = 1) demand-creation need per month, looking a year past the horizon.

    Spend in the last months buys bookings that close after the horizon, so a plan sized only
    on in-horizon targets would starve the next year's opening pipeline.
    """
    settings = plan.settings
    horizon = settings.horizon_months
    extended = PlanSettings(settings.name, settings.currency, settings.fiscal_year_start_month,
                            settings.start_year, settings.start_month, horizon + 12)  # fmt: skip
    years = len(extended.calendar().fiscal_years)
    probe = inputs.copy()
    extra_years = years - probe.annual_target.shape[1]
    growth = probe.annual_target[:, -1:] * 1.25 ** np.arange(1, extra_years + 1)
    probe.annual_target = np.hstack([probe.annual_target, growth])
    probe.ae_hires = np.pad(probe.ae_hires, ((0, 0), (0, 12)))
    probe.budget = np.pad(probe.budget, ((0, 0), (0, 0), (0, 12)))
    probe.elasticity = np.ones_like(probe.elasticity)
    probe_plan = Plan(extended, plan.regions, plan.sources, plan.categories, plan.budget_lines, [])
    return compute_scenario(probe_plan, probe).reverse.demand_creation_needed[:, :horizon]


def _size_budget(
    inputs: ScenarioInputs,
    lines: list[BudgetLine],
    settings: PlanSettings,
    coverage_of_need: float,
) -> None:
    """Fill the budget: people and programs as a share of target, demand creation from need.

    The demand-creation lines are sized from the reverse waterfall (a planner's first pass),
    smoothed to a steady monthly run-rate, times ``coverage_of_need`` so the baseline shows a
    small, honest gap. The measured cost per inquiry applies at that run-rate.
    """
    calendar = settings.calendar()
    horizon = settings.horizon_months
    monthly_target = (
        inputs.annual_target[:, calendar.fiscal_year_index] / 12.0
    )  # flat, for people and programs
    plan = Plan(settings, [Region(i, str(i)) for i in range(inputs.asp.shape[0])],
                default_sources(), default_categories(), lines, [])  # fmt: skip
    need = _demand_creation_need_beyond_horizon(plan, inputs)
    saved_elasticity = inputs.elasticity.copy()
    kernel = np.ones(3) / 3.0  # a three-month moving average: a steady run-rate
    padded = np.pad(need, ((0, 0), (1, 1)), mode="edge")
    smoothed = np.apply_along_axis(lambda x: np.convolve(x, kernel, mode="valid"), 1, padded)
    smoothed = np.maximum(smoothed, need.mean(axis=1, keepdims=True) * 0.6) * coverage_of_need
    inputs.elasticity = saved_elasticity
    inputs.reference_spend = smoothed.mean(axis=1)
    dc_lines = [i for i, line in enumerate(lines) if line.category == "demand_creation"]
    dc_weights = np.array(
        [_DEMAND_CREATION_SPLIT.get(_base_name(lines[i]), 0.2) for i in dc_lines]
    )
    dc_weights = dc_weights / dc_weights.sum() if dc_lines else dc_weights
    share = {name: s for name, _, s in _LINES}
    headcount = inputs.starting_aes[:, None] + np.cumsum(inputs.ae_hires, axis=1)
    people = {
        "Account executives": headcount * inputs.ae_cost[:, None] / 12.0,
        "SDR team": np.repeat((inputs.sdr_count * inputs.sdr_cost / 12.0)[:, None], horizon, 1),
        "Solution engineers": np.repeat(
            (inputs.se_count * inputs.se_cost / 12.0)[:, None], horizon, 1
        ),
    }
    copies = {name: sum(_base_name(line) == name for line in lines) for name in people}
    for i, line in enumerate(lines):
        if _base_name(line) in people:
            inputs.budget[i] = np.round(people[_base_name(line)] / copies[_base_name(line)], 0)
        elif i in dc_lines:
            inputs.budget[i] = np.round(smoothed * dc_weights[dc_lines.index(i)], 0)
        else:
            inputs.budget[i] = np.round(monthly_target * share.get(_base_name(line), 0.01), 0)
    # Opening pipeline: what the plan needs before start, about 90% of it on hand.
    rev = compute_scenario(plan, inputs).reverse
    inputs.opening_pipeline = np.round(rev.marketing_pipeline_before_start * 0.9, -3)


def _base_name(line: BudgetLine) -> str:
    """The demo line a (possibly numbered) large-plan line was cloned from."""
    for name, _, _ in _LINES:
        if line.name == name or line.name.startswith(name + " "):
            return name
    return line.name


def _lines() -> list[BudgetLine]:
    functions = {c.key: c.function for c in default_categories()}
    return [
        BudgetLine(i + 1, name, category, functions[category])
        for i, (name, category, _) in enumerate(_LINES)
    ]


def _emea_push(base: ScenarioInputs, lines: list[BudgetLine], emea: int) -> ScenarioInputs:
    """Aggressive EMEA push: +35% EMEA target, +45% EMEA demand creation, four more AEs."""
    s = base.copy()
    s.annual_target[emea] *= 1.35
    for i, line in enumerate(lines):
        if line.category == "demand_creation":
            s.budget[i, emea] = np.round(s.budget[i, emea] * 1.45, 0)
    s.ae_hires[emea, [1, 2, 3, 5]] += 1.0
    s.follow_up_rate[emea] = 0.9
    return s


def _efficiency(base: ScenarioInputs, lines: list[BudgetLine]) -> ScenarioInputs:
    """Efficiency plan: programs -15%, brand -30%, follow-up to 95%, better MQL scoring."""
    s = base.copy()
    for i, line in enumerate(lines):
        if line.category == "demand_creation":
            s.budget[i] = np.round(s.budget[i] * 0.85, 0)
        elif line.category == "reputation":
            s.budget[i] = np.round(s.budget[i] * 0.70, 0)
    s.follow_up_rate[:] = 0.95
    s.mql_to_sql[:, 0] *= 1.08
    return s


def _marketing_sqls_per_quarter(
    settings: PlanSettings, regions: list[Region], lines: list[BudgetLine], inputs: ScenarioInputs
) -> float:
    """The SQLs the baseline needs from marketing per quarter: what the SLA commits to."""
    plan = Plan(settings, regions, default_sources(), default_categories(), lines, [])
    sqls = compute_scenario(plan, inputs).reverse.sqls[:, plan.marketing_source_index(), :]
    quarters = settings.calendar().quarter_count
    return float(round(sqls.sum() / quarters, -1))


def build_demo_plan() -> Plan:
    """Northwind Analytics' FY2027 plan: 4 regions, 3 scenarios, goals, SLA and glossary."""
    settings = _settings("Northwind Analytics — FY2027 GTM plan", 12)
    regions = [Region(i + 1, p.name) for i, p in enumerate(_REGIONS)]
    lines = _lines()
    base = _baseline_inputs(_REGIONS, lines, settings)
    scenarios = [
        Scenario(1, "Baseline", base, is_plan_of_record=True,
                 description="Board-approved growth of 28% with today's funnel."),
        Scenario(2, "Aggressive EMEA push", _emea_push(base, lines, 1),
                 description="EMEA target +35% behind +45% demand creation and 4 more AEs."),
        Scenario(3, "Efficiency plan", _efficiency(base, lines),
                 description="Cut programs 15% and brand 30%; win back by 95% MQL follow-up."),
    ]  # fmt: skip
    goals = [
        SharedGoal(1, "New-business bookings", "forecast_bookings", Owner.JOINT, 2027,
                   45_000_000),
        SharedGoal(2, "Marketing-sourced pipeline", "marketing_sourced_pipeline", Owner.CMO,
                   2027, 75_000_000),
        SharedGoal(3, "Start-of-quarter coverage", "pipeline_coverage", Owner.CRO, 2027, 4.0),
        SharedGoal(4, "Blended CAC", "blended_cac", Owner.JOINT, 2027, 60_000),
        SharedGoal(5, "Net new logos", "won_deals", Owner.CRO, 2027, 800),
        SharedGoal(6, "Marketing-sourced share of pipeline", "marketing_sourced_share",
                   Owner.CMO, 2027, 0.40),
    ]  # fmt: skip
    sla = [
        SlaLine(1, "MQL follow-up", "Sales follows up every MQL within the agreed time",
                Owner.CRO, 0.85, "share of MQLs"),
        SlaLine(2, "Speed to first touch", "First touch on a new MQL", Owner.CRO, 24, "hours"),
        SlaLine(3, "SQL commitment", "SQLs marketing delivers per quarter, all regions",
                Owner.CMO, _marketing_sqls_per_quarter(settings, regions, lines, base),
                "SQLs per quarter"),
        SlaLine(4, "MQL rejection feedback", "Rejected MQLs returned with a reason",
                Owner.JOINT, 2, "business days"),
    ]  # fmt: skip
    plan = Plan(
        settings=settings,
        regions=regions,
        sources=default_sources(),
        categories=default_categories(),
        budget_lines=lines,
        scenarios=scenarios,
        goals=goals,
        sla=sla,
        definitions=default_definitions(),
    )
    created = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)
    plan.snapshots.append(_snapshot(plan, 1, "Board pre-read v1", scenarios[0], created))
    plan.change_log.append(
        ChangeLogEntry(1, created, "revops", "Baseline", "Snapshot 'Board pre-read v1'", "", "")
    )
    return plan


def _snapshot(plan: Plan, sid: int, name: str, scenario: Scenario, at: dt.datetime) -> Snapshot:
    from gtm_planner.model.engine import compute_kpis

    result = compute_scenario(plan, scenario.inputs)
    outputs = {k: v.value for k, v in compute_kpis(plan, scenario.inputs, result).items()}
    return Snapshot(sid, name, scenario.name, at, scenario.inputs.copy(), outputs)


def build_large_plan(
    regions: int = 40, months: int = 36, lines: int = 25, scenarios: int = 10
) -> Plan:
    """The ``large`` plan of SPEC §8: 40 regions × 36 months × 25 lines × 10 scenarios."""
    settings = _settings("Large benchmark plan", months)
    rng = np.random.default_rng(20270101)
    profiles = tuple(
        _RegionProfile(
            name=f"{base.name} {i // len(_REGIONS) + 1}",
            annual_target=float(round(base.annual_target * rng.uniform(0.3, 1.2), -3)),
            mix=base.mix,
            asp=base.asp,
            cycle=base.cycle,
            cost_per_inquiry=base.cost_per_inquiry,
            elasticity=base.elasticity,
            follow_up=base.follow_up,
            starting_aes=max(2.0, round(base.starting_aes * rng.uniform(0.3, 1.2))),
            hires=base.hires,
            quota=base.quota,
        )
        for i in range(regions)
        for base in (_REGIONS[i % len(_REGIONS)],)
    )
    functions = {c.key: c.function for c in default_categories()}
    line_list = [
        BudgetLine(
            i + 1,
            f"{_LINES[i % len(_LINES)][0]}"
            + (f" {i // len(_LINES) + 1}" if i >= len(_LINES) else ""),
            _LINES[i % len(_LINES)][1],
            functions[_LINES[i % len(_LINES)][1]],
        )
        for i in range(lines)
    ]
    base = _baseline_inputs(profiles, line_list, settings)
    # Fill any remaining zero cells so every one of the 360k budget cells holds a value.
    base.budget = np.where(base.budget > 0, base.budget, 1_000.0)
    plan = Plan(
        settings=settings,
        regions=[Region(i + 1, p.name) for i, p in enumerate(profiles)],
        sources=default_sources(),
        categories=default_categories(),
        budget_lines=line_list,
        scenarios=[],
        definitions=default_definitions(),
    )
    for k in range(scenarios):
        inputs = base.copy()
        inputs.budget = np.round(inputs.budget * (1.0 + 0.03 * k), 0)
        plan.scenarios.append(
            Scenario(k + 1, f"Scenario {k + 1}", inputs, is_plan_of_record=k == 0)
        )
    return plan
