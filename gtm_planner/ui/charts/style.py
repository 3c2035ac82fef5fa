"""How the Dashboard's series look: colour AND a second cue (fill pattern, dash, marker).

A printout in black and white, a colour-blind CRO or a washed-out projector still tell the
series apart: every series differs from its neighbours in lightness and in pattern, not only
in hue. Colours are the Okabe–Ito palette, chosen to stay distinct for colour-blind readers.
Hatched bars sit on a light tint of their colour, so the bar reads as a shape even from the
back of the room, with the hatching on top of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPen

from gtm_planner.ui.theme import INK, MUTED, RULE

Pattern = Qt.BrushStyle

CHART_BACKGROUND = "#ffffff"
AXIS_INK = INK
GRID_ALPHA = 0.35
GRID_INK = RULE
LABEL_INK = MUTED

BLUE = "#0072b2"
ORANGE = "#e69f00"
GREEN = "#009e73"
VERMILLION = "#d55e00"
SKY = "#56b4e9"
PURPLE = "#cc79a7"
NAVY = "#0b2545"
PALE_BLUE = "#a6cee3"


@dataclass(frozen=True)
class SeriesStyle:
    """One series' look. ``pattern`` SolidPattern fills; any other hatches over a tint."""

    color: str
    pattern: Pattern = Pattern.SolidPattern
    outline: Qt.PenStyle = Qt.PenStyle.SolidLine
    tint_alpha: int = 70  # of 255, the light fill under a hatch

    @property
    def hatched(self) -> bool:
        return self.pattern is not Pattern.SolidPattern

    def brush(self) -> QBrush:
        return QBrush(QColor(self.color), self.pattern)

    def tint(self) -> QBrush:
        color = QColor(self.color)
        color.setAlpha(self.tint_alpha)
        return QBrush(color) if self.hatched else QBrush(Qt.BrushStyle.NoBrush)

    def pen(self, width: float = 2.0) -> QPen:
        pen = QPen(QColor(self.color).darker(125 if self.hatched else 140), width)
        pen.setStyle(self.outline)
        pen.setCosmetic(True)
        return pen


# Besides the pattern, the tint under it steps the grey level (light, middle, dark) so
# neighbouring series differ in lightness on a black-and-white printout too.
LIGHT_TINT, MIDDLE_TINT, DARK_TINT = 40, 120, 200

# Bookings: target bars, the forecast a line with markers, the gap hatched.
TARGET = SeriesStyle(PALE_BLUE)  # light, so the dark forecast line reads over it
GAP = SeriesStyle(VERMILLION, Pattern.BDiagPattern, Qt.PenStyle.DashLine, tint_alpha=170)
FORECAST_COLOR = NAVY
FORECAST_SYMBOL = "o"

# Two-series charts: a dark solid series and a light hatched one.
MARKETING_SOURCE = SeriesStyle(BLUE)
ALL_SOURCES = SeriesStyle(ORANGE, Pattern.DiagCrossPattern)
SALES_SPEND = SeriesStyle(BLUE)
MARKETING_SPEND = SeriesStyle(ORANGE, Pattern.BDiagPattern)

# Regional return: spend solid, pipeline hatched one way on a light tint, bookings
# cross-hatched on a darker one.
DEMAND_CREATION_SPEND = SeriesStyle(BLUE)
MARKETING_PIPELINE = SeriesStyle(ORANGE, Pattern.BDiagPattern, tint_alpha=LIGHT_TINT)
MARKETING_BOOKINGS = SeriesStyle(GREEN, Pattern.DiagCrossPattern, tint_alpha=MIDDLE_TINT)

# Program families, in the plan's category order; cycled if a plan has more.
FAMILY_STYLES: tuple[SeriesStyle, ...] = (
    SeriesStyle(BLUE),
    SeriesStyle(ORANGE, Pattern.BDiagPattern, tint_alpha=LIGHT_TINT),
    SeriesStyle(GREEN, Pattern.DiagCrossPattern, tint_alpha=MIDDLE_TINT),
    SeriesStyle(PURPLE, Pattern.Dense5Pattern, tint_alpha=LIGHT_TINT),
    SeriesStyle(VERMILLION, Pattern.HorPattern, tint_alpha=DARK_TINT),
    SeriesStyle(NAVY, Pattern.FDiagPattern, tint_alpha=LIGHT_TINT),
    SeriesStyle(SKY, Pattern.CrossPattern, tint_alpha=DARK_TINT),
)


def family_style(index: int) -> SeriesStyle:
    return FAMILY_STYLES[index % len(FAMILY_STYLES)]


def forecast_pen(width: float = 3.0) -> QPen:
    pen = QPen(QColor(FORECAST_COLOR), width)
    pen.setCosmetic(True)
    return pen
