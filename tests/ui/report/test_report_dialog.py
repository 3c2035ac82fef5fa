"""File › Print… / Export PDF: the preview shows the same pages the PDF gets."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from gtm_planner.model.document import PlanDocument
from gtm_planner.ui.report_dialog import COMPARISON, ReportDialog
from tests.ui.report.conftest import page_count, pdf_text


def _page_labels(dialog: ReportDialog) -> list[QLabel]:
    return [
        label for label in dialog.pages.findChildren(QLabel)
        if label.objectName().startswith("reportPage") and not label.pixmap().isNull()
    ]  # fmt: skip


def test_preview_shows_every_page_and_export_writes_the_same_pages(
    qtbot: QtBot, demo_document: PlanDocument, tmp_path: Path
) -> None:
    dialog = ReportDialog(demo_document)
    qtbot.addWidget(dialog)
    assert 3 <= dialog.page_count <= 10
    assert len(_page_labels(dialog)) == dialog.page_count
    out = tmp_path / "summary.pdf"
    assert dialog.export_to(out)
    assert page_count(out) == dialog.page_count
    assert f"Scenario summary — {demo_document.current_scenario.name}" in pdf_text(out)


def test_choosing_a_comparison_and_letter_paper_relays_the_preview(
    qtbot: QtBot, demo_document: PlanDocument, tmp_path: Path
) -> None:
    dialog = ReportDialog(demo_document, export=True)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentText(COMPARISON)
    dialog.second.setCurrentText("Efficiency plan")
    dialog.paper.setCurrentIndex(dialog.paper.findData("letter"))
    pixmap = _page_labels(dialog)[0].pixmap()
    assert abs(pixmap.width() / pixmap.height() - 612 / 792) < 0.01
    out = tmp_path / "comparison.pdf"
    assert dialog.export_to(out)
    assert "B: Efficiency plan" in pdf_text(out)


def test_comparing_a_scenario_with_itself_disables_export_and_says_why(
    qtbot: QtBot, demo_document: PlanDocument
) -> None:
    dialog = ReportDialog(demo_document)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentText(COMPARISON)
    dialog.second.setCurrentText(dialog.first.currentText())
    assert not dialog.export_button.isEnabled()
    assert "two different scenarios" in dialog.status.text()


def test_an_unwritable_path_is_reported_not_raised(
    qtbot: QtBot, demo_document: PlanDocument, monkeypatch: pytest.MonkeyPatch
) -> None:
    warnings: list[str] = []

    def warn(_parent: QWidget, _title: str, text: str) -> QMessageBox.StandardButton:
        warnings.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", warn)
    dialog = ReportDialog(demo_document)
    qtbot.addWidget(dialog)
    assert not dialog.export_to(Path("/proc/x.pdf"))
    assert warnings and "/proc/x.pdf" in warnings[0]
