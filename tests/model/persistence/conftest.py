"""The plan store the persistence tests run against: an SQLite file and a real PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """Where a test keeps its plan: ``p.gtmplan`` in a temporary folder, or a fresh database."""
    if request.param == "sqlite":
        return tmp_path / "p.gtmplan"
    url: str = request.getfixturevalue("pg_url")
    return url
