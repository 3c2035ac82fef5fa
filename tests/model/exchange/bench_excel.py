"""Excel export and import of the ``large`` plan (SPEC §8), beside what a user would otherwise
run: pandas ``to_excel`` / ``read_excel`` of the same budget cells, and LibreOffice opening
and recalculating the exported workbook. Rows match ``tests/bench/bench.py``'s table.

Run alone: ``python -m tests.model.exchange.bench_excel``.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from gtm_planner.model.demo import build_large_plan
from gtm_planner.model.entities import Plan
from gtm_planner.model.exchange.excel_export import export_workbook
from gtm_planner.model.exchange.excel_import import read_workbook
from tests.bench.measure import Row, median_seconds, ms, verdict


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
    export_s = median_seconds(lambda: export_workbook(plan, workbook), 3)
    first = plan.scenarios[0].id
    import_s = median_seconds(lambda: read_workbook(workbook, plan, first), 3)
    budget = np.concatenate([s.inputs.budget for s in plan.scenarios])
    frame = pd.DataFrame(budget.reshape(-1, plan.settings.horizon_months))
    peer = folder / "pandas.xlsx"
    to_excel_s = median_seconds(lambda: frame.to_excel(peer), 1)
    read_excel_s = median_seconds(lambda: pd.read_excel(peer), 1)
    cells = f"{frame.size:,} budget cells"
    rows: list[Row] = [
        (f"export to Excel ({len(plan.scenarios)} scenarios, 8 sheets)", ms(export_s),
         verdict(export_s, 3.0), f"pandas to_excel of the same {cells} {ms(to_excel_s)}",
         f"{to_excel_s / export_s:,.1f}x faster"),
        ("import from Excel (our file, one scenario)", ms(import_s), verdict(import_s, 2.0),
         f"pandas read_excel of the same {cells} {ms(read_excel_s)}",
         f"{read_excel_s / import_s:,.1f}x faster"),
    ]  # fmt: skip
    resaved = _libreoffice_resave(workbook, folder)
    if resaved is not None:
        path, libreoffice_s = resaved
        lo_import_s = median_seconds(lambda: read_workbook(path, plan, first), 3)
        rows.append(
            ("import from Excel (LibreOffice-saved)", ms(lo_import_s),
             verdict(lo_import_s, 2.0),
             f"LibreOffice opening, recalculating, saving it {ms(libreoffice_s)}",
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
