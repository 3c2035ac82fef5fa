"""What each input may hold, declared once, and the checks that enforce it.

The same rules serve the CLI's ``check``, the plan loader and (later) the grid editors, so a
value the window refuses is also refused everywhere else, with the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from gtm_planner.model.entities import Plan, ScenarioInputs


class Kind(StrEnum):
    MONEY = "money"  # ≥ 0, plan currency
    RATE = "rate"  # a share, 0..100%
    POSITIVE_RATE = "positive_rate"  # a conversion rate, above 0 and at most 100%
    POSITIVE_MONEY = "positive_money"  # > 0 (a deal size, a cost per inquiry)
    MONTHS = "months"  # whole months 0..36
    COUNT = "count"  # ≥ 0 (heads, hours)
    WEIGHT = "weight"  # ≥ 0, relative
    ELASTICITY = "elasticity"  # above 0 and at most 1.5


@dataclass(frozen=True)
class FieldRule:
    name: str
    label: str
    kind: Kind

    def allowed(self) -> str:
        return {
            Kind.MONEY: "an amount of 0 or more",
            Kind.RATE: "a percentage from 0% to 100%",
            Kind.POSITIVE_RATE: "a percentage above 0% and at most 100%",
            Kind.POSITIVE_MONEY: "an amount above 0",
            Kind.MONTHS: "a whole number of months from 0 to 36",
            Kind.COUNT: "a number of 0 or more",
            Kind.WEIGHT: "a weight of 0 or more",
            Kind.ELASTICITY: "a number above 0 and at most 1.5 (1 = linear)",
        }[self.kind]

    def bad(self, values: np.ndarray) -> np.ndarray:
        """Boolean mask of the values this rule refuses."""
        v = np.asarray(values, dtype=np.float64)
        bad = ~np.isfinite(v)
        with np.errstate(invalid="ignore"):
            if self.kind in (Kind.MONEY, Kind.COUNT, Kind.WEIGHT):
                bad |= v < 0
            elif self.kind is Kind.RATE:
                bad |= (v < 0) | (v > 1)
            elif self.kind is Kind.POSITIVE_RATE:
                bad |= (v <= 0) | (v > 1)
            elif self.kind is Kind.POSITIVE_MONEY:
                bad |= v <= 0
            elif self.kind is Kind.MONTHS:
                bad |= (v < 0) | (v > 36) | (v != np.round(v))
            elif self.kind is Kind.ELASTICITY:
                bad |= (v <= 0) | (v > 1.5)
        return np.asarray(bad)


FIELD_RULES: tuple[FieldRule, ...] = (
    FieldRule("annual_target", "Bookings target", Kind.MONEY),
    FieldRule("seasonality", "Seasonality weight", Kind.WEIGHT),
    FieldRule("source_mix", "Source mix", Kind.RATE),
    FieldRule("asp", "Average deal size", Kind.POSITIVE_MONEY),
    FieldRule("win_rate", "Win rate", Kind.POSITIVE_RATE),
    FieldRule("sql_to_opp", "SQL → opportunity", Kind.POSITIVE_RATE),
    FieldRule("mql_to_sql", "MQL → SQL", Kind.POSITIVE_RATE),
    FieldRule("inquiry_to_mql", "Inquiry → MQL", Kind.POSITIVE_RATE),
    FieldRule("sales_cycle_months", "Sales cycle", Kind.MONTHS),
    FieldRule("lead_lag_months", "Lead → opportunity lag", Kind.MONTHS),
    FieldRule("cost_per_inquiry", "Cost per inquiry", Kind.POSITIVE_MONEY),
    FieldRule("elasticity", "Response elasticity", Kind.ELASTICITY),
    FieldRule("reference_spend", "Reference spend", Kind.MONEY),
    FieldRule("opening_pipeline", "Opening pipeline", Kind.MONEY),
    FieldRule("follow_up_rate", "MQL follow-up rate (SLA)", Kind.POSITIVE_RATE),
    FieldRule("hours_to_first_touch", "Hours to first touch (SLA)", Kind.COUNT),
    FieldRule("starting_aes", "AEs at plan start", Kind.COUNT),
    FieldRule("ae_hires", "AE hires", Kind.COUNT),
    FieldRule("ramp_months", "Ramp", Kind.MONTHS),
    FieldRule("annual_quota", "Annual quota per AE", Kind.MONEY),
    FieldRule("attainment", "Quota attainment", Kind.RATE),
    FieldRule("ae_cost", "AE fully loaded cost", Kind.MONEY),
    FieldRule("sdr_count", "SDRs", Kind.COUNT),
    FieldRule("sdr_cost", "SDR fully loaded cost", Kind.MONEY),
    FieldRule("se_count", "SEs", Kind.COUNT),
    FieldRule("se_cost", "SE fully loaded cost", Kind.MONEY),
    FieldRule("budget", "Budget", Kind.MONEY),
)
RULE_BY_FIELD = {rule.name: rule for rule in FIELD_RULES}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a plan, said so that a user can find and fix it."""

    scenario: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.scenario}: {self.where}: {self.message}"


def _where(plan: Plan, field: str, index: tuple[int, ...]) -> str:
    """Name the cell of ``field`` at ``index`` in the user's words (region, source, month)."""
    parts: list[str] = []
    calendar = plan.calendar()
    if field == "budget":
        line, region, month = index
        return (
            f"{plan.budget_lines[line].name} / {plan.regions[region].name} / "
            f"{calendar.month_label(month)}"
        )
    if index:
        parts.append(plan.regions[index[0]].name)
    if len(index) > 1:
        second = index[1]
        if field == "annual_target":
            parts.append(f"FY{calendar.fiscal_years[second]}")
        elif field == "seasonality":
            parts.append(f"fiscal month {second + 1}")
        elif field == "ae_hires":
            parts.append(calendar.month_label(second))
        else:
            parts.append(plan.sources[second].name)
    return " / ".join(parts)


def validate_inputs(
    plan: Plan, name: str, inputs: ScenarioInputs, limit: int = 50
) -> list[Problem]:
    """Every value outside its rule, then the cross-field checks; at most ``limit`` problems."""
    problems: list[Problem] = []
    for rule in FIELD_RULES:
        values = getattr(inputs, rule.name)
        for index in np.argwhere(rule.bad(values))[:limit]:
            idx = tuple(int(i) for i in index)
            value = float(values[idx])
            where = f"{rule.label} ({_where(plan, rule.name, idx)})"
            problems.append(Problem(name, where, f"{value!r} is not {rule.allowed()}"))
    if not 0 < inputs.gross_margin <= 1:
        problems.append(
            Problem(name, "Gross margin", f"{inputs.gross_margin!r} is not above 0% and ≤ 100%")
        )
    mix_sum = inputs.source_mix.sum(axis=1)
    for r in np.flatnonzero(np.abs(mix_sum - 1.0) > 1e-6):
        problems.append(
            Problem(
                name,
                f"Source mix ({plan.regions[int(r)].name})",
                f"shares add up to {mix_sum[r]:.2%}; they must add up to 100%",
            )
        )
    curved = (inputs.elasticity != 1.0) & (inputs.reference_spend <= 0)
    for r in np.flatnonzero(curved):
        problems.append(
            Problem(
                name,
                f"Reference spend ({plan.regions[int(r)].name})",
                "with an elasticity other than 1, give the monthly spend at which the cost "
                "per inquiry was measured (above 0)",
            )
        )
    seasonality_sum = inputs.seasonality.sum(axis=1)
    for r in np.flatnonzero(seasonality_sum <= 0):
        problems.append(
            Problem(
                name,
                f"Seasonality ({plan.regions[int(r)].name})",
                "all twelve weights are 0; at least one month must carry the target",
            )
        )
    return problems[:limit]


def validate_plan(plan: Plan) -> list[Problem]:
    """Structural checks (names, plan of record, shapes) and every scenario's inputs."""
    problems: list[Problem] = []
    if not plan.scenarios:
        problems.append(Problem("plan", "Scenarios", "the plan has no scenario"))
    records = [s.name for s in plan.scenarios if s.is_plan_of_record]
    if len(records) > 1:
        problems.append(
            Problem("plan", "Plan of record", f"more than one scenario is marked: {records}")
        )
    for label, names in (
        ("Regions", [r.name for r in plan.regions]),
        ("Budget lines", [line.name for line in plan.budget_lines]),
        ("Scenarios", [s.name for s in plan.scenarios]),
    ):
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            problems.append(Problem("plan", label, f"duplicate names: {', '.join(duplicates)}"))
    try:
        plan.marketing_source_index()
    except ValueError as exc:
        problems.append(Problem("plan", "Sources", str(exc)))
        return problems
    for scenario in plan.scenarios:
        problems.extend(validate_inputs(plan, scenario.name, scenario.inputs))
    return problems


def cell_label(plan: Plan, field: str, index: tuple[int, ...]) -> str:
    """An input cell in the user's words: "Win rate (EMEA / Marketing)"."""
    return f"{RULE_BY_FIELD[field].label} ({_where(plan, field, index)})"
