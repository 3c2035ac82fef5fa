"""Notices across the window: what happened, in a sentence, and the buttons to act on it.

A notice never blocks: the user goes on working while it shows, and acts on it (or not) when
ready. Its tone says how much it matters, in colours that read from the back of a room; its
text follows the window's text size.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class Tone(StrEnum):
    PROBLEM = "problem"  # something is not as it should be (a database out of reach)
    CONFLICT = "conflict"  # the user's work was not taken: decide what to do
    INFO = "info"  # something happened the user should know of
    DONE = "done"  # a problem is over


# fill, accent (left rule and button border), ink; ink on fill is at least 9:1.
_TONES: dict[Tone, tuple[str, str, str]] = {
    Tone.PROBLEM: ("#fef2f2", "#dc2626", "#7f1d1d"),
    Tone.CONFLICT: ("#fffbeb", "#d97706", "#78350f"),
    Tone.INFO: ("#eff6ff", "#2563eb", "#1e3a8a"),
    Tone.DONE: ("#f0fdf4", "#16a34a", "#14532d"),
}

Action = tuple[str, Callable[[], object]]  # a button's text and what it does


class NoticeBar(QFrame):
    """One notice: a tone, a sentence (or a few lines), buttons; hidden until shown."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.tone = Tone.INFO
        self.label = QLabel(self)
        self.label.setObjectName("noticeText")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(16, 8, 10, 8)
        self._layout.setSpacing(10)
        self._layout.addWidget(self.label, 1)
        self.buttons: dict[str, QPushButton] = {}
        self._hide_timer = QTimer(self, singleShot=True)
        self._hide_timer.timeout.connect(self.dismiss)
        self.hide()

    def text(self) -> str:
        """What the notice says now ('' while it is hidden)."""
        return self.label.text() if not self.isHidden() else ""

    def show_notice(
        self,
        tone: Tone,
        text: str,
        actions: Sequence[Action] = (),
        *,
        tip: str = "",
        hide_after_ms: int = 0,
    ) -> None:
        """Say ``text`` with a button per action (each click runs it); replaces what was shown.

        ``hide_after_ms``: the notice goes by itself after that long (0: it stays).
        """
        self.tone = tone
        fill, accent, ink = _TONES[tone]
        name = self.objectName()
        self.setStyleSheet(
            f"QFrame#{name} {{ background: {fill}; border: 1px solid {accent};"
            f" border-left: 6px solid {accent}; border-radius: 4px; }}"
            f" QFrame#{name} QLabel {{ color: {ink}; font-weight: 600; background: transparent;"
            " border: none; }"
            f" QFrame#{name} QPushButton {{ color: {ink}; background: white; font-weight: 600;"
            f" border: 1px solid {accent}; border-radius: 4px; padding: 4px 14px; }}"
            f" QFrame#{name} QPushButton:hover {{ background: {fill}; }}"
        )
        self.label.setText(text)
        self.setToolTip(tip)
        for button in self.buttons.values():
            self._layout.removeWidget(button)
            button.hide()  # gone now, deleted once the event loop gets to it
            button.deleteLater()
        self.buttons = {}
        for caption, run in actions:
            button = QPushButton(caption, self)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(lambda _=False, act=run: act())
            self._layout.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
            button.show()  # now, not once the layout gets round to it
            self.buttons[caption] = button
        self._hide_timer.stop()
        if hide_after_ms > 0:
            self._hide_timer.start(hide_after_ms)
        self.show()

    def dismiss(self) -> None:
        self._hide_timer.stop()
        self.label.clear()
        self.hide()
