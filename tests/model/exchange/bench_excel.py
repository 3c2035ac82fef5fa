"""Excel export and import of the ``large`` plan (SPEC §8), beside what a user would otherwise
run: pandas ``to_excel`` / ``read_excel`` of the same budget cells, and LibreOffice opening
and recalculating the exported workbook. Rows match ``tests/bench/bench.py``'s table.

Run alone: ``python -m tests.model.exchange.bench_excel``.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from gtm_planner.model.demo import build_large_plan
from gtm_planner.model.entities import Plan
from gtm_planner.model.exchange.excel_export import export_workbook
from gtm_planner.model.exchange.excel_import import read_workbook

Row = tuple[str, str, str, str, str]


def _median(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def _verdict(seconds: float, budget: float) -> str:
    return f"≤ {_ms(budget)} {'ok' if seconds <= budget else 'OVER'}"


def _libreoffice_resave(source: Path, folder: Path) -> tuple[Path, float] | None:
    program = shutil.which("soffice")
    if program is None:
        return None
    profile = folder / "lo-profile"
    out = folder / "lo"
    started = time.perf_counter()
    subprocess.run(
        [program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
         "xlsx", "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    return out / source.name, time.perf_counter() - started


def excel_rows(plan: Plan, folder: Path) -> list[Row]:
    """Export and import of every scenario of ``plan``, with their peers, as table rows."""
    workbook = folder / "large.xlsx"
    export_s = _median(lambda: export_workbook(plan, workbook), 3)
    first = plan.scenarios[0].id
    import_s = _median(lambda: read_workbook(workbook, plan, first), 3)
    budget = np.concatenate([s.inputs.budget for s in plan.scenarios])
    frame = pd.DataFrame(budget.reshape(-1, plan.settings.horizon_months))
    peer = folder / "pandas.xlsx"
    to_excel_s = _median(lambda: frame.to_excel(peer), 1)
    read_excel_s = _median(lambda: pd.read_excel(peer), 1)
    cells = f"{frame.size:,} budget cells"
    rows: list[Row] = [
        (f"export to Excel ({len(plan.scenarios)} scenarios, 8 sheets)", _ms(export_s),
         _verdict(export_s, 3.0), f"pandas to_excel of the same {cells} {_ms(to_excel_s)}",
         f"{to_excel_s / export_s:,.1f}x faster"),
        ("import from Excel (our file, one scenario)", _ms(import_s), _verdict(import_s, 2.0),
         f"pandas read_excel of the same {cells} {_ms(read_excel_s)}",
         f"{read_excel_s / import_s:,.1f}x faster"),
    ]  # fmt: skip
    resaved = _libreoffice_resave(workbook, folder)
    if resaved is not None:
        path, libreoffice_s = resaved
        lo_import_s = _median(lambda: read_workbook(path, plan, first), 3)
        rows.append(
            ("import from Excel (LibreOffice-saved)", _ms(lo_import_s),
             _verdict(lo_import_s, 2.0),
             f"LibreOffice opening, recalculating, saving it {_ms(libreoffice_s)}",
             f"{libreoffice_s / lo_import_s:,.1f}x faster")
        )  # fmt: skip
    return rows


def main() -> None:
    plan = build_large_plan()
    with tempfile.TemporaryDirectory() as folder:
        rows = excel_rows(plan, Path(folder))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
