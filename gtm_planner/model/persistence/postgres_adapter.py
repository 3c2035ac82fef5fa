"""Everything PostgreSQL-specific about a plan database; the rest of the package speaks Core.

- Identity and schema version live in the portable ``plan_meta`` table (no file header).
- Bulk inserts go through ``COPY … FROM STDIN`` when the driver is psycopg: much faster than
  multi-row ``INSERT`` for the budget cells of a large plan. Floats travel as their shortest
  exact text (Python's ``repr``) into ``double precision``, so they round-trip bit for bit.
  Any other driver falls back to the portable insert in :mod:`bulk`.
- A large ``COPY`` checks its foreign keys once, at the end, instead of row by row: the
  table's foreign-key constraints are dropped and added back (which validates every row in one
  join) in the same transaction. For the 360k budget cells of a large plan that is about ten
  times faster; if any row is bad, adding the constraint back fails and nothing is written.
  Only the tables' owner may do that; anyone else's COPY checks row by row.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.exc import DBAPIError


def can_copy(connection: Connection) -> bool:
    """Whether rows can be streamed with ``COPY`` on this connection."""
    return connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg"


# Below this many rows the per-row foreign-key checks cost less than re-validating the table.
CHECK_KEYS_AT_END_ROWS = 20_000


def copy_rows(connection: Connection, table: Table, columns: dict[str, list[Any]]) -> None:
    """Insert the rows spelled out column by column, in the caller's transaction."""
    rows = len(next(iter(columns.values()), []))
    if rows < CHECK_KEYS_AT_END_ROWS:
        _copy(connection, table, columns)
        return
    quoted = connection.dialect.identifier_preparer.format_table(table)
    owner = connection.exec_driver_sql(
        "SELECT pg_has_role(current_user, relowner, 'USAGE') FROM pg_class "
        "WHERE oid = %(table)s::regclass",
        {"table": quoted},
    ).scalar()
    if not owner:  # only a table's owner may alter it: a colleague's rows are checked per row
        _copy(connection, table, columns)
        return
    constraints = connection.exec_driver_sql(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %(table)s::regclass AND contype = 'f'",
        {"table": quoted},
    ).all()
    for name, _ in constraints:
        connection.exec_driver_sql(f'ALTER TABLE {quoted} DROP CONSTRAINT "{name}"')
    _copy(connection, table, columns)
    for name, definition in constraints:
        connection.exec_driver_sql(f'ALTER TABLE {quoted} ADD CONSTRAINT "{name}" {definition}')


def _copy(connection: Connection, table: Table, columns: dict[str, list[Any]]) -> None:
    preparer = connection.dialect.identifier_preparer
    names = ", ".join(preparer.quote(name) for name in columns)
    sql = f"COPY {preparer.format_table(table)} ({names}) FROM STDIN"
    driver_error: type[Exception] = connection.dialect.loaded_dbapi.Error
    raw: Any = connection.connection.driver_connection
    try:
        with raw.cursor() as cursor, cursor.copy(sql) as copy:
            for row in zip(*columns.values(), strict=True):
                copy.write_row(row)
    except driver_error as err:  # raise it the way SQLAlchemy raises every database error
        raise DBAPIError.instance(
            sql, None, err, driver_error, dialect=connection.dialect
        ) from err
