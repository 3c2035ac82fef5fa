"""Edit › Copy / Paste / Fill act on the grid that has the keyboard focus."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from PySide6.QtWidgets import QApplication, QWidget


@runtime_checkable
class EditableGrid(Protocol):
    def copy_selection(self) -> None: ...

    def paste_text(self, text: str) -> None: ...

    def fill_down(self) -> None: ...

    def fill_right(self) -> None: ...


def focused_grid(window: QWidget) -> EditableGrid | None:
    """The grid inside ``window`` that has the focus (or contains the focused editor)."""
    widget = QApplication.focusWidget()
    while widget is not None and widget is not window:
        if isinstance(widget, EditableGrid):
            return widget
        widget = widget.parentWidget()
    return None
