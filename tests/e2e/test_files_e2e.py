"""The File menu end to end: the real app in subprocesses, killed, run twice at once, reopened.

Each process is started by ``tests/e2e/driver.py`` the way ``gtm-planner PLAN`` starts; it
answers the app's message boxes by rule and reports what the user would see as JSON lines.
Any traceback or Qt warning (anything at all on stderr) fails the test. HOME and the XDG
folders point into the test's folder, so settings and recovery files stay there.
"""

from __future__ import annotations

import getpass
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from gtm_planner.cli import main as cli_main
from gtm_planner.model.persistence import load_plan

ROOT = Path(__file__).parents[2]
TIMEOUT = 120.0
Event = dict[str, Any]


def _plan(tmp_path: Path) -> Path:
    path = tmp_path / "q3.gtmplan"
    assert cli_main(["demo", str(path)], out=io.StringIO()) == 0
    return path


def _target(plan: Path) -> float:
    return float(load_plan(plan).plan_of_record.inputs.annual_target[0, 0])


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GTM_PLANNER_")}
    for name in ("home", "data", "config"):
        (tmp_path / name).mkdir(exist_ok=True)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        HOME=str(tmp_path / "home"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        **extra,
    )
    return env


def _recovery_folder(tmp_path: Path) -> Path:
    return tmp_path / "data" / "gtm-planner" / "recovery"


class App:
    """One app process whose output goes to files the test reads while it runs."""

    def __init__(self, env: dict[str, str], folder: Path, plan: Path, *args: str) -> None:
        folder.mkdir()
        self.out, self.err = folder / "stdout", folder / "stderr"
        with self.out.open("w") as out, self.err.open("w") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.e2e.driver", str(plan), *args],
                stdout=out, stderr=err, env=env, cwd=ROOT,
            )  # fmt: skip

    def events(self) -> list[Event]:
        lines = self.out.read_text().splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]

    def stderr(self) -> str:
        return self.err.read_text()

    def wait_for(self, event: str) -> Event:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            found = [e for e in self.events() if e["event"] == event]
            if found:
                return found[0]
            if self.process.poll() is not None:
                pytest.fail(f"the app ended before {event!r}: {self.stderr()}")
            time.sleep(0.05)
        pytest.fail(f"no {event!r} within {TIMEOUT} s: {self.stderr()}")

    def finish(self) -> list[Event]:
        """Wait for a clean exit: code 0, nothing on stderr."""
        code = self.process.wait(timeout=TIMEOUT)
        assert self.stderr() == ""
        assert code == 0
        return self.events()


def _run(env: dict[str, str], folder: Path, plan: Path, *args: str) -> list[Event]:
    return App(env, folder, plan, *args).finish()


def _only(events: list[Event], kind: str) -> Event:
    found = [e for e in events if e["event"] == kind]
    assert len(found) == 1, events
    return found[0]


def _all(events: list[Event], kind: str) -> list[Event]:
    return [e for e in events if e["event"] == kind]


@pytest.mark.slow
def test_edits_of_a_killed_app_are_offered_on_restart_and_saved_to_the_plan(
    tmp_path: Path,
) -> None:
    plan = _plan(tmp_path)
    saved_target = _target(plan)
    env = _env(tmp_path, GTM_PLANNER_AUTOSAVE_SECONDS="1")

    killed = App(env, tmp_path / "killed", plan,
                 "edit:12345678", "wait-autosave", f"wait-file:{tmp_path / 'never'}")  # fmt: skip
    killed.wait_for("autosaved")
    killed.process.send_signal(signal.SIGKILL)
    killed.process.wait(timeout=TIMEOUT)
    assert killed.stderr() == ""
    assert _target(plan) == saved_target  # the edit was never saved to the plan

    events = _run(env, tmp_path / "restarted", plan,
                  "--answer", "closed without saving=Recover",
                  "report", "save", "report", "quit")  # fmt: skip

    offer = _only(events, "dialog")
    assert offer["title"] == "Recover unsaved changes"
    assert f"{getpass.getuser()}'s changes to «q3.gtmplan»" in offer["text"]
    recovered, after_save = _all(events, "state")
    assert recovered["target"] == 12345678.0
    assert recovered["path"] == str(plan)
    assert recovered["modified"] and recovered["window_modified"]
    assert not after_save["modified"]
    assert _target(plan) == 12345678.0
    assert list(_recovery_folder(tmp_path).iterdir()) == []
    assert not plan.with_name("q3.gtmplan.lock").exists()


@pytest.mark.slow
def test_a_plan_open_in_one_app_opens_read_only_in_a_second_naming_the_holder(
    tmp_path: Path,
) -> None:
    plan = _plan(tmp_path)
    env = _env(tmp_path)
    release = tmp_path / "release"
    holder = App(env, tmp_path / "holder", plan, "report", f"wait-file:{release}", "quit")
    assert not holder.wait_for("state")["read_only"]

    events = _run(env, tmp_path / "second", plan,
                  "--answer", "is open by=Open read-only", "report", "quit")  # fmt: skip

    told = _only(events, "dialog")
    assert told["title"] == "Plan in use"
    user, host = getpass.getuser(), socket.gethostname()
    assert told["text"].startswith(f"«q3.gtmplan» is open by {user} on host {host} since ")
    state = _only(events, "state")
    assert state["read_only"]
    assert state["title"].endswith("— read-only")
    release.touch()
    assert _only(holder.finish(), "quit")["windows_left"] == 0
    assert not plan.with_name("q3.gtmplan.lock").exists()


@pytest.mark.slow
def test_an_edit_saved_and_quit_is_there_when_the_plan_is_reopened(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    env = _env(tmp_path)

    first = _run(env, tmp_path / "first", plan,
                 "edit:7654321", "change-log", "save", "report", "quit")  # fmt: skip
    before_save = _only(first, "change_log")
    assert before_save["rows"][0][0].endswith("(unsaved)")
    assert "Bookings target" in before_save["rows"][0][3]
    assert before_save["summary"].endswith("1 not yet saved")
    assert _only(first, "saved")["ok"]
    assert not _only(first, "state")["modified"]

    second = _run(env, tmp_path / "second", plan, "report", "change-log", "quit")
    assert _only(second, "state")["target"] == 7654321.0
    assert not _only(second, "state")["modified"]
    newest = _only(second, "change_log")["rows"][0]
    assert "Bookings target" in newest[3] and not newest[0].endswith("(unsaved)")
    assert newest[4].endswith("→ 7654321")  # as typed: no exponent, no rounding
    assert _target(plan) == 7654321.0  # read back without the app
    settings = (tmp_path / "config" / "GTM Planner" / "GTM Planner.conf").read_text()
    assert str(plan) in settings  # in Open Recent


@pytest.mark.slow
def test_quitting_with_unsaved_edits_asks_first_and_cancel_keeps_the_work(
    tmp_path: Path,
) -> None:
    plan = _plan(tmp_path)
    saved_target = _target(plan)
    env = _env(tmp_path)

    events = _run(env, tmp_path / "app", plan,
                  "--answer", "before closing=Cancel", "--answer", "before closing=Save",
                  "edit:5550000", "quit", "report", "quit")  # fmt: skip

    asked = _all(events, "dialog")
    assert [d["answer"] for d in asked] == ["Cancel", "Save"]
    assert all("Save the changes to «q3.gtmplan» before closing?" in d["text"] for d in asked)
    cancelled, closed = _all(events, "quit")
    assert cancelled["windows_left"] == 1
    state = _only(events, "state")
    assert state["modified"] and state["target"] == 5550000.0
    assert closed["windows_left"] == 0
    assert saved_target != 5550000.0
    assert _target(plan) == 5550000.0


@pytest.mark.slow
def test_a_file_that_is_not_a_plan_is_refused_with_the_reason_in_a_message(
    tmp_path: Path,
) -> None:
    notes = tmp_path / "notes.gtmplan"
    notes.write_text("quarterly notes\n")
    app = App(_env(tmp_path), tmp_path / "app", notes, "--answer", "not a GTM Planner=OK")
    assert app.process.wait(timeout=TIMEOUT) == 1
    assert app.stderr() == ""
    told = _only(app.events(), "dialog")
    assert told["title"] == "Cannot open the plan"
    assert told["text"].startswith("«notes.gtmplan» is not a GTM Planner plan")
    assert _only(app.events(), "nothing_open")
    assert notes.read_text() == "quarterly notes\n"
    assert not notes.with_name("notes.gtmplan.lock").exists()


@pytest.mark.slow
def test_an_older_plan_is_upgraded_after_a_backup_and_the_user_is_told_where(
    tmp_path: Path,
) -> None:
    from gtm_planner.model.demo import build_demo_plan
    from tests.model.persistence.test_plan_file_migrations import _write_schema_0_file

    plan = tmp_path / "fy26.gtmplan"
    original = _write_schema_0_file(plan, build_demo_plan())

    events = _run(_env(tmp_path), tmp_path / "app", plan,
                  "--answer", "has been upgraded=OK", "report", "quit")  # fmt: skip

    told = _only(events, "dialog")
    assert told["title"] == "Plan upgraded"
    backups = [p for p in tmp_path.iterdir() if p.name.startswith("fy26") and p != plan]
    assert len(backups) == 1, backups
    assert f"A copy of the original is at {backups[0]}." in told["text"]
    assert backups[0].read_bytes() == original
    assert _only(events, "state")["path"] == str(plan)
    assert load_plan(plan).settings.name == build_demo_plan().settings.name


@pytest.mark.slow
def test_save_as_moves_the_work_the_lock_and_the_title_and_new_opens_a_second_window(
    tmp_path: Path,
) -> None:
    plan = _plan(tmp_path)
    copy, fresh = tmp_path / "q3 board.gtmplan", tmp_path / "fy28.gtmplan"
    original_target = _target(plan)

    events = _run(_env(tmp_path), tmp_path / "app", plan,
                  "edit:4440000", f"save-as:{copy}", "report", "recent",
                  f"new:{fresh}", "report", "quit")  # fmt: skip

    assert _only(events, "saved_as")["ok"]
    moved, created = _all(events, "state")
    assert moved["path"] == str(copy) and not moved["modified"]
    assert moved["title"].startswith("q3 board.gtmplan[*] — ")
    assert _target(copy) == 4440000.0
    assert _target(plan) == original_target  # Save As leaves the old file as it was
    assert _only(events, "recent")["paths"][:2] == [str(copy), str(plan)]
    assert created["windows"] == 2 and created["path"] == str(fresh)
    assert load_plan(fresh).settings.name == "fy28"
    assert _only(events, "quit")["windows_left"] == 0
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".lock")]


@pytest.mark.slow
def test_a_recent_plan_that_was_moved_away_is_dropped_from_the_list_with_a_message(
    tmp_path: Path,
) -> None:
    plan, other = _plan(tmp_path), tmp_path / "other.gtmplan"
    plan.with_name("other.gtmplan").write_bytes(plan.read_bytes())
    env = _env(tmp_path)
    _run(env, tmp_path / "first", plan, "quit")
    moved = plan.rename(tmp_path / "archived.gtmplan")

    events = _run(env, tmp_path / "second", other,
                  "--answer", "removed from Open Recent=OK",
                  f"open-recent:{plan}", "recent", "report", "quit")  # fmt: skip

    told = _only(events, "dialog")
    assert told["text"].startswith(f"«q3.gtmplan» is no longer at {tmp_path}")
    assert _only(events, "recent")["paths"] == [str(other)]
    assert _only(events, "state")["windows"] == 1
    assert moved.exists()
