"""Everything SQLite-specific about a plan file; the rest of the package speaks portable Core.

- Identity: ``PRAGMA application_id`` is :data:`APPLICATION_ID` ("GTMP"), ``user_version`` is
  the schema version.
- Durability: rollback journal in DELETE mode with ``synchronous=FULL``. A commit is the
  deletion of the journal, so a kill (or power loss) at any moment leaves either the old plan
  (the next open rolls the hot journal back) or the new one. DELETE mode also keeps a plan one
  file at rest, which WAL would not (-wal and -shm files next to it).
- Transactions: the driver's own implicit transaction handling is switched off and every
  SQLAlchemy transaction emits ``BEGIN``, so DDL in a migration is inside the transaction too.
- Sniffing: a file is refused before SQLite opens it unless it starts with the SQLite header,
  and refused as truncated when it is shorter than its header says.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.pool import NullPool

from gtm_planner.model.persistence.errors import PlanFileError, PlanFileProblem, display_name

APPLICATION_ID = 0x47544D50  # "GTMP"
SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100
BUSY_TIMEOUT_MS = 5000


def sniff_header(path: Path) -> None:
    """Refuse a path that is not an SQLite database, before any driver opens (or creates) it."""
    name = display_name(path)
    try:
        if path.is_dir():
            raise PlanFileError(
                f"{name} is a folder, not a GTM Planner plan file.", PlanFileProblem.NOT_A_PLAN
            )
        with path.open("rb") as handle:
            head = handle.read(HEADER_SIZE)
    except FileNotFoundError:
        raise PlanFileError(
            f"{name}: no such file ({path}).", PlanFileProblem.MISSING, str(path)
        ) from None
    except OSError as err:
        raise PlanFileError(
            f"{name} cannot be read ({err.strerror or err}).", PlanFileProblem.UNREADABLE
        ) from err
    if not head:
        raise PlanFileError(
            f"{name} is empty (0 bytes), so it is not a GTM Planner plan; it may have been "
            "cut short while copying. Open a backup copy instead.",
            PlanFileProblem.TRUNCATED,
        )
    if len(head) < len(SQLITE_MAGIC) and SQLITE_MAGIC.startswith(head):
        raise _truncated(name, len(head), None)
    if not head.startswith(SQLITE_MAGIC):
        raise PlanFileError(
            f"{name} is not a GTM Planner plan (it is not an SQLite database).",
            PlanFileProblem.NOT_A_PLAN,
        )
    if len(head) < HEADER_SIZE:
        raise _truncated(name, len(head), None)


def check_file_size(path: Path) -> None:
    """Refuse a database file shorter than the page count its header records.

    Called after SQLite has opened the file once, so a hot journal left by a killed save has
    already been rolled back and the header and the size agree again.
    """
    if _journal_is_present(path):
        return
    with path.open("rb") as handle:
        head = handle.read(HEADER_SIZE)
    size = path.stat().st_size
    name = display_name(path)
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise PlanFileError(
            f"{name} is damaged (its header records an impossible page size, {page_size}).",
            PlanFileProblem.DAMAGED,
        )
    page_count = int.from_bytes(head[28:32], "big")
    header_count_valid = page_count > 0 and head[24:28] == head[92:96]
    expected = page_count * page_size if header_count_valid else None
    if size % page_size or (expected is not None and size < expected):
        raise _truncated(name, size, expected)


def _journal_is_present(path: Path) -> bool:
    for suffix in ("-journal", "-wal"):
        other = path.with_name(path.name + suffix)
        if other.exists() and other.stat().st_size > 0:
            return True
    return False


def _truncated(name: str, size: int, expected: int | None) -> PlanFileError:
    should = f" of the {expected:,} its header records" if expected else ""
    return PlanFileError(
        f"{name} is truncated: the file has only {size:,} bytes{should}. It was probably cut "
        "short while copying or downloading; open a complete copy instead.",
        PlanFileProblem.TRUNCATED,
    )


def create_sqlite_engine(path: Path, *, create: bool = False) -> Engine:
    """An engine on one plan file: no pooling (nothing stays open), no implicit file creation."""
    uri = f"file:{quote(str(path.resolve()))}?mode={'rwc' if create else 'rw'}"

    def connect() -> sqlite3.Connection:
        try:
            return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        except sqlite3.OperationalError as err:
            # Raised by the pool outside SQLAlchemy's error wrapping: say it as a file error.
            raise OSError(
                errno.EACCES, f"{err}; check that you may write the folder", str(path.name)
            ) from err

    engine = create_engine("sqlite://", creator=connect, poolclass=NullPool)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's BEGIN (below) delimit transactions instead of the driver's heuristics.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = FULL")
    finally:
        cursor.close()


def _on_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")


def prepare_new_file(engine: Engine) -> None:
    """Settings that live in a new file itself; run once, outside any transaction."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA journal_mode = DELETE")
        cursor.fetchall()
        cursor.close()
    finally:
        raw.close()


def read_identity(connection: Connection) -> tuple[int, int]:
    """(application id, schema version) from the file header."""
    app_id = connection.exec_driver_sql("PRAGMA application_id").scalar_one()
    version = connection.exec_driver_sql("PRAGMA user_version").scalar_one()
    return int(app_id), int(version)


def write_identity(connection: Connection, version: int) -> None:
    """Stamp the file as ours, at ``version``; part of the surrounding transaction."""
    connection.exec_driver_sql(f"PRAGMA application_id = {int(APPLICATION_ID)}")
    connection.exec_driver_sql(f"PRAGMA user_version = {int(version)}")


def check_integrity(connection: Connection, *, thorough: bool = False) -> list[str]:
    """Problems SQLite finds in the file (empty when sound). ``quick_check`` reads every page
    but skips index cross-checks; ``integrity_check`` (``thorough``) does them too."""
    pragma = "integrity_check" if thorough else "quick_check"
    rows = connection.exec_driver_sql(f"PRAGMA {pragma}").scalars().all()
    problems = [str(row) for row in rows]
    return [] if problems == ["ok"] else problems
