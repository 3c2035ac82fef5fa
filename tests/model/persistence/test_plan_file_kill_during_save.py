"""SIGKILL at any moment of a save leaves either the old plan or the new one, never a mix.

A child process saves two known versions of a plan into one file, alternately and without
pause; it is killed at moments spread over the length of a save, again and again. After each
kill the file must open (integrity check included) and equal one of the two versions.
"""

from __future__ import annotations

import datetime as dt
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gtm_planner.model.entities import Plan, Scenario, Snapshot
from gtm_planner.model.persistence import PlanRepository, check_plan_file, load_plan, save_plan_as
from tests.model.persistence.plan_factory import plan_differences, random_plan

SAVE_LOOP = Path(__file__).with_name("save_loop.py")
KILLS = 24


def _two_versions() -> tuple[Plan, Plan]:
    """Version A, and a version B that differs in values and in structure."""
    a = random_plan(61, regions=20, lines=15, scenarios=6, horizon=36, budget_density=1.0)
    b = a.copy()
    b.settings.name = "Version B"
    for scenario in b.scenarios:
        scenario.inputs.budget = scenario.inputs.budget * 0.5 + 1.0
        scenario.inputs.win_rate = scenario.inputs.win_rate * 0.5
    del b.scenarios[2]
    b.scenarios.append(Scenario(424_242, "Only in B", b.scenarios[0].inputs.copy()))
    b.snapshots.append(
        Snapshot(9, "Only in B", "x", dt.datetime(2026, 6, 1), a.scenarios[0].inputs, {})
    )
    return a, b


def _start_saving(target: Path, first: Path, second: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, str(SAVE_LOOP), str(target), str(first), str(second)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    ready, _, _ = select.select([child.stdout], [], [], 60)
    line = child.stdout.readline() if ready else ""
    if line.strip() != "ready":
        child.kill()
        _, errors = child.communicate()
        pytest.fail(f"the saving process did not start: {line!r} {errors}")
    return child


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_save_killed_at_any_moment_leaves_the_old_or_the_new_plan(tmp_path: Path) -> None:
    a, b = _two_versions()
    first, second = tmp_path / "b.gtmplan", tmp_path / "a.gtmplan"
    save_plan_as(first, b)
    save_plan_as(second, a)
    target = tmp_path / "target.gtmplan"
    save_plan_as(target, a)

    started = time.perf_counter()  # how long one full save takes on this machine
    with PlanRepository.open(target) as repository:
        repository.save(a)
    save_seconds = time.perf_counter() - started

    journal = target.with_name(target.name + "-journal")
    seen = {"A": 0, "B": 0}
    interrupted = 0
    for kill in range(KILLS):
        child = _start_saving(target, first, second)
        # Kill points spread over about three saves, at a different phase each time.
        time.sleep(save_seconds * (kill * 3.0 / KILLS) + 0.002 * (kill % 5))
        assert child.poll() is None, child.communicate()[1]
        child.send_signal(signal.SIGKILL)
        child.communicate()
        interrupted += journal.exists()  # a journal exists only inside a write transaction

        assert check_plan_file(target) == [], f"kill {kill}: the file does not pass the check"
        loaded = load_plan(target)
        if not plan_differences(a, loaded):
            seen["A"] += 1
        elif not plan_differences(b, loaded):
            seen["B"] += 1
        else:
            mix = plan_differences(a, loaded)[:3] + plan_differences(b, loaded)[:3]
            pytest.fail(f"kill {kill}: the file holds neither version: {mix}")

    # The kills really hit saves in progress, and both versions were left at some point.
    assert interrupted >= KILLS // 3, f"only {interrupted} kills landed inside a save"
    assert seen["A"] and seen["B"], seen
