"""Everything PostgreSQL-specific about a plan database; the rest of the package speaks Core.

- Identity and schema version live in the portable ``plan_meta`` table (no file header).
- Bulk inserts go through ``COPY … FROM STDIN`` when the driver is psycopg: much faster than
  multi-row ``INSERT`` for the budget cells of a large plan. Floats travel as their shortest
  exact text (Python's ``repr``) into ``double precision``, so they round-trip bit for bit.
  Any other driver falls back to the portable insert in :mod:`bulk`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.exc import DBAPIError


def can_copy(connection: Connection) -> bool:
    """Whether rows can be streamed with ``COPY`` on this connection."""
    return connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg"


def copy_rows(connection: Connection, table: Table, columns: dict[str, list[Any]]) -> None:
    """Insert the rows spelled out column by column, in the caller's transaction."""
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
