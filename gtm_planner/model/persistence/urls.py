"""Where a plan is: a ``.gtmplan`` file path or a database URL, and how a database server is
reached, with what a user reads when it cannot be (never the URL's credentials).
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.pool import NullPool

from gtm_planner.model.persistence.errors import PlanFileError, PlanFileProblem, display_name

Target = str | os.PathLike[str]


def parse_target(target: Target) -> tuple[Path | None, str]:
    """A file path (for SQLite) or a database URL."""
    text = os.fspath(target)
    if isinstance(target, str) and "://" in text:
        try:
            url = make_url(text)
        except (ArgumentError, ValueError):  # a port that is not a number, an unclosed [::1 …
            raise PlanFileError(
                f"{display_name(text)} is not a database URL; give one such as "
                "postgresql+psycopg://USER@HOST:PORT/DATABASE.",
                PlanFileProblem.UNREACHABLE,
            ) from None
        if url.get_backend_name() == "sqlite":
            return Path(url.database or ""), text
        return None, with_driver(text)
    return Path(text), text


def with_driver(url: str) -> str:
    """``postgres://`` and ``postgresql://`` (how PostgreSQL's own tools spell a URL) with the
    driver GTM Planner ships, psycopg: ``postgresql+psycopg://``."""
    scheme, separator, rest = url.partition("://")
    if scheme.lower() in ("postgres", "postgresql"):
        return f"postgresql+psycopg{separator}{rest}"
    return url


def without_password(url: str) -> str:
    """The database URL with any password taken out (of the user part and of the query), to
    be remembered; a URL that does not parse comes back as it was said in messages."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return display_name(url).strip("«»")
    kept = URL.create(
        parsed.drivername,
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query={k: v for k, v in parsed.query.items() if k.lower() != "password"},
    )
    return kept.render_as_string(hide_password=False)


def is_database_url(target: Target) -> bool:
    """Whether ``target`` names a database server (a URL other than ``sqlite://``)."""
    return parse_target(target)[0] is None


def server_engine(url: str) -> Engine:
    """An engine on a database server: no pooling, nothing stays open between calls."""
    try:
        return create_engine(url, poolclass=NullPool)
    except (ArgumentError, ImportError, ValueError):
        raise PlanFileError(
            f"{display_name(url)} is not a database URL GTM Planner can use; give "
            "postgresql+psycopg://USER@HOST:PORT/DATABASE (PostgreSQL, through psycopg).",
            PlanFileProblem.UNREACHABLE,
        ) from None


def one_line(text: str) -> str:
    """A driver's message on one line (libpq's span several lines, some without a full stop)."""
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    return " ".join(
        line if i == len(lines) - 1 or line[-1] in ".:;!?" else f"{line}."
        for i, line in enumerate(lines)
    )


def connection_advice(cause: str) -> str:
    """What to do about a failed connection, from the driver's reason."""
    lowered = cause.lower()
    if "password" in lowered:
        return (
            "Check the password PostgreSQL is given: in ~/.pgpass or the PGPASSWORD variable "
            "(never in the URL)."
        )
    if "permission denied" in lowered:
        return "Ask the database's owner to let your database user connect to it."
    return (
        "Check that the database server is running and that the URL names an existing "
        "database you may use."
    )


def reach(engine: Engine, label: str) -> None:
    """Connect once, so that a server that is down or a wrong database is said as such."""
    try:
        with engine.connect():
            pass
    except DBAPIError as err:
        cause = one_line(str(err.orig) if err.orig is not None else str(err)).rstrip(".")
        raise PlanFileError(
            f"{label} cannot be reached ({cause}). {connection_advice(cause)}",
            PlanFileProblem.UNREACHABLE,
        ) from None
