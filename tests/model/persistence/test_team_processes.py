"""Two processes editing one plan in a real PostgreSQL database (``team_worker.py`` each)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import create_engine, text

from gtm_planner.model.demo import build_demo_plan
from gtm_planner.model.entities import Plan
from gtm_planner.model.persistence import create_plan_file, load_plan
from gtm_planner.model.validation import cell_label
from tests.model.persistence.plan_factory import plan_differences

WORKER = Path(__file__).with_name("team_worker.py")
ROOT = Path(__file__).resolve().parents[3]


class Worker:
    """A client process; ``ask`` sends one request and returns its answer."""

    def __init__(self, url: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(WORKER), url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        self.hello = self.read()

    def send(self, **request: Any) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()

    def read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, f"the worker stopped (exit code {self.process.poll()})"
        answer: dict[str, Any] = json.loads(line)
        return answer

    def ask(self, **request: Any) -> dict[str, Any]:
        self.send(**request)
        return self.read()

    def close(self) -> None:
        try:
            if self.process.poll() is None:
                self.send(op="quit")
        finally:
            self.process.communicate(timeout=30)  # waits and closes both pipes


@pytest.fixture
def url(pg_url: str) -> str:
    create_plan_file(pg_url, build_demo_plan())
    return pg_url


@pytest.fixture
def workers(url: str) -> Iterator[tuple[Worker, Worker]]:
    a, b = Worker(url), Worker(url)
    try:
        yield a, b
    finally:
        a.close()
        b.close()


def test_disjoint_edits_from_two_processes_both_land(
    url: str, workers: tuple[Worker, Worker]
) -> None:
    a, b = workers
    a.ask(op="set", field="win_rate", cell=[0, 0], value=0.37)
    b.ask(op="set", field="budget", cell=[1, 2, 3], value=4321.0)
    assert a.ask(op="save") == {"saved": 1, "refused": [], "revision": 1}
    assert b.ask(op="save") == {"saved": 1, "refused": [], "revision": 2}
    stored = load_plan(url).plan_of_record.inputs
    assert stored.win_rate[0, 0] == 0.37 and stored.budget[1, 2, 3] == 4321.0
    assert a.ask(op="refresh")["remote_cells"] == 1
    assert a.ask(op="value", field="budget", cell=[1, 2, 3]) == {"value": 4321.0}


def test_the_same_cell_edited_from_stale_data_in_another_process_is_refused(
    url: str, workers: tuple[Worker, Worker]
) -> None:
    a, b = workers
    a.ask(op="set", field="win_rate", cell=[1, 1], value=0.44)
    a.ask(op="save")
    b.ask(op="set", field="win_rate", cell=[1, 1], value=0.55)  # b has not refreshed
    answer = b.ask(op="save")
    assert answer["saved"] == 0
    (message,) = answer["refused"]
    plan = build_demo_plan()
    assert cell_label(plan, "win_rate", (1, 1)) in message
    assert "44%" in message and "55%" in message and "database user postgres" in message
    assert b.ask(op="value", field="win_rate", cell=[1, 1]) == {"value": 0.44}
    assert load_plan(url).plan_of_record.inputs.win_rate[1, 1] == 0.44


# Few cells, so that the two processes collide often.
CELLS: list[tuple[str, list[int]]] = [
    ("win_rate", [0, 0]),
    ("win_rate", [0, 1]),
    ("win_rate", [1, 0]),
    ("asp", [0, 0]),
    ("budget", [0, 0, 0]),
    ("budget", [0, 1, 0]),
    ("budget", [3, 0, 5]),  # zero in the demo plan: not stored until someone sets it
]


def _replay_change_log(url: str, plan: Plan) -> tuple[Plan, int]:
    """The demo plan with every saved change-log line of the database applied, in order."""
    labels: dict[str, tuple[str, tuple[int, ...]]] = {}
    for field, cell in CELLS:
        labels[cell_label(plan, field, tuple(cell))] = (field, tuple(cell))
    engine = create_engine(url)
    with engine.connect() as c:
        rows = c.execute(
            text(
                'SELECT what, new_value, "user", db_user, revision FROM change_log '
                "WHERE revision > 0 ORDER BY id"
            )
        ).all()
    engine.dispose()
    replayed = plan.copy()
    inputs = replayed.plan_of_record.inputs
    for what, new_value, user, db_user, revision in rows:
        assert user and db_user == "postgres" and revision > 0
        name, index = labels[what]
        getattr(inputs, name)[index] = float(new_value)
    return replayed, len(rows)


def test_two_times_500_random_edits_lose_nothing(url: str, workers: tuple[Worker, Worker]) -> None:
    a, b = workers
    a.send(op="random", n=500, seed=1, cells=CELLS)
    b.send(op="random", n=500, seed=2, cells=CELLS)
    first, second = a.read(), b.read()
    accepted = sorted(first["accepted"] + second["accepted"])
    refused = first["refused"] + second["refused"]
    assert len(accepted) + refused == 1000
    assert refused > 0  # the processes did collide (about 1 edit in 9 here), and were told
    revisions = [r for r, *_ in accepted]
    assert len(set(revisions)) == len(revisions)  # every save its own revision

    stored = load_plan(url)
    # 1. The final state is the start plus every accepted edit, in revision order …
    expected = build_demo_plan()
    inputs = expected.plan_of_record.inputs
    for _, field, cell, value in accepted:
        getattr(inputs, field)[tuple(cell)] = value
    assert plan_differences(expected.scenarios, stored.scenarios) == []
    # 2. … and what the change log says, replayed: one line per accepted edit.
    replayed, lines = _replay_change_log(url, build_demo_plan())
    assert lines == len(accepted)
    assert plan_differences(replayed.scenarios, stored.scenarios) == []
    # 3. Both clients end up with the stored plan.
    for worker in (a, b):
        worker.ask(op="refresh")
        for field, cell in CELLS:
            value = worker.ask(op="value", field=field, cell=cell)["value"]
            assert value == getattr(stored.plan_of_record.inputs, field)[tuple(cell)]
    assert np.isfinite(stored.plan_of_record.inputs.win_rate).all()
