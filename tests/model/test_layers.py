"""The model runs headless: importing any model module (or the CLI) loads no Qt at all."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import gtm_planner.model


def _model_modules() -> list[str]:
    return sorted(
        m.name
        for m in pkgutil.walk_packages(gtm_planner.model.__path__, prefix="gtm_planner.model.")
    )


def test_importing_every_model_module_and_the_cli_loads_no_qt() -> None:
    modules = [*_model_modules(), "gtm_planner.cli", "gtm_planner.cli_parser"]
    assert len(modules) > 10
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "qt = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'shiboken6', 'pyqtgraph', 'gtm_planner.ui'))\n"
        "print(','.join(qt))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "", f"Qt modules loaded by the model: {out.stdout}"
