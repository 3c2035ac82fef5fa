"""Cell formats of the .xlsx writer: a ``Style`` per look, registered once, as styles.xml."""

from __future__ import annotations

from dataclasses import dataclass, replace
from xml.sax.saxutils import quoteattr

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


@dataclass(frozen=True)
class Style:
    """A cell format; registered once per workbook, referred to by its index."""

    number_format: str = "General"
    bold: bool = False
    italic: bool = False
    size: float = 11.0
    color: str | None = None  # font colour, RRGGBB
    fill: str | None = None  # solid fill, RRGGBB
    wrap: bool = False
    top_border: bool = False
    bottom_border: bool = False
    quote_prefix: bool = False


_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "0%": 9, "0.00%": 10}


class StyleTable:
    """The workbook's cell formats: each distinct :class:`Style` once, by index."""

    def __init__(self) -> None:
        self._styles: list[Style] = [Style()]
        self._index: dict[Style, int] = {Style(): 0}

    def add(self, style: Style) -> int:
        if style not in self._index:
            self._index[style] = len(self._styles)
            self._styles.append(style)
        return self._index[style]

    def quoted(self, index: int) -> int:
        return self.add(replace(self._styles[index], quote_prefix=True))

    def xml(self) -> str:
        formats: dict[str, int] = {}
        fonts: dict[tuple[bool, bool, float, str | None], int] = {}
        fills: dict[str | None, int] = {None: 0, "gray125": 1}
        borders: dict[tuple[bool, bool], int] = {(False, False): 0}
        xfs: list[str] = []
        for s in self._styles:
            fmt = _BUILTIN_FORMATS.get(s.number_format)
            if fmt is None:
                fmt = formats.setdefault(s.number_format, 164 + len(formats))
            font = fonts.setdefault((s.bold, s.italic, s.size, s.color), len(fonts))
            fill = fills.setdefault(s.fill, len(fills))
            border = borders.setdefault((s.top_border, s.bottom_border), len(borders))
            attrs = (
                f'numFmtId="{fmt}" fontId="{font}" fillId="{fill}" borderId="{border}" '
                'xfId="0" applyNumberFormat="1" applyFont="1" applyFill="1" applyBorder="1"'
            )
            if s.quote_prefix:
                attrs += ' quotePrefix="1"'
            align = ""
            if s.wrap:
                attrs += ' applyAlignment="1"'
                align = '<alignment wrapText="1" vertical="top"/>'
            xfs.append(f"<xf {attrs}>{align}</xf>")
        parts = [XML_HEAD, f'<styleSheet xmlns="{MAIN_NS}">']
        parts.append(f'<numFmts count="{len(formats)}">')
        parts += [
            f'<numFmt numFmtId="{i}" formatCode={quoteattr(c)}/>' for c, i in formats.items()
        ]
        parts.append(f'</numFmts><fonts count="{len(fonts)}">')
        for bold, italic, size, color in fonts:
            parts.append(
                "<font>"
                + ("<b/>" if bold else "")
                + ("<i/>" if italic else "")
                + f'<sz val="{size:g}"/>'
                + (f'<color rgb="FF{color}"/>' if color else "")
                + '<name val="Calibri"/><family val="2"/></font>'
            )
        parts.append(f'</fonts><fills count="{len(fills)}">')
        for colour in fills:
            if colour is None:
                parts.append('<fill><patternFill patternType="none"/></fill>')
            elif colour == "gray125":
                parts.append('<fill><patternFill patternType="gray125"/></fill>')
            else:
                parts.append(
                    f'<fill><patternFill patternType="solid"><fgColor rgb="FF{colour}"/>'
                    '<bgColor indexed="64"/></patternFill></fill>'
                )
        parts.append(f'</fills><borders count="{len(borders)}">')
        for top, bottom in borders:
            line = '<{0} style="thin"><color rgb="FF808080"/></{0}>'
            parts.append(
                "<border><left/><right/>"
                + (line.format("top") if top else "<top/>")
                + (line.format("bottom") if bottom else "<bottom/>")
                + "<diagonal/></border>"
            )
        parts.append(
            '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
            f'borderId="0"/></cellStyleXfs><cellXfs count="{len(xfs)}">'
        )
        parts += xfs
        parts.append(
            '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
            "</cellStyles></styleSheet>"
        )
        return "".join(parts)
