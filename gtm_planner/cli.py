"""Headless subcommands (SPEC §7). No Qt is imported on this path.

Exit codes: 0 ok, 1 a user error with a one-line reason, 2 bad usage (argparse).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from gtm_planner.cli_parser import NEW_COMMANDS, PLAN_COMMANDS, SUBCOMMANDS, build_parser
from gtm_planner.model.commands import run
from gtm_planner.model.document import PlanDocument
from gtm_planner.model.engine import KPI_BY_KEY, compute_kpis, compute_scenario
from gtm_planner.model.entities import Plan, PlanSettings, Scenario
from gtm_planner.model.exchange.errors import ExchangeError
from gtm_planner.model.exchange.excel_export import export_workbook
from gtm_planner.model.exchange.excel_import import read_workbook
from gtm_planner.model.exchange.import_report import format_report
from gtm_planner.model.exchange.tables import SUMMARY_KPIS
from gtm_planner.model.formatting import format_value
from gtm_planner.model.persistence import (
    PlanFileError,
    PlanFileProblem,
    check_plan_file,
    create_plan_file,
    load_plan,
    read_plan_unchanged,
    save_plan,
)
from gtm_planner.model.persistence.errors import display_name
from gtm_planner.model.persistence.team import TeamSession
from gtm_planner.model.validation import validate_plan

__all__ = ["NEW_COMMANDS", "PLAN_COMMANDS", "SUBCOMMANDS", "UserError", "main", "render_summary"]

EXIT_OK, EXIT_USER_ERROR, EXIT_USAGE = 0, 1, 2


class UserError(Exception):
    """A mistake the user can fix; printed as one line, exit code 1."""


def _target_path(path: Path, force: bool) -> Path:
    if path.suffix != ".gtmplan" or path.name == ".gtmplan":
        raise UserError(f"{path}: a plan file must end in .gtmplan")
    if path.exists() and not force:
        raise UserError(f"{path} already exists (use --force to replace it)")
    if not path.parent.exists():
        raise UserError(f"{path.parent}: no such folder")
    return path


def _new_plan(args: argparse.Namespace) -> Plan:
    from datetime import date

    from gtm_planner.model.defaults import blank_plan

    if args.start is None:
        year, month = date.today().year + 1, 1
    else:
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", args.start)
        if match is None or not 1 <= int(match.group(2)) <= 12:
            raise UserError(
                f"--start {args.start!r}: give the first month as YYYY-MM, e.g. 2027-01"
            )
        year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= args.months <= 120:
        raise UserError(f"--months {args.months}: the horizon must be 1 to 120 months")
    if not 1 <= args.fiscal_year_start <= 12:
        raise UserError(f"--fiscal-year-start {args.fiscal_year_start}: give a month 1 to 12")
    if not re.fullmatch(r"[A-Z]{3}", args.currency):
        raise UserError(f"--currency {args.currency!r}: give a three-letter ISO code, e.g. EUR")
    if not 1900 <= year <= 2200:
        raise UserError(f"--start {args.start!r}: give a year between 1900 and 2200")
    if not args.name.strip():
        raise UserError("--name: the plan needs a name")
    names = [n.strip() for n in (args.region or ["Global"])]
    folded = [n.casefold() for n in names]
    if len(set(folded)) != len(folded) or any(not n for n in names):
        raise UserError("--region: region names must be non-empty and different")
    settings = PlanSettings(args.name.strip(), args.currency, args.fiscal_year_start, year, month,
                            args.months)  # fmt: skip
    return blank_plan(settings, names)


def _new_target(args: argparse.Namespace) -> Path | str:
    """Where ``new`` and ``demo`` write: a new plan file, or a database (``--db``)."""
    return args.db if args.db is not None else _target_path(args.path, args.force)


def _cmd_new(args: argparse.Namespace, out: TextIO) -> int:
    target = _new_target(args)
    plan = _new_plan(args)
    create_plan_file(target, plan, replace=args.force)
    print(
        f"Created {_name(args) if args.db else target}: {plan.settings.name}, "
        f"{len(plan.regions)} region(s)",
        file=out,
    )
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    from gtm_planner.model.demo import build_demo_plan, build_large_plan

    target = _new_target(args)
    plan = build_demo_plan() if args.size == "small" else build_large_plan()
    create_plan_file(target, plan, replace=args.force)
    print(
        f"Wrote the {args.size} demo plan to {_name(args) if args.db else target}: "
        f"{len(plan.regions)} regions, "
        f"{len(plan.scenarios)} scenarios, {plan.settings.horizon_months} months",
        file=out,
    )
    return EXIT_OK


def _scenarios(plan: Plan, name: str | None) -> list[Scenario]:
    if name is None:
        return list(plan.scenarios)
    try:
        return [plan.scenario(name)]
    except KeyError as exc:
        raise UserError(str(exc.args[0])) from None


def render_summary(plan: Plan, scenarios: Sequence[Scenario]) -> str:
    """KPIs as rows and scenarios as columns, for a terminal."""
    currency = plan.settings.currency
    calendar = plan.calendar()
    headers = [s.name + (" (plan of record)" if s.is_plan_of_record else "") for s in scenarios]
    rows: list[list[str]] = []
    values = []
    for s in scenarios:
        kpis = compute_kpis(plan, s.inputs, compute_scenario(plan, s.inputs))
        values.append(kpis)
    for key in SUMMARY_KPIS:
        definition = KPI_BY_KEY[key]
        rows.append(
            [definition.label]
            + [format_value(v[key].value, definition.unit, currency) for v in values]
        )
    label_width = max(len(r[0]) for r in rows)
    widths = [max(len(h), *(len(r[i + 1]) for r in rows)) for i, h in enumerate(headers)]
    first, last = calendar.month_labels[0], calendar.month_labels[-1]
    lines = [f"{plan.settings.name} — {currency}, {first} – {last}", ""]
    lines.append(
        "  ".join([" " * label_width, *(h.rjust(w) for h, w in zip(headers, widths, strict=True))])
    )
    lines.append("  ".join(["-" * label_width, *("-" * w for w in widths)]))
    for r in rows:
        lines.append(
            "  ".join(
                [
                    r[0].ljust(label_width),
                    *(c.rjust(w) for c, w in zip(r[1:], widths, strict=True)),
                ]
            )
        )
    return "\n".join(lines)


def read_plan(target: Path | str) -> Plan:
    """Load a plan without changing its file or database (see ``read_plan_unchanged``)."""
    return read_plan_unchanged(target)


def _source(args: argparse.Namespace) -> Path | str:
    """The plan a command reads: the PLAN file or the --db URL (checked in ``main``)."""
    source: Path | str = args.db if args.db is not None else args.plan
    return source


def _name(args: argparse.Namespace) -> str:
    """How messages name the plan: the path as given, or the URL without credentials."""
    return display_name(args.db) if args.db is not None else str(args.plan)


def _cmd_summary(args: argparse.Namespace, out: TextIO) -> int:
    plan = read_plan(_source(args))
    print(render_summary(plan, _scenarios(plan, args.scenario)), file=out)
    return EXIT_OK


def _cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    file_problems = check_plan_file(_source(args))  # the full integrity check; changes nothing
    if len(file_problems) == 1:
        raise UserError(file_problems[0])
    if file_problems:
        for line in file_problems:
            print(line, file=out)
        raise UserError(f"{_name(args)}: {len(file_problems)} problems in the file")
    plan = read_plan(_source(args))  # check never changes the file it checks
    problems = validate_plan(plan)
    if problems:
        for p in problems:
            print(str(p), file=out)
        raise UserError(f"{_name(args)}: {len(problems)} problem(s) in the plan's inputs")
    print(
        f"{_name(args)}: OK — integrity check passed; {len(plan.scenarios)} scenarios, "
        f"{len(plan.regions)} regions, {len(plan.budget_lines)} budget lines",
        file=out,
    )
    return EXIT_OK


def _cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    plan = read_plan(_source(args))  # an export never changes the plan file
    scenarios = list(plan.scenarios)
    if args.scenario:
        scenarios = [s for name in args.scenario for s in _scenarios(plan, name)]
    sheets = export_workbook(plan, args.out, [s.id for s in scenarios])
    names = ", ".join(s.name for s in scenarios)
    print(f"Exported {names} to {args.out} (sheets: {', '.join(sheets)})", file=out)
    return EXIT_OK


def _cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    if args.db is not None and not args.dry_run:
        # A shared plan is changed the way the app changes it: edit by edit, checked against
        # what others saved meanwhile (and seen by their windows).
        session, plan = TeamSession.open(args.db)
        try:
            return _import(args, out, plan, session)
        finally:
            session.close()
    plan = read_plan(_source(args)) if args.dry_run else load_plan(_source(args))
    return _import(args, out, plan, None)


def _import(args: argparse.Namespace, out: TextIO, plan: Plan, session: TeamSession | None) -> int:
    scenario_id = _scenarios(plan, args.scenario)[0].id if args.scenario else None
    result = read_workbook(args.workbook, plan, scenario_id)
    print(format_report(result, plan.settings.currency), file=out)
    if not result.ok:
        raise UserError(
            f"{args.workbook}: {result.problem_count} problem(s); nothing was imported"
        )
    document = PlanDocument(plan, args.plan if args.db is None else None)
    insert = None
    if args.new_scenario is not None:  # the name is checked in a dry run too
        insert = result.to_new_scenario(document, args.new_scenario)
    elif result.change_count == 0:
        print("Nothing to import; the plan is unchanged.", file=out)
        return EXIT_OK
    if args.dry_run:
        print("Dry run: nothing was changed.", file=out)
        return EXIT_OK
    if insert is not None:
        run(document, insert)
        dirty = {insert.scenario.id}
        done = f"Created scenario '{insert.scenario.name}' from {args.workbook.name}"
    else:
        macro = result.to_command(document)
        run(document, macro)
        dirty = set(document.dirty_scenarios)
        done = f"{macro.label} into scenario '{result.scenario_name}'"
    if session is not None:
        saved = session.save(document, all_or_nothing=True)
        if saved.refused or saved.reloaded:
            why = "; ".join(r.message for r in saved.refused) or "the plan changed meanwhile"
            raise UserError(f"nothing was imported: {why}")
    else:
        plan.change_log.extend(document.pending_log)
        save_plan(_source(args), plan, dirty)
    print(f"{done}; saved {_name(args)}", file=out)
    return EXIT_OK


def _cmd_report(args: argparse.Namespace, out: TextIO) -> int:
    """Lay out and paint the report headless; Qt is loaded here and nowhere else in the CLI."""
    import datetime as dt
    import importlib

    from gtm_planner.model.exchange.report_data import (
        ReportError,
        comparison_summary,
        find_item,
        scenario_summary,
    )

    if args.out.suffix.lower() != ".pdf":
        raise UserError(f"{args.out}: the report file must end in .pdf")
    plan = read_plan(_source(args))  # a report never changes the plan file
    today = dt.date.today()
    try:
        if args.compare:
            first, second = (find_item(plan, name) for name in args.compare)
            data = comparison_summary(
                plan, first, second, file_name=_file_name(args), printed=today
            )
        else:
            item = plan.plan_of_record if args.scenario is None else find_item(plan, args.scenario)
            data = scenario_summary(plan, item, file_name=_file_name(args), printed=today)
    except ReportError as exc:
        raise UserError(str(exc)) from None
    # By name, inside the command: the renderer needs Qt, and importing the CLI must not.
    headless = importlib.import_module("gtm_planner.ui.report.headless")
    pages: int = headless.write_report(data, args.out, args.paper)
    print(f"Wrote {data.title} to {args.out}: {pages} pages, {args.paper.upper()}", file=out)
    return EXIT_OK


def _file_name(args: argparse.Namespace) -> str:
    name: str = display_name(args.db).strip("«»") if args.db is not None else args.plan.name
    return name


def _cmd_publish(args: argparse.Namespace, out: TextIO) -> int:
    plan = read_plan(args.path)  # the file itself is left as it is
    try:
        create_plan_file(args.db, plan, replace=args.force)
    except PlanFileError as err:
        if err.problem is PlanFileProblem.EXISTS:
            raise UserError(
                f"{display_name(args.db)} already holds a plan (use --force to replace it)"
            ) from None
        raise
    print(
        f"Published {args.path} to {display_name(args.db)}: {plan.settings.name}, "
        f"{len(plan.scenarios)} scenarios",
        file=out,
    )
    return EXIT_OK


def _cmd_pull(args: argparse.Namespace, out: TextIO) -> int:
    path = _target_path(args.path, args.force)
    plan = read_plan(args.db)
    create_plan_file(path, plan, replace=args.force)
    print(
        f"Pulled {display_name(args.db)} into {path}: {plan.settings.name}, "
        f"{len(plan.scenarios)} scenarios",
        file=out,
    )
    return EXIT_OK


COMMANDS = {
    "new": _cmd_new,
    "demo": _cmd_demo,
    "summary": _cmd_summary,
    "check": _cmd_check,
    "export": _cmd_export,
    "import": _cmd_import,
    "report": _cmd_report,
    "publish": _cmd_publish,
    "pull": _cmd_pull,
}


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # exits 2 with usage on bad usage
    if args.command in PLAN_COMMANDS and (args.plan is None) == (args.db is None):
        parser.error(f"{args.command}: give either a PLAN file or --db URL")
    if args.command in NEW_COMMANDS and (args.path is None) == (args.db is None):
        parser.error(f"{args.command}: give either a PATH or --db URL")
    stream = sys.stdout if out is None else out
    try:
        if getattr(args, "db", None) is not None and "://" not in args.db:
            raise UserError(
                f"«{args.db}» is not a database URL; give one such as "
                "postgresql+psycopg://USER@HOST:PORT/DATABASE (a plan file goes without --db)"
            )
        code = COMMANDS[args.command](args, stream)
        stream.flush()  # here, where a reader that went away can be told apart
        return code
    except BrokenPipeError:  # the reader went away (``… | head``): nothing more to say
        with contextlib.suppress(OSError, ValueError):  # and nothing left to flush at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except (UserError, PlanFileError, ExchangeError) as exc:
        print(f"gtm-planner {args.command}: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except OSError as exc:
        reason = exc.strerror or str(exc)
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"gtm-planner {args.command}: {where}{reason}", file=sys.stderr)
        return EXIT_USER_ERROR


if __name__ == "__main__":
    sys.exit(main())
