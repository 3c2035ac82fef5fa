"""A copy of a shared plan, as the window has it, written to a plan file of its own (File ›
Save a Copy as File…, and what closing offers while edits wait for the database)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QWidget

from gtm_planner.model.document import PlanDocument
from gtm_planner.model.persistence import recovery as recoveries
from gtm_planner.ui.files import PLAN_FILTER, PLAN_SUFFIX, _absolute, _with_suffix

if TYPE_CHECKING:
    from gtm_planner.ui.workspace import Workspace


def choose_copy_path(workspace: Workspace, parent: QWidget, plan_name: str) -> Path | None:
    """Ask where the copy goes, starting from the plan's name in the usual folder."""
    name = re.sub(r'[\\/:*?"<>|]+', "_", plan_name) or "GTM plan"
    start = workspace.default_folder() / f"{name}{PLAN_SUFFIX}"
    chosen, _ = QFileDialog.getSaveFileName(parent, "Save a copy as file", str(start), PLAN_FILTER)
    return _with_suffix(chosen) if chosen else None


def write_copy(workspace: Workspace, parent: QWidget, document: PlanDocument, path: Path) -> bool:
    """Write the document's plan, with its changes not yet saved, to ``path`` (never over a
    plan open in a window or locked by another app); False, having said why, when it cannot."""
    path = _absolute(path)
    plan = recoveries.plan_with_pending_log(document)
    lock = workspace.write_plan_file(path, plan, parent, "Cannot save a copy")
    if lock is None:
        return False
    lock.release()
    workspace.remember_recent(path)
    return True
