"""Stream a sheet's cells with expat, chunk by chunk: any well-formed SpreadsheetML, in
bounded memory, refusing DOCTYPEs and enforcing the row, column and cell caps as it reads."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO
from xml.parsers import expat

from gtm_planner.model.exchange.errors import WorkbookRefusedError
from gtm_planner.model.exchange.xlsx_safety import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    dimension_problem,
    parse_dimension,
)
from gtm_planner.model.exchange.xlsx_types import Cell, CellKind, SheetRow, unescape

_CHUNK = 1 << 20
_DIGITS = "0123456789"
_ROOT = re.compile(r"<(\w+:)?worksheet\b")


def _column_of(letters: str, cache: dict[str, int]) -> int:
    column = 0
    for ch in letters.upper():
        column = column * 26 + ord(ch) - 64
    cache[letters] = column
    return column


def stream_sheet(stream: IO[bytes], shared: list[str], label: str) -> Iterator[SheetRow]:
    """The sheet's non-empty rows, top to bottom, as saved."""
    first = stream.read(_CHUNK)
    root = _ROOT.search(first[:65536].decode("utf-8", "replace"))
    p = (root.group(1) or "") if root else ""  # a namespace prefix such as "x:"
    tag_c, tag_v, tag_f, tag_row = p + "c", p + "v", p + "f", p + "row"
    tag_is, tag_t, tag_dimension, tag_phonetic = p + "is", p + "t", p + "dimension", p + "rPh"
    number, text_kind, uncalculated = CellKind.NUMBER, CellKind.TEXT, CellKind.UNCALCULATED
    out: list[SheetRow] = []
    columns: dict[str, int] = {}
    row_cells: dict[int, Cell] = {}
    row_number = column = cell_count = 0
    cell_type: str | None = None
    has_formula = collecting = in_inline = in_phonetic = False
    text: list[str] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal row_number, column, cell_type, has_formula, collecting, in_inline
        nonlocal row_cells, in_phonetic
        if tag == tag_c:
            ref = attrs.get("r")
            if ref:
                letters = ref.rstrip(_DIGITS)
                column = columns.get(letters) or _column_of(letters, columns)
            else:
                column += 1
            cell_type = attrs.get("t")
            has_formula = False
            text.clear()
        elif tag == tag_v:
            collecting = True
        elif tag == tag_f:
            has_formula = True
        elif tag == tag_row:
            r = attrs.get("r")
            row_number = int(r) if r else row_number + 1
            if row_number > MAX_ROWS:
                raise WorkbookRefusedError(
                    f"{label}: row {row_number:,} is beyond the {MAX_ROWS:,} rows a plan can "
                    "need; refused"
                )
            row_cells = {}
            column = 0
        elif tag == tag_is:
            in_inline = True
        elif tag == tag_t and in_inline and not in_phonetic:
            collecting = True
        elif tag == tag_phonetic:
            in_phonetic = True
        elif tag == tag_dimension:
            size = parse_dimension(attrs.get("ref", ""))
            problem = dimension_problem(*size) if size else None
            if problem:
                raise WorkbookRefusedError(f"{label}: {problem}")

    def end(tag: str) -> None:
        nonlocal collecting, in_inline, cell_count, in_phonetic
        if tag == tag_v:
            collecting = False
        elif tag == tag_c:
            value = "".join(text)
            cell: Cell | None
            t = cell_type
            if t == "inlineStr":
                cell = (text_kind, unescape(value))
            elif not value and t != "str":  # no result saved (openpyxl writes an empty <v>)
                cell = (uncalculated, "") if has_formula else None
            elif t is None or t == "n":
                try:
                    cell = (number, float(value))
                except ValueError:
                    cell = (text_kind, unescape(value))
            elif t == "s":
                index = int(value) if value.isdigit() else -1
                cell = (text_kind, shared[index]) if 0 <= index < len(shared) else None
            elif t == "str":
                cell = (text_kind, unescape(value))
            elif t == "b":
                cell = (CellKind.BOOL, value.strip() == "1")
            elif t == "e":
                cell = (CellKind.ERROR, unescape(value))
            else:
                cell = (CellKind.DATE, unescape(value))
            if cell is not None:
                if column > MAX_COLUMNS:
                    raise WorkbookRefusedError(
                        f"{label}: column {column:,} is beyond the {MAX_COLUMNS:,} columns a "
                        "plan can need; refused"
                    )
                row_cells[column] = cell
                cell_count += 1
                if cell_count > MAX_CELLS:
                    raise WorkbookRefusedError(f"{label}: more than {MAX_CELLS:,} cells; refused")
        elif tag == tag_row:
            if row_cells:
                out.append(SheetRow(row_number, row_cells))
        elif tag == tag_t:
            collecting = False
        elif tag == tag_is:
            in_inline = False
        elif tag == tag_phonetic:
            in_phonetic = False

    def characters(data: str) -> None:
        if collecting:
            text.append(data)

    def refuse(*_: object) -> None:
        raise WorkbookRefusedError(f"{label}: the sheet declares a DOCTYPE or entities; refused")

    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    chunk = first
    try:
        while chunk:
            parser.Parse(chunk, False)
            yield from out
            out.clear()
            chunk = stream.read(_CHUNK)
        parser.Parse(b"", True)
        yield from out
    except expat.ExpatError as exc:
        raise WorkbookRefusedError(
            f"{label}: the sheet is damaged ({expat.ErrorString(exc.code)}, line "
            f"{exc.lineno}); save the workbook again"
        ) from None
