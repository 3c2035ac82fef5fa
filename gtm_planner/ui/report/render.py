"""One layout, three outputs: a PDF (QPdfWriter), preview images and, where Qt has print
support, a real printer. Each paints the same pages with ``paint_page``."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF
from PySide6.QtGui import QImage, QPagedPaintDevice, QPageLayout, QPageSize, QPainter, QPdfWriter

from gtm_planner.model.exchange.report_data import ReportData
from gtm_planner.ui.report.layout import Layout, layout_report, paint_page
from gtm_planner.ui.report.style import POINTS_PER_INCH, Paper


class RenderError(OSError):
    """Qt could not paint the pages (no font, no device)."""


def page_layout(paper: Paper) -> QPageLayout:
    """Portrait, no printer margins: the report keeps its own margins inside the page."""
    size = QPageSize(QPageSize.PageSizeId.A4 if paper is Paper.A4 else QPageSize.PageSizeId.Letter)
    return QPageLayout(
        size, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Point
    )


def paint_pages(device: QPagedPaintDevice, layout: Layout) -> None:
    """Paint every page on a paged device whose page layout is already ``page_layout``."""
    painter = QPainter()
    if not painter.begin(device):
        raise RenderError("could not start painting the report")
    try:
        scale = device.logicalDpiX() / POINTS_PER_INCH
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        for index in range(len(layout.pages)):
            if index > 0 and not device.newPage():
                raise RenderError("could not start a new page")
            painter.resetTransform()
            painter.scale(scale, scale)
            paint_page(painter, layout, index)
    finally:
        painter.end()


def pdf_bytes(layout: Layout) -> bytes:
    """The report as a PDF: text as text in embedded TrueType subsets, charts as vectors."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(int(POINTS_PER_INCH))
    writer.setPageLayout(page_layout(layout.paper))
    writer.setTitle(layout.report.title)
    writer.setCreator("GTM Planner")
    paint_pages(writer, layout)
    del writer  # flushes the PDF's trailer into the buffer
    buffer.close()
    return bytes(data.data())


def write_pdf(report: ReportData, path: Path, paper: Paper = Paper.A4) -> int:
    """Write ``report`` to ``path`` as a PDF; the page count. ``OSError`` if it can't be written.

    The whole file is made in memory first, so a failure never leaves half a PDF behind.
    """
    layout = layout_report(report, paper)
    path.write_bytes(pdf_bytes(layout))
    return len(layout.pages)


def page_image(layout: Layout, index: int, zoom: float = 1.5) -> QImage:
    """Page ``index`` as an image, ``zoom`` pixels per point (1.5 ≈ 108 dpi on screen)."""
    width, height = layout.paper.size
    image = QImage(round(width * zoom), round(height * zoom), QImage.Format.Format_RGB32)
    dots_per_meter = round(POINTS_PER_INCH * zoom / 0.0254)
    image.setDotsPerMeterX(dots_per_meter)
    image.setDotsPerMeterY(dots_per_meter)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.scale(image.logicalDpiX() / POINTS_PER_INCH, image.logicalDpiY() / POINTS_PER_INCH)
    paint_page(painter, layout, index)
    painter.end()
    return image
