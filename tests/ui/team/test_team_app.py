"""``gtm-planner --db URL``: the real app in a subprocess, on a plan shared in PostgreSQL."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gtm_planner.app import main

SHOTS = Path("/tmp")  # for a person to look at, beside the other screenshot tests' pictures


def run_app(*arguments: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "gtm_planner", *arguments],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@pytest.mark.slow
def test_the_app_opens_the_plan_in_a_database_and_renders_the_window(
    shared_url: str, tmp_path: Path
) -> None:
    png = tmp_path / "team.png"
    result = run_app("--db", shared_url, "--screenshot", str(png))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no traceback, no Qt warning
    assert result.stdout.startswith("Saved ")
    assert png_size(png) == (1600, 1000)
    shutil.copyfile(png, SHOTS / "team_window.png")


def test_a_database_that_cannot_be_reached_is_one_line_without_the_password(
    tmp_path: Path,
) -> None:
    url = "postgresql+psycopg://anna:s3cret-pw@127.0.0.1:1/gtm_q3"  # nothing listens on port 1
    result = run_app("--db", url, "--screenshot", str(tmp_path / "never.png"))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("gtm-planner: «postgresql+psycopg://127.0.0.1:1/gtm_q3» cannot")
    assert "s3cret-pw" not in result.stderr + result.stdout
    assert not (tmp_path / "never.png").exists()


def test_a_plan_file_and_a_database_at_once_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_code:
        main(["q3.gtmplan", "--db", "postgresql+psycopg://anna@db/gtm_q3"])
    assert exit_code.value.code == 2
    assert "either a PLAN file or --db URL" in capsys.readouterr().err
