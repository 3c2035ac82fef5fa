"""Unsaved work kept safe between saves: one recovery file per plan, offered back on restart.

Autosave writes a full copy of the plan (its pending change-log entries included) into the
user's data folder, as a plan file of its own, with a small JSON manifest beside it: which
plan it belongs to, when it was written, by whom, and which change-log entries were not yet
saved. The file is keyed by a hash of the plan's absolute path, so each plan has at most one
recovery and a newer autosave replaces the older. A normal save or a clean close removes it.

The app writes recoveries while it runs; only those whose process is gone are *pending*:
offered on the next start. A recovery from a live process (another window, another instance)
is still that process's business.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_path

from gtm_planner.model.document import PlanDocument, current_user
from gtm_planner.model.entities import Plan
from gtm_planner.model.persistence.lock import process_is_running, this_host
from gtm_planner.model.persistence.repository import load_plan, save_plan_as

PLAN_SUFFIX = ".gtmplan"
MANIFEST_SUFFIX = ".json"
# Tells this process's own recoveries from those of a dead process that had the same pid.
SESSION = uuid.uuid4().hex


def recovery_folder() -> Path:
    """Where recoveries live: ``<user data folder>/gtm-planner/recovery``."""
    return user_data_path("gtm-planner", appauthor=False) / "recovery"


@dataclass(frozen=True)
class Recovery:
    """One kept copy of unsaved work, as its manifest describes it."""

    original_path: Path  # the plan file the work belongs to; Save writes there
    plan_path: Path  # the recovery copy
    manifest_path: Path
    saved_at: dt.datetime
    user: str
    host: str
    pid: int
    session: str
    pending_log_ids: tuple[int, ...]  # change-log entries that were not yet saved

    def describe(self) -> str:
        """'GTM Planner closed without saving maria's changes to «q3.gtmplan» (kept at …).'"""
        local = self.saved_at.astimezone()
        return (
            f"GTM Planner closed without saving {self.user}'s changes to "
            f"«{self.original_path.name}» (a copy was kept at {local:%d %b %Y %H:%M})."
        )


def recovery_key(original_path: Path) -> str:
    """A file-name-safe key for a plan path, the same for every spelling of that path."""
    absolute = os.path.normcase(os.path.abspath(original_path))
    return hashlib.sha256(absolute.encode("utf-8")).hexdigest()[:24]


def plan_with_pending_log(document: PlanDocument) -> Plan:
    """The plan as a save must write it: the change log with the pending entries appended.

    A shallow copy: it shares everything else with the live plan, so it is for a save that
    runs now, on the thread that owns the document.
    """
    plan = document.plan
    return dataclasses.replace(plan, change_log=[*plan.change_log, *document.pending_log])


def write_recovery(document: PlanDocument, folder: Path | None = None) -> Recovery:
    """Keep the document's unsaved work now, on this thread (``prepare_recovery`` copies the
    document, ``store_recovery`` writes the copy; the app runs the second on a worker)."""
    return store_recovery(prepare_recovery(document, folder))


@dataclass(frozen=True)
class PreparedRecovery:
    """A snapshot of the document taken on the GUI thread, ready to be written anywhere."""

    recovery: Recovery
    plan: Plan


def prepare_recovery(
    document: PlanDocument, folder: Path | None = None, original_path: Path | None = None
) -> PreparedRecovery:
    """Copy the document's plan and describe the recovery (fast: no I/O).

    ``original_path`` is where a recovered copy is to be saved, when not the document's own
    file (a plan shared in a database has none: its copy names a file of its own).
    """
    target = original_path if original_path is not None else document.path
    if target is None:
        raise ValueError("a plan without a file has nowhere to be recovered to")
    original = Path(os.path.abspath(target))
    base = (folder or recovery_folder()) / recovery_key(original)
    recovery = Recovery(
        original_path=original,
        plan_path=base.with_suffix(PLAN_SUFFIX),
        manifest_path=base.with_suffix(MANIFEST_SUFFIX),
        saved_at=dt.datetime.now(dt.UTC),
        user=current_user(),
        host=this_host(),
        pid=os.getpid(),
        session=SESSION,
        pending_log_ids=tuple(e.id for e in document.pending_log),
    )
    return PreparedRecovery(recovery, plan_with_pending_log(document).copy())


def store_recovery(prepared: PreparedRecovery) -> Recovery:
    """Write the copy, then its manifest; each replaces the previous one atomically.

    PlanFileError (or OSError) if the data folder cannot be written.
    """
    recovery = prepared.recovery
    recovery.plan_path.parent.mkdir(parents=True, exist_ok=True)
    save_plan_as(recovery.plan_path, prepared.plan)
    manifest = {
        "original_path": str(recovery.original_path),
        "saved_at": recovery.saved_at.isoformat(),
        "user": recovery.user,
        "host": recovery.host,
        "pid": recovery.pid,
        "session": recovery.session,
        "pending_log_ids": list(recovery.pending_log_ids),
    }
    temporary = recovery.manifest_path.with_name(f".{recovery.manifest_path.name}.tmp")
    temporary.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    os.replace(temporary, recovery.manifest_path)
    return recovery


def is_live(recovery: Recovery) -> bool:
    """Written by a process that still runs (this one included): not to be offered."""
    if recovery.host != this_host():
        return False
    if recovery.pid == os.getpid():
        return recovery.session == SESSION
    return process_is_running(recovery.pid)


def all_recoveries(folder: Path | None = None) -> list[Recovery]:
    """Every recovery in the folder with both its files, oldest first (live ones included)."""
    where = folder or recovery_folder()
    try:
        manifests = sorted(where.glob(f"*{MANIFEST_SUFFIX}"))
    except OSError:
        return []
    found = [r for r in (_read_manifest(m) for m in manifests) if r is not None]
    return sorted((r for r in found if r.plan_path.is_file()), key=lambda r: r.saved_at)


def pending_recoveries(folder: Path | None = None) -> list[Recovery]:
    """Recoveries left by a process that is gone: the ones to offer the user."""
    return [r for r in all_recoveries(folder) if not is_live(r)]


def recovery_for(original_path: Path, folder: Path | None = None) -> Recovery | None:
    """The pending recovery of one plan file, if there is one."""
    key = recovery_key(original_path)
    for recovery in pending_recoveries(folder):
        if recovery.manifest_path.stem == key:
            return recovery
    return None


def load_recovery(recovery: Recovery) -> PlanDocument:
    """The recovered plan as a document that points at the original file and is unsaved.

    The entries that were pending when it was written are pending again (the viewer shows
    them as unsaved; Save writes them). The whole plan counts as changed, so the next save
    rewrites every scenario. PlanFileError if the recovery copy cannot be read.
    """
    plan = load_plan(recovery.plan_path)
    pending_ids = set(recovery.pending_log_ids)
    pending = [e for e in plan.change_log if e.id in pending_ids]
    plan.change_log = [e for e in plan.change_log if e.id not in pending_ids]
    document = PlanDocument(plan, path=recovery.original_path)
    document.pending_log.extend(pending)
    document.structure_dirty = True
    return document


def discard(recovery: Recovery) -> None:
    """Delete a recovery (the user declined it, or its work was saved)."""
    for leftover in (
        recovery.manifest_path,
        recovery.plan_path,
        recovery.plan_path.with_name(recovery.plan_path.name + "-journal"),
    ):
        with contextlib.suppress(OSError):
            leftover.unlink()


def discard_for(original_path: Path, folder: Path | None = None) -> None:
    """Delete this process's recovery of a plan file (after a save or a clean close).

    A recovery of the same file left by a dead process is left alone: the user has not yet
    been asked about it.
    """
    base = (folder or recovery_folder()) / recovery_key(original_path)
    recovery = _read_manifest(base.with_suffix(MANIFEST_SUFFIX))
    if recovery is None:
        # No manifest: at most a copy whose manifest was never written; nobody can offer it.
        with contextlib.suppress(OSError):
            base.with_suffix(PLAN_SUFFIX).unlink()
        return
    if recovery.session == SESSION or not is_live(recovery):
        discard(recovery)


def _read_manifest(manifest_path: Path) -> Recovery | None:
    try:
        data = json.loads(manifest_path.read_text(encoding="utf-8"))
        saved_at = dt.datetime.fromisoformat(data["saved_at"])
        recovery = Recovery(
            original_path=Path(data["original_path"]),
            plan_path=manifest_path.with_suffix(PLAN_SUFFIX),
            manifest_path=manifest_path,
            saved_at=saved_at if saved_at.tzinfo else saved_at.replace(tzinfo=dt.UTC),
            user=str(data["user"]),
            host=str(data["host"]),
            pid=int(data["pid"]),
            session=str(data.get("session", "")),
            pending_log_ids=tuple(int(i) for i in data.get("pending_log_ids", [])),
        )
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        return None
    return recovery
