"""The CLI's way in: paint a report with no display (``gtm-planner report``).

``cli.py`` imports this module by name inside its ``report`` command, so importing the CLI
loads no Qt; here Qt gets the offscreen platform unless the caller chose one.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from gtm_planner.model.exchange.report_data import ReportData


def write_report(data: ReportData, path: Path, paper: str) -> int:
    """Write ``data`` as a PDF on ``paper`` ("a4" or "letter"); the page count.

    Raises ``OSError`` when the file cannot be written (nothing is left behind).
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from gtm_planner.ui.report.render import write_pdf
    from gtm_planner.ui.report.style import Paper

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    pages = write_pdf(data, path, Paper(paper))
    del app  # the application lives on until the process ends; this only drops our name
    return pages
