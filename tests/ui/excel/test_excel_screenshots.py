"""Screenshots of the import preview and problems dialogs at 1600×1000, for review."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QHeaderView
from pytestqt.qtbot import QtBot

from gtm_planner.model.exchange.workbook_layout import row_key
from gtm_planner.ui.excel_dialogs import ExcelController
from gtm_planner.ui.excel_preview import (
    ImportPreviewDialog,
    ImportProblemsDialog,
)
from gtm_planner.ui.main_window import MainWindow
from gtm_planner.ui.screenshot import save_screenshot
from tests.ui.excel.conftest import Answers, edit_cells, export_through_ui, wait_for_task

SHOTS = Path("/tmp")


def _import(qtbot: QtBot, excel: ExcelController, answers: Answers, path: Path) -> None:
    answers.open_path = path
    excel.import_from_excel()
    wait_for_task(qtbot, excel)


def _fully_shown(view_header: QHeaderView) -> bool:
    return all(view_header.sectionSize(i) > 40 for i in range(view_header.count()))


def test_screenshots_of_the_preview_and_the_problems_dialog(
    qtbot: QtBot, window: MainWindow, excel: ExcelController, answers: Answers, tmp_path: Path
) -> None:
    window.show()
    exported = export_through_ui(qtbot, excel, answers, tmp_path / "baseline.xlsx")
    plan, scenario = window.document.plan, window.document.current_scenario
    sid, (na, emea, apac, latam) = scenario.id, (r.id for r in plan.regions)
    lines = [b.id for b in plan.budget_lines]
    edit_cells(exported, tmp_path / "edited.xlsx", {
        ("Targets", row_key(sid, na), "target:FY2027"): 25_000_000.0,
        ("Assumptions", row_key(sid, emea), "win_rate:1"): 0.27,
        ("Assumptions", row_key(sid, apac), "asp:2"): 61_000.0,
        ("Budget", row_key(sid, emea, lines[4]), "m:2027-03"): 95_000.0,
        ("Budget", row_key(sid, apac, lines[5]), "m:2027-07"): 0.0,
        ("Budget", row_key(sid, latam, lines[6]), "m:2027-11"): 18_500.0,
        ("Capacity", row_key(sid, na), "starting_aes"): 31.0,
    })  # fmt: skip
    _import(qtbot, excel, answers, tmp_path / "edited.xlsx")
    preview = excel.dialog
    assert isinstance(preview, ImportPreviewDialog)
    shot = save_screenshot(preview, SHOTS / "excel_preview.png")
    assert shot.stat().st_size > 10_000
    assert _fully_shown(preview.view.header())
    assert preview.apply_button.isVisible() and preview.cancel_button.isVisible()
    preview.reject()

    edit_cells(exported, tmp_path / "bad.xlsx", {
        ("Budget", row_key(sid, emea, lines[4]), "m:2027-03"): "about 40k",
        ("Budget", row_key(sid, apac, lines[5]), "m:2027-07"): -2_500.0,
        ("Assumptions", row_key(sid, latam), "win_rate:2"): 1.4,
        ("Targets", row_key(sid, na), "target:FY2027"): "=SUM(1,2)",
    })  # fmt: skip
    _import(qtbot, excel, answers, tmp_path / "bad.xlsx")
    problems = excel.dialog
    assert isinstance(problems, ImportProblemsDialog)
    shot = save_screenshot(problems, SHOTS / "excel_problems.png")
    assert shot.stat().st_size > 10_000
    assert problems.close_button.isVisible()
