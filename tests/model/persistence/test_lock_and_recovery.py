"""The plan lock (who has a plan open) and the recovery of unsaved work after a crash."""

from __future__ import annotations

import dataclasses
import datetime as dt
import getpass
import json
import os
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from gtm_planner.model import commands
from gtm_planner.model.demo import build_demo_plan
from gtm_planner.model.document import PlanDocument
from gtm_planner.model.persistence import create_plan_file, load_plan, save_plan
from gtm_planner.model.persistence import recovery as recoveries
from gtm_planner.model.persistence.lock import (
    UNREADABLE_LOCK_GRACE_SECONDS,
    Lock,
    LockHeld,
    LockHolder,
    acquire,
    lock_path,
    read_holder,
)
from tests.model.persistence.plan_factory import plan_differences

EDITED_TARGET = 12_345_678.0


def _plan_file(tmp_path: Path, name: str = "q3.gtmplan") -> Path:
    path = tmp_path / name
    create_plan_file(path, build_demo_plan())
    return path


def _dead_pid() -> int:
    """The id of a process that has just exited (and been reaped)."""
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    return int(child.stdout)


def _write_lock(path: Path, *, host: str, pid: int, user: str = "maria") -> None:
    record = {"user": user, "host": host, "pid": pid, "token": "theirs",
              "opened_at": dt.datetime(2026, 3, 12, 9, 41, tzinfo=dt.UTC).isoformat()}  # fmt: skip
    lock_path(path).write_text(json.dumps(record))


def _edit_target(document: PlanDocument, value: float = EDITED_TARGET) -> None:
    scenario = document.current_scenario.id
    cells, values = np.array([[0, 0]]), np.array([value])
    commands.run(document, commands.SetValues("Edit", scenario, "annual_target", cells, values))


# --- The lock -----------------------------------------------------------------------------


def test_opening_a_plan_takes_a_lock_naming_this_user_host_and_process(tmp_path: Path) -> None:
    plan = _plan_file(tmp_path)
    lock = acquire(plan)
    assert isinstance(lock, Lock)
    holder = read_holder(plan)
    assert holder is not None
    assert (holder.user, holder.host, holder.pid) == (
        getpass.getuser(), socket.gethostname(), os.getpid()
    )  # fmt: skip
    assert lock_path(plan) == tmp_path / "q3.gtmplan.lock"
    lock.release()


def test_a_second_opener_is_told_who_holds_the_plan_and_since_when(tmp_path: Path) -> None:
    plan = _plan_file(tmp_path)
    first = acquire(plan)
    assert isinstance(first, Lock)
    second = acquire(plan)
    assert isinstance(second, LockHeld)
    assert second.holder.user == getpass.getuser()
    assert second.holder.host == socket.gethostname()
    assert second.holder.opened_at is not None
    opened = second.holder.opened_at.astimezone()
    assert abs(opened - dt.datetime.now().astimezone()) < dt.timedelta(minutes=1)
    assert second.message == (
        f"«q3.gtmplan» is open by {getpass.getuser()} on host {socket.gethostname()} "
        f"since {opened:%H:%M}"
    )
    first.release()


def test_the_holder_message_reads_like_a_sentence_with_the_date_when_not_today() -> None:
    opened = dt.datetime(2026, 3, 12, 9, 41).astimezone()
    holder = LockHolder("maria", "lap-12", 4242, opened)
    plan = Path("/plans/plan.gtmplan")
    same_day = opened.replace(hour=15)
    assert holder.describe(plan, now=same_day) == (
        "«plan.gtmplan» is open by maria on host lap-12 since 09:41"
    )
    next_day = opened + dt.timedelta(days=1)
    assert holder.describe(plan, now=next_day).endswith("since 12 Mar 2026 09:41")


def test_a_lock_left_by_a_process_that_died_on_this_host_is_taken_over(tmp_path: Path) -> None:
    plan = _plan_file(tmp_path)
    dead = _dead_pid()
    _write_lock(plan, host=socket.gethostname(), pid=dead)
    lock = acquire(plan)
    assert isinstance(lock, Lock)
    assert lock.took_over is not None and lock.took_over.pid == dead
    holder = read_holder(plan)
    assert holder is not None and holder.pid == os.getpid()
    lock.release()


def test_a_lock_from_another_host_is_trusted_even_if_no_such_process_runs_here(
    tmp_path: Path,
) -> None:
    plan = _plan_file(tmp_path)
    _write_lock(plan, host="lap-12", pid=_dead_pid(), user="maria")
    held = acquire(plan)
    assert isinstance(held, LockHeld)
    assert held.message.startswith("«q3.gtmplan» is open by maria on host lap-12 since ")


def test_a_lock_of_a_running_process_is_respected(tmp_path: Path) -> None:
    plan = _plan_file(tmp_path)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        _write_lock(plan, host=socket.gethostname(), pid=sleeper.pid, user="maria")
        held = acquire(plan)
        assert isinstance(held, LockHeld)
        assert held.holder.pid == sleeper.pid
    finally:
        sleeper.kill()
        sleeper.wait()


def test_release_removes_the_lock_so_the_plan_can_be_opened_again(tmp_path: Path) -> None:
    plan = _plan_file(tmp_path)
    lock = acquire(plan)
    assert isinstance(lock, Lock)
    lock.release()
    lock.release()  # closing twice is harmless
    assert not lock_path(plan).exists()
    again = acquire(plan)
    assert isinstance(again, Lock)
    again.release()


def test_release_never_removes_a_lock_someone_else_took_over(tmp_path: Path) -> None:
    plan = _plan_file(tmp_path)
    lock = acquire(plan)
    assert isinstance(lock, Lock)
    _write_lock(plan, host="lap-12", pid=99, user="maria")  # replaced behind our back
    lock.release()
    assert lock_path(plan).exists()
    holder = read_holder(plan)
    assert holder is not None and holder.user == "maria"


def test_a_garbled_lock_file_is_held_while_fresh_and_taken_over_when_old(tmp_path: Path) -> None:
    plan = _plan_file(tmp_path)
    lock_path(plan).write_text("{not json")
    assert isinstance(acquire(plan), LockHeld)  # perhaps being written this very moment
    old = time.time() - UNREADABLE_LOCK_GRACE_SECONDS - 5
    os.utime(lock_path(plan), (old, old))
    lock = acquire(plan)
    assert isinstance(lock, Lock)
    lock.release()


def test_a_process_that_exits_without_closing_the_plan_leaves_no_lock(tmp_path: Path) -> None:
    plan = _plan_file(tmp_path)
    script = textwrap.dedent(f"""
        from gtm_planner.model.persistence.lock import Lock, acquire
        assert isinstance(acquire({str(plan)!r}), Lock)
    """)
    subprocess.run([sys.executable, "-c", script], check=True, cwd=Path(__file__).parents[3])
    assert not lock_path(plan).exists()


# --- Recovery -----------------------------------------------------------------------------


def _write_recovery_in_a_process_that_ends(plan: Path, folder: Path) -> None:
    """A child opens the plan, edits it, autosaves and dies without saving (os._exit)."""
    script = textwrap.dedent(f"""
        import os
        from pathlib import Path
        import numpy as np
        from gtm_planner.model import commands
        from gtm_planner.model.document import PlanDocument
        from gtm_planner.model.persistence import load_plan
        from gtm_planner.model.persistence.recovery import write_recovery
        path = Path({str(plan)!r})
        document = PlanDocument(load_plan(path), path=path)
        sid = document.current_scenario.id
        commands.run(document, commands.SetValues(
            "Edit", sid, "annual_target", np.array([[0, 0]]), np.array([{EDITED_TARGET!r}])))
        write_recovery(document, Path({str(folder)!r}))
        os._exit(0)
    """)
    subprocess.run([sys.executable, "-c", script], check=True, cwd=Path(__file__).parents[3])


def test_unsaved_work_of_a_process_that_died_is_offered_and_loads_as_it_was(
    tmp_path: Path,
) -> None:
    plan = _plan_file(tmp_path)
    folder = tmp_path / "recovery"
    _write_recovery_in_a_process_that_ends(plan, folder)

    pending = recoveries.pending_recoveries(folder)
    assert [r.original_path for r in pending] == [plan]
    recovery = pending[0]
    assert recovery.user == getpass.getuser()
    assert "q3.gtmplan" in recovery.describe()

    document = recoveries.load_recovery(recovery)
    assert document.path == plan
    expected = PlanDocument(load_plan(plan), path=plan)
    _edit_target(expected)
    assert plan_differences(expected.plan, document.plan) == []
    assert [(e.what, e.old_value, e.new_value) for e in document.pending_log] == [
        (e.what, e.old_value, e.new_value) for e in expected.pending_log
    ]
    assert document.current_scenario.inputs.annual_target[0, 0] == EDITED_TARGET
    # the file itself was never touched
    assert load_plan(plan).plan_of_record.inputs.annual_target[0, 0] != EDITED_TARGET


def test_saving_recovered_work_writes_it_to_the_original_and_the_recovery_is_gone(
    tmp_path: Path,
) -> None:
    plan = _plan_file(tmp_path)
    folder = tmp_path / "recovery"
    _write_recovery_in_a_process_that_ends(plan, folder)
    (recovery,) = recoveries.pending_recoveries(folder)
    document = recoveries.load_recovery(recovery)
    logged_before = len(load_plan(plan).change_log)

    changed = None if document.structure_dirty else document.dirty_scenarios
    save_plan(document.path or plan, recoveries.plan_with_pending_log(document), changed)
    document.mark_saved()
    recoveries.discard_for(plan, folder)

    saved = load_plan(plan)
    assert saved.plan_of_record.inputs.annual_target[0, 0] == EDITED_TARGET
    assert len(saved.change_log) == logged_before + 1
    assert recoveries.pending_recoveries(folder) == []
    assert list(folder.iterdir()) == []


def test_this_process_own_recovery_is_not_offered_and_is_removed_after_a_save(
    tmp_path: Path,
) -> None:
    plan = _plan_file(tmp_path)
    folder = tmp_path / "recovery"
    document = PlanDocument(load_plan(plan), path=plan)
    _edit_target(document)
    written = recoveries.write_recovery(document, folder)
    assert recoveries.all_recoveries(folder) == [written]
    assert recoveries.pending_recoveries(folder) == []  # still ours: we are running
    assert recoveries.recovery_for(plan, folder) is None

    save_plan(plan, recoveries.plan_with_pending_log(document), document.dirty_scenarios)
    document.mark_saved()
    recoveries.discard_for(plan, folder)
    assert recoveries.all_recoveries(folder) == []
    assert not written.plan_path.exists() and not written.manifest_path.exists()


def test_a_newer_autosave_replaces_the_older_one_of_the_same_plan(tmp_path: Path) -> None:
    plan = _plan_file(tmp_path)
    folder = tmp_path / "recovery"
    document = PlanDocument(load_plan(plan), path=plan)
    _edit_target(document, 1.0)
    recoveries.write_recovery(document, folder)
    _edit_target(document, 2.0)
    recoveries.write_recovery(document, tmp_path / "recovery" / ".." / "recovery")
    (only,) = recoveries.all_recoveries(folder)
    assert len(only.pending_log_ids) == 2
    loaded = recoveries.load_recovery(only)
    assert loaded.current_scenario.inputs.annual_target[0, 0] == 2.0


def test_the_same_plan_under_another_spelling_of_its_path_has_the_same_recovery(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert recoveries.recovery_key(Path("q3.gtmplan")) == recoveries.recovery_key(
        tmp_path / "sub" / ".." / "q3.gtmplan"
    )
    assert recoveries.recovery_key(tmp_path / "a.gtmplan") != recoveries.recovery_key(
        tmp_path / "b.gtmplan"
    )


def test_a_damaged_manifest_or_a_copy_without_manifest_is_never_offered(tmp_path: Path) -> None:
    folder = tmp_path / "recovery"
    folder.mkdir()
    (folder / "0123.json").write_text("{half a manifest")
    (folder / "4567.gtmplan").write_bytes(b"")
    assert recoveries.pending_recoveries(folder) == []


def test_recoveries_live_in_the_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if sys.platform != "linux":
        pytest.skip("XDG_DATA_HOME is how Linux names the data folder")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert recoveries.recovery_folder() == tmp_path / "data" / "gtm-planner" / "recovery"
    plan = _plan_file(tmp_path)
    document = PlanDocument(load_plan(plan), path=plan)
    _edit_target(document)
    written = recoveries.write_recovery(document)
    assert written.manifest_path.parent == tmp_path / "data" / "gtm-planner" / "recovery"
    manifest = json.loads(written.manifest_path.read_text())
    assert manifest["original_path"] == str(plan)
    assert manifest["user"] == getpass.getuser()
    assert dataclasses.replace(written) == recoveries.all_recoveries()[0]


@pytest.mark.skipif(sys.platform != "linux", reason="zombies are read from /proc")
def test_a_lock_of_a_killed_process_not_yet_reaped_is_taken_over(tmp_path: Path) -> None:
    plan = _plan_file(tmp_path)
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        child.kill()
        deadline = time.monotonic() + 10
        while Path(f"/proc/{child.pid}/stat").read_text().split(") ")[1][0] != "Z":
            assert time.monotonic() < deadline
            time.sleep(0.01)
        _write_lock(plan, host=socket.gethostname(), pid=child.pid)  # a zombie: not reaped
        lock = acquire(plan)
        assert isinstance(lock, Lock)
        lock.release()
    finally:
        child.wait()
