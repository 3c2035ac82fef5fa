"""Team mode: one plan in a shared database, saved edit by edit by several clients at once.

Concurrency is optimistic, with row versions. ``plan_meta`` holds the plan's ``revision``, a
counter every save increments first, which also serialises saves (the row stays locked until
the save commits); every input row saved edit by edit carries the revision that last changed it
(``schema._revision``). A client remembers the revision it has seen, its *base*. When it saves,
the rows changed by others since its base are read under that lock:

- a cell the client changed whose row changed meanwhile *and* whose value is no longer the one
  the client's edit started from is stale: the user's step it belongs to (one undo step: an
  edit, a paste, an import) is refused whole, its cells go back to the stored values and the
  user's values are kept to re-apply, with a message naming who changed what (from the change
  log entries of that revision; see ``team_refusals``);
- anything else others changed is applied to the client's plan, so after every save and every
  refresh the client holds exactly the stored plan plus nothing.

Edits that are not cell values (regions, lines, scenarios, records, settings, snapshots) are
saved with the file's writer for the scenarios they touch and bump ``structure_revision``: every
other client then reloads the plan. Such an edit is refused, and the plan reloaded, when another
client changed the structure first.

The change log records the OS user and the database role. The URL's password is never stored,
logged or put in a message (``errors.display_name``). A database user who may read the plan but
not change it is told so when the plan opens (``writable``), not at the first save.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    text,
)
from sqlalchemy.exc import DBAPIError

from gtm_planner.model.document import PlanDocument
from gtm_planner.model.entities import ChangeLogEntry, Plan
from gtm_planner.model.pending import CellEdit, PendingEdit, RecordEdit, ScalarEdit
from gtm_planner.model.persistence import schema
from gtm_planner.model.persistence.errors import (
    PlanFileError,
    PlanFileProblem,
    display_name,
    display_url,
)
from gtm_planner.model.persistence.reader import read_plan
from gtm_planner.model.persistence.repository import PlanRepository
from gtm_planner.model.persistence.team_refusals import (
    Conflict,
    KeptCell,
    Refusal,
    by_revision,
    change_text,
    edit_text,
    find_conflict,
    kept_cells,
    note_stored,
    person_text,
    reapply_all,
    reapply_command,
    scenario_name,
    step_refusal,
    time_text,
    with_restores,
)
from gtm_planner.model.persistence.team_rows import (
    COLUMN_BY_FIELD,
    SPEC_BY_FIELD,
    Changes,
    Meta,
    RowKey,
    Written,
    append_log,
    apply_changes,
    bump_revision,
    merge_log,
    missing_privileges,
    read_changes,
    read_log,
    read_meta,
    set_meta,
    storable,
    write_cells,
)
from gtm_planner.model.persistence.urls import is_database_url, with_driver
from gtm_planner.model.persistence.writer import validate_for_save, write_plan

__all__ = [
    "KeptCell",
    "Refusal",
    "SyncResult",
    "TeamSession",
    "reapply_all",
    "reapply_command",
]

CONNECT_TIMEOUT_SECONDS = 5
LOCK_TIMEOUT = "15s"  # another client's save holds the revision row at most this long


@dataclass
class SyncResult:
    """What a save or a refresh did to the client's plan."""

    saved: int = 0  # edits written
    refused: list[Refusal] = field(default_factory=list)
    remote_cells: int = 0  # values other clients changed, now in the plan
    remote_log: list[ChangeLogEntry] = field(default_factory=list)  # their change-log entries
    reloaded: bool = False  # the plan was replaced by the stored one (structure changed)
    revision: int = 0


class _StructureChangedError(Exception):
    """Raised inside a save transaction (rolling it back) when the client must reload."""


@dataclass
class _Outcome:
    """What a save found and did, applied to the document once the transaction is over."""

    result: SyncResult
    changed: Changes  # others' rows since the base
    skip: Written = field(default_factory=set)  # (row, column) this save wrote
    restore: dict[RowKey, dict[str, float]] = field(default_factory=dict)  # refused cells
    own_log: list[ChangeLogEntry] = field(default_factory=list)
    others_log: list[ChangeLogEntry] = field(default_factory=list)


class _NothingToWriteError(Exception):
    """Every edit was refused: roll the transaction back, then finish with ``outcome``."""

    def __init__(self, outcome: _Outcome) -> None:
        super().__init__("nothing to write")
        self.outcome = outcome


class TeamSession:
    """A client's connection to a plan in a database: load, save edit by edit, refresh.

    The session keeps a small connection pool (checked before use, so a restarted server is
    simply reconnected to) and no credentials of its own beyond the engine's.
    """

    def __init__(self, url: str) -> None:
        if not is_database_url(url):
            raise PlanFileError(
                f"{display_url(url)} is not a database URL; team mode needs "
                "postgresql+psycopg://USER@HOST:PORT/DATABASE.",
                PlanFileProblem.UNREACHABLE,
            )
        self.label = display_name(with_driver(url))  # one name however the URL is spelled
        # Checks identity, schema version and upgrades, exactly as for a file.
        PlanRepository.open(url).close()
        self._engine = _team_engine(with_driver(url))
        self.db_user = ""
        self.base = 0
        self._instance = ""
        self._all_or_nothing = False
        self.writable = True  # False: the database user may read the plan but not change it
        self.read_only_reason = ""  # why not, for the user

    @classmethod
    def open(cls, url: str) -> tuple[TeamSession, Plan]:
        """Connect to the plan at ``url`` and load it; PlanFileError when that cannot be."""
        session = cls(url)
        try:
            plan = session.load()
        except BaseException:
            session.close()
            raise
        return session, plan

    def close(self) -> None:
        self._engine.dispose()

    # -- reading ----------------------------------------------------------------------------

    def load(self) -> Plan:
        """The whole stored plan; its revision becomes this client's base."""
        with self._connection(read_only=True) as c:
            meta = read_meta(c)
            plan = read_plan(c, self.label)
            if c.dialect.name == "postgresql":
                self.db_user = str(c.execute(text("SELECT current_user")).scalar_one())
                missing = missing_privileges(c)
                self.writable = not missing
                self.read_only_reason = (
                    f"The database user «{self.db_user}» may read this plan but not change it "
                    f"(it may not {missing}). Ask the database's owner to grant it write "
                    "access to the plan's tables."
                    if missing
                    else ""
                )
        self._instance = meta.instance
        self.base = meta.revision
        return plan

    def stored_revision(self) -> int:
        """The plan's revision in the database (a cheap poll)."""
        with self._connection(read_only=True) as c:
            return read_meta(c).revision

    def refresh(self, document: PlanDocument) -> SyncResult:
        """Bring ``document`` up to the stored plan: others' values, or a reload.

        Does nothing while the document has edits not yet saved (save them first).
        """
        result = SyncResult(revision=self.base)
        if document.pending_edits or document.pending_log:
            return result
        with self._connection(read_only=True) as c:
            meta = read_meta(c)
            if self._must_reload(meta):
                plan = read_plan(c, self.label)
            else:
                if meta.revision == self.base:
                    return result
                plan = None
                changed = read_changes(c, self.base)
                log = read_log(c, self.base)
        if plan is not None:
            return self._reload(document, plan, meta)
        result.remote_cells = apply_changes(document, changed, set())
        result.remote_log = merge_log(document.plan, log)
        self.base = result.revision = max(meta.revision, self.base)
        return result

    # -- saving -----------------------------------------------------------------------------

    def save(self, document: PlanDocument, *, all_or_nothing: bool = False) -> SyncResult:
        """Save the document's pending edits, each as it was made, in one transaction.

        Stale cell edits are refused (see the module's docstring) and the others saved, or,
        ``all_or_nothing``, none at all (an import from the command line); when the plan's
        structure changed meanwhile nothing is saved and the plan is reloaded. A lost
        connection raises PlanFileError(UNREACHABLE) and leaves the edits pending.
        """
        self._all_or_nothing = all_or_nothing
        edits = list(document.pending_edits)
        if not edits and not document.pending_log:
            return SyncResult(revision=self.base)
        if not self.writable:
            raise PlanFileError(self.read_only_reason, PlanFileProblem.SAVE_FAILED)
        validate_for_save(document.plan, self.label)
        try:
            with self._connection(read_only=False) as c:
                outcome = self._save(c, document, edits)
        except _StructureChangedError:
            return self._reload_after_refusal(document, edits)
        except _NothingToWriteError as nothing:
            outcome = nothing.outcome
        return self._finish(document, outcome)

    def _save(self, c: Connection, document: PlanDocument, edits: list[PendingEdit]) -> _Outcome:
        """Write what can be written; the document is changed only after the commit."""
        revision = bump_revision(c)
        meta = read_meta(c)
        if self._must_reload(meta):
            raise _StructureChangedError
        outcome = _Outcome(SyncResult(revision=revision), read_changes(c, self.base))
        outcome.others_log = read_log(c, self.base)
        who = by_revision(outcome.others_log)
        plan = document.plan
        # A step (one undo step) is saved or refused whole.
        conflicts: dict[int, Conflict] = {}
        for edit in edits:
            if edit.step not in conflicts:
                found = find_conflict(plan, edit, outcome.changed, who)
                if found is not None:
                    conflicts[edit.step] = found
        groups = {step: [e for e in edits if e.step == step] for step in conflicts}
        if conflicts and self._all_or_nothing:
            first = next(iter(conflicts.values()))
            conflicts = {edit.step: first for edit in edits}
            groups = {edits[0].step: edits}
        refused = {i for i, edit in enumerate(edits) if edit.step in conflicts}
        if any(isinstance(edits[i], RecordEdit) for i in refused):
            raise _StructureChangedError  # a refused change of records: reload, say why
        for step, in_step in groups.items():
            outcome.result.refused.append(step_refusal(conflicts[step], in_step))
        kept = [e for i, e in enumerate(edits) if i not in refused]
        for position in refused:
            note_stored(edits[position], outcome.changed, outcome.restore)
        dropped = {id(entry) for i in refused for entry in edits[i].log}
        pending_log = [e for e in document.pending_log if id(e) not in dropped]
        if not kept:
            outcome.result.revision = revision - 1
            raise _NothingToWriteError(outcome)  # rolls back: the revision stays where it was
        outcome.skip = self._write_edits(c, kept, revision)
        outcome.own_log = append_log(c, pending_log, revision, self.db_user)
        if any(isinstance(e, RecordEdit) for e in kept):
            # Others' values go into the plan first, so the scenarios written whole hold them;
            # should the commit fail they are stored values anyway, and the edits stay pending.
            outcome.result.remote_cells = apply_changes(document, outcome.changed, outcome.skip)
            outcome.changed = {}
            touched = {e.scenario_id for e in kept if isinstance(e, CellEdit | ScalarEdit)}
            write_plan(c, with_restores(document, outcome.restore), touched)
            set_meta(c, "structure_revision", revision)
        outcome.result.saved = len(kept)
        return outcome

    def _finish(self, document: PlanDocument, outcome: _Outcome) -> SyncResult:
        """After the commit (or the rollback of a save with nothing left to write)."""
        result = outcome.result
        result.remote_cells += apply_changes(document, outcome.changed, outcome.skip)
        apply_changes(document, {row: (0, v) for row, v in outcome.restore.items()}, set())
        document.plan.change_log.extend(outcome.own_log)
        result.remote_log = merge_log(document.plan, outcome.others_log)
        document.pending_log.clear()
        document.pending_edits.clear()
        document.dirty_scenarios.clear()
        document.structure_dirty = False
        self.base = result.revision
        return result

    def _write_edits(
        self, c: Connection, edits: list[PendingEdit], revision: int
    ) -> set[tuple[RowKey, str]]:
        """Write cell and scalar edits row by row; return the (row, column) pairs written."""
        written: set[tuple[RowKey, str]] = set()
        updates: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for edit in edits:
            if isinstance(edit, CellEdit):
                spec = SPEC_BY_FIELD[edit.field]
                column = COLUMN_BY_FIELD[edit.field]
                for keys, value in zip(edit.keys.tolist(), edit.new.tolist(), strict=True):
                    row = {"k_scenario_id": edit.scenario_id, "v": storable(value)}
                    row.update(
                        {f"k_{name}": int(k) for name, k in zip(spec.keys, keys, strict=True)}
                    )
                    updates.setdefault((spec.table.name, column), []).append(row)
                    written.add(((spec.table.name, edit.scenario_id, tuple(keys)), column))
            elif isinstance(edit, ScalarEdit):
                row = {"k_id": edit.scenario_id, "v": storable(edit.new)}
                updates.setdefault((schema.scenarios.name, edit.field), []).append(row)
                written.add(((schema.scenarios.name, edit.scenario_id, ()), edit.field))
        for (table_name, column), rows in updates.items():
            table = schema.metadata.tables[table_name]
            write_cells(c, table, column, rows, revision)
        return written

    def _must_reload(self, meta: Meta) -> bool:
        return meta.instance != self._instance or meta.structure_revision > self.base

    def _reload(self, document: PlanDocument, plan: Plan, meta: Meta) -> SyncResult:
        document.replace_plan(plan)
        self._instance = meta.instance
        self.base = meta.revision
        return SyncResult(reloaded=True, revision=meta.revision)

    def _reload_after_refusal(
        self, document: PlanDocument, edits: list[PendingEdit]
    ) -> SyncResult:
        with self._connection(read_only=True) as c:
            meta = read_meta(c)
            plan = read_plan(c, self.label)
            log = read_log(c, self.base)
        structural = [e for e in log if e.revision == meta.structure_revision] or log[-1:]
        if meta.instance != self._instance:
            changed = " the plan was replaced in the database"
        elif structural:
            entry = structural[0]
            more = len({e.revision for e in log if e.revision > self.base}) - 1
            others = f" and {more} other change{'s' if more > 1 else ''}" if more > 0 else ""
            changed = (
                f" the plan was changed by {person_text(entry)} at {time_text(entry)} "
                f"({change_text(entry)}{others})"
            )
        else:
            changed = " the plan was changed"
        steps: dict[int, list[PendingEdit]] = {}
        for edit in edits:
            steps.setdefault(edit.step, []).append(edit)
        scenario_ids = {s.id for s in plan.scenarios}
        refusals = []
        for step in steps.values():
            label = step[0].step_label
            if any(isinstance(e, RecordEdit) for e in step):
                what = label or next(e.what for e in step if isinstance(e, RecordEdit))
                refusals.append(
                    Refusal(
                        f"«{what}» was not saved:{changed} meanwhile, and the plan has been "
                        "reloaded. Make the change again if it still applies.",
                        (),
                    )
                )
                continue
            cells = [e for e in step if isinstance(e, CellEdit | ScalarEdit)]
            what = f"«{label}»" if label else edit_text(document.plan, cells[0])
            if all(e.scenario_id not in scenario_ids for e in cells):
                names = sorted({scenario_name(document.plan, e.scenario_id) for e in cells})
                where = ", ".join(f"«{n}»" for n in names)
                message = (
                    f"Your {what} in {where} was not saved: {where} is no longer in the plan"
                    f" ({changed.strip()})."
                )
                refusals.append(Refusal(message, ()))
                continue
            message = (
                f"Your {what} was not saved:{changed} meanwhile, and the plan has been "
                "reloaded. Your values are kept for you to re-apply."
            )
            refusals.append(Refusal(message, tuple(c for e in cells for c in kept_cells(e))))
        result = self._reload(document, plan, meta)
        result.refused = refusals
        return result

    @contextmanager
    def _connection(self, *, read_only: bool) -> Iterator[Connection]:
        """A connection in a transaction, with database errors said for the user."""
        try:
            with self._engine.connect() as c:
                if read_only and c.dialect.name == "postgresql":
                    c.execution_options(isolation_level="REPEATABLE READ")
                with c.begin():
                    if not read_only and c.dialect.name == "postgresql":
                        c.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
                    yield c
        except DBAPIError as err:
            cause = " ".join(str(err.orig if err.orig is not None else err).split())
            lost = err.connection_invalidated or _is_connection_problem(cause)
            problem = PlanFileProblem.UNREACHABLE if lost else PlanFileProblem.SAVE_FAILED
            if lost:
                message = (
                    f"{self.label} cannot be reached ({cause.rstrip('.')}). Edits not yet "
                    "saved are kept and saved when the database is back."
                )
            else:
                message = f"{self.label}: the database refused the change ({cause.rstrip('.')})."
            raise PlanFileError(message, problem) from None


# -- helpers ----------------------------------------------------------------------------------


def _team_engine(url: str) -> Engine:
    """A small pool that checks a connection before use (a restarted server is reconnected)."""
    arguments: dict[str, Any] = {}
    if url.startswith("postgresql"):
        # libpq's own settings: a server that goes silent (a dropped network rather than a
        # refused connection) is given up on within seconds, not the system's many minutes.
        arguments = {
            "connect_timeout": CONNECT_TIMEOUT_SECONDS,
            "application_name": "gtm-planner",
            "keepalives": 1,
            "keepalives_idle": CONNECT_TIMEOUT_SECONDS,
            "keepalives_interval": 2,
            "keepalives_count": 2,
            "tcp_user_timeout": CONNECT_TIMEOUT_SECONDS * 1000,
        }
    return create_engine(
        url, pool_size=1, max_overflow=2, pool_pre_ping=True, connect_args=arguments
    )


def _is_connection_problem(cause: str) -> bool:
    words = ("connection", "server closed", "terminating", "could not connect", "timeout")
    return any(w in cause.lower() for w in words)
