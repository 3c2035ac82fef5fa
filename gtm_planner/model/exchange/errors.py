"""The errors of the Excel exchange: each a message a user can act on, caught at the edge."""

from __future__ import annotations

from collections.abc import Callable

# Progress of a long export or import: (steps done, steps in all, what is being done now).
Progress = Callable[[int, int, str], None]
# Asked between steps; True stops the work (nothing is written or changed).
Cancelled = Callable[[], bool]


class ExchangeError(Exception):
    """A workbook could not be written or read; the message says why and what to do."""


class WorkbookRefusedError(ExchangeError):
    """The file is not a workbook we will read (hostile, encrypted, not an .xlsx)."""


class ExchangeCancelledError(ExchangeError):
    """The user cancelled; nothing was written or changed."""

    def __init__(self) -> None:
        super().__init__("cancelled; nothing was changed")
