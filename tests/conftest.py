"""Suite-wide settings: Qt offscreen before any QApplication exists; CI fails, not skips."""

from __future__ import annotations

import os
import shutil

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def require_program(program: str, debian_package: str) -> str:
    """The path of ``program``; skip naming the Debian package, or fail under ``CI=true``."""
    path = shutil.which(program)
    if path is None:
        message = f"needs {program!r}: apt-get install {debian_package}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path
