"""Paper sizes, fonts and the black-and-white styles of the printed report.

Everything is laid out in points (1/72 inch). Text is measured on a 72-dpi reference image
with hinting off, so a page lays out the same on a PDF, a preview image and a printer; the
painter is scaled to each device and fonts are sized to match (``Fonts.for_device``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPaintDevice, QPen

FAMILY = "DejaVu Sans"  # TrueType, embedded by Qt as a subset; covers – → Σ × ≥
CONDENSED_FAMILY = "DejaVu Sans Condensed"
POINTS_PER_INCH = 72.0
MARGIN = 42.0  # left and right; top and bottom leave room for the running header and footer
TOP = 52.0
BOTTOM = 50.0
GAP = 9.0  # between blocks

INK = QColor(0, 0, 0)
GREY_DARK = QColor(64, 64, 64)
GREY_MID = QColor(150, 150, 150)
GREY_LIGHT = QColor(225, 225, 225)
ZEBRA = QColor(244, 244, 244)


class Paper(StrEnum):
    A4 = "a4"
    LETTER = "letter"

    @property
    def size(self) -> tuple[float, float]:
        """(width, height) in points, portrait."""
        return (595.276, 841.89) if self is Paper.A4 else (612.0, 792.0)

    @property
    def label(self) -> str:
        return "A4" if self is Paper.A4 else "Letter"


@dataclass(frozen=True)
class TextStyle:
    size: float
    bold: bool = False
    condensed: bool = False


TITLE = TextStyle(17, bold=True)
SUBTITLE = TextStyle(10.5)
HEADING = TextStyle(11.5, bold=True)
BODY = TextStyle(8.5)
FACT_LABEL = TextStyle(8.5, bold=True)
CELL = TextStyle(7.5, condensed=True)
CELL_BOLD = TextStyle(7.5, bold=True, condensed=True)
HEADER_CELL = TextStyle(7, bold=True, condensed=True)
CHART_TITLE = TextStyle(8.5, bold=True)
CHART_TEXT = TextStyle(6.5, condensed=True)
FURNITURE = TextStyle(7)


def _font(style: TextStyle, size: float) -> QFont:
    font = QFont(CONDENSED_FAMILY if style.condensed else FAMILY)
    font.setPointSizeF(size)
    font.setBold(style.bold)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    font.setKerning(False)  # the same advance widths on every device
    # No "fi"/"ffi" ligatures: a reader searching the PDF for "Definitions" must find it.
    for tag in ("liga", "clig"):
        font.setFeature(QFont.Tag(tag), 0)
    return font


@cache
def _reference_device() -> QImage:
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    dots_per_meter = round(POINTS_PER_INCH / 0.0254)
    image.setDotsPerMeterX(dots_per_meter)
    image.setDotsPerMeterY(dots_per_meter)
    return image


class Fonts:
    """Fonts for one device: sized so a ``TextStyle`` of 9 pt prints at 9 pt once the painter
    is scaled to points."""

    def __init__(self, device_dpi: float = POINTS_PER_INCH) -> None:
        self.factor = POINTS_PER_INCH / device_dpi

    @classmethod
    def for_device(cls, device: QPaintDevice) -> Fonts:
        return cls(float(device.logicalDpiY()))

    def font(self, style: TextStyle) -> QFont:
        return _font(style, style.size * self.factor)


def metrics(style: TextStyle) -> QFontMetricsF:
    """Metrics in points, the same for every device."""
    return _metrics(style)


@cache
def _metrics(style: TextStyle) -> QFontMetricsF:
    return QFontMetricsF(_font(style, style.size), _reference_device())


WRAP = Qt.TextFlag.TextWordWrap


def text_height(style: TextStyle, text: str, width: float) -> float:
    """Height of ``text`` wrapped to ``width`` points."""
    rect = metrics(style).boundingRect(QRectF(0, 0, max(width, 1.0), 10_000), WRAP, text)
    return max(rect.height(), metrics(style).height())


def text_width(style: TextStyle, text: str) -> float:
    return metrics(style).horizontalAdvance(text)


def pen(
    color: QColor = INK, width: float = 0.5, dash: Qt.PenStyle = Qt.PenStyle.SolidLine
) -> QPen:
    result = QPen(color, width, dash)
    result.setCapStyle(Qt.PenCapStyle.FlatCap)
    return result
