"""Every menu command in one declarative table, and the one function that says what is enabled.

Standard shortcuts come from ``QKeySequence.StandardKey`` so each platform gets its own; a
fallback applies only where the platform defines none (Quit has no standard key on Windows).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from gtm_planner.model.document import PlanDocument
from gtm_planner.ui.theme import MAX_POINT_SIZE, MIN_POINT_SIZE

StandardKey = QKeySequence.StandardKey


class Menu(StrEnum):
    FILE = "&File"
    EDIT = "&Edit"
    VIEW = "&View"
    TOOLS = "&Tools"
    HELP = "&Help"


@dataclass(frozen=True)
class ActionSpec:
    id: str
    text: str
    menu: Menu
    shortcut: StandardKey | None = None
    fallback_shortcut: str = ""
    tip: str = ""
    checkable: bool = False
    separator_after: bool = False


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("new", "&New…", Menu.FILE, StandardKey.New, "Ctrl+N",
               "Create an empty plan file and open it in a new window"),
    ActionSpec("open", "&Open…", Menu.FILE, StandardKey.Open, "Ctrl+O",
               "Open a plan file in a new window"),
    ActionSpec("open_recent", "Open &Recent", Menu.FILE, None, "",
               "Open one of the plans you worked on lately"),
    ActionSpec("open_shared", "Open S&hared Plan…", Menu.FILE, None, "Ctrl+Shift+O",
               "Open a plan shared in a PostgreSQL database (team mode) in a new window"),
    ActionSpec("save", "&Save", Menu.FILE, StandardKey.Save, "Ctrl+S",
               "Save the changes to the plan file"),
    # Shown for a plan shared in a database only. F5 is presentation mode and Ctrl+R fill
    # right, so not the platform's Refresh key.
    ActionSpec("refresh", "Re&fresh from Database", Menu.FILE, None, "Ctrl+Shift+R",
               "Bring in what others saved to the shared plan now (it is checked every few "
               "seconds anyway)"),
    ActionSpec("save_as", "Save &As…", Menu.FILE, StandardKey.SaveAs, "Ctrl+Shift+S",
               "Save the plan under another name and keep working there",
               separator_after=True),
    ActionSpec("import_excel", "&Import from Excel…", Menu.FILE, None, "Ctrl+I",
               "Read a workbook finance edited: see every change before it is applied"),
    ActionSpec("export_excel", "&Export to Excel…", Menu.FILE, None, "Ctrl+E",
               "Write the current scenario or all scenarios as an Excel workbook for finance",
               separator_after=True),
    ActionSpec("change_log", "Change &Log…", Menu.FILE, None, "",
               "Who changed what, when, from which value to which", separator_after=True),
    ActionSpec("print", "&Print…", Menu.FILE, StandardKey.Print, "Ctrl+P",
               "Preview the scenario summary or a comparison of two, then print it"),
    ActionSpec("export_pdf", "Export &PDF…", Menu.FILE, None, "",
               "Save the scenario summary or a comparison as a PDF for the board",
               separator_after=True),
    ActionSpec("quit", "&Quit", Menu.FILE, StandardKey.Quit, "Ctrl+Q",
               "Close GTM Planner"),
    ActionSpec("undo", "&Undo", Menu.EDIT, StandardKey.Undo, "Ctrl+Z",
               "Undo the last change"),
    ActionSpec("redo", "&Redo", Menu.EDIT, StandardKey.Redo, "Ctrl+Shift+Z",
               "Redo the change just undone", separator_after=True),
    ActionSpec("copy", "&Copy", Menu.EDIT, StandardKey.Copy, "Ctrl+C",
               "Copy the selected cells (tab-separated, for Excel)"),
    ActionSpec("paste", "&Paste", Menu.EDIT, StandardKey.Paste, "Ctrl+V",
               "Paste a range copied from Excel at the current cell (all cells or none)"),
    ActionSpec("fill_down", "Fill &down", Menu.EDIT, None, "Ctrl+D",
               "Copy the top cell of the selection into the cells below it"),
    ActionSpec("fill_right", "Fill &right", Menu.EDIT, None, "Ctrl+R",
               "Copy the left cell of the selection into the cells right of it"),
    ActionSpec("zoom_in", "&Larger text", Menu.VIEW, StandardKey.ZoomIn, "Ctrl++",
               "Make every number larger, for the back of the room"),
    ActionSpec("zoom_out", "&Smaller text", Menu.VIEW, StandardKey.ZoomOut, "Ctrl+-",
               "Make every number smaller, to see more at once"),
    ActionSpec("zoom_reset", "&Normal text size", Menu.VIEW, None, "Ctrl+0",
               "Back to the normal text size", separator_after=True),
    ActionSpec("full_screen", "&Full screen", Menu.VIEW, StandardKey.FullScreen, "F11",
               "Fill the screen (for the projector)", checkable=True),
    ActionSpec("presentation", "&Presentation mode", Menu.VIEW, None, "F5",
               "The Dashboard full screen in large type, for the offsite (Esc leaves)",
               checkable=True, separator_after=True),
    ActionSpec("what_if", "&What-if panel", Menu.VIEW, None, "Ctrl+Shift+W",
               "Drag a region's drivers and watch every screen follow; nothing is saved "
               "until you save it as a scenario", checkable=True),
    ActionSpec("goal_seek", "&Goal seek…", Menu.TOOLS, None, "Ctrl+Shift+G",
               "What demand-creation budget, win rate or AE count closes the gap for a "
               "region and year, shown before anything is applied"),
    ActionSpec("allocate", "&Allocate demand-creation budget…", Menu.TOOLS, None,
               "Ctrl+Shift+A", "Spread a year's demand-creation budget across regions for "
               "the most bookings, offered as a new scenario"),
    ActionSpec("shortcuts", "&Keyboard shortcuts", Menu.HELP, None, "F1",
               "Every keyboard shortcut of the app"),
    ActionSpec("about", "&About GTM Planner", Menu.HELP, None, "",
               "What this application is and does"),
)  # fmt: skip

ACTION_BY_ID = {spec.id: spec for spec in ACTIONS}


def create_actions(parent: QWidget) -> dict[str, QAction]:
    """One ``QAction`` per row of ``ACTIONS``, owned by ``parent``, keyed by id."""
    actions: dict[str, QAction] = {}
    for spec in ACTIONS:
        action = QAction(spec.text, parent)
        action.setObjectName(f"action_{spec.id}")
        if spec.shortcut is not None:
            action.setShortcuts(spec.shortcut)
        if not action.shortcuts() and spec.fallback_shortcut:
            action.setShortcut(QKeySequence(spec.fallback_shortcut))
        action.setStatusTip(spec.tip)
        action.setToolTip(spec.tip)
        action.setCheckable(spec.checkable)
        actions[spec.id] = action
    return actions


def enabled_states(
    document: PlanDocument,
    text_point_size: int,
    *,
    can_undo: bool = False,
    can_redo: bool = False,
    grid_focused: bool = False,
    shared: bool = False,
) -> dict[str, bool]:
    """Which actions can run now: the one place enablement is decided.

    ``shared``: the plan is shared in a database (team mode).
    """
    editable = not document.read_only
    return {
        "new": True,
        "open": True,
        "open_recent": True,
        "open_shared": True,
        "save": editable,
        "refresh": shared,
        "save_as": True,
        "import_excel": editable,
        "export_excel": True,
        "change_log": True,
        "print": True,
        "export_pdf": True,
        "quit": True,
        "undo": editable and can_undo,
        "redo": editable and can_redo,
        "copy": grid_focused,
        "paste": editable and grid_focused,
        "fill_down": editable and grid_focused,
        "fill_right": editable and grid_focused,
        "zoom_in": text_point_size < MAX_POINT_SIZE,
        "zoom_out": text_point_size > MIN_POINT_SIZE,
        "zoom_reset": True,
        "full_screen": True,
        "presentation": True,
        "what_if": True,
        "goal_seek": True,
        "allocate": True,
        "shortcuts": True,
        "about": True,
    }
