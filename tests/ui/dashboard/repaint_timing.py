"""Edit → dashboard repainted on the ``large`` plan (SPEC §8: ≤ 100 ms). A benchmark, not a test.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.ui.dashboard.repaint_timing``.
Each sample pushes one ``SetValues`` through the undo stack (the engine recomputes the
scenario, every listening model and chart follows) and then repaints the window synchronously.

Two windows: the Dashboard page on its own in a main window (what the Dashboard costs), and the
full ``MainWindow`` (everything else listening to the same edit included).
"""

from __future__ import annotations

import statistics
import time

import numpy as np
from PySide6.QtWidgets import QApplication, QMainWindow

from gtm_planner.model.commands import SetValues
from gtm_planner.model.demo import build_large_plan
from gtm_planner.model.document import PlanDocument
from gtm_planner.ui.dashboard_page import DashboardPage
from gtm_planner.ui.main_window import MainWindow
from gtm_planner.ui.models import KpiTableModel, WaterfallTableModel
from gtm_planner.ui.undo import UndoController

SAMPLES = 30


def edit_to_repaint_seconds(
    window: QMainWindow, undo: UndoController, samples: int = SAMPLES
) -> list[float]:
    """Seconds from pushing an edit to the window having repainted, one per sample."""
    document = undo.document
    line = next(
        i for i, b in enumerate(document.plan.budget_lines) if b.category == "demand_creation"
    )
    times = []
    for k in range(samples):
        command = SetValues(
            "Edit demand creation",
            document.current_scenario.id,
            "budget",
            np.array([[line, k % len(document.plan.regions), k % 12]]),
            np.array([50_000.0 + 1_000.0 * k]),
        )
        started = time.perf_counter()
        undo.push(command)
        window.repaint()
        times.append(time.perf_counter() - started)
    return times


def dashboard_alone(document: PlanDocument) -> tuple[QMainWindow, DashboardPage]:
    host = QMainWindow()
    page = DashboardPage(
        KpiTableModel(document, host),
        WaterfallTableModel(document, host),
        host,
        document=document,
    )
    host.setCentralWidget(page)
    return host, page


def report(label: str, times: list[float]) -> None:
    print(
        f"edit → repainted, {label}: median {statistics.median(times) * 1000:.1f} ms, "
        f"max {max(times) * 1000:.1f} ms over {len(times)} edits (budget ≤ 100 ms)"
    )


def main() -> None:
    app = QApplication.instance() or QApplication([])
    document = PlanDocument(build_large_plan())
    host, page = dashboard_alone(document)
    undo = UndoController(document)
    host.resize(1600, 1000)
    host.show()
    app.processEvents()
    edit_to_repaint_seconds(host, undo, 3)  # warm caches
    report("Dashboard page, all regions", edit_to_repaint_seconds(host, undo))
    page.verticalScrollBar().setValue(page.bookings_chart.y())
    page.set_selection((3,), None)
    app.processEvents()
    report("Dashboard page, charts in view, one region", edit_to_repaint_seconds(host, undo))
    host.close()
    full = MainWindow(PlanDocument(build_large_plan()))
    full.resize(1600, 1000)
    full.show()
    app.processEvents()
    edit_to_repaint_seconds(full, full.undo, 3)
    report("full MainWindow (every screen listening)", edit_to_repaint_seconds(full, full.undo))
    full.close()


if __name__ == "__main__":
    main()
