"""``gtm-planner report`` works with no display and fails with a one-line reason."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ui.report.conftest import page_count, pdf_text


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    """The CLI as a user runs it: no display, no Qt platform chosen."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "gtm_planner", *args],
        capture_output=True, text=True, timeout=180, env=env,
    )  # fmt: skip


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli_report") / "demo.gtmplan"
    assert _run("demo", str(path)).returncode == 0
    return path


def test_report_writes_a_scenario_summary_headless(demo_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "summary.pdf"
    done = _run("report", str(demo_file), str(out), "--scenario", "Efficiency plan",
                "--paper", "letter")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    text = pdf_text(out)
    assert "Scenario summary — Efficiency plan" in text
    assert "demo.gtmplan · printed" in text
    assert 3 <= page_count(out) <= 10


def test_report_compare_writes_both_scenarios(demo_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "comparison.pdf"
    done = _run("report", str(demo_file), str(out), "--compare", "Baseline", "Efficiency plan")
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
    demo_file: Path, tmp_path: Path, extra: tuple[str, ...], target: str, reason: str
) -> None:
    out = target if target.startswith("/") else str(tmp_path / target)
    done = _run("report", str(demo_file), out, *extra)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("gtm-planner report: ") and reason in lines[0]
    assert not Path(out).exists()
