"""A chart legend as ordinary widgets above the plot: it never covers a bar, it follows the
window's text size, and its entries wrap onto a second line when the chart is narrow.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, QSize
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from gtm_planner.ui.charts.style import SeriesStyle


class FlowBox(QWidget):
    """Child widgets left to right, wrapping onto a new line when the next would not fit.

    Its height depends on its width (``heightForWidth``), so a legend or filter bar takes two
    lines in a narrow chart or in presentation type, and one line when there is room.
    """

    def __init__(self, parent: QWidget | None = None, spacing: int = 18, margins: int = 0) -> None:
        super().__init__(parent)
        self._widgets: list[QWidget] = []
        self._gap = spacing
        self._margin = margins
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def add_widget(self, widget: QWidget) -> None:
        widget.setParent(self)
        self._widgets.append(widget)
        self.relayout()

    def remove_widget(self, widget: QWidget) -> None:
        self._widgets.remove(widget)
        widget.setParent(None)
        widget.deleteLater()
        self.relayout()

    def relayout(self) -> None:
        self._arrange(self.width(), apply=True)
        self.updateGeometry()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # a child's size hint changed
            self.relayout()
            return True
        return super().event(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange(self.width(), apply=True)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(width, apply=False)

    def sizeHint(self) -> QSize:
        return QSize(self.minimumSizeHint().width(), self.heightForWidth(max(self.width(), 1)))

    def minimumSizeHint(self) -> QSize:
        shown = [w for w in self._widgets if not w.isHidden()]
        widest = max((w.sizeHint().width() for w in shown), default=0)
        tallest = max((w.sizeHint().height() for w in shown), default=0)
        return QSize(widest + 2 * self._margin, tallest + 2 * self._margin)

    def _arrange(self, width: int, *, apply: bool) -> int:
        """Place (or measure) the visible children, each centred on its line; returns the
        height they take.
        """
        left = self._margin
        right = max(width - self._margin, left + 1)
        lines: list[list[tuple[QWidget, QSize]]] = [[]]
        x = left
        for widget in self._widgets:
            if widget.isHidden():
                continue
            hint = widget.sizeHint()
            if lines[-1] and x + hint.width() > right:
                lines.append([])
                x = left
            lines[-1].append((widget, hint))
            x += hint.width() + self._gap
        y = self._margin
        for line in lines:
            height = max((hint.height() for _, hint in line), default=0)
            x = left
            for widget, hint in line:
                if apply:
                    top = y + (height - hint.height()) // 2
                    widget.setGeometry(QRect(QPoint(x, top), hint))
                x += hint.width() + self._gap
            y += height + self._gap // 3
        return y - self._gap // 3 + self._margin


class Swatch(QWidget):
    """The mark of one series, painted exactly as the chart paints it: bar or line+marker."""

    def __init__(
        self, style: SeriesStyle | None, line_color: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.series_style = style
        self.line_color = line_color
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        side = self.fontMetrics().height()
        return QSize(int(side * 1.8), side)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(self.rect()).adjusted(2, 2, -2, -2)
        if self.series_style is not None:
            painter.fillRect(box, self.series_style.tint())
            painter.setPen(self.series_style.pen(2.0))
            painter.setBrush(self.series_style.brush())
            painter.drawRect(box)
        else:
            pen = QPen(QColor(self.line_color), 3)
            painter.setPen(pen)
            middle = box.center().y()
            painter.drawLine(QPointF(box.left(), middle), QPointF(box.right(), middle))
            painter.setBrush(QColor(self.line_color))
            radius = box.height() / 4
            painter.drawEllipse(box.center(), radius, radius)
        painter.end()


class LegendEntry(QWidget):
    def __init__(self, swatch: Swatch, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.swatch = swatch
        swatch.setParent(self)
        self.label = QLabel(text, self)
        self.label.setObjectName("legendText")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(swatch)
        layout.addWidget(self.label)


class ChartLegend(FlowBox):
    """The entries of one chart; entries change only when the chart's series do."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries: list[LegendEntry] = []

    def add_bars(self, text: str, style: SeriesStyle) -> LegendEntry:
        return self._add(LegendEntry(Swatch(style), text, self))

    def add_line(self, text: str, color: str) -> LegendEntry:
        return self._add(LegendEntry(Swatch(None, color), text, self))

    def _add(self, entry: LegendEntry) -> LegendEntry:
        self.entries.append(entry)
        self.add_widget(entry)
        return entry

    def remove_last(self) -> None:
        self.remove_widget(self.entries.pop())

    def texts(self) -> list[str]:
        return [entry.label.text() for entry in self.entries]
