"""A values-only .xlsx reader for files that passed ``xlsx_safety``.

It reads what a spreadsheet saved, never what it would compute: a formula cell yields its
cached value (what Excel or LibreOffice showed when the file was saved), and a formula without
a cached value is reported as such. Nothing is evaluated, no macro, link or object is touched.

Why not openpyxl (``data_only=True``): on the ``large`` plan its read-only mode needs ~4 s for
the Budget sheet alone, over the 2 s import budget. This reader reads a sheet with one regex
pass (``xlsx_sheet_fast``) or, for anything unusual, streams it with expat
(``xlsx_sheet_stream``), in bounded memory, enforcing the row, column and cell caps.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from xml.etree.ElementTree import Element, ParseError

from defusedxml.ElementTree import fromstring

from gtm_planner.model.exchange.errors import WorkbookRefusedError
from gtm_planner.model.exchange.xlsx_sheet_fast import MAX_FAST_BYTES, read_sheet_fast
from gtm_planner.model.exchange.xlsx_sheet_stream import stream_sheet
from gtm_planner.model.exchange.xlsx_types import Cell, CellKind, SheetRow, unescape

__all__ = ["Cell", "CellKind", "SheetRow", "XlsxReader"]


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


class XlsxReader:
    """Open a checked workbook; list its sheets; stream a sheet's rows of cached values."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._zip = zipfile.ZipFile(self.path)
        self._shared: list[str] | None = None
        self.sheet_parts, self._shared_part = self._read_workbook()

    def __enter__(self) -> XlsxReader:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    @property
    def sheet_names(self) -> list[str]:
        return list(self.sheet_parts)

    def _read_xml(self, member: str) -> Element:
        try:
            root: Element = fromstring(self._zip.read(member))
            return root
        except KeyError:
            raise WorkbookRefusedError(f"{self.path.name}: the part {member} is missing") from None
        except (ParseError, ValueError) as exc:
            raise WorkbookRefusedError(
                f"{self.path.name}: the part {member} is damaged ({exc})"
            ) from None

    def _relationships(self, member: str) -> dict[str, tuple[str, str]]:
        """Id → (type, part name) of the relationships of ``member``."""
        folder, name = posixpath.split(member)
        rels = posixpath.join(folder, "_rels", name + ".rels")
        if rels not in self._zip.NameToInfo:
            return {}
        out: dict[str, tuple[str, str]] = {}
        for rel in self._read_xml(rels):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External":
                continue
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(folder, target)
            )  # fmt: skip
            out[rel.get("Id", "")] = (rel.get("Type", ""), part)
        return out

    def _read_workbook(self) -> tuple[dict[str, str], str | None]:
        root_rels = self._relationships("")
        workbook = next(
            (p for t, p in root_rels.values() if t.endswith("/officeDocument")), "xl/workbook.xml"
        )
        rels = self._relationships(workbook)
        sheets: dict[str, str] = {}
        for element in self._read_xml(workbook).iter():
            if _local(element.tag) != "sheet":
                continue
            rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
            if rid in rels and rels[rid][1] in self._zip.NameToInfo:
                sheets[element.get("name", "")] = rels[rid][1]
        shared = next((p for t, p in rels.values() if t.endswith("/sharedStrings")), None)
        return sheets, shared

    def _shared_strings(self) -> list[str]:
        if self._shared is None:
            self._shared = []
            if self._shared_part and self._shared_part in self._zip.NameToInfo:
                for si in self._read_xml(self._shared_part):
                    if _local(si.tag) != "si":
                        continue
                    self._shared.append(unescape("".join(_texts(si))))
        return self._shared

    def rows(self, sheet: str) -> Iterator[SheetRow]:
        """The sheet's non-empty rows, top to bottom, as saved."""
        shared = self._shared_strings()
        member = self.sheet_parts[sheet]
        label = f"{self.path.name}, sheet {sheet}"
        try:
            if self._zip.getinfo(member).file_size <= MAX_FAST_BYTES:
                fast = read_sheet_fast(self._zip.read(member), shared, label)
                if fast is not None:
                    yield from fast
                    return
            with self._zip.open(member) as stream:
                yield from stream_sheet(stream, shared, label)
        except (zipfile.BadZipFile, EOFError, UnicodeDecodeError) as exc:
            raise WorkbookRefusedError(f"{label}: the workbook is damaged ({exc})") from None


def _texts(element: Element) -> Iterator[str]:
    """The text of a shared string: its runs' <t>, without phonetic (<rPh>) guides."""
    for child in element:
        name = _local(child.tag)
        if name == "t":
            yield child.text or ""
        elif name == "r":
            yield from _texts(child)
