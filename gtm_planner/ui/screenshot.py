"""Save what a widget looks like as a PNG (the app's ``--screenshot`` mode, docs, reviews)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

DEFAULT_SCREENSHOT_SIZE = (1600, 1000)


def save_screenshot(
    widget: QWidget, path: str | Path, size: tuple[int, int] = DEFAULT_SCREENSHOT_SIZE
) -> Path:
    """Resize ``widget``, let Qt lay it out and paint, and save ``widget.grab()`` to ``path``.

    A widget that was never shown is shown first: Qt only lays out visible widgets, and a
    grab of an unlaid-out window would not be what a user sees. Raises ``OSError`` if the
    file cannot be written.
    """
    target = Path(path)
    widget.resize(*size)
    if not widget.isVisible():
        widget.show()
    for _ in range(3):  # layout requests can post further layout requests
        QApplication.processEvents()
    target.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(target), "PNG"):
        raise OSError(f"could not write the screenshot to {target}")
    return target
