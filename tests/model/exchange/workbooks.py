"""Helpers for the Excel tests: re-save with LibreOffice, find cells by their hidden keys."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from gtm_planner.model.exchange.workbook_layout import KEY_MARK

# A LibreOffice profile that recalculates every formula on load, so the cached values in a
# re-saved file are LibreOffice's own results, not the ones the export wrote.
RECALCULATE_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


class LibreOffice:
    """Open and re-save a workbook with LibreOffice Calc, headless, in its own profile."""

    def __init__(self, program: str, profile: Path) -> None:
        self.program = program
        self.profile = profile
        (profile / "user").mkdir(parents=True, exist_ok=True)
        (profile / "user" / "registrymodifications.xcu").write_text(RECALCULATE_ALWAYS)

    def resave(self, source: Path, out_dir: Path) -> Path:
        """``soffice --headless --convert-to xlsx``: LibreOffice's own XML, recalculated."""
        out_dir.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [self.program, f"-env:UserInstallation={self.profile.as_uri()}", "--headless",
             "--convert-to", "xlsx", "--outdir", str(out_dir), str(source)],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        saved = out_dir / (source.stem + ".xlsx")
        assert result.returncode == 0 and saved.exists(), result.stdout + result.stderr
        return saved


def key_positions(ws: Any) -> tuple[dict[str, int], dict[str, int]]:
    """(row key → row, column key → column) of an exported input sheet."""
    key_row = next(r for r in range(1, 21) if any(c.value == KEY_MARK for c in ws[r] if c.value))
    columns = {str(c.value): c.column for c in ws[key_row] if c.value is not None}
    key_column = columns[KEY_MARK]
    rows = {
        str(ws.cell(r, key_column).value): r
        for r in range(key_row + 1, ws.max_row + 1)
        if ws.cell(r, key_column).value
    }
    return rows, columns


def edit_workbook(source: Path, target: Path, edit: Callable[[Any], None]) -> Path:
    """Open ``source`` with openpyxl, apply ``edit(workbook)``, save as ``target``."""
    workbook = load_workbook(source)
    edit(workbook)
    workbook.save(target)
    return target


def sort_rows(ws: Any, first: int, last: int, key: Callable[[list[Any]], Any]) -> dict[int, int]:
    """Re-sort rows ``first..last`` as a spreadsheet does: formulas follow their row.

    Returns old row → new row.
    """
    width = ws.max_column
    rows = [[ws.cell(r, c).value for c in range(1, width + 1)] for r in range(first, last + 1)]
    order = sorted(range(len(rows)), key=lambda i: key(rows[i]))
    moved: dict[int, int] = {}
    for new_offset, old_offset in enumerate(order):
        old_row, new_row = first + old_offset, first + new_offset
        moved[old_row] = new_row
        for c, value in enumerate(rows[old_offset], start=1):
            moved_value = value
            if isinstance(value, str) and value.startswith("="):
                moved_value = re.sub(rf"([A-Z]+){old_row}\b", rf"\g<1>{new_row}", value)
            ws.cell(new_row, c).value = moved_value
    return moved


def copy_file(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    return target
