"""The export's cell formats, registered once per workbook: finance reads them without help.

White cells are inputs finance may edit; grey cells are computed (formulas or the app's
results); totals are bold with a rule above.
"""

from __future__ import annotations

from gtm_planner.model.engine.kpis import Unit
from gtm_planner.model.exchange.workbook_layout import money_format, number_format
from gtm_planner.model.exchange.xlsx_styles import Style
from gtm_planner.model.exchange.xlsx_writer import WorkbookWriter
from gtm_planner.model.validation import Kind

HEADER_FILL = "DCE6F1"
COMPUTED_FILL = "F2F2F2"
SUBTITLE_COLOUR = "595959"


def unit_format(unit: Unit, currency: str) -> str:
    return {
        Unit.MONEY: money_format(currency),
        Unit.PERCENT: "0.0%",
        Unit.RATIO: '0.00"x"',
        Unit.MONTHS: '0.0" mo"',
        Unit.COUNT: "#,##0.0",
    }[unit]


class ExportStyles:
    """Style indexes of one workbook, by role."""

    def __init__(self, book: WorkbookWriter, currency: str) -> None:
        self._book = book
        self.currency = currency
        self.title = book.style(Style(bold=True, size=14.0))
        self.subtitle = book.style(Style(italic=True, color=SUBTITLE_COLOUR))
        self.header = book.style(Style(bold=True, fill=HEADER_FILL, wrap=True, bottom_border=True))
        self.key = book.style(Style(color="808080"))
        self.text = book.style(Style())
        self.wrapped = book.style(Style(wrap=True))
        self.total_label = book.style(Style(bold=True, top_border=True))
        self.section = book.style(Style(bold=True, size=12.0))

    def _add(self, fmt: str, *, computed: bool = False, total: bool = False) -> int:
        return self._book.style(
            Style(
                number_format=fmt,
                bold=total,
                top_border=total,
                fill=COMPUTED_FILL if computed and not total else None,
            )
        )

    def input(self, kind: Kind) -> int:
        return self._add(number_format(kind, self.currency))

    def computed(self, kind: Kind) -> int:
        return self._add(number_format(kind, self.currency), computed=True)

    def total(self, kind: Kind) -> int:
        return self._add(number_format(kind, self.currency), total=True)

    def unit(self, unit: Unit, *, computed: bool = True, total: bool = False) -> int:
        return self._add(unit_format(unit, self.currency), computed=computed, total=total)
