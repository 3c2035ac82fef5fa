"""Team mode figures for ``make bench``: the large plan in a PostgreSQL server on loopback.

The server is started exactly as the test suite starts it (``tests.pg_server``); without
PostgreSQL's programs the rows say what to install instead.
"""

from __future__ import annotations

import time

import numpy as np

from gtm_planner.model.commands import SetValues
from gtm_planner.model.document import PlanDocument
from gtm_planner.model.entities import Plan
from gtm_planner.model.persistence import create_plan_file
from gtm_planner.model.persistence.team import TeamSession
from tests import pg_server
from tests.bench.measure import median_seconds, ms, verdict

Row = tuple[str, str, str, str, str]


def team_rows(plan: Plan) -> list[Row]:
    reason = pg_server.missing_reason()
    if reason is not None:
        return [("team mode (PostgreSQL)", "not measured", "", reason, "")]
    server = pg_server.start_server()
    try:
        url = server.url(server.create_database())
        started = time.perf_counter()
        create_plan_file(url, plan)
        publish_s = time.perf_counter() - started

        started = time.perf_counter()
        a, plan_a = TeamSession.open(url)
        open_s = time.perf_counter() - started
        b, plan_b = TeamSession.open(url)
        document_a, document_b = PlanDocument(plan_a), PlanDocument(plan_b)
        target = plan_a.scenarios[3].id
        counter = iter(range(1, 10_000))

        def edit_and_save() -> None:
            value = 1000.0 * next(counter)
            SetValues("bench", target, "budget", np.array([[5, 7, 11]]), np.array([value])).apply(
                document_a
            )
            result = a.save(document_a)
            assert result.saved == 1

        save_s = median_seconds(edit_and_save, 10)

        def refresh() -> None:
            edit_and_save()
            result = b.refresh(document_b)
            assert result.remote_cells == 1

        refresh_s = median_seconds(refresh, 10) - save_s
        poll_s = median_seconds(b.stored_revision, 20)
        a.close()
        b.close()
    finally:
        server.stop()
    return [
        ("team: open the large plan from PostgreSQL", ms(open_s), verdict(open_s, 0.5), "", ""),
        ("team: save one edit (row versions checked)", ms(save_s), verdict(save_s, 0.25),
         f"rewriting the whole plan into PostgreSQL {ms(publish_s)}",
         f"{publish_s / save_s:,.0f}x faster"),
        ("team: another client refreshes that edit", ms(refresh_s), "", "", ""),
        ("team: poll for changes", ms(poll_s), "", "", ""),
    ]  # fmt: skip
