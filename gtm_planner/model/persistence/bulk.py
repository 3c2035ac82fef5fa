"""Moving many rows between NumPy and the database quickly, in portable SQL.

SQLAlchemy's per-row work (building parameter dictionaries on the way in, ``Row`` objects on
the way out) costs more than the database itself for the 360k budget cells of a large plan.
For drivers with positional parameters (SQLite's among them) rows go in as plain tuples, on
PostgreSQL with psycopg through ``COPY`` (see :mod:`postgres_adapter`); results come back from
the driver's own cursor. The SQL is still compiled by SQLAlchemy for
the connection's dialect, so nothing here is tied to one database.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from sqlalchemy import Connection, Select, Table, insert
from sqlalchemy.exc import DBAPIError

from gtm_planner.model.entities import FloatArray
from gtm_planner.model.persistence import postgres_adapter

Columns = dict[str, list[Any]]  # column name -> one value per row, all of the same length


def bulk_insert(connection: Connection, table: Table, columns: Columns) -> None:
    """Insert the rows spelled out column by column."""
    names = list(columns)
    if not names or not columns[names[0]]:
        return
    if postgres_adapter.can_copy(connection):
        postgres_adapter.copy_rows(connection, table, columns)
        return
    compiled = insert(table).compile(dialect=connection.dialect, column_keys=names)
    if compiled.positional and compiled.positiontup is not None:
        ordered = [columns[name] for name in compiled.positiontup]
        connection.exec_driver_sql(str(compiled), list(zip(*ordered, strict=True)))
    else:
        rows = [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]
        connection.execute(insert(table), rows)


def fetch_numbers(connection: Connection, statement: Select[Any]) -> FloatArray:
    """Every row of a select of numeric columns, as a (rows × columns) float array.

    NULL (how SQLite stores NaN) becomes NaN. Integer keys survive the trip through float64
    exactly up to 2**53, far beyond any id a plan hands out.
    """
    width = len(statement.selected_columns)
    compiled = statement.compile(
        dialect=connection.dialect, compile_kwargs={"literal_binds": True}
    )
    sql = str(compiled)
    driver_error: type[Exception] = connection.dialect.loaded_dbapi.Error
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql)
        rows = cursor.fetchall()
    except driver_error as err:  # raise it the way SQLAlchemy raises every database error
        raise DBAPIError.instance(
            sql, None, err, driver_error, dialect=connection.dialect
        ) from err
    finally:
        cursor.close()
    if not rows:
        return np.empty((0, width))
    try:
        flat = np.fromiter(
            itertools.chain.from_iterable(rows), dtype=np.float64, count=len(rows) * width
        )
    except TypeError:  # a NULL somewhere: the slower conversion maps None to NaN
        return np.array(rows, dtype=np.float64).reshape(len(rows), width)
    return flat.reshape(len(rows), width)
