"""Message boxes that ask and tell, and the busy cursor: the window's few blocking moments."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

Icon = QMessageBox.Icon
Button = QMessageBox.StandardButton


def ask(
    parent: QWidget | None, icon: Icon, title: str, text: str, choices: list[str], detail: str = ""
) -> str:
    """A message box with ``choices`` as buttons (first: default, last: Esc); the one chosen."""
    box = QMessageBox(icon, title, text, Button.NoButton, parent)
    box.setInformativeText(detail)
    buttons = [box.addButton(c, QMessageBox.ButtonRole.AcceptRole) for c in choices]
    box.setDefaultButton(buttons[0])
    box.setEscapeButton(buttons[-1])
    box.exec()
    clicked = box.clickedButton()
    return next((c for c, b in zip(choices, buttons, strict=True) if b is clicked), choices[-1])


def tell(parent: QWidget | None, icon: Icon, title: str, text: str) -> None:
    ask(parent, icon, title, text, ["OK"])


@contextlib.contextmanager
def busy() -> Iterator[None]:
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QGuiApplication.restoreOverrideCursor()
