"""The one error a plan file can raise at a user: what is wrong, with which file, what to do."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path


class PlanFileProblem(StrEnum):
    """What kind of problem it is, so the UI and the CLI can react without parsing text."""

    MISSING = "missing"
    NOT_A_PLAN = "not_a_plan"
    TRUNCATED = "truncated"
    DAMAGED = "damaged"
    NEWER_SCHEMA = "newer_schema"
    OLDER_SCHEMA = "older_schema"  # only when asked not to upgrade
    MIGRATION_FAILED = "migration_failed"
    INVALID_PLAN = "invalid_plan"
    UNREADABLE = "unreadable"
    SAVE_FAILED = "save_failed"
    EXISTS = "exists"
    UNREACHABLE = "unreachable"  # a database server that cannot be connected to


class PlanFileError(Exception):
    """A plan file cannot be opened or saved; ``str(err)`` is a sentence for the user."""

    def __init__(self, message: str, problem: PlanFileProblem, location: str = "") -> None:
        super().__init__(message)
        self.problem = problem
        self.location = location


def display_name(location: str | Path) -> str:
    """How a file or database is named in messages: «name.gtmplan», or the URL without its
    user, password and query (which may carry a ``password=`` or key file parameter)."""
    text = str(location)
    if "://" in text:
        scheme, _, rest = text.partition("://")
        rest = rest.split("?", 1)[0]
        if "@" in rest:
            rest = rest.rsplit("@", 1)[1]
        return f"«{scheme}://{rest}»"
    return f"«{Path(text).name}»"


def display_url(text: str) -> str:
    """What the user gave as a database URL, for a message: a URL without its credentials and
    query, or, for text that is no URL at all, that text (past any ``user:password@``)."""
    if "://" in text:
        return display_name(text)
    return f"«{text.rsplit('@', 1)[-1].split('?', 1)[0]}»"
