"""A copy of a shared plan, as the window has it, written to a plan file of its own (File ›
Save a Copy as File…, and what closing offers while edits wait for the database)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QWidget

from gtm_planner.model.document import PlanDocument
from gtm_planner.model.persistence import PlanFileError, save_plan_as
from gtm_planner.model.persistence import recovery as recoveries
from gtm_planner.ui.files import PLAN_FILTER, PLAN_SUFFIX, _absolute, _with_suffix
from gtm_planner.ui.questions import Icon, busy, tell

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
    title = "Cannot save a copy"
    if workspace.controller_for(path) is not None:
        tell(parent, Icon.Warning, title, f"«{path.name}» is open in another window.")
        return False
    lock = workspace.lock_for_writing(path, parent, title)
    if lock is None:
        return False
    try:
        with busy():
            save_plan_as(path, recoveries.plan_with_pending_log(document))
    except PlanFileError as err:
        tell(parent, Icon.Critical, title, str(err))
        return False
    finally:
        lock.release()
    workspace.remember_recent(path)
    return True
