"""The Dashboard's filters: which regions (all, one or several) and which fiscal period.

The region combo lists "All regions" and each region with a check box: a click on a region
ticks or unticks it and keeps the list open (several regions); Enter on a region, or picking
"All regions", chooses just that. The combo's face names the choice ("EMEA + APAC").
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QMouseEvent, QPaintEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionComboBox, QStylePainter, QWidget

from gtm_planner.model.calendar import FiscalCalendar
from gtm_planner.model.dashboard_data import WHOLE_PLAN, Period, period_choices

ALL_REGIONS = "All regions"


class RegionFilter(QComboBox):
    """Emits ``regions_changed`` with a tuple of region indices, or ``None`` for all."""

    regions_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("regionFilter")
        self.setToolTip("Regions the tiles and charts add up (click several to combine them)")
        self._items = QStandardItemModel(self)
        self.setModel(self._items)
        self._names: tuple[str, ...] = ()
        self._selected: tuple[int, ...] | None = None
        self.view().viewport().installEventFilter(self)
        self.activated.connect(self._on_activated)

    # --- what is chosen -----------------------------------------------------------------------

    def set_regions(self, names: Sequence[str]) -> None:
        """List the plan's regions; a changed list goes back to all regions."""
        names = tuple(names)
        if names != self._names:
            self._names = names
            self._selected = None
            self._items.clear()
            self._items.appendRow(QStandardItem(ALL_REGIONS))
            for name in names:
                item = QStandardItem(name)
                item.setCheckable(True)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self._items.appendRow(item)
            self._show_checks()

    def selected(self) -> tuple[int, ...] | None:
        return self._selected

    def select(self, regions: Sequence[int] | None) -> None:
        """Choose these regions (``None`` or every region: all) and say so."""
        chosen = None if regions is None else tuple(sorted(set(regions)))
        if chosen is not None and (not chosen or len(chosen) == len(self._names)):
            chosen = None
        if chosen != self._selected:
            self._selected = chosen
            self._show_checks()
            self.regions_changed.emit(chosen)

    def summary(self) -> str:
        if self._selected is None:
            return ALL_REGIONS
        names = [self._names[i] for i in self._selected]
        return " + ".join(names) if len(names) <= 2 else f"{len(names)} regions"

    def _show_checks(self) -> None:
        for row in range(1, self._items.rowCount()):
            checked = self._selected is None or (row - 1) in self._selected
            item = self._items.item(row)
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.setCurrentIndex(0 if self._selected is None else self._selected[0] + 1)
        self.update()

    # --- user input ---------------------------------------------------------------------------

    def toggle(self, region: int) -> None:
        """A click in the list: add or drop one region, never the last one."""
        current = set(range(len(self._names)) if self._selected is None else self._selected)
        if region in current and len(current) > 1:
            current.discard(region)
        else:
            current.add(region)
        self.select(sorted(current))

    def _on_activated(self, row: int) -> None:
        self.select(None if row <= 0 else [row - 1])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view().viewport() and event.type() == QEvent.Type.MouseButtonRelease:
            assert isinstance(event, QMouseEvent)
            row = self.view().indexAt(event.position().toPoint()).row()
            if row >= 1:
                self.toggle(row - 1)
                return True  # keep the list open to tick more regions
        return super().eventFilter(watched, event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        option.currentText = self.summary()
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)


class PeriodFilter(QComboBox):
    """The whole plan, each fiscal year, each quarter; emits ``period_changed(Period)``."""

    period_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("periodFilter")
        self.setToolTip("Fiscal period the tiles and charts cover")
        self.setMaxVisibleItems(20)
        self._periods: tuple[Period, ...] = ()
        self.currentIndexChanged.connect(self._on_index_changed)

    def set_calendar(self, calendar: FiscalCalendar) -> None:
        """List the periods; keep the chosen one if it still exists, else the whole plan."""
        periods = period_choices(calendar)
        if periods == self._periods:
            return
        keep = self.period()
        was_blocked = self.blockSignals(True)
        self.clear()
        self._periods = periods
        for period in periods:
            self.addItem(period.label)
        self.setCurrentIndex(periods.index(keep) if keep in periods else 0)
        self.blockSignals(was_blocked)
        if self.period() != keep:
            self.period_changed.emit(self.period())

    def period(self) -> Period:
        index = self.currentIndex()
        return self._periods[index] if 0 <= index < len(self._periods) else WHOLE_PLAN

    def select(self, period: Period) -> None:
        self.setCurrentIndex(self._periods.index(period))

    def _on_index_changed(self, index: int) -> None:
        if 0 <= index < len(self._periods):
            self.period_changed.emit(self._periods[index])
