"""Suite-wide settings: Qt offscreen before any QApplication exists; CI fails, not skips."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from tests import pg_server as pg_server_module
from tests.pg_server import PgServer

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def require_program(program: str, debian_package: str) -> str:
    """The path of ``program``; skip naming the Debian package, or fail under ``CI=true``."""
    path = shutil.which(program)
    if path is None:
        message = f"needs {program!r}: apt-get install {debian_package}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def _skip_or_fail(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A real PostgreSQL server on loopback for the whole session, stopped at its end."""
    reason = pg_server_module.missing_reason()
    if reason is not None:
        _skip_or_fail(reason)
    server = pg_server_module.start_server()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh, empty database for one test (dropped after it), as a SQLAlchemy URL."""
    name = pg_server.create_database()
    try:
        yield pg_server.url(name)
    finally:
        pg_server.drop_database(name)
