"""A large COPY checks foreign keys once at the end: bad rows still fail the whole write."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from gtm_planner.model.demo import build_demo_plan
from gtm_planner.model.persistence import create_plan_file, load_plan, postgres_adapter, schema
from tests.model.persistence.plan_factory import plan_differences
from tests.pg_server import database_role


def _foreign_keys(url: str) -> list[str]:
    engine = create_engine(url)
    with engine.connect() as c:
        names = c.execute(
            text(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = 'budget_cells'::regclass AND contype = 'f' ORDER BY 1"
            )
        ).scalars()
        found = list(names)
    engine.dispose()
    return found


@pytest.mark.parametrize("line_id", [1, 9999])
def test_a_large_copy_with_keys_checked_at_the_end(
    pg_url: str, monkeypatch: pytest.MonkeyPatch, line_id: int
) -> None:
    plan = build_demo_plan()
    create_plan_file(pg_url, plan)
    before = _foreign_keys(pg_url)
    assert len(before) == 3
    monkeypatch.setattr(postgres_adapter, "CHECK_KEYS_AT_END_ROWS", 2)
    engine = create_engine(pg_url)
    columns: dict[str, list[object]] = {
        "scenario_id": [plan.scenarios[0].id] * 3,
        "line_id": [line_id] * 3,
        "region_id": [plan.regions[0].id] * 3,
        "month": [100, 101, 102],  # months no row uses yet
        "amount": [1.0, 2.0, 3.0],
    }
    if line_id == 1:
        with engine.begin() as c:
            postgres_adapter.copy_rows(c, schema.budget_cells, columns)
        with engine.connect() as c:
            count = c.execute(text("SELECT count(*) FROM budget_cells WHERE month >= 100"))
            assert count.scalar_one() == 3
    else:
        with pytest.raises(IntegrityError), engine.begin() as c:
            postgres_adapter.copy_rows(c, schema.budget_cells, columns)
        assert plan_differences(plan, load_plan(pg_url)) == []  # nothing was written
    engine.dispose()
    assert _foreign_keys(pg_url) == before  # the constraints are back either way


def test_a_large_copy_by_a_colleague_who_does_not_own_the_tables(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = build_demo_plan()
    create_plan_file(pg_url, plan)
    monkeypatch.setattr(postgres_adapter, "CHECK_KEYS_AT_END_ROWS", 2)
    columns: dict[str, list[object]] = {
        "scenario_id": [plan.scenarios[0].id] * 3,
        "line_id": [1] * 3,
        "region_id": [plan.regions[0].id] * 3,
        "month": [100, 101, 102],
        "amount": [1.0, 2.0, 3.0],
    }
    with database_role(pg_url, "planner_ben", "SELECT, INSERT, UPDATE, DELETE") as as_ben:
        ben = create_engine(as_ben)
        with ben.begin() as c:
            postgres_adapter.copy_rows(c, schema.budget_cells, columns)
        ben.dispose()
    owner = create_engine(pg_url)
    with owner.connect() as c:
        count = c.execute(text("SELECT count(*) FROM budget_cells WHERE month >= 100"))
        assert count.scalar_one() == 3
    owner.dispose()
    assert len(_foreign_keys(pg_url)) == 3
