"""The header above the numbers: plan name, currency, fiscal calendar, regions, scenario and its
story. It follows the document: settings and regions edited, scenarios renamed or switched, a
plan reloaded."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gtm_planner.model.calendar import MONTH_ABBREVIATIONS, FiscalCalendar
from gtm_planner.model.document import PlanDocument
from gtm_planner.ui.document_events import subscribe
from gtm_planner.ui.scenario_switcher import scenario_label


def fiscal_period_text(calendar: FiscalCalendar) -> str:
    """'FY2027 · Jan 2027 – Dec 2027'; the fiscal-year start is named when it is not January."""
    years = calendar.fiscal_years
    fiscal = f"FY{years[0]}" if len(years) == 1 else f"FY{years[0]}–FY{years[-1]}"
    months = f"{calendar.month_labels[0]} – {calendar.month_labels[-1]}"
    text = f"{fiscal} · {months}"
    if calendar.fiscal_year_start_month != 1:
        start = MONTH_ABBREVIATIONS[calendar.fiscal_year_start_month - 1]
        text += f" · fiscal year starts in {start}"
    return text


class PlanHeader(QFrame):
    def __init__(self, document: PlanDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self.setObjectName("planHeader")
        self.title = QLabel(self)
        self.title.setObjectName("planTitle")
        self.meta = QLabel(self)
        self.meta.setObjectName("planMeta")
        self.meta.setWordWrap(True)
        self.scenario = QLabel(self)
        self.scenario.setObjectName("scenarioLine")
        self.scenario.setWordWrap(True)
        self.scenario.setTextFormat(Qt.TextFormat.RichText)
        title_row = QHBoxLayout()
        title_row.setSpacing(24)
        title_row.addWidget(self.title)
        title_row.addWidget(self.meta, 1, Qt.AlignmentFlag.AlignBaseline)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 10, 20, 10)
        layout.setSpacing(4)
        layout.addLayout(title_row)
        layout.addWidget(self.scenario)
        subscribe(self, document.structure_changed, self.refresh)  # regions, settings, reloads
        subscribe(self, document.scenarios_changed, self.refresh)  # names, descriptions
        self.refresh()

    def refresh(self) -> None:
        plan = self._document.plan
        settings = plan.settings
        self.title.setText(settings.name)
        horizon = f"{settings.horizon_months} months"
        regions = len(plan.regions)
        self.meta.setText(
            f"{settings.currency} · {fiscal_period_text(plan.calendar())} · {horizon}"
            f" · {regions} region{'s' if regions != 1 else ''}"
        )
        scenario = self._document.current_scenario
        name = html.escape(scenario_label(scenario))
        story = f" — {html.escape(scenario.description)}" if scenario.description else ""
        self.scenario.setText(f"<b>Scenario: {name}</b>{story}")
