"""A file SQLite finds sound but whose tables do not make a whole plan is refused by name.

Such files come from editing a plan with another SQLite tool, or from a bug; the message must
say which scenario, region, source or table is wrong.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from gtm_planner.model.entities import Plan
from gtm_planner.model.persistence import (
    PlanFileError,
    PlanFileProblem,
    check_plan_file,
    load_plan,
    save_plan_as,
)
from gtm_planner.model.persistence.errors import display_name
from tests.model.persistence.plan_factory import plan_differences, random_plan


@pytest.fixture
def saved(target: Path | str) -> tuple[Path | str, Plan]:
    plan = random_plan(51, scenarios=3, regions=4, sources=4)
    plan.scenarios[1].name = "Stretch"
    plan.regions[2].name = "EMEA"
    plan.sources[3].name = "Partner"
    save_plan_as(target, plan)
    return target, plan


def _tamper(path: Path | str, *statements: str) -> None:
    if isinstance(path, str):  # PostgreSQL: as a superuser's tool would, without FK checks
        engine = create_engine(path, poolclass=NullPool)
        with engine.begin() as connection:
            connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
            for statement in statements:
                connection.exec_driver_sql(statement)
        engine.dispose()
        return
    with sqlite3.connect(path) as raw:  # foreign keys are off here, as in any SQLite tool
        for statement in statements:
            raw.execute(statement)
    raw.close()


def _refused(path: Path | str) -> str:
    with pytest.raises(PlanFileError) as raised:
        load_plan(path)
    assert raised.value.problem is PlanFileProblem.DAMAGED
    message = str(raised.value)
    label = display_name(path)
    assert message.startswith(f"{label} is damaged or was changed outside GTM Planner: ")
    assert check_plan_file(path) == [message]
    return message


def test_a_scenario_with_missing_funnel_rows_is_refused_naming_scenario_region_and_source(
    saved: tuple[Path | str, Plan],
) -> None:
    path, plan = saved
    s, r, src = plan.scenarios[1].id, plan.regions[2].id, plan.sources[3].id
    _tamper(
        path, f"DELETE FROM funnel WHERE scenario_id={s} AND region_id={r} AND source_id={src}"
    )
    assert _refused(path).endswith(
        "scenario «Stretch» has no funnel assumptions for region «EMEA», source «Partner»."
    )


def test_a_missing_bookings_target_year_is_refused_naming_the_year(
    saved: tuple[Path | str, Plan],
) -> None:
    path, plan = saved
    year = plan.calendar().fiscal_years[-1]
    _tamper(
        path,
        f"DELETE FROM targets WHERE scenario_id={plan.scenarios[1].id} AND fiscal_year={year}",
    )
    message = _refused(path)
    assert "scenario «Stretch» has no bookings target for region" in message
    assert f"fiscal year FY{year}" in message


def test_missing_region_assumptions_are_refused(saved: tuple[Path | str, Plan]) -> None:
    path, plan = saved
    _tamper(path, f"DELETE FROM region_inputs WHERE region_id={plan.regions[2].id}")
    assert "has no region assumptions for region «EMEA»" in _refused(path)


def test_a_budget_cell_outside_the_horizon_is_refused(saved: tuple[Path | str, Plan]) -> None:
    path, plan = saved
    s, line, r = plan.scenarios[0].id, plan.budget_lines[0].id, plan.regions[0].id
    month = plan.settings.horizon_months + 3
    _tamper(path, f"INSERT INTO budget_cells VALUES ({s}, {line}, {r}, {month}, 5.0, 0)")
    assert _refused(path).endswith(f"budget_cells.month refers to an unknown month {month}.")


def test_a_budget_cell_of_a_deleted_region_is_refused(saved: tuple[Path | str, Plan]) -> None:
    path, plan = saved
    _tamper(path, f"DELETE FROM regions WHERE id={plan.regions[1].id}")  # no cascade here
    assert "refers to an unknown region" in _refused(path)


def test_an_unknown_source_kind_is_refused(saved: tuple[Path | str, Plan]) -> None:
    path, _ = saved
    _tamper(path, "UPDATE sources SET kind = 'telepathy' WHERE name = 'Partner'")
    assert _refused(path).endswith("source «Partner» has an unknown value «telepathy».")


def test_missing_plan_settings_are_refused(saved: tuple[Path | str, Plan]) -> None:
    path, _ = saved
    _tamper(path, "DELETE FROM plan_settings")
    assert _refused(path).endswith("the plan settings are missing.")


def test_a_missing_table_is_refused_as_damaged(saved: tuple[Path | str, Plan]) -> None:
    path, _ = saved
    _tamper(path, "DROP TABLE seasonality")
    message = _refused(path)
    assert "no such table: seasonality" in message or '"seasonality" does not exist' in message


def test_gaps_in_stored_positions_still_load_the_plan_in_order(
    saved: tuple[Path | str, Plan],
) -> None:
    # Positions 0, 10, 20 … (another tool renumbered them): the order is kept, nothing lost.
    path, plan = saved
    _tamper(
        path,
        "UPDATE regions SET position = position * 10 + 5",
        "UPDATE budget_lines SET position = position * 3",
        "UPDATE scenarios SET position = position + 100",
    )
    assert plan_differences(plan, load_plan(path)) == []
