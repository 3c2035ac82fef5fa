"""The finance workbook's layout, declared once: what the export writes and the import expects.

Every input sheet (Targets, Assumptions, Budget, Capacity) has the same frame:

- row 1 a title, row 2 plan / scenario / date / app version (in column B: A is hidden);
- row 3, hidden, the **column keys** (``#key`` in the key column, then e.g. ``m:2027-03``);
- row 4 the headers finance reads; data from row 5;
- column A, hidden, the **row key** (``S1|L7|R3``: scenario, budget line and region ids).

Keys, not names or positions, match cells on the way back, so finance may re-sort rows, move
or add columns, rename headers and add sheets. A row finance adds without a key is matched by
its visible Scenario / Region / Line names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import metadata

from gtm_planner.model.calendar import MONTH_ABBREVIATIONS
from gtm_planner.model.entities import Plan
from gtm_planner.model.formatting import currency_prefix
from gtm_planner.model.validation import RULE_BY_FIELD, Kind

SUMMARY = "Summary"
TARGETS = "Targets"
ASSUMPTIONS = "Assumptions"
BUDGET = "Budget"
FUNNEL = "Funnel"
CAPACITY = "Capacity"
COMPARE = "Compare"
DEFINITIONS = "Definitions"
INPUT_SHEETS = (TARGETS, ASSUMPTIONS, BUDGET, CAPACITY)

TITLE_ROW, SUBTITLE_ROW, KEY_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3, 4, 5
KEY_COLUMN = 1
KEY_MARK = "#key"
TOTAL_LABEL = "Total"

# Visible label columns (matched by name for rows without a key).
SCENARIO_COLUMN, REGION_COLUMN, LINE_COLUMN = "scenario", "region", "line"

_ROW_KEY = re.compile(r"S(\d+)\|(?:L(\d+)\|)?R(\d+)")
_TOTAL_KEY = re.compile(r"S(\d+)\|TOTAL")

PER_SOURCE_FIELDS = (
    "source_mix", "asp", "win_rate", "sql_to_opp", "mql_to_sql", "inquiry_to_mql",
    "sales_cycle_months", "lead_lag_months",
)  # fmt: skip
PER_REGION_ASSUMPTIONS = (
    "cost_per_inquiry", "elasticity", "reference_spend", "opening_pipeline", "follow_up_rate",
    "hours_to_first_touch",
)  # fmt: skip
PER_REGION_CAPACITY = (
    "starting_aes", "ramp_months", "annual_quota", "attainment", "ae_cost", "sdr_count",
    "sdr_cost", "se_count", "se_cost",
)  # fmt: skip


@dataclass(frozen=True)
class InputColumn:
    """A column of input cells: which input field it holds and where on its last axis."""

    key: str
    header: str
    field: str
    position: int | None  # index on the field's column axis; None for per-region fields
    width: float = 13.0


def app_version() -> str:
    try:
        return metadata.version("gtm-planner")
    except metadata.PackageNotFoundError:
        return "development"


def row_key(scenario_id: int, region_id: int, line_id: int | None = None) -> str:
    line = "" if line_id is None else f"L{line_id}|"
    return f"S{scenario_id}|{line}R{region_id}"


def total_key(scenario_id: int) -> str:
    return f"S{scenario_id}|TOTAL"


def parse_row_key(text: str) -> tuple[int, int | None, int] | None:
    """(scenario id, line id or None, region id), or None if ``text`` is not a row key."""
    match = _ROW_KEY.fullmatch(text.strip())
    if match is None:
        return None
    line = match.group(2)
    return int(match.group(1)), (int(line) if line else None), int(match.group(3))


def is_total_key(text: str) -> bool:
    return _TOTAL_KEY.fullmatch(text.strip()) is not None


def month_key(plan: Plan, t: int) -> str:
    calendar = plan.calendar()
    return f"{int(calendar.calendar_year[t]):04d}-{int(calendar.calendar_month[t]):02d}"


def fiscal_month_names(plan: Plan) -> tuple[str, ...]:
    """The twelve fiscal months' names in fiscal order (Feb … Jan for a February year)."""
    first = plan.settings.fiscal_year_start_month - 1
    return tuple(MONTH_ABBREVIATIONS[(first + m) % 12] for m in range(12))


def number_format(kind: Kind, currency: str) -> str:
    if kind in (Kind.MONEY, Kind.POSITIVE_MONEY):
        return money_format(currency)
    if kind in (Kind.RATE, Kind.POSITIVE_RATE):
        return "0.0%"
    if kind is Kind.MONTHS:
        return "0"
    if kind is Kind.WEIGHT:
        return "0.000"
    if kind is Kind.ELASTICITY:
        return "0.00"
    return "#,##0.##;-#,##0.##;0"


def money_format(currency: str) -> str:
    prefix = currency_prefix(currency).replace('"', "")
    return f'"{prefix}"#,##0;-"{prefix}"#,##0'


def _column(key: str, header: str, field: str, position: int | None) -> InputColumn:
    kind = RULE_BY_FIELD[field].kind
    width = 14.0 if kind in (Kind.MONEY, Kind.POSITIVE_MONEY) else 11.0
    return InputColumn(key, header, field, position, max(width, min(len(header) + 2, 24)))


def input_columns(plan: Plan, sheet: str) -> tuple[InputColumn, ...]:
    """The input columns of one input sheet, in the order the export writes them."""
    calendar = plan.calendar()
    label = {name: RULE_BY_FIELD[name].label for name in RULE_BY_FIELD}
    if sheet == TARGETS:
        years = [
            _column(f"target:FY{y}", f"Target FY{y}", "annual_target", i)
            for i, y in enumerate(calendar.fiscal_years)
        ]
        weights = [
            _column(f"weight:{m + 1}", f"Weight {name}", "seasonality", m)
            for m, name in enumerate(fiscal_month_names(plan))
        ]
        return (*years, *weights)
    if sheet == ASSUMPTIONS:
        per_source = [
            _column(f"{field}:{source.id}", f"{label[field]}: {source.name}", field, s)
            for field in PER_SOURCE_FIELDS
            for s, source in enumerate(plan.sources)
        ]
        per_region = [_column(f, label[f], f, None) for f in PER_REGION_ASSUMPTIONS]
        return (*per_source, *per_region)
    if sheet == BUDGET:
        return tuple(
            _column(f"m:{month_key(plan, t)}", calendar.month_label(t), "budget", t)
            for t in range(calendar.horizon_months)
        )
    if sheet == CAPACITY:
        scalars = [_column(f, label[f], f, None) for f in PER_REGION_CAPACITY]
        hires = [
            _column(f"hires:{month_key(plan, t)}", f"Hires {calendar.month_label(t)}",
                    "ae_hires", t)
            for t in range(calendar.horizon_months)
        ]  # fmt: skip
        return (*scalars, *hires)
    raise ValueError(f"{sheet} is not an input sheet")


def label_columns(sheet: str) -> tuple[tuple[str, str, float], ...]:
    """(key, header, width) of the visible label columns after the hidden key column."""
    if sheet == BUDGET:
        return (
            (SCENARIO_COLUMN, "Scenario", 22.0),
            (LINE_COLUMN, "Budget line", 28.0),
            ("category", "Category", 22.0),
            ("function", "Function", 11.0),
            (REGION_COLUMN, "Region", 18.0),
        )
    return ((SCENARIO_COLUMN, "Scenario", 22.0), (REGION_COLUMN, "Region", 18.0))


def sheet_for_field(field: str) -> str:
    if field in ("annual_target", "seasonality"):
        return TARGETS
    if field in PER_SOURCE_FIELDS or field in PER_REGION_ASSUMPTIONS:
        return ASSUMPTIONS
    if field == "budget":
        return BUDGET
    return CAPACITY
