"""A safety copy of the edits a shared database has not got yet, kept as a recovery.

While a plan shared in a database cannot be reached, its window's edits live only in memory.
``SafetyCopy`` keeps the plan with them on disk as a recovery (``persistence/recovery.py``)
whose "original" is a plan file of its own, named after the database: should the app die
before the database is back, the next start offers the copy like any unsaved work, to be
opened and saved as a file. Each change writes a new copy over the last one, on a worker thread
(the plan is copied on the GUI thread first, which is fast); once the edits are saved to the
database the copy is deleted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from gtm_planner.model.document import PlanDocument
from gtm_planner.model.persistence import PlanFileError
from gtm_planner.model.persistence import recovery as recoveries
from gtm_planner.model.persistence.recovery import PLAN_SUFFIX, Recovery

SAFETY_FOLDER = "Shared plans"  # beside the recovery folder: where a recovered copy is saved


def safety_copy_name(label: str, when: dt.datetime) -> str:
    """'gtm_q3 on db.example.com_5432 - edits not saved 2026-11-24 1402.gtmplan'."""
    rest = label.strip("«»").partition("://")[2] or label
    host, _, database = rest.partition("/")
    database = database.partition("?")[0] or "plan"
    name = f"{database} on {host} - edits not saved {when:%Y-%m-%d %H%M}"
    return re.sub(r"[^\w.@ -]+", "_", name) + PLAN_SUFFIX


class SafetyCopy(QObject):
    """The latest copy of one window's unsaved edits; written in the background."""

    failed = Signal(str)  # a copy could not be written: why
    _written = Signal()  # from the worker thread, delivered on the GUI thread

    def __init__(self, target: Path, folder: Path | None, parent: QObject | None = None) -> None:
        """``target``: where a recovered copy is saved; ``folder``: the recovery folder."""
        super().__init__(parent)
        self.target = target
        self.folder = folder
        self.recovery: Recovery | None = None  # the copy on disk, once one is written
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="safety-copy")
        self._writing: Future[Recovery] | None = None
        self._due: PlanDocument | None = None  # written next, once the running write is done
        self._held = 0  # how many changes the copy holds (edits and log lines)
        self._written.connect(self._on_written)

    @classmethod
    def of_database(cls, label: str, folder: Path | None) -> SafetyCopy:
        """For the plan in the database ``label`` names; a recovered copy is saved beside
        the recovery folder (``folder``, or the user's)."""
        name = safety_copy_name(label, dt.datetime.now())
        target = (folder or recoveries.recovery_folder()).parent / SAFETY_FOLDER / name
        return cls(target, folder)

    def keep_changes(self, document: PlanDocument) -> None:
        """Keep the document's unsaved changes on disk: a new copy when there are more than
        the copy holds (a retry that failed again writes nothing), none left when there are
        none."""
        changes = len(document.pending_edits) + len(document.pending_log)
        if changes == 0:
            self.discard()
        elif changes != self._held:
            self._held = changes
            self.keep(document)

    def keep(self, document: PlanDocument) -> None:
        """Write the document's plan as it is now (after the write in progress, if any)."""
        if self._writing is not None:
            self._due = document
            return
        with contextlib.suppress(OSError):  # so that a recovered copy can be saved there
            self.target.parent.mkdir(parents=True, exist_ok=True)
        prepared = recoveries.prepare_recovery(document, self.folder, self.target)
        self._writing = self._worker.submit(recoveries.store_recovery, prepared)
        self._writing.add_done_callback(lambda _future: self._written.emit())

    def _on_written(self) -> None:
        writing, self._writing = self._writing, None
        if writing is not None:
            self._take(writing)
        due, self._due = self._due, None
        if due is not None:
            self.keep(due)

    def _take(self, writing: Future[Recovery]) -> None:
        error = writing.exception()
        if error is None:
            self.recovery = writing.result()
        else:
            self.failed.emit(str(error))

    def wait(self) -> None:
        """Until the copy on disk is the latest (the tests', and a closing window's, need)."""
        writing, self._writing = self._writing, None
        if writing is not None:
            with contextlib.suppress(Exception):
                writing.result()
            self._take(writing)
        due, self._due = self._due, None
        if due is not None:
            prepared = recoveries.prepare_recovery(due, self.folder, self.target)
            try:
                self.recovery = recoveries.store_recovery(prepared)
            except (OSError, PlanFileError) as err:
                self.failed.emit(str(err))

    def discard(self) -> None:
        """The edits reached the database, or were given up: no copy is left."""
        writing, self._writing = self._writing, None
        self._due = None
        self._held = 0
        if writing is not None:
            with contextlib.suppress(Exception):
                writing.result()
            self._take(writing)
        if self.recovery is not None:
            recoveries.discard(self.recovery)
            self.recovery = None

    def close(self) -> None:
        self.discard()
        self._worker.shutdown(wait=True)
