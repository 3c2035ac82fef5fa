"""The Dashboard page: the chosen scenario's KPI tiles and the reverse waterfall per region."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from gtm_planner.ui.kpi_panel import KpiPanel
from gtm_planner.ui.models import KpiTableModel, WaterfallTableModel
from gtm_planner.ui.waterfall_panel import WaterfallPanel


class DashboardPage(QScrollArea):
    """Scrolls rather than cut numbers off when the text is made very large."""

    def __init__(
        self,
        kpi_model: KpiTableModel,
        waterfall_model: WaterfallTableModel,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("body")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.kpi_panel = KpiPanel(kpi_model, parent=self)
        self.waterfall_panel = WaterfallPanel(waterfall_model, self)
        body = QWidget(self)
        body.setObjectName("bodyContents")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(18)
        layout.addWidget(self.kpi_panel)
        layout.addWidget(self.waterfall_panel, 1)
        self.setWidget(body)
