"""``make bench``: the performance budgets of SPEC §8 on the ``large`` plan, with peers.

Prints one table: what was measured, the figure, the budget, and — where a user would otherwise
do the same job another way — the peer's figure and the ratio, all measured in this run.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from gtm_planner.model.demo import build_large_plan
from gtm_planner.model.engine import compute_kpis, compute_scenario
from gtm_planner.model.entities import Plan, Scenario
from gtm_planner.model.persistence import create_plan_file, load_plan, save_plan
from tests.bench.measure import Row, median_seconds, ms, verdict


def _peak_memory_mb(path: Path) -> float:
    """Peak RSS of a fresh process that opens the large plan and computes every scenario.

    Read from VmHWM: on Linux ``ru_maxrss`` carries the parent's peak across fork and exec.
    """
    script = (
        "import sys\n"
        "from gtm_planner.model.persistence import load_plan\n"
        "from gtm_planner.model.engine import compute_scenario, compute_kpis\n"
        "plan = load_plan(sys.argv[1])\n"
        "for s in plan.scenarios:\n"
        "    compute_kpis(plan, s.inputs, compute_scenario(plan, s.inputs))\n"
        "status = open('/proc/self/status').read().split('VmHWM:')[1]\n"
        "print(status.split()[0])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip()) / 1024.0


def _cold_start_seconds(path: Path, png: Path) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "gtm_planner", str(path), "--screenshot", str(png)],
        check=True,
        capture_output=True,
        env=env,
    )
    return time.perf_counter() - started


def _edit_to_repaint_seconds(path: Path) -> list[tuple[str, float]]:
    """Per screen of the window: push one budget edit, then repaint the whole window at once."""
    from PySide6.QtWidgets import QApplication

    from gtm_planner.model.commands import SetValues
    from gtm_planner.model.document import PlanDocument
    from gtm_planner.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    document = PlanDocument(load_plan(path), path=path)
    window = MainWindow(document)
    window.resize(1600, 1000)
    window.show()
    app.processEvents()
    scenario = document.current_scenario
    line = int(np.flatnonzero(document.plan.demand_creation_mask())[0])
    results: list[tuple[str, float]] = []
    for title in window.navigator.titles:
        window.navigator.show_page(title)
        window.repaint()
        app.processEvents()
        times = []
        for i in range(15):
            value = float(scenario.inputs.budget[line, i % 40, 5] + 500.0)
            edit = SetValues("Edit", scenario.id, "budget", np.array([[line, i % 40, 5]]),
                             np.array([value]))  # fmt: skip
            started = time.perf_counter()
            window.undo.push(edit)
            window.repaint()
            app.processEvents()
            times.append(time.perf_counter() - started)
        results.append((title, statistics.median(times)))
    # What-if: a slider tick on the Dashboard, through the panel's coalescing timer.
    window.navigator.show_page("Dashboard")
    window.action_by_id["what_if"].setChecked(True)
    slider = window.what_if_panel.rows["win_rate_factor"].slider
    app.processEvents()
    times = []
    for i in range(15):
        started = time.perf_counter()
        slider.setValue(5 + i % 10)
        app.processEvents()  # the panel's 0 ms timer runs the what-if; the dashboard follows
        window.repaint()
        times.append(time.perf_counter() - started)
    results.append(
        ("what-if slider tick → window repainted (Dashboard)", statistics.median(times))
    )
    window.close()
    return results


def _reference_recompute_seconds(plan: Plan, scenario: Scenario) -> float | None:
    """The slow, per-cell reference engine of the tests: what a cell-by-cell model costs."""
    try:
        from tests.model.engine.reference_engine import compute_reference
    except ImportError:
        return None
    started = time.perf_counter()
    compute_reference(plan, scenario.inputs)
    return time.perf_counter() - started


def main() -> None:
    rows: list[Row] = []
    plan = build_large_plan()
    cells = plan.scenarios[0].inputs.budget.size * len(plan.scenarios)
    print(
        f"large plan: {len(plan.regions)} regions × {plan.settings.horizon_months} months × "
        f"{len(plan.budget_lines)} budget lines × {len(plan.scenarios)} scenarios "
        f"= {cells:,} budget cells"
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "large.gtmplan"
        started = time.perf_counter()
        create_plan_file(path, plan)
        write_seconds = time.perf_counter() - started
        size_mb = path.stat().st_size / 1e6

        scenario = plan.scenarios[0]

        def recompute() -> None:
            compute_kpis(plan, scenario.inputs, compute_scenario(plan, scenario.inputs))

        recompute_s = median_seconds(recompute, 50)
        reference_s = _reference_recompute_seconds(plan, scenario)
        peer = ("", "")
        if reference_s is not None:
            peer = (f"cell-by-cell reference engine {ms(reference_s)}",
                    f"{reference_s / recompute_s:,.0f}x faster")  # fmt: skip
        rows.append(("recompute one scenario (engine + KPIs)", ms(recompute_s),
                     verdict(recompute_s, 0.020), *peer))  # fmt: skip

        # The peer: the same 360k budget cells kept as an Excel workbook instead.
        frame = pd.DataFrame(
            np.concatenate([s.inputs.budget for s in plan.scenarios]).reshape(
                -1, plan.settings.horizon_months
            )
        )
        xlsx = Path(folder) / "peer.xlsx"
        started = time.perf_counter()
        frame.to_excel(xlsx)
        to_excel_s = time.perf_counter() - started
        started = time.perf_counter()
        pd.read_excel(xlsx)
        read_excel_s = time.perf_counter() - started

        open_s = median_seconds(lambda: load_plan(path), 5)
        rows.append(("open the large plan", ms(open_s), verdict(open_s, 0.5),
                     f"pandas read_excel of the same {frame.size:,} budget cells "
                     f"{ms(read_excel_s)}", f"{read_excel_s / open_s:,.0f}x faster"))  # fmt: skip

        loaded = load_plan(path)
        target = loaded.scenarios[3]

        def edit_and_save() -> None:
            target.inputs.budget[5, 7, 11] += 1000.0
            save_plan(path, loaded, dirty_scenarios={target.id})

        save_s = median_seconds(edit_and_save, 5)
        rows.append(("save after one edit", ms(save_s), verdict(save_s, 0.25),
                     f"pandas to_excel of the same {frame.size:,} budget cells "
                     f"{ms(to_excel_s)}", f"{to_excel_s / save_s:,.0f}x faster"))  # fmt: skip

        def clone_and_save() -> None:
            new_id = max(s.id for s in loaded.scenarios) + 1
            clone = Scenario(new_id, f"Clone {new_id}", target.inputs.copy())
            loaded.scenarios.append(clone)
            save_plan(path, loaded, dirty_scenarios={new_id})

        clone_s = median_seconds(clone_and_save, 3)
        rows.append(("clone a scenario and save", ms(clone_s), verdict(clone_s, 0.3), "", ""))
        rows.append(("write the whole large plan to a new file", ms(write_seconds), "",
                     f"file size {size_mb:,.1f} MB", ""))  # fmt: skip

        from tests.model.exchange.bench_excel import excel_rows

        rows += excel_rows(plan, Path(folder))
        from tests.bench.bench_team import team_rows

        rows += team_rows(plan)
        for title, seconds in _edit_to_repaint_seconds(path):
            label = title if "→" in title else f"edit → window repainted ({title})"
            rows.append((label, ms(seconds),
                         verdict(seconds, 0.100), "", ""))  # fmt: skip

        memory = _peak_memory_mb(path)
        rows.append(("peak memory: open + compute all scenarios", f"{memory:,.0f} MB",
                     f"≤ 300 MB {'ok' if memory <= 300 else 'OVER'}", "", ""))  # fmt: skip
        cold = _cold_start_seconds(path, Path(folder) / "window.png")
        rows.append(("cold start to a rendered window (large plan)", ms(cold),
                     verdict(cold, 2.0), "", ""))  # fmt: skip

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    headers = ("measure", "figure", "budget", "peer", "ratio")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    print()
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    print(f"\n(benchmark process peak RSS {own:,.0f} MB; numpy {np.__version__})")


if __name__ == "__main__":
    main()
