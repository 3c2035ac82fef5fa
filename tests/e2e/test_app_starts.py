"""The real app, in a subprocess: it starts, renders the plan's numbers, and says nothing bad."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gtm_planner.cli import main as cli_main
from tests.conftest import require_program

BAD_OUTPUT = ("Traceback", "Error", "QWidget", "QPainter", "qt.qpa", "Warning", "WARNING")


def _plan(tmp_path: Path) -> Path:
    import io

    path = tmp_path / "demo.gtmplan"
    assert cli_main(["demo", str(path)], out=io.StringIO()) == 0
    return path


def _assert_clean(result: subprocess.CompletedProcess[str]) -> None:
    """Exit 0, nothing at all on stderr (no traceback, no Qt warning), only 'Saved …' out."""
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", result.stderr
    assert result.stdout.startswith("Saved "), result.stdout
    for word in BAD_OUTPUT:
        assert word not in result.stdout, result.stdout


def _is_png_of_size(path: Path, width: int, height: int) -> bool:
    data = path.read_bytes()
    w = int.from_bytes(data[16:20], "big")
    h = int.from_bytes(data[20:24], "big")
    return data[:8] == b"\x89PNG\r\n\x1a\n" and (w, h) == (width, height)


@pytest.mark.slow
def test_app_opens_a_plan_offscreen_and_renders_the_window(tmp_path: Path) -> None:
    png = tmp_path / "window.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-m", "gtm_planner", str(_plan(tmp_path)), "--screenshot", str(png)],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    _assert_clean(result)
    assert _is_png_of_size(png, 1600, 1000)


@pytest.mark.slow
def test_app_opens_a_real_x11_window_under_xvfb(tmp_path: Path) -> None:
    xvfb_run = require_program("xvfb-run", "xvfb")
    png = tmp_path / "window.png"
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    result = subprocess.run(
        [xvfb_run, "-a", "-s", "-screen 0 1600x1000x24", sys.executable, "-m", "gtm_planner",
         str(_plan(tmp_path)), "--screenshot", str(png)],
        capture_output=True, text=True, env=env, timeout=180,
    )  # fmt: skip
    _assert_clean(result)
    assert _is_png_of_size(png, 1600, 1000)


def test_app_without_a_display_says_how_to_get_one(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env.pop("WAYLAND_DISPLAY", None)
    result = subprocess.run(
        [sys.executable, "-m", "gtm_planner", str(_plan(tmp_path))],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert "No display found" in result.stderr
    assert "Traceback" not in result.stderr


def test_app_on_a_file_that_is_not_a_plan_exits_with_the_reason(tmp_path: Path) -> None:
    bad = tmp_path / "notes.gtmplan"
    bad.write_text("quarterly notes\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-m", "gtm_planner", str(bad), "--screenshot", str(tmp_path / "x.png")],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert "not a GTM Planner plan" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_first_run_without_a_plan_creates_the_demo_in_the_data_folder(tmp_path: Path) -> None:
    png = tmp_path / "window.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(tmp_path / "data"))
    result = subprocess.run(
        [sys.executable, "-m", "gtm_planner", "--screenshot", str(png)],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    _assert_clean(result)
    demo = tmp_path / "data" / "gtm-planner" / "Northwind Analytics demo.gtmplan"
    assert demo.exists()
    assert cli_main(["check", str(demo)]) == 0
