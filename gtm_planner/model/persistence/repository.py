"""Opening, creating, loading and saving a plan: a ``.gtmplan`` file or any SQLAlchemy URL.

Opening checks, in order, before anything is read: that the file is an SQLite database, that
it is ours, that its schema is not newer than ours, that SQLite finds it sound (quick_check)
and, for an older schema, upgrades it after a backup copy. Loading then checks that the tables
make a whole plan. Every save is one transaction. A new file (create, save as) is written
under a temporary name in the same folder and renamed over the target only when complete.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

from sqlalchemy import Connection, Engine, delete, insert, inspect, select
from sqlalchemy.exc import DBAPIError, OperationalError

from gtm_planner.model.entities import Plan
from gtm_planner.model.persistence import migrations, schema, sqlite_adapter
from gtm_planner.model.persistence.errors import PlanFileError, PlanFileProblem, display_name
from gtm_planner.model.persistence.reader import read_plan
from gtm_planner.model.persistence.urls import (
    Target,
    one_line,
    parse_target,
    reach,
    server_engine,
)
from gtm_planner.model.persistence.writer import validate_for_save, write_plan

__all__ = ["PlanRepository", "Target"]


class PlanRepository:
    """One open plan store. Holds no connection between calls (each call opens its own)."""

    def __init__(self, engine: Engine, label: str, path: Path | None) -> None:
        self._engine = engine
        self.label = label  # how messages name the plan, e.g. «q3.gtmplan»
        self.path = path  # None for a database server
        self.upgraded_from: int | None = None  # schema version before an upgrade on open
        self.backup_path: Path | None = None  # the copy made before that upgrade

    @classmethod
    def open(
        cls, target: Target, *, integrity_check: bool = True, upgrade: bool = True
    ) -> PlanRepository:
        """Open an existing plan, upgrading an older schema; PlanFileError if it cannot be.

        ``integrity_check=False`` skips SQLite's page-by-page check (about 50 ms on a large
        plan); for saving into a file that was checked when it was opened. ``upgrade=False``
        refuses an older schema (OLDER_SCHEMA) instead of upgrading it.
        """
        path, url = parse_target(target)
        if path is not None:
            sqlite_adapter.sniff_header(path)
            sqlite_adapter.check_file_size(path)
            repository = cls(sqlite_adapter.create_sqlite_engine(path), display_name(path), path)
        else:
            repository = cls(server_engine(url), display_name(url), None)
        try:
            if path is None:
                reach(repository._engine, repository.label)
            repository._verify_and_upgrade(integrity_check, upgrade)
        except BaseException:
            repository.close()
            raise
        return repository

    @classmethod
    def create(cls, target: Target, plan: Plan, *, replace: bool = False) -> PlanRepository:
        """Write ``plan`` as a new plan file (replacing any file of that name) or database.

        A database that already holds a plan is refused (EXISTS) unless ``replace``; then its
        plan's tables are dropped and written anew in the same transaction.
        """
        path, url = parse_target(target)
        label = display_name(path if path is not None else url)
        validate_for_save(plan, label)
        if path is None:
            engine = server_engine(url)
            try:
                reach(engine, label)
                with (
                    _database_errors(label, PlanFileProblem.SAVE_FAILED, new_file=True),
                    engine.begin() as c,
                ):
                    tables = inspect(c).get_table_names()
                    if tables and schema.plan_meta.name not in tables:
                        listed = ", ".join(sorted(tables)[:5]) + (", …" if len(tables) > 5 else "")
                        raise PlanFileError(
                            f"{label} already holds tables of another program ({listed}); "
                            "publish the plan into an empty database of its own.",
                            PlanFileProblem.NOT_A_PLAN,
                        )
                    if tables:
                        if not replace:
                            raise PlanFileError(
                                f"{label} already holds a plan; open it instead.",
                                PlanFileProblem.EXISTS,
                            )
                        schema.metadata.drop_all(c)
                    _write_new(c, plan)
            except BaseException:
                engine.dispose()
                raise
            repository = cls(engine, label, None)
        else:
            _create_file(path.absolute(), plan, label)
            repository = cls(sqlite_adapter.create_sqlite_engine(path), label, path)
        return repository

    def load(self) -> Plan:
        """The whole plan, read in one transaction and checked for consistency."""
        with (
            _database_errors(self.label, PlanFileProblem.DAMAGED),
            self._engine.connect() as c,
            c.begin(),
        ):
            plan = read_plan(c, self.label)
        return plan

    def save(self, plan: Plan, dirty_scenarios: set[int] | None = None) -> None:
        """Store ``plan`` in one transaction: all of it or, on failure, none of it.

        With ``dirty_scenarios`` (scenario ids) only those scenarios' inputs are rewritten,
        plus the small tables; it is ignored (everything is rewritten) when the stored
        regions, sources, budget lines or calendar differ from the plan's.
        """
        validate_for_save(plan, self.label)
        rewrite = None if dirty_scenarios is None else set(dirty_scenarios)
        with (
            _database_errors(self.label, PlanFileProblem.SAVE_FAILED, server=self.path is None),
            self._engine.begin() as c,
        ):
            write_plan(c, plan, rewrite)

    def check(self, *, thorough: bool = True) -> list[str]:
        """Every problem found: SQLite's own check (for a file), then a full load."""
        problems: list[str] = []
        if self._engine.dialect.name == "sqlite":
            with (
                _database_errors(self.label, PlanFileProblem.DAMAGED),
                self._engine.connect() as c,
            ):
                problems = sqlite_adapter.check_integrity(c, thorough=thorough)
        if not problems:
            try:
                self.load()
            except PlanFileError as err:
                problems.append(str(err))
        return problems

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> PlanRepository:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _verify_and_upgrade(self, integrity_check: bool, upgrade: bool) -> None:
        with _database_errors(self.label, PlanFileProblem.DAMAGED):
            # The first read also rolls back a save that was interrupted (a hot journal).
            with self._engine.connect() as c:
                ours, version = _read_identity(c)
            if self.path is not None:  # again, now that an interrupted save is rolled back
                sqlite_adapter.check_file_size(self.path)
            if not ours and self.path is None and not _has_tables(self._engine):
                raise PlanFileError(
                    f"{self.label} holds no GTM Planner plan yet (the database is empty); "
                    "copy one into it with «gtm-planner publish PLAN.gtmplan --db URL».",
                    PlanFileProblem.MISSING,
                )
            if not ours:
                what = "an SQLite database" if self.path is not None else "a database"
                raise PlanFileError(
                    f"{self.label} is not a GTM Planner plan (it is {what} of another program).",
                    PlanFileProblem.NOT_A_PLAN,
                )
            if version > migrations.SCHEMA_VERSION:
                raise PlanFileError(
                    f"{self.label} was written by a newer GTM Planner (schema {version}; this "
                    f"version reads up to {migrations.SCHEMA_VERSION}). Update GTM Planner to "
                    "open it; the file was not changed.",
                    PlanFileProblem.NEWER_SCHEMA,
                )
            if integrity_check and self._engine.dialect.name == "sqlite":
                with self._engine.connect() as c:
                    problems = sqlite_adapter.check_integrity(c)
                if problems:
                    listed = "; ".join(problems[:3]) + ("; …" if len(problems) > 3 else "")
                    raise PlanFileError(
                        f"{self.label} is damaged (integrity check failed: {listed}). Open a "
                        "backup copy instead.",
                        PlanFileProblem.DAMAGED,
                    )
        if version < migrations.SCHEMA_VERSION:
            if not upgrade:
                raise PlanFileError(
                    f"{self.label} uses schema {version}; opening it upgrades it to schema "
                    f"{migrations.SCHEMA_VERSION} after a backup copy.",
                    PlanFileProblem.OLDER_SCHEMA,
                )
            self._upgrade(version)

    def _upgrade(self, version: int) -> None:
        if self.path is not None:
            try:
                self.backup_path = migrations.make_backup(self.path, version)
            except OSError as err:
                raise PlanFileError(
                    f"{self.label} needs an upgrade from schema {version}, but no backup copy "
                    f"could be made next to it ({err.strerror or err}); the file was not "
                    "changed. Copy it to a folder you can write to and open it there.",
                    PlanFileProblem.MIGRATION_FAILED,
                ) from err
        kept = f" A copy of the original is at «{self.backup_path}»." if self.backup_path else ""
        try:
            with self._engine.begin() as c:
                migrations.upgrade(c, version, self.label, _stamp)
        except PlanFileError as err:
            raise PlanFileError(f"{err}{kept}", err.problem) from err
        except Exception as err:  # any failing step: the transaction left the file as it was
            raise PlanFileError(
                f"{self.label} could not be upgraded from schema {version} to "
                f"{migrations.SCHEMA_VERSION} ({err}); the file was left unchanged.{kept}",
                PlanFileProblem.MIGRATION_FAILED,
            ) from err
        self.upgraded_from = version


def load_plan(target: Target) -> Plan:
    """Open, check and read a plan in one go."""
    with PlanRepository.open(target) as repository:
        return repository.load()


def save_plan(target: Target, plan: Plan, dirty_scenarios: set[int] | None = None) -> None:
    """Save ``plan`` into an existing plan file in one transaction (``PlanRepository.save``)."""
    with PlanRepository.open(target, integrity_check=False) as repository:
        repository.save(plan, dirty_scenarios)


def save_plan_as(target: Target, plan: Plan) -> None:
    """Write ``plan`` to a new file (or replace one) atomically."""
    PlanRepository.create(target, plan).close()


def create_plan_file(target: Target, plan: Plan, *, replace: bool = False) -> None:
    """Write ``plan`` as a new plan file or into a database; an existing file (or a database
    that already holds a plan) is replaced only if ``replace``; otherwise EXISTS."""
    path, _ = parse_target(target)
    if not replace and path is not None and path.exists():
        raise PlanFileError(
            f"{display_name(path)} already exists; choose another name or replace it.",
            PlanFileProblem.EXISTS,
        )
    PlanRepository.create(target, plan, replace=replace).close()


def check_plan_file(target: Target) -> list[str]:
    """Every problem with a plan file, as messages; empty when it is sound (``check`` command).

    The file is never changed: a file of an older schema is checked as an upgraded copy.
    """
    try:
        with PlanRepository.open(target, upgrade=False) as repository:
            return repository.check()
    except PlanFileError as err:
        path, _ = parse_target(target)
        if err.problem is not PlanFileProblem.OLDER_SCHEMA or path is None:
            return [str(err)]
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / path.name
        shutil.copyfile(path, copy)
        try:
            with PlanRepository.open(copy) as repository:
                return repository.check()
        except PlanFileError as err:
            return [str(err)]


def _has_tables(engine: Engine) -> bool:
    with engine.connect() as c:
        return bool(inspect(c).get_table_names())


def _read_identity(connection: Connection) -> tuple[bool, int]:
    """(is it ours, schema version) from the SQLite header or, elsewhere, ``plan_meta``."""
    if connection.dialect.name == "sqlite":
        application_id, version = sqlite_adapter.read_identity(connection)
        return application_id == sqlite_adapter.APPLICATION_ID, version
    if not inspect(connection).has_table(schema.plan_meta.name):
        return False, 0
    rows = connection.execute(select(schema.plan_meta.c.key, schema.plan_meta.c.value)).all()
    meta = {str(key): str(value) for key, value in rows}
    try:
        version = int(meta.get("schema_version", "0"))
    except ValueError:
        version = 0
    return meta.get("application") == schema.APPLICATION_NAME, version


def _stamp(connection: Connection, version: int) -> None:
    """Record whose plan this is and its schema version (other ``plan_meta`` keys stay)."""
    if connection.dialect.name == "sqlite":
        sqlite_adapter.write_identity(connection, version)
    identity = {"application": schema.APPLICATION_NAME, "schema_version": str(version)}
    meta = schema.plan_meta
    connection.execute(delete(meta).where(meta.c.key.in_(identity)))
    connection.execute(insert(meta), [{"key": k, "value": v} for k, v in identity.items()])


def _write_new(connection: Connection, plan: Plan) -> None:
    schema.metadata.create_all(connection)
    _stamp(connection, migrations.SCHEMA_VERSION)
    connection.execute(
        insert(schema.plan_meta),
        [
            {"key": "revision", "value": "0"},
            {"key": "structure_revision", "value": "0"},
            {"key": "instance", "value": uuid.uuid4().hex},  # a new plan: clients reload
        ],
    )
    write_plan(connection, plan, None)


def _create_file(path: Path, plan: Plan, label: str) -> None:
    if path.is_dir():
        raise PlanFileError(
            f"{label} is a folder; choose a file name.", PlanFileProblem.SAVE_FAILED
        )
    if not path.parent.is_dir():
        raise PlanFileError(
            f"{label} cannot be written: the folder «{path.parent}» does not exist.",
            PlanFileProblem.SAVE_FAILED,
        )
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.tmp")
    engine = sqlite_adapter.create_sqlite_engine(temporary, create=True)
    try:
        with _database_errors(label, PlanFileProblem.SAVE_FAILED, new_file=True):
            sqlite_adapter.prepare_new_file(engine)
            with engine.begin() as c:
                _write_new(c, plan)
        engine.dispose()
        if path.exists():
            with contextlib.suppress(OSError):
                os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
        _sync_folder(path.parent)
    except OSError as err:
        raise PlanFileError(
            f"{label} could not be written ({err.strerror or err}).", PlanFileProblem.SAVE_FAILED
        ) from err
    finally:
        engine.dispose()
        for leftover in (temporary, temporary.with_name(temporary.name + "-journal")):
            leftover.unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; Windows has no directory handles for this)."""
    if os.name != "posix":
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


@contextlib.contextmanager
def _database_errors(
    label: str, problem: PlanFileProblem, *, new_file: bool = False, server: bool = False
) -> Iterator[None]:
    """Turn a database error into a message for the user (one line, no credentials)."""
    try:
        yield
    except DBAPIError as err:
        cause = one_line(str(err.orig) if err.orig is not None else str(err))
        if err.connection_invalidated:
            kept = " Nothing was saved." if problem is PlanFileProblem.SAVE_FAILED else ""
            message = f"{label}: the connection to the database was lost ({cause}).{kept}"
            problem = PlanFileProblem.UNREACHABLE
        elif problem is PlanFileProblem.SAVE_FAILED:
            store = "database" if server or "://" in label else "file"
            outcome = (
                "Nothing was replaced."
                if new_file
                else f"The {store} still holds the previously saved version."
            )
            message = f"{label} could not be saved ({cause}). {outcome}"
        elif "permission denied" in cause:
            message = (
                f"{label}: your database user may not use this plan ({cause.rstrip('.')}). Ask "
                "the database's owner to grant it access to the plan's tables."
            )
            problem = PlanFileProblem.UNREADABLE
        elif isinstance(err, OperationalError) and ("locked" in cause or "busy" in cause):
            message = f"{label} is in use by another program ({cause}); try again in a moment."
            problem = PlanFileProblem.UNREADABLE
        elif isinstance(err, OperationalError) and "unable to open" in cause:
            message = (
                f"{label} cannot be opened ({cause}); check that you may read and write the "
                "file and its folder."
            )
            problem = PlanFileProblem.UNREADABLE
        else:
            message = f"{label} is damaged or was changed outside GTM Planner: {cause}."
        raise PlanFileError(message, problem) from err
