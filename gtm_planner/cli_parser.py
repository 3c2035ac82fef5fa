"""The command line's grammar: every subcommand, its arguments and their help (SPEC §7).

What the subcommands do is in :mod:`gtm_planner.cli`; no Qt is imported on this path either.
"""

from __future__ import annotations

import argparse
from pathlib import Path

SUBCOMMANDS = (
    "new", "demo", "summary", "check", "export", "import", "report", "publish", "pull",
)  # fmt: skip
# Subcommands that read a plan from a PLAN file or, with --db URL, from a database.
PLAN_COMMANDS = ("summary", "check", "export", "import", "report")
NEW_COMMANDS = ("new", "demo")  # take PATH or --db URL, like PLAN_COMMANDS
DB_HELP = "a database holding the plan, e.g. postgresql+psycopg://USER@HOST:PORT/DATABASE"


def build_parser() -> argparse.ArgumentParser:
    """``gtm-planner``'s parser; ``parse_args`` exits 2 with usage on bad usage."""
    parser = argparse.ArgumentParser(
        prog="gtm-planner",
        description="GTM Planner: one joint go-to-market plan for the CRO and the CMO.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    new = sub.add_parser("new", help="create an empty plan file (or plan in a database)")
    new.add_argument("path", type=Path, nargs="?", metavar="PATH")
    new.add_argument("--db", default=None, metavar="URL", help=DB_HELP + " (instead of PATH)")
    new.add_argument("--name", default="New GTM plan")
    new.add_argument("--currency", default="USD", help="ISO code, e.g. USD, EUR (default USD)")
    new.add_argument(
        "--start", default=None, help="first plan month as YYYY-MM (default: next January)"
    )
    new.add_argument("--months", type=int, default=12, help="horizon in months (default 12)")
    new.add_argument(
        "--fiscal-year-start",
        type=int,
        default=1,
        metavar="MONTH",
        help="calendar month 1-12 in which the fiscal year starts (default 1)",
    )
    new.add_argument(
        "--region",
        action="append",
        default=None,
        metavar="NAME",
        help="a region (repeatable; default: one region 'Global')",
    )
    new.add_argument("--force", action="store_true", help="replace an existing file or plan")

    demo = sub.add_parser("demo", help="write the demo plan (or the large benchmark plan)")
    demo.add_argument("path", type=Path, nargs="?", metavar="PATH")
    demo.add_argument("--db", default=None, metavar="URL", help=DB_HELP + " (instead of PATH)")
    demo.add_argument("--size", choices=("small", "large"), default="small")
    demo.add_argument("--force", action="store_true", help="replace an existing file or plan")

    summary = sub.add_parser("summary", help="print the KPI table of each scenario")
    summary.add_argument("plan", type=Path, nargs="?", metavar="PLAN")
    summary.add_argument("--db", default=None, metavar="URL", help=DB_HELP + " (instead of PLAN)")
    summary.add_argument("--scenario", default=None, metavar="NAME")

    check = sub.add_parser("check", help="check a plan file's integrity and inputs")
    check.add_argument("plan", type=Path, nargs="?", metavar="PLAN")
    check.add_argument("--db", default=None, metavar="URL", help=DB_HELP + " (instead of PLAN)")

    export = sub.add_parser("export", help="write scenarios as an Excel workbook for finance")
    export.add_argument("plan", type=Path, nargs="?", metavar="PLAN")
    export.add_argument("--db", default=None, metavar="URL", help=DB_HELP + " (instead of PLAN)")
    export.add_argument("out", type=Path, metavar="OUT.xlsx")
    export.add_argument(
        "--scenario",
        action="append",
        default=None,
        metavar="NAME",
        help="a scenario to export (repeatable; default: every scenario)",
    )

    imp = sub.add_parser(
        "import", help="apply a workbook finance edited (lists every change or problem first)"
    )
    imp.add_argument("plan", type=Path, nargs="?", metavar="PLAN")
    imp.add_argument("--db", default=None, metavar="URL", help=DB_HELP + " (instead of PLAN)")
    imp.add_argument("workbook", type=Path, metavar="IN.xlsx")
    imp.add_argument(
        "--scenario",
        default=None,
        metavar="NAME",
        help="the plan's scenario to compare with and change (default: the "
        "workbook's own; needed when the workbook holds several)",
    )
    imp.add_argument(
        "--new-scenario",
        default=None,
        metavar="NAME",
        help="create a new scenario from the workbook instead of changing one",
    )
    imp.add_argument(
        "--dry-run",
        action="store_true",
        help="print the report of changes or problems; change nothing",
    )

    report = sub.add_parser(
        "report", help="print a scenario summary, or a comparison of two, to a PDF"
    )
    report.add_argument("plan", type=Path, nargs="?", metavar="PLAN")
    report.add_argument("--db", default=None, metavar="URL", help=DB_HELP + " (instead of PLAN)")
    report.add_argument("out", type=Path, metavar="OUT.pdf")
    which = report.add_mutually_exclusive_group()
    which.add_argument(
        "--scenario",
        default=None,
        metavar="NAME",
        help="the scenario or snapshot to summarise (default: the plan of record)",
    )
    which.add_argument(
        "--compare",
        nargs=2,
        default=None,
        metavar=("A", "B"),
        help="compare two scenarios or snapshots (A is the reference)",
    )
    report.add_argument("--paper", choices=("a4", "letter"), default="a4")

    publish = sub.add_parser("publish", help="copy a plan file into a database (team mode)")
    publish.add_argument("path", type=Path, metavar="PLAN")
    publish.add_argument("--db", required=True, metavar="URL", help=DB_HELP)
    publish.add_argument(
        "--force", action="store_true", help="replace the plan the database already holds"
    )

    pull = sub.add_parser("pull", help="copy the plan in a database into a plan file")
    pull.add_argument("--db", required=True, metavar="URL", help=DB_HELP)
    pull.add_argument("path", type=Path, metavar="PLAN")
    pull.add_argument("--force", action="store_true", help="replace an existing file")
    return parser  # fmt: skip
