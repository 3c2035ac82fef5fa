"""Funnel: the assumptions per region (optionally per source) and what the target needs.

Inputs: source mix, deal size, conversion rates, cycle and lag (per region, or per region and
source with "Per source"), and the marketing response and SLA drivers per region. Derived: the
reverse waterfall per region and quarter: opportunities, SQLs, MQLs, inquiries and the
demand-creation budget the bookings target needs (SPEC §3.2), needs before plan start shown.
"""

from __future__ import annotations

from functools import partial

import numpy as np
from PySide6.QtWidgets import QCheckBox, QWidget

from gtm_planner.model.document import PlanDocument
from gtm_planner.ui.grid import EVERY, K0, K1, Column, Fmt, GridScreen, GridSpec, Row
from gtm_planner.ui.grid.spec import FloatArray, region_rows
from gtm_planner.ui.models import wrap_header
from gtm_planner.ui.undo import UndoController

FUNNEL_FIELDS = (
    ("asp", "Average\ndeal size"),
    ("win_rate", "Win\nrate"),
    ("sql_to_opp", "SQL →\nopportunity"),
    ("mql_to_sql", "MQL →\nSQL"),
    ("inquiry_to_mql", "Inquiry →\nMQL"),
    ("sales_cycle_months", "Sales cycle\n(months)"),
    ("lead_lag_months", "Lead lag\n(months)"),
)
RESPONSE_FIELDS = (
    ("cost_per_inquiry", "Cost per\ninquiry", False),
    ("elasticity", "Response\nelasticity", False),
    ("reference_spend", "Reference spend\n(per month)", True),
    ("opening_pipeline", "Opening\npipeline", True),
    ("follow_up_rate", "MQL follow-up\nrate (SLA)", False),
    ("hours_to_first_touch", "Hours to first\ntouch (SLA)", False),
)
# The reverse waterfall's stages as rows: label, format, how the engine gets them.
STAGES = (
    ("Opportunities", Fmt.NUMBER, "won deals ÷ win rate, created one sales cycle before close"),
    ("SQLs", Fmt.NUMBER, "opportunities ÷ SQL→opp, dated by the lead-to-opportunity lag"),
    ("MQLs", Fmt.NUMBER, "SQLs ÷ (MQL→SQL × SLA follow-up rate for marketing)"),
    ("Inquiries", Fmt.NUMBER, "MQLs ÷ inquiry→MQL"),
    (
        "Demand-creation budget",
        Fmt.MONEY,
        "marketing-sourced inquiries × cost per inquiry (elasticity applied)",
    ),
)

PER_REGION_NOTE = "Per region; italic cells average sources that differ (hover for the detail)."
PER_SOURCE_NOTE = "Per region and source; each source's mix, deal size and rates."


def mix_totals(document: PlanDocument) -> FloatArray:
    """(R,) the sum of each region's source mix (it must be 100%)."""
    return np.asarray(document.current_scenario.inputs.source_mix.sum(axis=1))


def funnel_needs(document: PlanDocument) -> FloatArray:
    """(R, stage, before start + quarters + plan total), all sources, from the engine."""
    reverse = document.result().reverse
    quarters = document.plan.calendar().quarter_matrix()
    by_month = (
        reverse.opportunities.sum(axis=1),
        reverse.sqls.sum(axis=1),
        reverse.mqls.sum(axis=1),
        reverse.inquiries.sum(axis=1),
        reverse.demand_creation_needed,
    )
    before = (
        reverse.opportunities_before_start.sum(axis=1),
        reverse.sqls_before_start.sum(axis=1),
        reverse.mqls_before_start.sum(axis=1),
        reverse.inquiries_before_start.sum(axis=1),
        reverse.demand_creation_before_start,
    )
    per_quarter = np.stack([stage @ quarters for stage in by_month], axis=1)  # (R, 5, Q)
    return np.concatenate(
        [np.stack(before, axis=1)[:, :, None], per_quarter, per_quarter.sum(2, keepdims=True)],
        axis=2,
    )


def assumptions_spec(document: PlanDocument, per_source: bool) -> GridSpec:
    plan = document.plan
    names = tuple(source.name for source in plan.sources)
    if per_source:
        rows: tuple[Row, ...] = tuple(
            Row(f"{region.name} · {source}", (r, s))
            for r, region in enumerate(plan.regions)
            for s, source in enumerate(names)
        )
        columns = [Column("Source\nmix", (K0, K1), field="source_mix")]
        columns += [Column(h, (K0, K1), field=f) for f, h in FUNNEL_FIELDS]
        return GridSpec(rows, tuple(columns))
    columns = [
        Column(wrap_header(f"Mix: {name}", 2), (K0, s), field="source_mix")
        for s, name in enumerate(names)
    ]
    columns.append(
        Column(
            "Mix\ntotal",
            (K0,),
            source="mix",
            fmt=Fmt.PERCENT,
            summable=False,
            formula="Σ of the region's source mix; must be 100%",
        )
    )
    columns += [
        Column(header, (K0, EVERY), field=field, weights="source_mix")
        for field, header in FUNNEL_FIELDS
    ]
    return GridSpec(region_rows(document, total=None), tuple(columns), {"mix": mix_totals})


def response_spec(document: PlanDocument) -> GridSpec:
    columns = tuple(
        Column(header, (K0,), field=field, summable=summable)
        for field, header, summable in RESPONSE_FIELDS
    )
    return GridSpec(region_rows(document), columns)


def needs_spec(document: PlanDocument) -> GridSpec:
    plan = document.plan
    regions, stages = len(plan.regions), len(STAGES)
    rows = [
        Row(
            f"All regions · {label}",
            total_of=tuple(stages + r * stages + s for r in range(regions)),
            fmt=fmt,
            formula=f"Σ of the regions' {label.lower()}",
        )
        for s, (label, fmt, _) in enumerate(STAGES)
    ]
    rows += [
        Row(f"{region.name} · {label}", (r, s), fmt=fmt, formula=formula)
        for r, region in enumerate(plan.regions)
        for s, (label, fmt, formula) in enumerate(STAGES)
    ]
    labels = plan.calendar().quarter_labels
    columns = [
        Column(
            "Before\nplan start",
            (K0, K1, 0),
            source="needs",
            formula="needed in months before the plan's first month (not dropped)",
        )
    ]
    columns += [
        Column(label.replace(" ", "\n"), (K0, K1, q + 1), source="needs")
        for q, label in enumerate(labels)
    ]
    columns.append(
        Column(
            "Plan\ntotal",
            (K0, K1, len(labels) + 1),
            source="needs",
            formula="Σ of the plan's quarters (before plan start not included)",
        )
    )
    return GridSpec(tuple(rows), tuple(columns), {"needs": funnel_needs})


class FunnelScreen(GridScreen):
    """Funnel assumptions (typed in) and the funnel the target needs by quarter (derived)."""

    TITLE = "Funnel"
    WARNED_PREFIXES = ("Source mix", "Reference spend")

    def __init__(
        self, document: PlanDocument, undo: UndoController, parent: QWidget | None = None
    ) -> None:
        super().__init__(document, undo, parent)
        self.per_source_box = QCheckBox("Per &source", self)
        self.per_source_box.setToolTip(
            "Show and edit the funnel per region and source. Off: one row per region; a "
            "value typed there applies to every source of the region."
        )
        self.controls.addWidget(self.per_source_box)
        self.assumptions_grid = self.add_grid(
            "Funnel assumptions",
            partial(assumptions_spec, per_source=False),
            PER_REGION_NOTE,
        )
        self.response_grid = self.add_grid(
            "Marketing response and SLA",
            response_spec,
            "Cost per inquiry at the reference spend; elasticity 1 = linear, below 1 = "
            "diminishing returns.",
        )
        self.needs_grid = self.add_grid(
            "What the target needs, by quarter",
            needs_spec,
            "All sources; SQLs, MQLs and inquiries dated by the month the lead arrives.",
        )
        self.per_source_box.toggled.connect(self.show_per_source)
        self.finish()

    def show_per_source(self, per_source: bool) -> None:
        """One row per region and source (``True``) or one row per region."""
        self.per_source_box.setChecked(per_source)
        self.notes[self.assumptions_grid].setText(
            PER_SOURCE_NOTE if per_source else PER_REGION_NOTE
        )
        self.assumptions_grid.grid_model.set_builder(
            partial(assumptions_spec, per_source=per_source)
        )
