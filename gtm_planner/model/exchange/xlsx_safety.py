"""Check a file before any workbook parser reads it; refuse hostile files in bounded time and
memory.

What is refused, each with a message a user can act on: files that are not a zip (a CSV, an
old ``.xls``, random bytes), encrypted workbooks, zip bombs (too much uncompressed data, too
high a compression ratio, too many parts), XML with a DOCTYPE or entity declarations (the
"billion laughs"), and sheets with absurd dimensions. Only the zip's central directory and the
first bytes of each XML part are read here; nothing is decompressed in full.

Macro-enabled workbooks (``.xlsm``) are read for their values only; nothing is ever run.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from xml.parsers import expat

from gtm_planner.model.exchange.errors import WorkbookRefusedError

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_TOTAL_UNCOMPRESSED = 512 * 1024 * 1024
MAX_MEMBER_UNCOMPRESSED = 256 * 1024 * 1024
MAX_RATIO = 200  # uncompressed ÷ compressed, for parts over RATIO_FLOOR bytes
RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 5_000
MAX_PROLOG_BYTES = 1024 * 1024  # how far the DOCTYPE scan reads into one part at most
MAX_ROWS = 200_000  # per sheet that the import reads
MAX_COLUMNS = 4_096
MAX_CELLS = 5_000_000

CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
PASSWORD_MESSAGE = (
    "password-protected workbooks can't be read; remove the password in Excel and save again"
)
MACROS_IGNORED = "macros in this workbook were ignored: only cell values are read, nothing is run"
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")


@dataclass(frozen=True)
class SafetyReport:
    """A file that passed: its parts, and notes for the user (e.g. macros were ignored)."""

    members: frozenset[str]
    notes: tuple[str, ...]


def _refuse(path: Path, reason: str) -> WorkbookRefusedError:
    return WorkbookRefusedError(f"{path.name}: {reason}")


def _describe_non_zip(head: bytes) -> str:
    if not head:
        return "the file is empty; export the workbook again"
    if head.startswith(CFB_MAGIC):
        if "Encrypt".encode("utf-16-le") in head:
            return PASSWORD_MESSAGE
        if "Workbook".encode("utf-16-le") in head or "Book".encode("utf-16-le") in head:
            return (
                "this is an old Excel 97–2003 workbook (.xls); open it in Excel and save it "
                "as an Excel Workbook (.xlsx)"
            )
        return PASSWORD_MESSAGE
    sample = head[:4096]
    try:
        text = sample.decode("utf-8-sig" if not sample.startswith(b"\xff\xfe") else "utf-16")
    except UnicodeDecodeError:
        text = ""
    printable = text and sum(ch.isprintable() or ch in "\r\n\t" for ch in text) > 0.95 * len(text)
    if printable:
        lowered = text.lstrip().lower()
        if lowered.startswith(("<html", "<!doctype html", "<?xml", "<table")):
            return (
                "this is an HTML or XML text file named like a workbook, not an Excel "
                "workbook; open it in Excel and save it as an Excel Workbook (.xlsx)"
            )
        return (
            "this looks like a CSV or text file, not an Excel workbook; open it in Excel and "
            "save it as an Excel Workbook (.xlsx)"
        )
    return "this is not an Excel workbook (.xlsx): its contents are not a workbook"


def check_workbook_file(path: Path) -> SafetyReport:
    """Refuse ``path`` unless it is a plain .xlsx/.xlsm within every cap; never runs anything."""
    path = Path(path)
    if not path.exists():
        raise _refuse(path, "no such file")
    if not path.is_file():
        raise _refuse(path, "not a file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise _refuse(path, f"the file is too large to import ({size / 2**20:,.0f} MB)")
    with path.open("rb") as handle:
        head = handle.read(8)
        # An encrypted workbook's directory names its streams; look a little further for them.
        head += handle.read(MAX_PROLOG_BYTES if head.startswith(CFB_MAGIC) else 4096)
    if not zipfile.is_zipfile(path):
        if head.startswith(b"PK\x03\x04"):
            raise _refuse(path, "the workbook is damaged or truncated; save it again in Excel")
        raise _refuse(path, _describe_non_zip(head))
    try:
        with zipfile.ZipFile(path) as archive:
            return _check_archive(path, archive)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise _refuse(
            path, f"the workbook is damaged or truncated ({exc}); save it again in Excel"
        ) from None


def _check_archive(path: Path, archive: zipfile.ZipFile) -> SafetyReport:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _refuse(path, f"the workbook has {len(infos):,} parts; refused as a zip bomb")
    names = {i.filename for i in infos}
    if "mimetype" in names and "content.xml" in names:
        raise _refuse(
            path,
            "this is an OpenDocument spreadsheet (.ods); save it as an Excel Workbook (.xlsx)",
        )
    if "xl/workbook.xml" not in names and not any(n.endswith("workbook.xml") for n in names):
        raise _refuse(path, "this zip file is not an Excel workbook (it has no workbook part)")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise _refuse(path, PASSWORD_MESSAGE)
        total += info.file_size
        if info.file_size > MAX_MEMBER_UNCOMPRESSED:
            raise _refuse(
                path,
                f"part {info.filename} would expand to {info.file_size / 2**20:,.0f} MB; "
                "refused as a possible zip bomb",
            )
        if total > MAX_TOTAL_UNCOMPRESSED:
            raise _refuse(
                path,
                f"the workbook would expand to more than {MAX_TOTAL_UNCOMPRESSED // 2**20} MB; "
                "refused as a possible zip bomb",
            )
        if info.file_size > RATIO_FLOOR:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > MAX_RATIO:
                raise _refuse(
                    path,
                    f"part {info.filename} is compressed {ratio:,.0f} to 1, far beyond any real "
                    "workbook; refused as a possible zip bomb",
                )
    for info in infos:
        if info.filename.lower().endswith(_XML_SUFFIXES):
            with archive.open(info) as stream:
                problem = xml_prolog_problem(stream)
            if problem:
                raise _refuse(path, f"part {info.filename}: {problem}")
    notes: list[str] = []
    lowered = {n.lower() for n in names}
    content_types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    if any(n.endswith("vbaproject.bin") for n in lowered) or b"macroEnabled" in content_types:
        notes.append(MACROS_IGNORED)
    return SafetyReport(frozenset(names), tuple(notes))


class _PrologEndError(Exception):
    """The root element started: the prolog (where a DOCTYPE must be) is over."""


class _ForbiddenError(Exception):
    pass


def xml_prolog_problem(stream: IO[bytes], limit: int = MAX_PROLOG_BYTES) -> str | None:
    """Read one XML part up to its root element; a DOCTYPE or ENTITY there is a problem.

    A DOCTYPE can only precede the root element, so this never reads more than the prolog
    (bounded by ``limit``). Entities are refused outright, before any could expand.
    """
    parser = expat.ParserCreate()

    def doctype(*_: object) -> None:
        raise _ForbiddenError("it declares a DOCTYPE (possible XML entity bomb); refused")

    def entity(*_: object) -> None:
        raise _ForbiddenError("it declares XML entities (possible entity bomb); refused")

    def root(*_: object) -> None:
        raise _PrologEndError

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.StartElementHandler = root
    read = 0
    try:
        while read < limit:
            chunk = stream.read(min(16384, limit - read))
            if not chunk:
                parser.Parse(b"", True)
                return None
            read += len(chunk)
            parser.Parse(chunk, False)
    except _PrologEndError:
        return None
    except _ForbiddenError as exc:
        return str(exc)
    except expat.ExpatError as exc:
        return f"it is not well-formed XML ({expat.ErrorString(exc.code)})"
    return "its XML prolog is absurdly long; refused"


def parse_dimension(ref: str) -> tuple[int, int] | None:
    """Rows and columns a ``<dimension ref="A1:XFD1048576"/>`` declares, or None."""
    corners = [_REF.fullmatch(part) for part in ref.strip().split(":")]
    if not corners or any(c is None for c in corners):
        return None
    rows = [int(c.group(2)) for c in corners if c]
    columns = [_column_number(c.group(1)) for c in corners if c]
    return max(rows) - min(rows) + 1, max(columns) - min(columns) + 1


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


def dimension_problem(rows: int, columns: int) -> str | None:
    """Why a sheet of ``rows`` × ``columns`` is refused, or None."""
    if rows > MAX_ROWS or columns > MAX_COLUMNS:
        return (
            f"the sheet claims {rows:,} rows × {columns:,} columns, far beyond any plan; "
            "refused (delete the unused rows and columns and save again)"
        )
    return None
