"""Navigation between the plan's screens: a list on the left, one page at a time on the right.

Pages are registered with a title and a widget, or a function that builds the widget the
first time the page is shown (so the window opens fast on a large plan); Ctrl+1 … Ctrl+9 jump
to them in order.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QStackedWidget, QWidget


class Navigator(QWidget):
    """The screen list and the stack of pages it switches between."""

    page_changed = Signal(str)  # the title of the page now shown

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("navigator")
        self.list = QListWidget(self)
        self.list.setObjectName("navigation")
        self.list.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.list)
        layout.addWidget(self.stack, 1)
        self._titles: list[str] = []
        self._factories: dict[int, Callable[[], QWidget]] = {}
        self.list.currentRowChanged.connect(self._show_row)

    def add_page(self, title: str, page: QWidget | Callable[[], QWidget]) -> None:
        self._titles.append(title)
        self.list.addItem(title)
        if isinstance(page, QWidget):
            self.stack.addWidget(page)
        else:
            self._factories[len(self._titles) - 1] = page
            self.stack.addWidget(QWidget(self.stack))  # stands in until first shown
        position = len(self._titles)
        if position <= 9:
            item = self.list.item(position - 1)
            item.setToolTip(f"{title} (Ctrl+{position})")
            shortcut = QShortcut(QKeySequence(f"Ctrl+{position}"), self.window())
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(lambda row=position - 1: self.list.setCurrentRow(row))
        if self.list.currentRow() < 0:
            self.list.setCurrentRow(0)
        self.fit_width()

    def fit_width(self) -> None:
        """As wide as the longest title in bold (the selected item), plus the item padding."""
        self.list.ensurePolished()
        font = self.list.font()
        font.setBold(True)
        metrics = QFontMetrics(font)
        widest = max((metrics.horizontalAdvance(t) for t in self._titles), default=80)
        self.list.setFixedWidth(widest + 4 * metrics.averageCharWidth() + 24)

    def show_page(self, title: str) -> None:
        self.list.setCurrentRow(self._titles.index(title))

    @property
    def titles(self) -> tuple[str, ...]:
        return tuple(self._titles)

    def current_title(self) -> str:
        row = self.list.currentRow()
        return self._titles[row] if row >= 0 else ""

    def page(self, title: str) -> QWidget:
        """The page's widget, built now if it has not been shown yet."""
        row = self._titles.index(title)
        self._build(row)
        page = self.stack.widget(row)
        assert page is not None
        return page

    def _build(self, row: int) -> None:
        factory = self._factories.pop(row, None)
        if factory is None:
            return
        stand_in = self.stack.widget(row)
        self.stack.insertWidget(row, factory())
        if stand_in is not None:
            self.stack.removeWidget(stand_in)
            stand_in.deleteLater()

    def _show_row(self, row: int) -> None:
        if row >= 0:
            self._build(row)
            self.stack.setCurrentIndex(row)
            self.page_changed.emit(self._titles[row])

    def sizeHint(self) -> QSize:
        return QSize(1200, 800)
