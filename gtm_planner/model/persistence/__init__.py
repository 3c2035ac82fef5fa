"""The plan file: SQLAlchemy schema, repository, migrations (SPEC §2)."""

from gtm_planner.model.persistence.errors import PlanFileError, PlanFileProblem
from gtm_planner.model.persistence.migrations import SCHEMA_VERSION
from gtm_planner.model.persistence.readonly import read_plan_unchanged
from gtm_planner.model.persistence.repository import (
    PlanRepository,
    check_plan_file,
    create_plan_file,
    load_plan,
    save_plan,
    save_plan_as,
)
from gtm_planner.model.persistence.urls import is_database_url

__all__ = [
    "SCHEMA_VERSION",
    "PlanFileError",
    "PlanFileProblem",
    "PlanRepository",
    "check_plan_file",
    "create_plan_file",
    "is_database_url",
    "load_plan",
    "read_plan_unchanged",
    "save_plan",
    "save_plan_as",
]
