"""Hostile and wrong files are refused with a clear message, in bounded time and memory, and
the plan is untouched; a macro-enabled workbook is read for its values only."""

from __future__ import annotations

import contextlib
import re
import struct
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from gtm_planner.model.demo import build_demo_plan
from gtm_planner.model.entities import Plan
from gtm_planner.model.exchange.errors import WorkbookRefusedError
from gtm_planner.model.exchange.excel_import import read_workbook
from gtm_planner.model.exchange.xlsx_safety import CFB_MAGIC, MACROS_IGNORED, PASSWORD_MESSAGE

BUDGET_PART = "xl/worksheets/sheet4.xml"  # the export's fourth sheet


def _refusal(path: Path, plan: Plan) -> str:
    """The refusal message, after checking the plan is untouched."""
    with pytest.raises(WorkbookRefusedError) as caught:
        read_workbook(path, plan)
    for mine, original in zip(plan.scenarios, build_demo_plan().scenarios, strict=True):
        assert mine.inputs.equals(original.inputs)
    return str(caught.value)


def _rewrite(source: Path, target: Path, change: Callable[[str, bytes], bytes | None],
             extra: dict[str, bytes] | None = None) -> Path:  # fmt: skip
    """Copy a zip, passing each part through ``change`` (None drops it), adding ``extra``."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info))
            if data is not None:
                new.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            new.writestr(name, data)
    return target


def _peak_memory_and_time(action: Callable[[], object]) -> tuple[int, float]:
    tracemalloc.start()
    started = time.perf_counter()
    with contextlib.suppress(WorkbookRefusedError):
        action()
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak, elapsed


def test_a_zip_bomb_is_refused_in_bounded_memory(tmp_path: Path, demo_plan: Plan,
                                                 baseline_export: Path) -> None:  # fmt: skip
    bomb = tmp_path / "bomb.xlsx"
    zeros = b"\0" * (1 << 20)
    with (
        zipfile.ZipFile(baseline_export) as old,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as new,
    ):
        for info in old.infolist():
            if info.filename != BUDGET_PART:
                new.writestr(info.filename, old.read(info))
        with new.open(BUDGET_PART, "w") as part:  # 200 MB of zeros, a few hundred KB zipped
            for _ in range(200):
                part.write(zeros)
    assert bomb.stat().st_size < 2 * 2**20
    message = _refusal(bomb, demo_plan)
    assert re.fullmatch(
        rf"bomb\.xlsx: part {BUDGET_PART} is compressed 1,0\d\d to 1, far beyond any real "
        r"workbook; refused as a possible zip bomb",
        message,
    ), message
    peak, elapsed = _peak_memory_and_time(lambda: read_workbook(bomb, demo_plan))
    assert peak < 4 * 2**20  # not the 200 MB it would expand to
    assert elapsed < 2.0


def _forge_sizes(path: Path, uncompressed: int, compressed: int) -> None:
    """Make every central-directory entry claim these sizes (the parts stay tiny)."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        struct.pack_into("<II", data, at + 20, compressed, uncompressed)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


def test_a_workbook_claiming_too_much_data_in_all_is_refused(
    tmp_path: Path, demo_plan: Plan, baseline_export: Path
) -> None:
    forged = _rewrite(baseline_export, tmp_path / "forged.xlsx", lambda _, d: d)
    _forge_sizes(forged, uncompressed=100 * 2**20, compressed=2 * 2**20)
    message = _refusal(forged, demo_plan)
    assert message == (
        "forged.xlsx: the workbook would expand to more than 512 MB; refused as a possible "
        "zip bomb"
    )


def test_an_xml_entity_bomb_is_refused_before_any_expansion(
    tmp_path: Path, demo_plan: Plan, baseline_export: Path
) -> None:
    entities = "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY lol0 "lol">' + entities + "]>"
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<si><t>&lol9;</t></si></sst>"
    ).encode()
    bomb = _rewrite(
        baseline_export,
        tmp_path / "laughs.xlsx",
        lambda name, data: laughs if name == "xl/sharedStrings.xml" else data,
    )
    message = _refusal(bomb, demo_plan)
    assert message == (
        "laughs.xlsx: part xl/sharedStrings.xml: it declares a DOCTYPE (possible XML entity "
        "bomb); refused"
    )
    peak, _ = _peak_memory_and_time(lambda: read_workbook(bomb, demo_plan))
    assert peak < 4 * 2**20


def test_absurd_sheet_dimensions_are_refused(
    tmp_path: Path, demo_plan: Plan, baseline_export: Path
) -> None:
    def far_row(name: str, data: bytes) -> bytes:
        if name != BUDGET_PART:
            return data
        return data.replace(
            b"</sheetData>", b'<row r="1048576"><c r="A1048576"><v>1</v></c></row></sheetData>'
        )

    claimed = _rewrite(baseline_export, tmp_path / "claims.xlsx", _dimension_only)
    assert _refusal(claimed, demo_plan) == (
        "claims.xlsx, sheet Budget: the sheet claims 1,048,576 rows × 16,384 columns, far "
        "beyond any plan; refused (delete the unused rows and columns and save again)"
    )
    far = _rewrite(baseline_export, tmp_path / "far.xlsx", far_row)
    assert _refusal(far, demo_plan) == (
        "far.xlsx, sheet Budget: row 1,048,576 is beyond the 200,000 rows a plan can need; refused"
    )


def _dimension_only(name: str, data: bytes) -> bytes:
    if name != BUDGET_PART:
        return data
    return data.replace(b"<sheetViews>", b'<dimension ref="A1:XFD1048576"/><sheetViews>', 1)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (CFB_MAGIC + bytes(504) + "EncryptionInfo".encode("utf-16-le") + bytes(50)
         + "EncryptedPackage".encode("utf-16-le"), PASSWORD_MESSAGE),
        (CFB_MAGIC + bytes(504) + "Workbook".encode("utf-16-le") + bytes(100),
         "this is an old Excel 97–2003 workbook (.xls); open it in Excel and save it as an "
         "Excel Workbook (.xlsx)"),
        (b"Region,Line,Jan 2027\nEMEA,Paid digital,1000\n",
         "this looks like a CSV or text file, not an Excel workbook; open it in Excel and save "
         "it as an Excel Workbook (.xlsx)"),
        (bytes(range(256)) * 64, "this is not an Excel workbook (.xlsx): its contents are not a "
         "workbook"),
        (b"", "the file is empty; export the workbook again"),
    ],
    ids=["encrypted", "old-xls", "csv", "random-bytes", "empty"],
)  # fmt: skip
def test_files_that_are_not_xlsx_workbooks_are_refused_with_a_reason(
    tmp_path: Path, demo_plan: Plan, content: bytes, message: str
) -> None:
    path = tmp_path / "from-finance.xlsx"
    path.write_bytes(content)
    assert _refusal(path, demo_plan) == f"from-finance.xlsx: {message}"


def test_a_truncated_workbook_or_an_ods_is_refused(
    tmp_path: Path, demo_plan: Plan, baseline_export: Path
) -> None:
    truncated = tmp_path / "cut.xlsx"
    truncated.write_bytes(baseline_export.read_bytes()[:5000])
    assert _refusal(truncated, demo_plan) == (
        "cut.xlsx: the workbook is damaged or truncated; save it again in Excel"
    )
    ods = tmp_path / "calc.xlsx"
    with zipfile.ZipFile(ods, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    assert _refusal(ods, demo_plan) == (
        "calc.xlsx: this is an OpenDocument spreadsheet (.ods); save it as an Excel Workbook "
        "(.xlsx)"
    )


def test_a_macro_enabled_workbook_is_read_for_values_only(
    tmp_path: Path, demo_plan: Plan, baseline_export: Path
) -> None:
    vba = b'Attribute VB_Name = "Module1"\nSub Auto_Open()\n Shell "calc.exe"\nEnd Sub\n'
    xlsm = _rewrite(
        baseline_export,
        tmp_path / "with-macros.xlsm",
        lambda name, data: data.replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml")
        if name == "[Content_Types].xml" else data,
        extra={"xl/vbaProject.bin": vba},
    )  # fmt: skip
    result = read_workbook(xlsm, demo_plan)
    assert result.ok
    assert result.change_count == 0
    assert result.notes == (MACROS_IGNORED,)
