"""The toolbar's scenario switcher: lists the plan's scenarios, the plan of record marked."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QSizePolicy, QWidget

from gtm_planner.model.document import PlanDocument
from gtm_planner.model.entities import Scenario
from gtm_planner.ui.document_events import subscribe

PLAN_OF_RECORD_MARK = "★ plan of record"


def scenario_label(scenario: Scenario) -> str:
    """How a scenario is named on screen: "Baseline ★ plan of record"."""
    if scenario.is_plan_of_record:
        return f"{scenario.name} {PLAN_OF_RECORD_MARK}"
    return scenario.name


class ScenarioSwitcher(QComboBox):
    """Shows the document's current scenario; ``scenario_chosen`` says the user picked another.

    It never changes the document itself: the window turns the choice into
    ``document.set_current_scenario`` and this combo box follows the document's event.
    """

    scenario_chosen = Signal(int)

    def __init__(self, document: PlanDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self.setObjectName("scenarioSwitcher")
        self.setToolTip("The scenario every number on screen belongs to")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        self.reload()
        self.currentIndexChanged.connect(self._on_index_changed)
        # Cloned, renamed, deleted, restored, imported or marked plan of record: re-list.
        subscribe(self, document.scenarios_changed, self.reload)

    def reload(self) -> None:
        """Re-list the scenarios (after one is added, renamed or marked plan of record)."""
        was_blocked = self.blockSignals(True)
        try:
            self.clear()
            for scenario in self._document.plan.scenarios:
                self.addItem(scenario_label(scenario), scenario.id)
                self.setItemData(
                    self.count() - 1,
                    scenario.description or scenario.name,
                    Qt.ItemDataRole.ToolTipRole,
                )
            self.show_scenario(self._document.current_scenario.id)
        finally:
            self.blockSignals(was_blocked)

    def show_scenario(self, scenario_id: int) -> None:
        index = self.findData(scenario_id)
        if index != self.currentIndex():
            was_blocked = self.blockSignals(True)
            self.setCurrentIndex(index)
            self.blockSignals(was_blocked)

    def current_scenario_id(self) -> int:
        return int(self.currentData())

    def _on_index_changed(self, index: int) -> None:
        if index >= 0:
            self.scenario_chosen.emit(int(self.itemData(index)))
