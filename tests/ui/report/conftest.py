"""Reports written once per module and read back with poppler's tools (pdftotext, pdfinfo)."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from PySide6.QtWidgets import QApplication

from gtm_planner.model.entities import Plan
from gtm_planner.model.exchange.report_data import (
    ReportData,
    comparison_summary,
    scenario_summary,
)
from gtm_planner.ui.report import Paper, write_pdf
from tests.conftest import require_program

PRINTED = dt.date(2026, 3, 14)


def summary_of(plan: Plan, scenario: str | None = None) -> ReportData:
    item = plan.plan_of_record if scenario is None else plan.scenario(scenario)
    return scenario_summary(plan, item, file_name="demo.gtmplan", printed=PRINTED)


def comparison_of(plan: Plan, a: str, b: str) -> ReportData:
    return comparison_summary(
        plan, plan.scenario(a), plan.scenario(b), file_name="demo.gtmplan", printed=PRINTED
    )


def write(qapp: QApplication, data: ReportData, path: Path, paper: Paper = Paper.A4) -> Path:
    assert qapp is not None
    write_pdf(data, path, paper)
    return path


def pdf_text(path: Path, page: int | None = None) -> str:
    """The PDF's text with runs of whitespace made single spaces, as a reader would search."""
    program = require_program("pdftotext", "poppler-utils")
    pages = [] if page is None else ["-f", str(page), "-l", str(page)]
    out = subprocess.run(
        [program, "-layout", *pages, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(out.split())


def pdf_info(path: Path) -> dict[str, str]:
    program = require_program("pdfinfo", "poppler-utils")
    out = subprocess.run([program, str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def page_count(path: Path) -> int:
    return int(pdf_info(path)["Pages"])
