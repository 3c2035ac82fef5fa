"""Before Qt starts: is there a display, and are the X11 libraries Qt's xcb plugin needs here?

Qt aborts with a cryptic "could not load the Qt platform plugin" when they are missing; we say
exactly which Debian packages to install instead. No Qt import here.
"""

from __future__ import annotations

import ctypes.util
import os
import sys

# Library name (as ctypes.util.find_library spells it) -> the Debian package that ships it.
XCB_LIBRARIES = {
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
    "xkbcommon-x11": "libxkbcommon-x11-0",
    "xcb-shape": "libxcb-shape0",
    "xcb-randr": "libxcb-randr0",
    "xcb-render-util": "libxcb-render-util0",
    "xcb-image": "libxcb-image0",
    "EGL": "libegl1",
    "fontconfig": "libfontconfig1",
}


def missing_debian_packages() -> list[str]:
    return [pkg for lib, pkg in XCB_LIBRARIES.items() if ctypes.util.find_library(lib) is None]


def display_problem() -> str | None:
    """A message saying what to do, or None when a window can be shown."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and platform.split(":")[0] != "xcb":
        return None  # offscreen, wayland, minimal…: the user chose
    if not sys.platform.startswith("linux"):
        return None
    if not platform and os.environ.get("WAYLAND_DISPLAY"):
        return None
    if not os.environ.get("DISPLAY"):
        return (
            "No display found (DISPLAY is not set). Run GTM Planner on a desktop session, or "
            "under a virtual screen: xvfb-run -s '-screen 0 1600x1000x24' make run"
        )
    missing = missing_debian_packages()
    if missing:
        return (
            "Qt's X11 support needs system libraries that are missing. Install them with:\n"
            f"  sudo apt-get install {' '.join(missing)}"
        )
    return None
