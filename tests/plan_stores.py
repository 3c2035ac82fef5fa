"""Where a CLI test's plan lives: a ``.gtmplan`` file, or a PostgreSQL database given by --db.

The CLI suites run every subcommand that takes a plan against both (issue 7): a test takes a
``PlanStore`` and passes ``store.args`` where a user types ``PLAN`` or ``--db URL``. The
fixtures that make them are in ``tests/conftest.py``.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from gtm_planner.model.entities import Plan

# The ids of the parametrised tests, as in the persistence suites (``-k postgresql``).
BACKENDS = ("sqlite", "postgresql")


@dataclass(frozen=True)
class PlanStore:
    """A plan in a file (``sqlite``) or in a database (``postgresql``, ``location`` a URL)."""

    backend: str
    location: Path | str

    @property
    def is_database(self) -> bool:
        return self.backend == "postgresql"

    @property
    def args(self) -> list[str]:
        """How a subcommand is told where the plan is: ``PLAN`` or ``--db URL``."""
        return ["--db", str(self.location)] if self.is_database else [str(self.location)]

    def load(self) -> Plan:
        from gtm_planner.model.persistence import load_plan

        return load_plan(self.location)

    def state(self) -> str:
        """A digest of everything stored: equal before and after a command that changed nothing.

        For a file its bytes; for a database every row of every table (in a stable order).
        """
        if not self.is_database:
            return hashlib.sha256(Path(self.location).read_bytes()).hexdigest()
        from sqlalchemy import create_engine, inspect, text
        from sqlalchemy.pool import NullPool

        engine = create_engine(str(self.location), poolclass=NullPool)
        digest = hashlib.sha256()
        try:
            with engine.connect() as connection:
                for table in sorted(inspect(connection).get_table_names()):
                    rows = connection.execute(text(f'SELECT * FROM "{table}"')).all()
                    digest.update(f"{table}:{sorted(repr(tuple(r)) for r in rows)}".encode())
        finally:
            engine.dispose()
        return digest.hexdigest()


def cli(*args: str) -> tuple[int, str]:
    """``gtm-planner ARGS`` in this process: (exit code, what it printed on stdout)."""
    from gtm_planner.cli import main

    out = io.StringIO()
    return main(list(args), out=out), out.getvalue()


def write_demo_file(path: Path) -> PlanStore:
    """``gtm-planner demo PATH``."""
    code, text = cli("demo", str(path))
    assert code == 0, text
    return PlanStore("sqlite", path)


def publish(source: PlanStore, url: str) -> PlanStore:
    """``gtm-planner publish PLAN --db URL``: the same plan, now in the database."""
    code, text = cli("publish", str(source.location), "--db", url)
    assert code == 0, text
    return PlanStore("postgresql", url)
