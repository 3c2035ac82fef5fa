"""The what-if panel's controls: a slider + spin box per driver, and the spend-move editor.

They only show values and say what the user asked for (signals); the panel turns that into an
``Overlay`` and decides whether it is accepted (model/whatif.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from gtm_planner.model.entities import Plan
from gtm_planner.model.formatting import currency_prefix, money_short
from gtm_planner.model.whatif import RegionDrivers, SpendMove
from gtm_planner.ui.screens.records import footnote


@dataclass(frozen=True)
class Driver:
    """One slider: a field of ``RegionDrivers`` shown as a % change (or whole months)."""

    key: str
    label: str
    minimum: int
    maximum: int
    tip: str
    is_factor: bool = True

    def shown(self, drivers: RegionDrivers) -> float:
        value = float(getattr(drivers, self.key))
        return round((value - 1.0) * 100.0, 6) if self.is_factor else value

    def drivers_with(self, drivers: RegionDrivers, shown: float) -> RegionDrivers:
        changes: dict[str, Any] = {
            self.key: 1.0 + shown / 100.0 if self.is_factor else round(shown)
        }
        return replace(drivers, **changes)


DRIVERS: tuple[Driver, ...] = (
    Driver("asp_factor", "Average deal size (ASP)", -90, 200,
           "Every source's average deal size in the region, as a % change"),
    Driver("win_rate_factor", "Win rate", -90, 200,
           "Every source's win rate in the region, as a % change (a rate stays ≤ 100%)"),
    Driver("cost_per_inquiry_factor", "Cost per inquiry", -90, 200,
           "What one inquiry costs in the region, as a % change"),
    Driver("sales_cycle_change_months", "Sales cycle", -12, 12,
           "Whole months added to (or taken off) every source's sales cycle", is_factor=False),
    Driver("demand_creation_factor", "Demand-creation spend", -100, 200,
           "The region's demand-creation lines over the chosen period, as a % change"),
)  # fmt: skip


class DriverRow(QWidget):
    """A slider and a spin box that show one value; ``edited`` fires for user changes."""

    edited = Signal(float)

    def __init__(self, driver: Driver, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.driver = driver
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setRange(driver.minimum, driver.maximum)
        self.slider.setPageStep(5 if driver.is_factor else 1)
        self.spin = QDoubleSpinBox(self)
        self.spin.setRange(driver.minimum, driver.maximum)
        self.spin.setDecimals(1 if driver.is_factor else 0)
        self.spin.setSuffix(" %" if driver.is_factor else " months")
        self.spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.spin.setMinimumWidth(self.spin.fontMetrics().horizontalAdvance("-12 months") + 44)
        for widget in (self.slider, self.spin):
            widget.setToolTip(driver.tip)
            widget.setAccessibleName(driver.label)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.spin)
        self.slider.valueChanged.connect(self._slider_moved)
        self.spin.valueChanged.connect(self._spin_changed)

    def value(self) -> float:
        return self.spin.value()

    def show_value(self, value: float) -> None:
        """Show ``value`` without announcing it as an edit."""
        for widget in (self.slider, self.spin):
            widget.blockSignals(True)
        self.spin.setValue(value)
        self.slider.setValue(round(value))
        for widget in (self.slider, self.spin):
            widget.blockSignals(False)

    def _slider_moved(self, value: int) -> None:
        self.spin.blockSignals(True)
        self.spin.setValue(value)
        self.spin.blockSignals(False)
        self.edited.emit(float(value))

    def _spin_changed(self, value: float) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(round(value))
        self.slider.blockSignals(False)
        self.edited.emit(value)


def narrow_combo(box: QComboBox) -> None:
    """A chooser that fits a narrow dock: as wide as ~10 characters, not its longest item."""
    box.setStyleSheet("QComboBox { min-width: 6em; }")
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(10)


def choice_grid(parent: QWidget, rows: tuple[tuple[str, QWidget], ...]) -> QGridLayout:
    """Caption | control, one per row; the caption's mnemonic focuses its control."""
    grid = QGridLayout()
    for row, (text, widget) in enumerate(rows):
        label = QLabel(text, parent)
        label.setBuddy(widget)
        grid.addWidget(label, row, 0)
        grid.addWidget(widget, row, 1)
    grid.setColumnStretch(1, 1)
    return grid


class MoveEditor(QWidget):
    """ "Move X of demand-creation spend from region A to region B", and the moves so far."""

    move_requested = Signal(object)  # a SpendMove
    remove_requested = Signal(int)  # the position of a move in the overlay
    giver_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.amount = QDoubleSpinBox(self)
        self.amount.setRange(0.0, 1e12)
        self.amount.setDecimals(0)
        self.amount.setSingleStep(50_000.0)
        self.amount.setGroupSeparatorShown(True)
        self.amount.setAccessibleName("Amount to move")
        self.giver = QComboBox(self)
        self.taker = QComboBox(self)
        for box in (self.giver, self.taker):
            narrow_combo(box)
        self.giver.currentIndexChanged.connect(lambda _i: self.giver_changed.emit())
        self.available = footnote("", self)
        self.move_button = QPushButton("&Move spend", self)
        self.move_button.clicked.connect(self._request_move)
        self.moves = QListWidget(self)
        self.moves.setMaximumHeight(self.moves.fontMetrics().height() * 3 + 12)
        self.remove_button = QPushButton("&Undo a move", self)
        self.remove_button.setToolTip("Take back the selected move (the last one if none is)")
        self.remove_button.clicked.connect(self._request_removal)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(
            choice_grid(self, (("Amount", self.amount), ("From", self.giver), ("To", self.taker)))
        )
        layout.addWidget(self.available)
        buttons = QHBoxLayout()
        buttons.addWidget(self.move_button, 1)
        buttons.addWidget(self.remove_button, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.moves)

    def set_plan(self, plan: Plan) -> None:
        """The plan's regions in both choosers (keeping the choice) and its currency."""
        for box in (self.giver, self.taker):
            chosen = box.currentData()
            box.blockSignals(True)
            box.clear()
            for region in plan.regions:
                box.addItem(region.name, region.id)
            box.setCurrentIndex(max(box.findData(chosen), 0))
            box.blockSignals(False)
        if self.taker.currentIndex() == self.giver.currentIndex() and len(plan.regions) > 1:
            self.taker.setCurrentIndex(1)
        self.amount.setPrefix(currency_prefix(plan.settings.currency))

    def show_moves(self, plan: Plan, moves: tuple[SpendMove, ...]) -> None:
        names = {r.id: r.name for r in plan.regions}
        currency = plan.settings.currency
        self.moves.clear()
        for m in moves:
            self.moves.addItem(f"{money_short(m.amount, currency)}: "
                               f"{names.get(m.from_region_id, '?')} → "
                               f"{names.get(m.to_region_id, '?')}")  # fmt: skip
        self.remove_button.setEnabled(bool(moves))

    def _request_removal(self) -> None:
        row = self.moves.currentRow()
        self.remove_requested.emit(row if row >= 0 else self.moves.count() - 1)

    def _request_move(self) -> None:
        if self.giver.count():
            move = SpendMove(
                int(self.giver.currentData()), int(self.taker.currentData()), self.amount.value()
            )
            self.move_requested.emit(move)
