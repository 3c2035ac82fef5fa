"""The sheet reader gives the same cells on its fast path and its expat path, for our own
files, LibreOffice's, and the unusual shapes other programs write."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from gtm_planner.model.exchange import xlsx_sheet_fast
from gtm_planner.model.exchange.xlsx_reader import XlsxReader
from gtm_planner.model.exchange.xlsx_sheet_fast import read_sheet_fast
from gtm_planner.model.exchange.xlsx_sheet_stream import stream_sheet
from gtm_planner.model.exchange.xlsx_types import CellKind, SheetRow
from tests.model.exchange.workbooks import LibreOffice

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
SHARED = ["Region", "EMEA"]


@pytest.fixture
def no_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path must read these files on its own, not hand any chunk to expat."""

    def refuse(*_: object) -> None:
        raise AssertionError("the fast path fell back to expat")

    monkeypatch.setattr(xlsx_sheet_fast, "stream_sheet", refuse)


def _both(xml: str) -> tuple[list[SheetRow] | None, list[SheetRow]]:
    """(fast path's rows or None if it declined, expat's rows)."""
    data = xml.encode("utf-8")
    fast = read_sheet_fast(data, SHARED, "t")
    streamed = list(stream_sheet(io.BytesIO(data), SHARED, "t"))
    return (None if fast is None else list(fast)), streamed


def _every_sheet_reads_the_same_both_ways(path: Path) -> int:
    compared = 0
    with XlsxReader(path) as reader, zipfile.ZipFile(path) as archive:
        shared = reader._shared_strings()
        for name, part in reader.sheet_parts.items():
            data = archive.read(part)
            fast = read_sheet_fast(data, shared, name)
            assert fast is not None, name  # the fast path applies to these files
            rows = list(fast)
            assert rows == list(stream_sheet(io.BytesIO(data), shared, name)), name
            compared += sum(len(row.cells) for row in rows)
    return compared


@pytest.mark.usefixtures("no_fallback")
def test_our_export_reads_the_same_on_both_paths(demo_export: Path) -> None:
    assert _every_sheet_reads_the_same_both_ways(demo_export) > 5000


@pytest.mark.usefixtures("no_fallback")
def test_libreoffice_files_read_the_same_on_both_paths(
    tmp_path: Path, demo_export: Path, libreoffice: LibreOffice
) -> None:
    resaved = libreoffice.resave(demo_export, tmp_path / "lo")
    assert _every_sheet_reads_the_same_both_ways(resaved) > 5000


UNUSUAL = f"""<?xml version="1.0" encoding="UTF-8"?>
<worksheet {NS}><dimension ref="A1:H3"/><sheetData>
<row r="1"><c r="A1" t="s"><v>1</v></c><c r="B1" s="2"><v>1E-005</v></c><c r="C1" s="1"/>
<c r="D1" t="inlineStr"><is><r><t>a&amp;b</t></r><r><t xml:space="preserve"> &#13;c</t></r>
<rPh sb="0" eb="1"><t>phonetic</t></rPh></is></c><c r="E1" t="b"><v>1</v></c>
<c r="F1" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="G1" t="str"><f>""</f><v></v></c>
<c r="H1"><f>B1*2</f><v></v></c></row>
<row r="3"><c r="A3" s="1"><f t="shared" ref="A3:B3" si="0">C1+1</f><v>2.5</v></c>
<c r="B3"><f t="shared" si="0"/><v>3</v></c><c r="C3" t="str"><v>_x000D_x</v></c></row>
</sheetData></worksheet>"""


@pytest.mark.usefixtures("no_fallback")
def test_unusual_cells_read_as_a_spreadsheet_saved_them() -> None:
    fast, streamed = _both(UNUSUAL)
    assert fast == streamed
    assert streamed == [
        SheetRow(1, {
            1: (CellKind.TEXT, "EMEA"),
            2: (CellKind.NUMBER, 1e-05),
            4: (CellKind.TEXT, "a&b \rc"),
            5: (CellKind.BOOL, True),
            6: (CellKind.ERROR, "#DIV/0!"),
            7: (CellKind.TEXT, ""),
            8: (CellKind.UNCALCULATED, ""),
        }),
        SheetRow(3, {
            1: (CellKind.NUMBER, 2.5),
            2: (CellKind.NUMBER, 3.0),
            3: (CellKind.TEXT, "\rx"),
        }),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "xml",
    [
        UNUSUAL.replace(f"<worksheet {NS}>", f"<x:worksheet {NS.replace('xmlns', 'xmlns:x')}>")
        .replace("</worksheet>", "</x:worksheet>")
        .replace("<sheetData>", "<x:sheetData>")
        .replace("</sheetData>", "</x:sheetData>")
        .replace("<row ", "<x:row ").replace("</row>", "</x:row>")
        .replace("<c ", "<x:c ").replace("</c>", "</x:c>")
        .replace("<v>", "<x:v>").replace("</v>", "</x:v>")
        .replace("<f>", "<x:f>").replace("</f>", "</x:f>").replace("<f ", "<x:f ")
        .replace("<is>", "<x:is>").replace("</is>", "</x:is>")
        .replace("<t>", "<x:t>").replace("<t ", "<x:t ").replace("</t>", "</x:t>")
        .replace("<r>", "<x:r>").replace("</r>", "</x:r>")
        .replace("<rPh ", "<x:rPh ").replace("</rPh>", "</x:rPh>")
        .replace("<dimension ", "<x:dimension "),
        UNUSUAL.replace('<row r="3">', '<!-- a comment --><row r="3">'),
    ],
    ids=["namespace-prefix", "comment"],
)  # fmt: skip
def test_unusual_layouts_fall_back_to_expat_and_read_the_same(xml: str) -> None:
    fast, streamed = _both(xml)
    assert fast is None
    assert streamed == _both(UNUSUAL)[1]


def test_a_chunk_with_a_cell_of_another_shape_is_read_by_expat_from_there_on() -> None:
    """Thousands of ordinary rows, then a cell whose type follows another attribute."""
    ordinary = "".join(
        f'<row r="{r}"><c r="A{r}" s="1"><v>{r}.5</v></c><c r="B{r}" t="s"><v>1</v></c></row>'
        for r in range(1, 30_001)
    )
    odd = '<row r="30001"><c r="A30001" cm="1" t="b"><v>1</v></c></row>'
    xml = f"<worksheet {NS}><sheetData>{ordinary}{odd}</sheetData></worksheet>"
    assert len(ordinary) > 2 * 1024 * 1024  # several chunks before the odd one
    fast, streamed = _both(xml)
    assert fast == streamed
    assert len(streamed) == 30_001
    assert streamed[-1] == SheetRow(30_001, {1: (CellKind.BOOL, True)})
    assert streamed[0] == SheetRow(1, {1: (CellKind.NUMBER, 1.5), 2: (CellKind.TEXT, "EMEA")})
