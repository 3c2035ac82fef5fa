"""Team mode in the window: a plan shared in a database, saved edit by edit (SPEC §9).

A ``TeamController`` is the controller of a window whose plan a ``TeamSession`` holds:

- every move of the window's undo stack (an edit, an undo, a redo) is saved at once, once the
  database has answered a question on a worker (see below); File › Save saves whatever still
  waits;
- every ``POLL_MS`` it asks the database for its revision (one small query) and, when others
  saved since, brings their values in, or reloads the plan when its structure changed; the
  undo history then goes, since its steps name places in the plan as it was;
- an edit made from stale data is refused by the session, which puts the stored values back;
  a notice names who changed what and offers to re-apply the user's values, and the refused
  step leaves the undo stack (undoing a change that never reached the database would write
  the old value over the other user's);
- when the database cannot be reached, or does not answer, the edits wait in the document, a
  safety copy of the plan with them is kept as a recovery (offered back after a crash), a notice
  says so and the database is tried again with back-off; closing asks what to do with edits
  still waiting;
- a database user who may read the plan but not change it gets the window read-only, as for a
  plan file locked by someone else, with a notice saying why; polls still bring others' changes.

There is no lock file, no autosave to a file and no Save As over the database: Save As writes
a copy to a file and the window stays on the database. The URL's password is never shown,
logged or stored: the window only knows the session's ``label``.

The save after an edit, the poll and the back-off retries first ask for the revision on a
worker thread (``team_probe.Probe``), so a server that has gone silent (a network that drops
packets, a paused VM, a failover that hangs) never holds the window: when no answer comes within
``team_probe.STALL_MS`` the database is reported as not answering and the edits wait; the
answer, when it comes, saves them. Saves and refreshes run on the GUI thread once the server
has answered, as one short transaction after which the session changes the document (others'
values, refused cells). Only a server that stops answering in the milliseconds between its
answer and the save can hold the window unasked, until it runs again (or, on a network gone
silent, for the session's TCP timeouts). The user's own Save, Refresh and Retry now, and
closing with edits waiting, try the database on the GUI thread under a busy cursor: a question
left waiting on a frozen server keeps its connection, so they open a new one, given up on
after the connect timeout (``team.CONNECT_TIMEOUT_SECONDS``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMainWindow
from shiboken6 import Shiboken

from gtm_planner.model.document import current_user
from gtm_planner.model.persistence import PlanFileError, PlanFileProblem
from gtm_planner.model.persistence.recovery import Recovery
from gtm_planner.model.persistence.team import Refusal, SyncResult, TeamSession, reapply_all
from gtm_planner.ui.files import _absolute
from gtm_planner.ui.notices import Action
from gtm_planner.ui.plan_copy import choose_copy_path, write_copy
from gtm_planner.ui.plan_window import PlanWindowController
from gtm_planner.ui.questions import Icon, ask, busy
from gtm_planner.ui.safety_copy import SafetyCopy
from gtm_planner.ui.team_notices import (
    TeamNotices,
    are,
    edits_text,
    name_shared_actions,
    person,
    shared_window_title,
)
from gtm_planner.ui.team_probe import STALL_MS, Probe
from gtm_planner.ui.undo import UndoController

if TYPE_CHECKING:
    from gtm_planner.ui.workspace import Workspace

POLL_MS = 2_000  # how often the window asks whether others saved
RETRY_FIRST_MS = 2_000  # an unreachable database is tried again after 2 s, 4 s, 8 s …
RETRY_MAX_MS = 30_000  # … and then every 30 s
STATUS_MS = 8_000
CLOSE_WAIT_MS = 200  # closing waits this long at most for a question out to a database

RETRY, SAVE_COPY, DISCARD, CANCEL = "Retry", "Save a copy as file…", "Discard", "Cancel"
KEEP_OPEN, CLOSE_WITHOUT = "Keep the window open", "Close without them"


class TeamController(PlanWindowController):
    """One window's plan in a shared database: saving, refreshing, conflicts, lost connection."""

    shared = True

    def __init__(
        self,
        workspace: Workspace,
        window: QMainWindow,
        undo: UndoController,
        session: TeamSession,
    ) -> None:
        super().__init__(workspace, window, undo)
        self.session = session
        self.label = session.label
        self.offline = False  # the database could not be reached at the last try
        self.stalled = False  # … because it did not answer (rather than refused to connect)
        self.problem = ""  # why the last try failed, as the user reads it ("" when it did not)
        self.retry_ms = RETRY_FIRST_MS  # the wait before the next try while offline
        self.refusals: list[Refusal] = []  # refused values the user may re-apply
        self.safety_copy: SafetyCopy | None = None  # of the edits waiting, made when needed
        self._index = undo.stack.index()
        self._steps = 0  # undo-stack moves since the last save
        self._direction = 0  # of the last move: +1 done or redone, -1 undone
        self._quiet = False  # the stack moves because of us, not the user
        self.notices = TeamNotices(self.label, window)
        self.poll_timer = QTimer(self, interval=POLL_MS)
        self.poll_timer.timeout.connect(self.poll)
        self.retry_timer = QTimer(self, singleShot=True)
        self.retry_timer.timeout.connect(self._probe_then_sync)
        self.probe = Probe(session, self)
        self.probe.answered.connect(self._on_probe_answered)
        self.probe.failed.connect(self._on_probe_failed)
        self.probe.stalled.connect(self._on_probe_stalled)
        undo.stack.indexChanged.connect(self._on_index_changed)
        self._connect_window()
        name_shared_actions(self.window, self.label)
        if self.document.read_only:
            self._show_read_only()
        self.poll_timer.start()

    def _show_read_only(self) -> None:
        """The database user may read the plan, not change it: say why, as the window opens."""
        reason = self.session.read_only_reason or (
            f"Your database user may read {self.label} but not change it."
        )
        self.notices.read_only(reason)
        label = getattr(self.window, "read_only_label", None)
        if label is not None:  # the main window's status bar names a file by default
            label.setText("Read-only: you may not change this shared plan")
            label.setToolTip(reason)

    def extra_actions(self) -> dict[str, Callable[[], object]]:
        return {"refresh": self.refresh_now}

    # --- what the window shows ----------------------------------------------------------

    @property
    def waiting(self) -> int:
        """How many edits are not in the database yet."""
        return len(self.document.pending_edits)

    def _has_unsaved(self) -> bool:
        return bool(self.document.pending_edits or self.document.pending_log)

    def show_title(self) -> None:
        self.window.setWindowTitle(shared_window_title(self.document, self.label))
        self.window.setWindowModified(self._has_unsaved())

    def location_text(self) -> str:
        """'Shared: «…» · you are maria (database user gtm) · saved rev 42'."""
        you = f"you are {current_user()}"
        if self.session.db_user:
            you += f" (database user {self.session.db_user})"
        parts = [f"Shared: {self.label}", you, f"saved rev {self.session.base}"]
        if self.waiting:
            parts.append(f"{edits_text(self.waiting)} waiting")
        return " · ".join(parts)

    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, STATUS_MS)

    def _show_state(self) -> None:
        self.file_changed.emit()
        self.show_title()
        self.refresh_change_log()

    # --- saving and refreshing ----------------------------------------------------------

    def _on_index_changed(self, index: int) -> None:
        move, self._index = index - self._index, index
        if self._quiet or not Shiboken.isValid(self.undo.stack):
            return
        self._steps += abs(move)
        self._direction = 1 if move > 0 else -1
        if self.offline:
            self._edits_waiting()  # the retry timer saves them
        else:
            self._probe_then_sync()  # saved when the database answers, at once when it is up

    def save(self) -> bool:
        """File › Save: save whatever waits now (trying an unreachable database again);
        True when nothing is left waiting."""
        with busy():
            saved = self._sync()
        if saved:
            self._status(f"Every edit is saved in {self.label} (revision {self.session.base}).")
        return saved and not self._has_unsaved()

    def save_as(self, path: Path | None = None) -> bool:
        return self.save_copy(path)

    def refresh_now(self) -> None:
        """File › Refresh from Database: others' changes now, without waiting for the poll."""
        with busy():
            synced = self._sync()
        if synced:
            self._status(f"Up to date with {self.label} (revision {self.session.base}).")

    def poll(self) -> None:
        """The timer's tick: ask (on a worker) whether the database answers and others saved;
        its answer saves what waits, or brings their changes in."""
        if not self.offline:
            self.probe.start()

    def retry(self) -> None:
        """Retry now: try the database again, at once."""
        self.retry_timer.stop()
        with busy():
            self._sync()

    def _probe_then_sync(self) -> None:
        """After an edit, and the back-off timer: see whether the database answers (on a
        worker), then save. A question still out and not answered counts as another try that
        found the database not answering."""
        if self.probe.is_stalled:
            self._failed(self._not_answering(), stalled=True)
        else:
            self.probe.start()

    def _on_probe_answered(self, revision: int) -> None:
        if self.offline or self._has_unsaved() or revision != self.session.base:
            self._sync()

    def _on_probe_failed(self, err: PlanFileError) -> None:
        self._failed(err)

    def _on_probe_stalled(self) -> None:
        self._failed(self._not_answering(), stalled=True)

    def _not_answering(self) -> PlanFileError:
        return PlanFileError(
            f"{self.label} is not answering (no reply within {STALL_MS // 1000} s): the server "
            "may be paused or failing over. Edits not yet saved are kept and saved when it "
            "answers.",
            PlanFileProblem.UNREACHABLE,
        )

    def _sync(self) -> bool:
        """Save the edits waiting, or else refresh; False when the database failed us."""
        base = self.session.base
        try:
            if self._has_unsaved():
                result = self.session.save(self.document)
            elif self.session.stored_revision() != base:
                result = self.session.refresh(self.document)
            else:
                result = SyncResult(revision=base)
        except PlanFileError as err:
            self._failed(err)
            return False
        self._synced(result, base)
        return True

    def _synced(self, result: SyncResult, base: int) -> None:
        """After a save or refresh that reached the database: show what it did."""
        steps, self._steps = self._steps, 0
        had_problem, was_offline, was_stalled = bool(self.problem), self.offline, self.stalled
        self.offline = self.stalled = False
        self.problem = ""
        self.retry_timer.stop()
        self.retry_ms = RETRY_FIRST_MS
        if result.reloaded:
            self._clear_undo()
            self._show_reload(base)
        elif result.refused:
            self._drop_refused_steps(steps)
        if result.refused:
            self._show_refusals(result.refused, history_cleared=steps > 1 and not result.reloaded)
        if had_problem and result.saved:
            self.notices.saved(result.saved, after_outage=was_offline, stalled=was_stalled)
        elif had_problem:
            self.notices.connection.dismiss()
        if result.saved:
            self.window.statusBar().clearMessage()  # what others did before is old news now
        if result.remote_cells:
            self._status(self._remote_text(result))
        self._discard_safety_copy()
        self._show_state()

    def _failed(self, err: PlanFileError, *, stalled: bool = False) -> None:
        """The database could not be reached, did not answer (``stalled``) or refused the
        save: the edits wait."""
        self.problem = str(err)
        self.stalled = stalled
        if err.problem is PlanFileProblem.UNREACHABLE:
            if not self.offline:
                self.retry_ms = RETRY_FIRST_MS
            self.offline = True
            self.retry_timer.start(self.retry_ms)
            self.retry_ms = min(self.retry_ms * 2, RETRY_MAX_MS)
        self._edits_waiting()

    def _edits_waiting(self) -> None:
        """Say what waits and why, and keep a safety copy of it."""
        actions: list[Action] = [("Retry now", self.retry)]
        if self.waiting:
            actions.append(("Save a copy as file…", self.save_copy))
        if self.offline:
            seconds = max(1, -(-self.retry_timer.remainingTime() // 1000))  # rounded up
            self.notices.unreachable(
                self.waiting, seconds, self.problem, actions, answering=not self.stalled
            )
        else:
            self.notices.not_saved(self.waiting, self.problem, actions)
        self._keep_safety_copy()
        self._show_state()

    def _remote_text(self, result: SyncResult) -> str:
        count = result.remote_cells
        people = sorted({person(e) for e in result.remote_log})
        by = f", saved by {', '.join(people)}" if people else ""
        return f"{count} value{'s' if count != 1 else ''} updated from {self.label}{by}."

    # --- conflicts and reloads ----------------------------------------------------------

    @contextlib.contextmanager
    def _quietly(self) -> Iterator[None]:
        """Move the undo stack without that counting as the user's edit."""
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = False
            self._index = self.undo.stack.index()

    def _clear_undo(self) -> None:
        with self._quietly():
            self.undo.stack.clear()

    def _drop_refused_steps(self, steps: int) -> None:
        """The refused step leaves the stack; after several steps saved at once (edits made
        offline) which was refused is not known, and the whole history goes."""
        with self._quietly():
            if steps == 1 and self._direction > 0:
                self.undo.drop_done()
            elif steps == 1:
                self.undo.drop_undone()
            elif steps > 1:
                self.undo.stack.clear()

    def _show_refusals(self, refused: list[Refusal], *, history_cleared: bool) -> None:
        self.refusals.extend(refused)
        self.notices.refused(
            self.refusals,
            history_cleared=history_cleared,
            reapply=self.reapply,
            dismiss=self.dismiss_refusals,
        )

    def reapply(self) -> None:
        """Set the refused values again, as one undoable step (saved like any edit)."""
        refusals, self.refusals = self.refusals, []
        self.notices.conflict.dismiss()
        again = reapply_all(self.document.plan, refusals)
        if again is None:
            self._status("Nothing to re-apply: those cells are no longer in the plan.")
            return
        self.undo.push(again)

    def dismiss_refusals(self) -> None:
        self.refusals = []
        self.notices.conflict.dismiss()

    def _show_reload(self, base: int) -> None:
        self.notices.reloaded([e for e in self.document.plan.change_log if e.revision > base])

    # --- copies of the edits waiting -----------------------------------------------------

    @property
    def safety(self) -> Recovery | None:
        """The safety copy of the edits waiting, on disk (None: there is none)."""
        return self.safety_copy.recovery if self.safety_copy is not None else None

    def _keep_safety_copy(self) -> None:
        """Keep the plan with the edits waiting on disk: a crash now cannot lose them (the
        next start offers the copy, to be saved as a file of its own)."""
        if self.safety_copy is None:
            if not self._has_unsaved():
                return
            self.safety_copy = SafetyCopy.of_database(self.label, self.workspace.recovery_folder)
            self.safety_copy.setParent(self)
            self.safety_copy.failed.connect(
                lambda why: self._status(f"Could not keep a safety copy of the edits: {why}")
            )
        self.safety_copy.keep_changes(self.document)

    def _discard_safety_copy(self) -> None:
        if self.safety_copy is not None:
            self.safety_copy.discard()

    def choose_copy_path(self) -> Path | None:
        return choose_copy_path(self.workspace, self.window, self.document.plan.settings.name)

    def save_copy(self, path: Path | None = None) -> bool:
        """Write the plan as this window has it (edits waiting included) to a plan file; the
        window stays on the database. False when no copy was written."""
        if path is None:
            path = self.choose_copy_path()
        if path is None or not write_copy(self.workspace, self.window, self.document, path):
            return False
        waiting = f", with {edits_text(self.waiting)} not yet saved," if self.waiting else ""
        self._status(f"Saved a copy of the plan{waiting} to {_absolute(path)}")
        return True

    # --- closing ------------------------------------------------------------------------

    def maybe_save(self) -> bool:
        """Before the window closes: edits still waiting are saved, copied or given up by the
        user's choice (Retry / Save a copy as file… / Discard / Cancel), and refused values
        not re-applied are given up only when the user says so; never silently."""
        if not self._has_unsaved() or (self._sync() and not self._has_unsaved()):
            return self._may_leave_refusals()
        self.poll_timer.stop()
        while True:
            self.raise_window()
            count = self.waiting
            choice = ask(
                self.window,
                Icon.Warning,
                "Edits not saved",
                f"{edits_text(count)} to {self.label} {are(count)} not saved yet.",
                [RETRY, SAVE_COPY, DISCARD, CANCEL],
                f"{self.problem}\n\nRetry tries the database again. Save a copy as file writes "
                "the plan with your edits to a plan file. Discard drops them for good.",
            )
            if choice == RETRY and self._sync() and not self._has_unsaved():
                return True
            if choice == SAVE_COPY and self.save_copy():
                return True
            if choice == DISCARD:
                return True
            if choice == CANCEL:
                self.poll_timer.start()
                return False

    def _may_leave_refusals(self) -> bool:
        """Values the database refused, still offered for re-applying: close without them?"""
        kept = sum(len(r.kept) for r in self.refusals)
        if not kept:
            return True
        self.raise_window()
        values = f"{kept} value{'s' if kept != 1 else ''} of yours"
        choice = ask(
            self.window,
            Icon.Warning,
            "Values not saved",
            f"{values} {are(kept)} not in {self.label}: someone changed those cells first.",
            [KEEP_OPEN, CLOSE_WITHOUT],
            "The notice in the window names each change; Re-apply there saves your values.",
        )
        return choice == CLOSE_WITHOUT

    def close_plan(self) -> None:
        """The window is going: no more polls or retries, the session closes."""
        self.poll_timer.stop()
        self.retry_timer.stop()
        self.probe.close(CLOSE_WAIT_MS)  # closes the session (later, if a question is out)
        # As for a file: the stack empties itself as the window is destroyed, unheard.
        self.undo.stack.blockSignals(True)
        if self.safety_copy is not None:
            self.safety_copy.close()
        self.workspace.forget(self)
