"""Editable grids over the plan document: declare rows and columns once, edit with undo.

``GridSpec`` declares a grid, ``GridModel`` adapts it to Qt over the live document,
``PlanGrid`` is the spreadsheet-like view (copy, paste from Excel, fill, clear) and
``GridScreen`` the base of the editing screens (message bar, titled grids).
"""

from gtm_planner.ui.grid.model import GridModel
from gtm_planner.ui.grid.screen import GridScreen, MessageBar
from gtm_planner.ui.grid.spec import EVERY, K0, K1, Column, GridSpec, Key, Row, region_rows
from gtm_planner.ui.grid.values import Fmt
from gtm_planner.ui.grid.view import PlanGrid

__all__ = [
    "EVERY",
    "K0",
    "K1",
    "Column",
    "Fmt",
    "GridModel",
    "GridScreen",
    "GridSpec",
    "Key",
    "MessageBar",
    "PlanGrid",
    "Row",
    "region_rows",
]
