"""File › Print… and File › Export PDF…: the report's pages previewed, then exported or printed.

The preview images, the PDF and the printed sheets are painted from one ``Layout`` by the same
``paint_page``, so what the CRO sees here is what the board gets on paper.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from gtm_planner.model.document import PlanDocument
from gtm_planner.model.exchange.report_data import (
    ReportData,
    ReportError,
    comparison_summary,
    find_item,
    scenario_summary,
)
from gtm_planner.ui.report import Layout, Paper, layout_report, page_image, pdf_bytes

PREVIEW_ZOOM = 1.25  # pixels per point on screen
SUMMARY, COMPARISON = "Scenario summary", "Comparison of two scenarios"


def print_support_available() -> bool:
    """QtPrintSupport ships with full PySide6; PySide6-Essentials may lack it."""
    return importlib.util.find_spec("PySide6.QtPrintSupport") is not None


def unsaved_file_name(document: PlanDocument) -> str:
    return document.path.name if document.path is not None else "Unsaved plan"


class ReportDialog(QDialog):
    """Choose the report and the paper, look at every page, then export or print it."""

    def __init__(
        self, document: PlanDocument, parent: QWidget | None = None, *, export: bool = False
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reportDialog")
        self.setWindowTitle("Export PDF" if export else "Print")
        self.document = document
        self.layout_: Layout | None = None
        plan = document.plan
        names = [s.name for s in plan.scenarios] + [s.name for s in plan.snapshots]

        self.kind = QComboBox(self)
        self.kind.addItems([SUMMARY, COMPARISON])
        self.first = QComboBox(self)
        self.first.addItems(names)
        self.first.setCurrentText(document.current_scenario.name)
        self.second = QComboBox(self)
        self.second.addItems(names)
        others = [n for n in names if n != self.first.currentText()]
        if others:
            self.second.setCurrentText(others[0])
        self.paper = QComboBox(self)
        for paper in Paper:
            self.paper.addItem(paper.label, paper.value)
        choices = QHBoxLayout()
        for label, widget in (("&Report:", self.kind), ("&Scenario:", self.first),
                              ("&Versus:", self.second), ("Pa&per:", self.paper)):  # fmt: skip
            buddy = QLabel(label, self)
            buddy.setBuddy(widget)
            choices.addWidget(buddy)
            choices.addWidget(widget)
        choices.addStretch(1)

        self.pages = QWidget(self)
        self.pages_layout = QVBoxLayout(self.pages)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.preview = QScrollArea(self)
        self.preview.setWidget(self.pages)
        self.preview.setWidgetResizable(True)
        self.preview.setBackgroundRole(QPalette.ColorRole.Dark)

        self.status = QLabel(self)
        self.export_button = QPushButton("&Export PDF…", self)
        self.print_button = QPushButton("&Print…", self)
        self.print_button.setVisible(print_support_available())
        close = QPushButton("Close", self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        for button in (self.export_button, self.print_button, close):
            buttons.addWidget(button)
        (self.export_button if export or not print_support_available()
         else self.print_button).setDefault(True)  # fmt: skip

        layout = QVBoxLayout(self)
        layout.addLayout(choices)
        layout.addWidget(self.preview, 1)
        layout.addLayout(buttons)

        for combo in (self.kind, self.first, self.second, self.paper):
            combo.currentIndexChanged.connect(self.refresh)
        self.export_button.clicked.connect(self._choose_and_export)
        self.print_button.clicked.connect(self.print_report)
        close.clicked.connect(self.reject)
        self.resize(980, 900)
        self.refresh()

    # --- what is shown ------------------------------------------------------------------

    @property
    def chosen_paper(self) -> Paper:
        return Paper(self.paper.currentData())

    def report_data(self) -> ReportData:
        """The chosen report, from the document's saved scenario inputs; ``ReportError`` if not."""
        plan = self.document.plan
        today = dt.date.today()
        file_name = unsaved_file_name(self.document)
        first = find_item(plan, self.first.currentText())
        if self.kind.currentText() == COMPARISON:
            second = find_item(plan, self.second.currentText())
            if second is first:
                raise ReportError("pick two different scenarios to compare")
            return comparison_summary(plan, first, second, file_name=file_name, printed=today)
        return scenario_summary(plan, first, file_name=file_name, printed=today)

    def refresh(self) -> None:
        """Lay the pages out again and repaint the preview."""
        self.second.setEnabled(self.kind.currentText() == COMPARISON)
        while (item := self.pages_layout.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.hide()
                widget.setParent(None)  # gone from the preview now, not at the next event loop
                widget.deleteLater()
        try:
            self.layout_ = layout_report(self.report_data(), self.chosen_paper)
        except ReportError as err:
            self.layout_ = None
            self.status.setText(str(err))
            self.export_button.setEnabled(False)
            self.print_button.setEnabled(False)
            return
        for index in range(len(self.layout_.pages)):
            page = QLabel(self.pages)
            page.setObjectName(f"reportPage{index + 1}")
            page.setPixmap(QPixmap.fromImage(page_image(self.layout_, index, PREVIEW_ZOOM)))
            page.setToolTip(f"Page {index + 1} of {len(self.layout_.pages)}")
            self.pages_layout.addWidget(page)
        count = len(self.layout_.pages)
        self.status.setText(f"{count} page{'s' if count != 1 else ''}, {self.chosen_paper.label}")
        self.export_button.setEnabled(True)
        self.print_button.setEnabled(True)

    @property
    def page_count(self) -> int:
        return 0 if self.layout_ is None else len(self.layout_.pages)

    # --- output -------------------------------------------------------------------------

    def export_to(self, path: Path) -> bool:
        """Write the previewed pages to ``path``; a message box says why when it cannot."""
        if self.layout_ is None:
            return False
        try:
            path.write_bytes(pdf_bytes(self.layout_))
        except OSError as err:
            QMessageBox.warning(
                self, "Export PDF", f"Could not write {path}: {err.strerror or err}"
            )
            return False
        self.status.setText(f"Exported {self.page_count} pages to {path.name}")
        return True

    def _choose_and_export(self) -> None:
        if self.layout_ is None:
            return
        folder = self.document.path.parent if self.document.path is not None else Path.home()
        suggested = folder / f"{self.layout_.report.title.replace(' — ', ' - ')}.pdf"
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Export PDF", str(suggested), "PDF documents (*.pdf)"
        )
        if chosen:
            path = Path(chosen)
            self.export_to(path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf"))

    def print_report(self) -> None:
        """A real printer, with the same layout; only where QtPrintSupport is installed."""
        if self.layout_ is None or not print_support_available():
            return
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        from gtm_planner.ui.report import page_layout, paint_pages

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setFullPage(True)
        printer.setPageLayout(page_layout(self.layout_.paper))
        printer.setDocName(self.layout_.report.title)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            paint_pages(printer, self.layout_)
        except OSError as err:
            QMessageBox.warning(self, "Print", f"Could not print: {err}")
            return
        self.status.setText(f"Sent {self.page_count} pages to {printer.printerName()}")
