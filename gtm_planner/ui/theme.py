"""The look: a clean, high-contrast light theme sized to be read projected at an offsite.

One base point size drives every font, so "larger text" scales the whole window at once.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor, QFont

RESOURCES = Path(__file__).resolve().parent / "resources"

DEFAULT_POINT_SIZE = 13
MIN_POINT_SIZE = 9
MAX_POINT_SIZE = 24

INK = "#111827"  # body text: near black
DISABLED_INK = "#9ca3af"  # what cannot be used now: greyed, as every platform draws it
MUTED = "#4b5563"  # secondary text, still ≥ 7:1 on white
ACCENT = "#1d4ed8"
RULE = "#cbd5e1"
SURFACE = "#ffffff"
CANVAS = "#f1f5f9"
HEADER_FILL = "#e2e8f0"
TOTAL_FILL = "#dbe7fb"
ALTERNATE_FILL = "#f8fafc"
WARNING_INK = "#9a3412"

TOTAL_ROW_COLOR = QColor(TOTAL_FILL)


def scaled(base: int, factor: float) -> int:
    return max(1, round(base * factor))


def stylesheet(base: int = DEFAULT_POINT_SIZE) -> str:
    """The window's style sheet for a base point size (body text of tables and labels)."""
    chevron = (RESOURCES / "chevron-down.svg").as_posix()
    return f"""
QMainWindow, QMainWindow > QWidget, QScrollArea#body, QWidget#bodyContents {{
    background: {CANVAS};
}}
QWidget {{ font-size: {base}pt; color: {INK}; }}
QWidget:disabled {{ color: {DISABLED_INK}; }}
QToolTip {{
    font-size: {scaled(base, 0.9)}pt; color: {INK}; background: #fffbe6;
    border: 1px solid {RULE}; padding: 6px;
}}
QMenuBar {{ background: {SURFACE}; border-bottom: 1px solid {RULE}; }}
QMenuBar::item {{ padding: 4px 12px; }}
QMenuBar::item:selected, QMenu::item:selected {{ background: {ACCENT}; color: white; }}
QMenu {{ background: {SURFACE}; border: 1px solid {RULE}; }}
QMenu::item {{ padding: 6px 28px 6px 20px; }}
QToolBar {{ background: {SURFACE}; border: none; border-bottom: 1px solid {RULE};
            padding: 6px 12px; spacing: 10px; }}
QToolBar QLabel {{ font-weight: 600; }}
QComboBox {{ background: {SURFACE}; border: 1px solid #94a3b8; border-radius: 4px;
             padding: 4px 36px 4px 12px; min-width: 18em; }}
QComboBox:focus {{ border: 1px solid {ACCENT}; }}
QComboBox::drop-down {{ subcontrol-origin: padding; subcontrol-position: center right;
                        width: 30px; border: none; }}
QComboBox::down-arrow {{ image: url({chevron}); width: 16px; height: 16px; }}
QComboBox QAbstractItemView {{ background: {SURFACE}; selection-background-color: {ACCENT};
                               selection-color: white; }}
QStatusBar {{ background: {SURFACE}; border-top: 1px solid {RULE}; }}
QStatusBar QLabel {{ font-size: {scaled(base, 0.9)}pt; color: {MUTED}; padding: 2px 10px; }}
QStatusBar QLabel#readOnly {{ color: {WARNING_INK}; font-weight: 700; }}
QStatusBar::item {{ border: none; }}

QFrame#planHeader {{ background: {SURFACE}; border-bottom: 1px solid {RULE}; }}
QLabel#planTitle {{ font-size: {scaled(base, 1.55)}pt; font-weight: 700; }}
QLabel#planMeta {{ color: {MUTED}; }}
QLabel#scenarioLine {{ font-size: {scaled(base, 1.05)}pt; }}

QLabel#sectionTitle {{ font-size: {scaled(base, 1.15)}pt; font-weight: 700; }}
QLabel#footnote {{ font-size: {scaled(base, 0.9)}pt; color: {MUTED}; }}

QFrame#kpiCard {{ background: {SURFACE}; border: 1px solid {RULE}; border-radius: 6px; }}
QFrame#kpiCard:hover {{ border: 1px solid {ACCENT}; }}
QLabel#kpiLabel {{ color: {MUTED}; font-size: {scaled(base, 0.92)}pt; }}
QLabel#kpiValue {{ font-size: {scaled(base, 1.6)}pt; font-weight: 700; }}

QTableView {{
    background: {SURFACE}; alternate-background-color: {ALTERNATE_FILL};
    gridline-color: {RULE}; border: 1px solid {RULE};
    selection-background-color: #bfdbfe; selection-color: {INK};
}}
QHeaderView::section {{
    background: {HEADER_FILL}; color: {INK}; border: none;
    border-right: 1px solid {RULE}; border-bottom: 1px solid {RULE}; padding: 4px 6px;
}}
QHeaderView::section:horizontal {{
    font-size: {scaled(base, 0.92)}pt; font-weight: 600; border-bottom: 2px solid {INK};
}}
QTableCornerButton::section {{ background: {HEADER_FILL}; border: none;
                               border-bottom: 2px solid {INK}; }}

QListWidget#navigation {{
    background: {SURFACE}; border: none; border-right: 1px solid {RULE};
    font-size: {scaled(base, 1.05)}pt; padding-top: 10px; outline: none;
}}
QListWidget#navigation::item {{ padding: 9px 18px; border-left: 4px solid transparent; }}
QListWidget#navigation::item:hover {{ background: {ALTERNATE_FILL}; }}
QListWidget#navigation::item:selected {{
    background: #dbeafe; color: {INK}; font-weight: 700; border-left: 4px solid {ACCENT};
}}
"""


def bold_font() -> QFont:
    """A bold font for a model's FontRole: only the weight is set, so the view's own family
    and size still apply."""
    font = QFont()
    font.setBold(True)
    return font
