"""The fast path for reading a sheet's cells: C-level regex matching instead of XML events.

Excel, LibreOffice, openpyxl and our own writer all write cells as ``<c r="B7" s=… t=…>`` with
the formula, value and inline string in schema order. That shape is matched a chunk of rows at
a time (bounded memory). A sheet with a namespace prefix, comments, CDATA or another encoding
is left to expat entirely; a chunk in which any ``<c`` does not match is read, with the rest of
the sheet, by expat. On the large plan's LibreOffice-saved Budget sheet this is about 1.5x
faster than expat.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

from gtm_planner.model.exchange.errors import WorkbookRefusedError
from gtm_planner.model.exchange.xlsx_safety import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    dimension_problem,
    parse_dimension,
)
from gtm_planner.model.exchange.xlsx_sheet_stream import stream_sheet
from gtm_planner.model.exchange.xlsx_types import Cell, CellKind, SheetRow, unescape

MAX_FAST_BYTES = 64 * 1024 * 1024  # larger sheets are streamed with expat, in bounded memory
_CHUNK = 1 << 20  # characters of sheet data matched at a time

# Possessive quantifiers (Python 3.11+): no backtracking inside a cell.
_CELL = re.compile(
    r'<c r="([A-Z]{1,3})(\d{1,7})"(?: s="\d++")?(?: t="(\w++)")?([^>/]*+)(?:/>|>'
    r"(<f\b[^>]*+>[^<]*+</f>|<f\b[^>/]*+/>)?"
    r"(?:<v>([^<]*+)</v>|<v\s[^>]*+>([^<]*+)</v>|<v\s*/>)?"
    r"(?:<is>(.*?)</is>)?"
    r"</c>)",
    re.S,
)
_DECLARATION = re.compile(r'<\?xml[^>]*encoding="([^"]+)"')
_DIMENSION = re.compile(r'<dimension\s+ref="([^"]*)"')
_INLINE_TEXT = re.compile(r"<t(?:\s[^>]*)?>([^<]*)</t>")
_PHONETIC = re.compile(r"<rPh\b.*?</rPh>", re.S)
_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#\d+|amp|lt|gt|quot|apos);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _entity(match: re.Match[str]) -> str:
    name = match.group(1)
    if name.startswith("#x"):
        return chr(int(name[2:], 16))
    if name.startswith("#"):
        return chr(int(name[1:]))
    return _NAMED[name]


def xml_text(raw: str) -> str:
    """Character data as an XML parser would give it: line ends normalised, entities read."""
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in raw:
        raw = _ENTITY.sub(_entity, raw)
    return unescape(raw)


def _column(letters: str, cache: dict[str, int], label: str) -> int:
    column = 0
    for ch in letters:
        column = column * 26 + ord(ch) - 64
    if column > MAX_COLUMNS:
        raise WorkbookRefusedError(
            f"{label}: column {column:,} is beyond the {MAX_COLUMNS:,} columns a plan can "
            "need; refused"
        )
    cache[letters] = column
    return column


def read_sheet_fast(data: bytes, shared: list[str], label: str) -> Iterator[SheetRow] | None:
    """The sheet's non-empty rows, or None when the fast path does not apply at all.

    The sheet data is matched a chunk of rows at a time, so memory stays bounded; should a
    chunk hold a cell of another shape, the rest of the sheet is read with expat.
    """
    head = data[:512].decode("ascii", "replace")
    declared = _DECLARATION.search(head)
    if declared and declared.group(1).lower().replace("-", "") != "utf8":
        return None
    text = data.decode("utf-8", "strict")
    start = text.find("<sheetData")
    if start < 0 or text.find("<worksheet") < 0:
        return None  # a namespace prefix (x:worksheet) or no sheet data: let expat read it
    dimension = _DIMENSION.search(text, 0, start)
    if dimension:
        size = parse_dimension(dimension.group(1))
        problem = dimension_problem(*size) if size else None
        if problem:
            raise WorkbookRefusedError(f"{label}: {problem}")
    end = text.find("</sheetData>", start)
    end = len(text) if end < 0 else end
    if text.find("<!", start, end) >= 0:
        return None  # comments or CDATA
    if text.count("<c", start, end) > MAX_CELLS:  # in sheet data only <c …> elements start so
        raise WorkbookRefusedError(f"{label}: more than {MAX_CELLS:,} cells; refused")
    return _chunks(text, text.find(">", start) + 1, end, shared, label)


def _chunks(text: str, start: int, end: int, shared: list[str], label: str) -> Iterator[SheetRow]:
    position = start
    while position < end:
        cut = text.find("</row>", min(position + _CHUNK, end), end)
        cut = end if cut < 0 else cut + len("</row>")
        segment = text[position:cut]
        found = _CELL.findall(segment)
        rows = _rows(found, shared, label) if len(found) == segment.count("<c") else None
        if rows is None:  # a cell of another shape: expat reads the rest of the sheet
            rest = (text[:start] + text[position:]).encode("utf-8")
            yield from stream_sheet(io.BytesIO(rest), shared, label)
            return
        yield from rows
        position = cut


def _rows(
    found: list[tuple[str, str, str, str, str, str, str, str]], shared: list[str], label: str
) -> list[SheetRow] | None:
    rows: list[SheetRow] = []
    columns: dict[str, int] = {}
    number, text_kind, uncalculated = CellKind.NUMBER, CellKind.TEXT, CellKind.UNCALCULATED
    current = ""
    cells: dict[int, Cell] = {}
    for letters, row_text, kind, rest, formula, plain_value, attributed_value, inline in found:
        value = plain_value or attributed_value
        if rest and ' t="' in rest:
            return None  # the type after other attributes: not the usual shape
        if row_text != current:
            current = row_text
            row_number = int(row_text)
            if row_number > MAX_ROWS:
                raise WorkbookRefusedError(
                    f"{label}: row {row_number:,} is beyond the {MAX_ROWS:,} rows a plan can "
                    "need; refused"
                )
            if rows and rows[-1].number == row_number:
                cells = rows[-1].cells
            else:
                cells = {}
                rows.append(SheetRow(row_number, cells))
        column = columns[letters] if letters in columns else _column(letters, columns, label)
        if value and (not kind or kind == "n"):
            try:
                cells[column] = (number, float(value))
            except ValueError:
                cells[column] = (text_kind, xml_text(value))
        elif kind == "inlineStr":
            texts = _INLINE_TEXT.findall(_PHONETIC.sub("", inline))
            cells[column] = (text_kind, xml_text("".join(texts)))
        elif not value and kind != "str":  # no result saved (openpyxl writes an empty <v>)
            if formula:
                cells[column] = (uncalculated, "")
        elif kind == "s":
            index = int(value) if value.isdigit() else -1
            if 0 <= index < len(shared):
                cells[column] = (text_kind, shared[index])
        elif kind == "str":  # a formula's text result, possibly empty
            cells[column] = (text_kind, xml_text(value))
        elif kind == "b":
            cells[column] = (CellKind.BOOL, value.strip() == "1")
        elif kind == "e":
            cells[column] = (CellKind.ERROR, xml_text(value))
        else:
            cells[column] = (CellKind.DATE, xml_text(value))
    return [row for row in rows if row.cells]
