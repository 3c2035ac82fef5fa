"""Read a plan without changing its file: one of an older schema is upgraded as a copy.

For read-only windows and for the CLI's ``summary`` and ``check``: SPEC §2 says a file is never
modified silently, and only opening it for editing upgrades it (after a backup).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from gtm_planner.model.entities import Plan
from gtm_planner.model.persistence.errors import PlanFileError, PlanFileProblem
from gtm_planner.model.persistence.repository import PlanRepository
from gtm_planner.model.persistence.urls import Target, is_database_url


def read_plan_unchanged(target: Target) -> Plan:
    """The plan in a file or database, which is left as it is (an older schema in a database
    is refused: it is upgraded only by opening it for editing)."""
    try:
        with PlanRepository.open(target, upgrade=False) as repository:
            return repository.load()
    except PlanFileError as err:
        if err.problem is not PlanFileProblem.OLDER_SCHEMA or is_database_url(target):
            raise
    path = Path(target)
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / path.name
        shutil.copyfile(path, copy)
        with PlanRepository.open(copy) as repository:
            return repository.load()
