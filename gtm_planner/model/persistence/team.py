"""Team mode: one plan in a shared database, saved edit by edit by several clients at once.

Concurrency is optimistic, with row versions. ``plan_meta`` holds the plan's ``revision``, a
counter every save increments first, which also serialises saves (the row stays locked until
the save commits); every input row saved edit by edit carries the revision that last changed it
(``schema._revision``). A client remembers the revision it has seen, its *base*. When it saves,
the rows changed by others since its base are read under that lock:

- a cell the client changed whose row changed meanwhile *and* whose value is no longer the one
  the client's edit started from is stale: the edit is refused (nothing of it is written), the
  client's cells go back to the stored values and the user's values are kept to re-apply, with
  a message naming who changed what (from the change log entries of that revision);
- anything else others changed is applied to the client's plan, so after every save and every
  refresh the client holds exactly the stored plan plus nothing.

Edits that are not cell values (regions, lines, scenarios, records, settings, snapshots) are
saved with the file's writer for the scenarios they touch and bump ``structure_revision``: every
other client then reloads the plan. Such an edit is refused, and the plan reloaded, when another
client changed the structure first.

The change log records the OS user and the database role. The URL's password is never stored,
logged or put in a message (``errors.display_name``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    Table,
    Text,
    and_,
    bindparam,
    cast,
    create_engine,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from gtm_planner.model.commands import Command, Macro, SetScalar, SetValues
from gtm_planner.model.document import (
    CellEdit,
    PendingEdit,
    PlanDocument,
    RecordEdit,
    ScalarEdit,
)
from gtm_planner.model.entities import ChangeLogEntry, Plan
from gtm_planner.model.persistence import codec, schema
from gtm_planner.model.persistence.bulk import fetch_numbers
from gtm_planner.model.persistence.errors import PlanFileError, PlanFileProblem, display_name
from gtm_planner.model.persistence.reader import read_plan
from gtm_planner.model.persistence.repository import (
    PlanRepository,
    is_database_url,
    with_driver,
)
from gtm_planner.model.persistence.writer import change_log_row, validate_for_save, write_plan
from gtm_planner.model.validation import RULE_BY_FIELD, cell_label

CONNECT_TIMEOUT_SECONDS = 5
LOCK_TIMEOUT = "15s"  # another client's save holds the revision row at most this long

_SPEC_BY_FIELD: dict[str, schema.InputTable] = {
    name: spec for spec in schema.INPUT_TABLES for name in spec.fields
}
_COLUMN_BY_FIELD: dict[str, str] = {
    name: column
    for spec in schema.INPUT_TABLES
    for name, column in zip(spec.fields, spec.columns, strict=True)
}
# A cell as stored: (table, scenario id, *keys) -> its row; the column names the value.
RowKey = tuple[str, int, tuple[int, ...]]


@dataclass(frozen=True)
class KeptCell:
    """A value of the user's that was not saved: where it goes, by stable keys."""

    scenario_id: int
    field: str
    keys: tuple[int, ...]  # per axis, as ``Plan.axis_ids``; () for a scenario scalar
    value: float


@dataclass(frozen=True)
class Refusal:
    """An edit that was not saved, why (in the user's words) and the values to re-apply."""

    message: str
    kept: tuple[KeptCell, ...]


@dataclass
class SyncResult:
    """What a save or a refresh did to the client's plan."""

    saved: int = 0  # edits written
    refused: list[Refusal] = field(default_factory=list)
    remote_cells: int = 0  # values other clients changed, now in the plan
    remote_log: list[ChangeLogEntry] = field(default_factory=list)  # their change-log entries
    reloaded: bool = False  # the plan was replaced by the stored one (structure changed)
    revision: int = 0


@dataclass(frozen=True)
class _Meta:
    instance: str
    revision: int
    structure_revision: int


class _StructureChangedError(Exception):
    """Raised inside a save transaction (rolling it back) when the client must reload."""


# Changed rows by (table, scenario, keys): (revision, {column: value}).
Changes = dict[RowKey, tuple[int, dict[str, float]]]
Written = set[tuple[RowKey, str]]


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
                f"{display_name(url)} is not a database URL; team mode needs "
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
            meta = _read_meta(c)
            plan = read_plan(c, self.label)
            if c.dialect.name == "postgresql":
                self.db_user = str(c.execute(text("SELECT current_user")).scalar_one())
                missing = _missing_privileges(c)
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
            return _read_meta(c).revision

    def refresh(self, document: PlanDocument) -> SyncResult:
        """Bring ``document`` up to the stored plan: others' values, or a reload.

        Does nothing while the document has edits not yet saved (save them first).
        """
        result = SyncResult(revision=self.base)
        if document.pending_edits or document.pending_log:
            return result
        with self._connection(read_only=True) as c:
            meta = _read_meta(c)
            if self._must_reload(meta):
                plan = read_plan(c, self.label)
            else:
                if meta.revision == self.base:
                    return result
                plan = None
                changed = _read_changes(c, self.base)
                log = _read_log(c, self.base)
        if plan is not None:
            return self._reload(document, plan, meta)
        result.remote_cells = _apply_changes(document, changed, set())
        result.remote_log = _merge_log(document.plan, log)
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
        revision = _bump_revision(c)
        meta = _read_meta(c)
        if self._must_reload(meta):
            raise _StructureChangedError
        outcome = _Outcome(SyncResult(revision=revision), _read_changes(c, self.base))
        outcome.others_log = _read_log(c, self.base)
        who = _who_by_revision(outcome.others_log)
        plan = document.plan
        # A step (one undo step) is saved or refused whole.
        conflicts: dict[int, _Conflict] = {}
        for edit in edits:
            if edit.step not in conflicts:
                found = _conflict(plan, edit, outcome.changed, who)
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
            outcome.result.refused.append(_refusal(conflicts[step], in_step))
        kept = [e for i, e in enumerate(edits) if i not in refused]
        for position in refused:
            _note_stored(edits[position], outcome.changed, outcome.restore)
        dropped = {id(entry) for i in refused for entry in edits[i].log}
        pending_log = [e for e in document.pending_log if id(e) not in dropped]
        if not kept:
            outcome.result.revision = revision - 1
            raise _NothingToWriteError(outcome)  # rolls back: the revision stays where it was
        outcome.skip = self._write_edits(c, kept, revision)
        outcome.own_log = _append_log(c, pending_log, revision, self.db_user)
        if any(isinstance(e, RecordEdit) for e in kept):
            # Others' values go into the plan first, so the scenarios written whole hold them;
            # should the commit fail they are stored values anyway, and the edits stay pending.
            outcome.result.remote_cells = _apply_changes(document, outcome.changed, outcome.skip)
            outcome.changed = {}
            touched = {e.scenario_id for e in kept if isinstance(e, CellEdit | ScalarEdit)}
            write_plan(c, _with_restores(document, outcome.restore), touched)
            _set_meta(c, "structure_revision", revision)
        outcome.result.saved = len(kept)
        return outcome

    def _finish(self, document: PlanDocument, outcome: _Outcome) -> SyncResult:
        """After the commit (or the rollback of a save with nothing left to write)."""
        result = outcome.result
        result.remote_cells += _apply_changes(document, outcome.changed, outcome.skip)
        _apply_changes(document, {row: (0, v) for row, v in outcome.restore.items()}, set())
        document.plan.change_log.extend(outcome.own_log)
        result.remote_log = _merge_log(document.plan, outcome.others_log)
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
                spec = _SPEC_BY_FIELD[edit.field]
                column = _COLUMN_BY_FIELD[edit.field]
                for keys, value in zip(edit.keys.tolist(), edit.new.tolist(), strict=True):
                    row = {"k_scenario_id": edit.scenario_id, "v": _storable(value)}
                    row.update(
                        {f"k_{name}": int(k) for name, k in zip(spec.keys, keys, strict=True)}
                    )
                    updates.setdefault((spec.table.name, column), []).append(row)
                    written.add(((spec.table.name, edit.scenario_id, tuple(keys)), column))
            elif isinstance(edit, ScalarEdit):
                row = {"k_id": edit.scenario_id, "v": _storable(edit.new)}
                updates.setdefault((schema.scenarios.name, edit.field), []).append(row)
                written.add(((schema.scenarios.name, edit.scenario_id, ()), edit.field))
        for (table_name, column), rows in updates.items():
            table = schema.metadata.tables[table_name]
            _write_cells(c, table, column, rows, revision)
        return written

    def _must_reload(self, meta: _Meta) -> bool:
        return meta.instance != self._instance or meta.structure_revision > self.base

    def _reload(self, document: PlanDocument, plan: Plan, meta: _Meta) -> SyncResult:
        document.replace_plan(plan)
        self._instance = meta.instance
        self.base = meta.revision
        return SyncResult(reloaded=True, revision=meta.revision)

    def _reload_after_refusal(
        self, document: PlanDocument, edits: list[PendingEdit]
    ) -> SyncResult:
        with self._connection(read_only=True) as c:
            meta = _read_meta(c)
            plan = read_plan(c, self.label)
            log = _read_log(c, self.base)
        structural = [e for e in log if e.revision == meta.structure_revision] or log[-1:]
        if meta.instance != self._instance:
            changed = " the plan was replaced in the database"
        elif structural:
            entry = structural[0]
            more = len({e.revision for e in log if e.revision > self.base}) - 1
            others = f" and {more} other change{'s' if more > 1 else ''}" if more > 0 else ""
            changed = (
                f" the plan was changed by {_person(entry)} at {_when(entry)} "
                f"({_change_text(entry)}{others})"
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
            what = f"«{label}»" if label else _edit_label(document.plan, cells[0])
            if all(e.scenario_id not in scenario_ids for e in cells):
                names = sorted({_scenario_name(document.plan, e.scenario_id) for e in cells})
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
            refusals.append(Refusal(message, tuple(c for e in cells for c in _kept(e))))
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


def _missing_privileges(c: Connection) -> str:
    """What the database user may not do to the plan's tables ("" when it may do all)."""
    checks = [
        (table.name, privilege)
        for table in schema.metadata.sorted_tables
        for privilege in ("INSERT", "UPDATE", "DELETE")
    ]
    columns = ", ".join(f"has_table_privilege(:t{i}, :p{i})" for i in range(len(checks)))
    parameters: dict[str, str] = {}
    for i, (table_name, privilege) in enumerate(checks):
        parameters[f"t{i}"] = table_name
        parameters[f"p{i}"] = privilege
    granted = c.execute(text(f"SELECT {columns}"), parameters).one()
    privileges: list[str] = []
    tables: set[str] = set()
    for (table_name, privilege), ok in zip(checks, granted, strict=True):
        if not ok:
            tables.add(table_name)
            if privilege.lower() not in privileges:
                privileges.append(privilege.lower())
    if not privileges:
        return ""
    verbs = " or ".join(privileges) if len(privileges) < 3 else "insert, update or delete"
    total = len(schema.metadata.tables)
    which = "the plan's tables" if len(tables) == total else f"{len(tables)} of its {total} tables"
    return f"{verbs} rows in {which}"


def _is_connection_problem(cause: str) -> bool:
    words = ("connection", "server closed", "terminating", "could not connect", "timeout")
    return any(w in cause.lower() for w in words)


def _read_meta(c: Connection) -> _Meta:
    meta = schema.plan_meta
    rows = dict(c.execute(select(meta.c.key, meta.c.value)).all())
    return _Meta(
        instance=str(rows.get("instance", "")),
        revision=int(rows.get("revision", "0")),
        structure_revision=int(rows.get("structure_revision", "0")),
    )


def _set_meta(c: Connection, key: str, value: int) -> None:
    meta = schema.plan_meta
    c.execute(update(meta).where(meta.c.key == key).values(value=str(value)))


def _bump_revision(c: Connection) -> int:
    """Take the plan's save lock (its revision row) and return the next revision."""
    meta = schema.plan_meta
    c.execute(
        update(meta)
        .where(meta.c.key == "revision")
        .values(value=cast(cast(meta.c.value, Integer) + 1, Text))
    )
    return int(c.execute(select(meta.c.value).where(meta.c.key == "revision")).scalar_one())


def _read_changes(c: Connection, base: int) -> Changes:
    """Every input row and scenario scalar changed after revision ``base``."""
    changed: Changes = {}
    for spec in schema.INPUT_TABLES:
        t = spec.table
        key_columns = [t.c.scenario_id, *(t.c[k] for k in spec.keys)]
        statement = select(*key_columns, t.c.revision, *(t.c[n] for n in spec.columns)).where(
            t.c.revision > base
        )
        rows = fetch_numbers(c, statement)
        width = len(key_columns)
        for row in rows.tolist():
            keys = tuple(int(k) for k in row[1:width])
            values = dict(zip(spec.columns, row[width + 1 :], strict=True))
            changed[(t.name, int(row[0]), keys)] = (int(row[width]), values)
    s = schema.scenarios
    for scenario_id, revision, margin in c.execute(
        select(s.c.id, s.c.revision, s.c.gross_margin).where(s.c.revision > base)
    ):
        value = math.nan if margin is None else float(margin)
        changed[(s.name, int(scenario_id), ())] = (int(revision), {"gross_margin": value})
    return changed


def _read_log(c: Connection, base: int) -> list[ChangeLogEntry]:
    t = schema.change_log
    rows = c.execute(select(t).where(t.c.revision > base).order_by(t.c.id)).all()
    return [
        ChangeLogEntry(
            r.id, codec.decode_time(r.at), r.user, r.scenario, r.what, r.old_value,
            r.new_value, r.db_user, r.revision,
        )
        for r in rows
    ]  # fmt: skip


def _who_by_revision(log: Iterable[ChangeLogEntry]) -> dict[int, list[ChangeLogEntry]]:
    by: dict[int, list[ChangeLogEntry]] = {}
    for entry in log:
        by.setdefault(entry.revision, []).append(entry)
    return by


def _change_text(entry: ChangeLogEntry) -> str:
    """What a change-log entry did, naming its scenario: "Remove scenario «Efficiency»"."""
    if entry.scenario in ("", "plan") or entry.scenario in entry.what:
        return entry.what
    return f"{entry.what} «{entry.scenario}»"


def _person(entry: ChangeLogEntry) -> str:
    role = f" (database user {entry.db_user})" if entry.db_user else ""
    return f"{entry.user}{role}"


def _when(entry: ChangeLogEntry) -> str:
    return entry.at.astimezone().strftime("%H:%M")


def _same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


def _row_key(spec: schema.InputTable, scenario_id: int, keys: Iterable[int]) -> RowKey:
    return (spec.table.name, scenario_id, tuple(int(k) for k in keys))


@dataclass(frozen=True)
class _Conflict:
    """A cell of the client's that someone else changed since the client's base."""

    reason: str  # "Win rate (EMEA / Inbound) in «Base» was changed by … to 25% (from 20%) …"
    field: str
    mine: float


def _conflict(
    plan: Plan,
    edit: PendingEdit,
    changed: Changes,
    who: dict[int, list[ChangeLogEntry]],
) -> _Conflict | None:
    """The first cell of ``edit`` that was changed by someone else since the base, if any."""
    if isinstance(edit, RecordEdit):
        return None
    cells: list[tuple[RowKey, str, float, float]]
    if isinstance(edit, ScalarEdit):
        cells = [((schema.scenarios.name, edit.scenario_id, ()), edit.field, edit.old, edit.new)]
    else:
        spec = _SPEC_BY_FIELD[edit.field]
        column = _COLUMN_BY_FIELD[edit.field]
        cells = [
            (_row_key(spec, edit.scenario_id, keys), column, old, new)
            for keys, old, new in zip(
                edit.keys.tolist(), edit.old.tolist(), edit.new.tolist(), strict=True
            )
        ]
    for row, column, old, new in cells:
        stored = changed.get(row)
        if stored is None or _same(stored[1][column], old):
            continue
        revision, values = stored
        theirs = values[column]
        if _same(theirs, new):
            continue  # they set the same value: nothing to refuse
        label = _cell_label(plan, edit, row)
        scenario = _scenario_name(plan, edit.scenario_id)
        entries = who.get(revision, [])
        entry = next((e for e in entries if label in e.what), entries[0] if entries else None)
        by = f" by {_person(entry)} at {_when(entry)}" if entry is not None else ""
        reason = (
            f"{label} in «{scenario}» was changed{by} to {_shown(edit.field, theirs)} "
            f"(from {_shown(edit.field, old)}) after you last saw it"
        )
        return _Conflict(reason, edit.field, new)
    return None


def _refusal(conflict: _Conflict, step: list[PendingEdit]) -> Refusal:
    """The refusal of a whole step (one undo step: an edit, a paste, an import)."""
    kept = tuple(cell for edit in step for cell in _kept(edit))
    if len(kept) == 1:
        message = (
            f"{conflict.reason}; your value ({_shown(conflict.field, conflict.mine)}) was not "
            "saved and is kept for you to re-apply."
        )
    else:
        what = f"«{step[0].step_label}»" if step[0].step_label else "edit"
        message = (
            f"{conflict.reason}; so your {what} ({len(kept)} values) was not saved: the "
            "values are kept for you to re-apply."
        )
    return Refusal(message, kept)


def _shown(field_name: str, value: float) -> str:
    """A value as the user reads it: rates as percentages, large numbers in full (a target
    of 15,000,000, never 1.5e+07), to the cent at most."""
    if math.isnan(value):
        return "(empty)"
    rule = RULE_BY_FIELD.get(field_name)
    if rule is not None and "RATE" in rule.kind.name:
        return f"{value * 100:.4g}%"
    if abs(value) >= 1000:
        return f"{value:,.2f}".removesuffix(".00")
    return f"{value:,.6g}"


def _scenario_name(plan: Plan, scenario_id: int) -> str:
    return next((s.name for s in plan.scenarios if s.id == scenario_id), f"#{scenario_id}")


class _Positions:
    """Where cells named by stable keys are in today's plan: one dictionary per axis."""

    def __init__(self, plan: Plan) -> None:
        self._plan = plan
        self._axes: dict[str, list[dict[int, int]]] = {}

    def __call__(self, field_name: str, keys: Iterable[int]) -> tuple[int, ...] | None:
        """The cell's position, or None when its region, source, line or month is gone."""
        axes = self._axes.get(field_name)
        if axes is None:
            axes = [
                {int(key): i for i, key in enumerate(ids)}
                for ids in self._plan.axis_ids(field_name)
            ]
            self._axes[field_name] = axes
        found = []
        for axis, key in zip(axes, keys, strict=True):
            position = axis.get(int(key))
            if position is None:
                return None
            found.append(position)
        return tuple(found)


def _positions(plan: Plan, field_name: str, keys: Iterable[int]) -> tuple[int, ...] | None:
    """Where the cell with these stable keys is in today's plan (None: it is gone)."""
    return _Positions(plan)(field_name, keys)


def _cell_label(plan: Plan, edit: CellEdit | ScalarEdit, row: RowKey) -> str:
    if isinstance(edit, ScalarEdit):
        return edit.field.replace("_", " ").capitalize()
    index = _positions(plan, edit.field, row[2])
    return cell_label(plan, edit.field, index) if index is not None else edit.field


def _edit_label(plan: Plan, edit: CellEdit | ScalarEdit) -> str:
    if isinstance(edit, ScalarEdit) or len(edit.keys) > 1:
        what = RULE_BY_FIELD[edit.field].label if isinstance(edit, CellEdit) else edit.field
        count = 1 if isinstance(edit, ScalarEdit) else len(edit.keys)
        return f"edit of {what} ({count} cell{'s' if count > 1 else ''})"
    spec = _SPEC_BY_FIELD[edit.field]
    return f"edit of {_cell_label(plan, edit, _row_key(spec, edit.scenario_id, edit.keys[0]))}"


def _kept(edit: PendingEdit) -> tuple[KeptCell, ...]:
    if isinstance(edit, CellEdit):
        return tuple(
            KeptCell(edit.scenario_id, edit.field, tuple(int(k) for k in keys), float(value))
            for keys, value in zip(edit.keys.tolist(), edit.new.tolist(), strict=True)
        )
    if isinstance(edit, ScalarEdit):
        return (KeptCell(edit.scenario_id, edit.field, (), edit.new),)
    return ()


def _note_stored(
    edit: PendingEdit, changed: Changes, restore: dict[RowKey, dict[str, float]]
) -> None:
    """Note the stored value of every cell of a refused edit (what the plan goes back to)."""
    if isinstance(edit, CellEdit):
        spec = _SPEC_BY_FIELD[edit.field]
        column = _COLUMN_BY_FIELD[edit.field]
        for keys, old in zip(edit.keys.tolist(), edit.old.tolist(), strict=True):
            row = _row_key(spec, edit.scenario_id, keys)
            stored = changed.get(row)
            restore.setdefault(row, {})[column] = (
                stored[1][column] if stored is not None else float(old)
            )
    elif isinstance(edit, ScalarEdit):
        row = (schema.scenarios.name, edit.scenario_id, ())
        stored = changed.get(row)
        restore.setdefault(row, {})[edit.field] = (
            stored[1][edit.field] if stored is not None else edit.old
        )


def _with_restores(document: PlanDocument, restore: dict[RowKey, dict[str, float]]) -> Plan:
    """The document's plan with refused cells back at their stored values (for a whole save).

    The document itself goes back only after the commit; here a copy of the touched scenarios
    is enough, since only they differ.
    """
    if not restore:
        return document.plan
    plan = replace(document.plan, scenarios=[replace(s) for s in document.plan.scenarios])
    touched = {row[1] for row in restore}
    for scenario in plan.scenarios:
        if scenario.id in touched:
            scenario.inputs = scenario.inputs.copy()
    _set_plan_values(plan, {row: (0, v) for row, v in restore.items()})
    return plan


CellsByField = dict[tuple[int, str], tuple[list[tuple[int, ...]], list[float]]]


def _locate(
    plan: Plan, changed: Changes, skip: Written
) -> tuple[CellsByField, list[tuple[int, str, float]]]:
    """Stored values by (scenario, field) at today's positions, and scenario scalars.

    Rows of scenarios, regions, sources or lines the plan does not have are left out, and so
    are the (row, column) pairs in ``skip``.
    """
    scenario_ids = {s.id for s in plan.scenarios}
    by_field: CellsByField = {}
    scalars: list[tuple[int, str, float]] = []
    specs = {spec.table.name: spec for spec in schema.INPUT_TABLES}
    positions = _Positions(plan)
    for row, (_, values) in changed.items():
        table_name, scenario_id, keys = row
        if scenario_id not in scenario_ids:
            continue
        if table_name == schema.scenarios.name:
            scalars.extend(
                (scenario_id, column, value)
                for column, value in values.items()
                if (row, column) not in skip
            )
            continue
        spec = specs[table_name]
        for name, column in zip(spec.fields, spec.columns, strict=True):
            if column not in values or (row, column) in skip:
                continue
            index = positions(name, keys)
            if index is None:
                continue
            cells, cell_values = by_field.setdefault((scenario_id, name), ([], []))
            cells.append(index)
            cell_values.append(values[column])
    return by_field, scalars


def _apply_changes(document: PlanDocument, changed: Changes, skip: Written) -> int:
    """Put stored values into the document (not undoable, not logged, announced); return how
    many cells changed. ``skip`` names (row, column) pairs the client has just written."""
    by_field, scalars = _locate(document.plan, changed, skip)
    count = 0
    for (scenario_id, name), (cells, values) in by_field.items():
        count += document.apply_stored_values(
            scenario_id, name, np.array(cells, dtype=np.int64), np.array(values)
        )
    for scenario_id, name, value in scalars:
        count += document.apply_stored_scalar(scenario_id, name, value)
    return count


def _set_plan_values(plan: Plan, changed: Changes) -> None:
    by_field, scalars = _locate(plan, changed, set())
    scenarios = {s.id: s for s in plan.scenarios}
    for (scenario_id, name), (cells, values) in by_field.items():
        array = getattr(scenarios[scenario_id].inputs, name)
        array[tuple(np.array(cells, dtype=np.int64).T)] = values
    for scenario_id, name, value in scalars:
        setattr(scenarios[scenario_id].inputs, name, value)


def _merge_log(plan: Plan, entries: list[ChangeLogEntry]) -> list[ChangeLogEntry]:
    """Add others' change-log entries the plan does not hold yet; return them."""
    known = {e.id for e in plan.change_log}
    new = [e for e in entries if e.id not in known]
    if new:
        plan.change_log.extend(new)
        plan.change_log.sort(key=lambda e: e.id)
    return new


def _append_log(
    c: Connection, entries: list[ChangeLogEntry], revision: int, db_user: str
) -> list[ChangeLogEntry]:
    """Store ``entries`` under fresh ids (clients number theirs independently)."""
    if not entries:
        return []
    t = schema.change_log
    first = int(c.execute(select(func.coalesce(func.max(t.c.id), 0))).scalar_one()) + 1
    stored = [
        replace(e, id=first + i, revision=revision, db_user=db_user) for i, e in enumerate(entries)
    ]
    c.execute(insert(t), [change_log_row(e) for e in stored])
    return stored


def _storable(value: float) -> float | None:
    return None if math.isnan(value) else value


def _write_cells(
    c: Connection, table: Table, column: str, rows: list[dict[str, Any]], revision: int
) -> None:
    """Set one column of the rows named by the ``k_*`` parameters, with their new revision.

    Sparse tables (only non-zero cells stored) get the row inserted when it is missing.
    """
    keys = [name[2:] for name in rows[0] if name.startswith("k_")]
    for row in rows:
        row["rev"] = revision
    if table.name in (schema.ae_hires.name, schema.budget_cells.name):
        dialect = postgresql if c.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(table).values(
            {**{k: bindparam(f"k_{k}") for k in keys}, column: bindparam("v"),
             "revision": bindparam("rev")}
        )  # fmt: skip
        c.execute(
            statement.on_conflict_do_update(
                index_elements=keys,
                set_={column: statement.excluded[column], "revision": statement.excluded.revision},
            ),
            rows,
        )
        return
    where = and_(*(table.c[k] == bindparam(f"k_{k}") for k in keys))
    c.execute(
        update(table).where(where).values({column: bindparam("v"), "revision": bindparam("rev")}),
        rows,
    )


def reapply_command(plan: Plan, refusal: Refusal) -> Command | None:
    """A command that sets the refused values again in today's plan (None: none are left).

    Cells whose scenario, region, source or line is gone meanwhile are left out.
    """
    groups: dict[tuple[int, str], tuple[list[tuple[int, ...]], list[float]]] = {}
    scalars: list[Command] = []
    scenario_ids = {s.id for s in plan.scenarios}
    positions = _Positions(plan)
    for cell in refusal.kept:
        if cell.scenario_id not in scenario_ids:
            continue
        if not cell.keys:
            scalars.append(SetScalar("Re-apply", cell.scenario_id, cell.field, cell.value))
            continue
        index = positions(cell.field, cell.keys)
        if index is not None:
            cells, values = groups.setdefault((cell.scenario_id, cell.field), ([], []))
            cells.append(index)
            values.append(cell.value)
    parts: list[Command] = [
        SetValues(
            f"Re-apply {len(values)} value{'s' if len(values) > 1 else ''}",
            scenario_id,
            name,
            np.array(cells, dtype=np.int64),
            np.array(values, dtype=np.float64),
        )
        for (scenario_id, name), (cells, values) in groups.items()
    ] + scalars
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return Macro("Re-apply your values", tuple(parts))
