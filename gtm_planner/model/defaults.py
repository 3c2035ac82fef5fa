"""The standard dimensions every new plan starts from: sources, categories, glossary terms."""

from __future__ import annotations

import numpy as np

from gtm_planner.model.calendar import FiscalCalendar
from gtm_planner.model.entities import (
    Category,
    Definition,
    Function,
    Owner,
    Plan,
    PlanSettings,
    Region,
    Scenario,
    ScenarioInputs,
    Source,
    SourceKind,
)

DEFAULT_SOURCES: tuple[tuple[str, SourceKind], ...] = (
    ("Marketing", SourceKind.MARKETING),
    ("SDR outbound", SourceKind.SDR_OUTBOUND),
    ("AE self-sourced", SourceKind.AE_SELF_SOURCED),
    ("Partner", SourceKind.PARTNER),
)

DEFAULT_CATEGORIES: tuple[Category, ...] = (
    Category("sales_people", "Sales people", Function.SALES),
    Category("sales_tools_travel", "Sales tools & travel", Function.SALES),
    Category("marketing_people", "Marketing people", Function.MARKETING),
    Category("reputation", "Reputation & awareness", Function.MARKETING),
    Category("demand_creation", "Demand creation", Function.MARKETING, drives_inquiries=True),
    Category("sales_enablement", "Sales enablement", Function.MARKETING),
    Category("market_intelligence", "Market intelligence", Function.MARKETING),
)

DEFAULT_DEFINITIONS: tuple[tuple[str, str, Owner], ...] = (
    ("Inquiry", "A person who raised a hand: filled in a form, registered for an event or "
     "webinar, or asked for contact. Counted once per person per 90 days.", Owner.CMO),
    ("MQL", "Marketing-qualified lead: an inquiry from an ICP account whose fit and "
     "engagement score reached the agreed threshold (score ≥ 60).", Owner.CMO),
    ("SAL", "Sales-accepted lead: an MQL that sales has reviewed within the SLA and agreed to "
     "work; rejected MQLs go back to marketing with a reason.", Owner.JOINT),
    ("SQL", "Sales-qualified lead: a SAL with a confirmed project, budget owner and timing "
     "inside 12 months, after a discovery call.", Owner.CRO),
    ("Opportunity", "A SQL entered in the CRM with an amount and close date, at stage 2 "
     "(solution fit) or later. Pipeline is the value of open opportunities.", Owner.CRO),
    ("ICP", "Ideal customer profile: companies of 200–5,000 employees in the target "
     "industries, with a data team and a cloud warehouse.", Owner.JOINT),
    ("Marketing-sourced", "An opportunity whose first qualifying touch was a marketing "
     "program. Sourced and influenced pipeline are reported separately, never added.",
     Owner.JOINT),
)  # fmt: skip


def default_sources() -> list[Source]:
    return [Source(i + 1, name, kind) for i, (name, kind) in enumerate(DEFAULT_SOURCES)]


def default_categories() -> list[Category]:
    return [Category(c.key, c.name, c.function, c.drives_inquiries) for c in DEFAULT_CATEGORIES]


def default_definitions() -> list[Definition]:
    return [
        Definition(i + 1, term, text, owner)
        for i, (term, text, owner) in enumerate(DEFAULT_DEFINITIONS)
    ]


def empty_inputs(
    regions: int, sources: int, lines: int, calendar: FiscalCalendar
) -> ScenarioInputs:
    """Neutral inputs: no target, no spend, field-typical funnel rates, a flat seasonality."""
    years = len(calendar.fiscal_years)
    horizon = calendar.horizon_months

    def per_region(value: float) -> np.ndarray:
        return np.full(regions, value, dtype=np.float64)

    def per_source(value: float) -> np.ndarray:
        return np.full((regions, sources), value, dtype=np.float64)

    mix = np.zeros((regions, sources))
    if sources:
        mix[:, 0] = 1.0
    return ScenarioInputs(
        annual_target=np.zeros((regions, years)),
        seasonality=np.ones((regions, 12)),
        source_mix=mix,
        asp=per_source(50_000.0),
        win_rate=per_source(0.25),
        sql_to_opp=per_source(0.6),
        mql_to_sql=per_source(0.3),
        inquiry_to_mql=per_source(0.15),
        sales_cycle_months=per_source(3.0),
        lead_lag_months=per_source(1.0),
        cost_per_inquiry=per_region(150.0),
        elasticity=per_region(1.0),
        reference_spend=per_region(0.0),
        opening_pipeline=per_region(0.0),
        follow_up_rate=per_region(1.0),
        hours_to_first_touch=per_region(24.0),
        starting_aes=per_region(0.0),
        ae_hires=np.zeros((regions, horizon)),
        ramp_months=per_region(4.0),
        annual_quota=per_region(800_000.0),
        attainment=per_region(0.8),
        ae_cost=per_region(250_000.0),
        sdr_count=per_region(0.0),
        sdr_cost=per_region(110_000.0),
        se_count=per_region(0.0),
        se_cost=per_region(200_000.0),
        budget=np.zeros((lines, regions, horizon)),
        gross_margin=0.8,
    )


def blank_plan(settings: PlanSettings, region_names: list[str]) -> Plan:
    """A new, empty plan: the standard sources, categories and glossary, one scenario."""
    sources = default_sources()
    inputs = empty_inputs(len(region_names), len(sources), 0, settings.calendar())
    return Plan(
        settings=settings,
        regions=[Region(i + 1, name) for i, name in enumerate(region_names)],
        sources=sources,
        categories=default_categories(),
        budget_lines=[],
        scenarios=[Scenario(1, "Baseline", inputs, is_plan_of_record=True)],
        definitions=default_definitions(),
    )
