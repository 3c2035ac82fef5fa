"""What the .xlsx reader yields: rows of cells as a spreadsheet saved them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum

_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


class CellKind(IntEnum):
    NUMBER = 1
    TEXT = 2
    BOOL = 3
    ERROR = 4  # "#DIV/0!", "#REF!"…
    DATE = 5
    UNCALCULATED = 6  # a formula the spreadsheet never calculated (no cached value)


Cell = tuple[CellKind, float | str | bool]


@dataclass(frozen=True)
class SheetRow:
    number: int
    cells: dict[int, Cell]  # column number (1 = A) → cell; empty cells are absent


def unescape(text: str) -> str:
    """Decode OOXML's ``_xHHHH_`` escapes (characters XML 1.0 cannot carry)."""
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text
