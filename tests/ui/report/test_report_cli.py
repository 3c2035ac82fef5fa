"""``gtm-planner report`` works with no display and fails with a one-line reason, on a plan file
and on the same plan in PostgreSQL (``--db URL``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gtm_planner.model.persistence.errors import display_name
from tests.plan_stores import PlanStore
from tests.ui.report.conftest import page_count, pdf_text


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    """The CLI as a user runs it: no display, no Qt platform chosen."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "gtm_planner", *args],
        capture_output=True, text=True, timeout=180, env=env,
    )  # fmt: skip


def _source_name(store: PlanStore) -> str:
    """How the pages name where the plan came from: the file's name, or the database's URL
    without its user."""
    return display_name(store.location).strip("«»")


def test_report_writes_a_scenario_summary_headless(demo_store: PlanStore, tmp_path: Path) -> None:
    out = tmp_path / "summary.pdf"
    done = _run("report", *demo_store.args, str(out), "--scenario", "Efficiency plan",
                "--paper", "letter")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    text = pdf_text(out)
    assert "Scenario summary — Efficiency plan" in text
    assert f"{_source_name(demo_store)} · printed" in text
    assert 3 <= page_count(out) <= 10


def test_report_from_the_database_is_the_report_from_the_file(
    demo_sqlite: PlanStore, demo_postgresql: PlanStore, tmp_path: Path
) -> None:
    texts = []
    for store in (demo_sqlite, demo_postgresql):
        out = tmp_path / f"{store.backend}.pdf"
        done = _run("report", *store.args, str(out))
        assert done.returncode == 0, done.stderr
        assert out.read_bytes().startswith(b"%PDF-")
        texts.append(pdf_text(out).replace(_source_name(store), "SOURCE"))
    from_file, from_db = texts
    assert from_file.count("SOURCE · printed") >= 3  # on every page
    assert from_db == from_file


def test_report_compare_writes_both_scenarios(demo_store: PlanStore, tmp_path: Path) -> None:
    out = tmp_path / "comparison.pdf"
    done = _run("report", *demo_store.args, str(out), "--compare", "Baseline", "Efficiency plan")
    assert done.returncode == 0, done.stderr
    text = pdf_text(out)
    assert "Comparison — Baseline vs Efficiency plan" in text
    assert "A: Baseline" in text and "B: Efficiency plan" in text


@pytest.mark.parametrize(
    ("extra", "target", "reason"),
    [
        (("--scenario", "No such plan"), "ok.pdf", "no scenario or snapshot named 'No such plan'"),
        (("--compare", "Baseline", "Nope"), "ok.pdf", "'Nope'"),
        ((), "/proc/x.pdf", "/proc/x.pdf"),
        ((), "report.txt", "must end in .pdf"),
    ],
)
def test_report_fails_with_a_one_line_reason(
    demo_store: PlanStore, tmp_path: Path, extra: tuple[str, ...], target: str, reason: str
) -> None:
    out = target if target.startswith("/") else str(tmp_path / target)
    done = _run("report", *demo_store.args, out, *extra)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("gtm-planner report: ") and reason in lines[0]
    assert not Path(out).exists()
