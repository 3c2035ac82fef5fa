"""`make run` on a desktop without Qt's X11 libraries prints the apt-get line, not Qt's abort."""

from __future__ import annotations

import ctypes.util

import pytest

from gtm_planner import platform_check


def test_missing_xcb_libraries_are_named_with_the_apt_get_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = ctypes.util.find_library
    missing = {"xcb-cursor", "xcb-icccm", "xcb-keysyms"}
    monkeypatch.setattr(
        ctypes.util, "find_library", lambda name: None if name in missing else real(name) or name
    )
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    message = platform_check.display_problem()
    assert message is not None
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1" in message


def test_no_display_says_how_to_run_under_a_virtual_screen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    message = platform_check.display_problem()
    assert message is not None
    assert "xvfb-run" in message


def test_offscreen_needs_no_display(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert platform_check.display_problem() is None
