"""How tall a table view must be to show a number of rows without a vertical scroll bar."""

from __future__ import annotations

from PySide6.QtWidgets import QTableView


def height_for_rows(view: QTableView, rows: int) -> int:
    """The header, ``rows`` rows, the frame, and a horizontal scroll bar when columns overflow."""
    height = (
        view.horizontalHeader().sizeHint().height()
        + rows * view.verticalHeader().defaultSectionSize()
        + 2 * view.frameWidth()
    )
    content_width = view.horizontalHeader().length() + view.verticalHeader().width()
    if content_width > view.width() - 2 * view.frameWidth():
        height += view.horizontalScrollBar().sizeHint().height()
    return height
