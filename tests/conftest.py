"""Suite-wide settings: Qt offscreen before any QApplication exists; CI fails, not skips."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gtm_planner.model.entities import Plan
from tests import pg_server as pg_server_module
from tests.pg_server import PgServer
from tests.plan_stores import BACKENDS, PlanStore, publish, write_demo_file

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


@contextlib.contextmanager
def running_pg_server() -> Iterator[PgServer]:
    """A real PostgreSQL server on loopback, stopped (and removed) after; without PostgreSQL's
    programs the test skips naming the package, or fails under ``CI=true``."""
    reason = pg_server_module.missing_reason()
    if reason is not None:
        _skip_or_fail(reason)
    server = pg_server_module.start_server()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A real PostgreSQL server on loopback for the whole session, stopped at its end."""
    with running_pg_server() as server:
        yield server


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh, empty database for one test (dropped after it), as a SQLAlchemy URL."""
    name = pg_server.create_database()
    try:
        yield pg_server.url(name)
    finally:
        pg_server.drop_database(name)


# The CLI suites' plans (issue 7): each subcommand that takes a plan runs on a .gtmplan file and
# on the same plan in PostgreSQL (``--db URL``); ``tests/plan_stores.py`` has the helpers.


@pytest.fixture(scope="module")
def demo_sqlite(tmp_path_factory: pytest.TempPathFactory) -> PlanStore:
    """``demo.gtmplan``, shared by a module's tests: they read it and never change it."""
    return write_demo_file(tmp_path_factory.mktemp("cli") / "demo.gtmplan")


@pytest.fixture(scope="module")
def demo_postgresql(pg_server: PgServer, demo_sqlite: PlanStore) -> Iterator[PlanStore]:
    """The same plan published into a database, shared (and read only) likewise."""
    name = pg_server.create_database()
    try:
        yield publish(demo_sqlite, pg_server.url(name))
    finally:
        pg_server.drop_database(name)


@pytest.fixture(scope="module", params=BACKENDS)
def demo_store(request: pytest.FixtureRequest) -> PlanStore:
    """The shared demo plan in a file, then in PostgreSQL: for tests that only read it."""
    store: PlanStore = request.getfixturevalue(f"demo_{request.param}")
    return store


@pytest.fixture(params=BACKENDS)
def fresh_demo_store(request: pytest.FixtureRequest, tmp_path: Path) -> PlanStore:
    """A demo plan of the test's own, in a file or a fresh database: for tests that change it."""
    demo = write_demo_file(tmp_path / "northwind.gtmplan")
    if request.param == "sqlite":
        return demo
    url: str = request.getfixturevalue("pg_url")
    return publish(demo, url)


@pytest.fixture(params=BACKENDS)
def plan_store(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[Plan], PlanStore]:
    """Writes a given plan into ``plan.gtmplan`` or into a fresh database."""
    from gtm_planner.model.persistence import create_plan_file

    location: Path | str = tmp_path / "plan.gtmplan"
    if request.param == "postgresql":
        location = request.getfixturevalue("pg_url")

    def write(plan: Plan) -> PlanStore:
        create_plan_file(location, plan)
        return PlanStore(request.param, location)

    return write
