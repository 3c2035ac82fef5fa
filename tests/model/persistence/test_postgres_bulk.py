"""A large COPY checks foreign keys once at the end: bad rows still fail the whole write."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from gtm_planner.model.demo import build_demo_plan
from gtm_planner.model.persistence import create_plan_file, load_plan, postgres_adapter, schema
from tests.model.persistence.plan_factory import plan_differences


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
    owner = create_engine(pg_url)
    database = pg_url.rsplit("/", 1)[1]
    with owner.begin() as c:
        c.execute(text("DROP ROLE IF EXISTS planner_ben"))
        c.execute(text("CREATE ROLE planner_ben LOGIN"))
        c.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO planner_ben'))
        c.execute(text("GRANT USAGE ON SCHEMA public TO planner_ben"))
        c.execute(
            text(
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public "
                "TO planner_ben"
            )
        )
    ben = create_engine(pg_url.replace("postgres@", "planner_ben@"))
    columns: dict[str, list[object]] = {
        "scenario_id": [plan.scenarios[0].id] * 3,
        "line_id": [1] * 3,
        "region_id": [plan.regions[0].id] * 3,
        "month": [100, 101, 102],
        "amount": [1.0, 2.0, 3.0],
    }
    try:
        with ben.begin() as c:
            postgres_adapter.copy_rows(c, schema.budget_cells, columns)
        with owner.connect() as c:
            count = c.execute(text("SELECT count(*) FROM budget_cells WHERE month >= 100"))
            assert count.scalar_one() == 3
        assert len(_foreign_keys(pg_url)) == 3
    finally:
        ben.dispose()
        with owner.begin() as c:
            c.execute(text(f'REVOKE ALL ON DATABASE "{database}" FROM planner_ben'))
            c.execute(text("DROP OWNED BY planner_ben"))
            c.execute(text("DROP ROLE planner_ben"))
        owner.dispose()
