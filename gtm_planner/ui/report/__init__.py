"""Printed scenario summaries (SPEC §6): pages laid out once, painted to PDF, preview, printer.

``report_data`` (model) says what goes on the pages; this package decides where and draws it.
"""

from gtm_planner.ui.report.layout import Layout, layout_report, paint_page
from gtm_planner.ui.report.render import (
    RenderError,
    page_image,
    page_layout,
    paint_pages,
    pdf_bytes,
    write_pdf,
)
from gtm_planner.ui.report.style import Paper

__all__ = [
    "Layout",
    "Paper",
    "RenderError",
    "layout_report",
    "page_image",
    "page_layout",
    "paint_page",
    "paint_pages",
    "pdf_bytes",
    "write_pdf",
]
