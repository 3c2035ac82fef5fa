"""Composition root: builds the QApplication, the document and the window; routes the CLI.

``gtm-planner [PLAN]`` opens the app (no argument: the bundled demo plan, created on first run
in the user's data folder); ``gtm-planner --db URL`` opens it on a plan shared in a database
(team mode); ``gtm-planner SUBCOMMAND …`` runs headless (see ``cli.py``).
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from gtm_planner import cli
from gtm_planner.platform_check import display_problem

DEMO_FILE_NAME = "Northwind Analytics demo.gtmplan"


def demo_plan_path() -> Path:
    """The demo plan in the user's data folder, written there on first use."""
    from platformdirs import user_data_path

    from gtm_planner.model.demo import build_demo_plan
    from gtm_planner.model.persistence import PlanFileError, PlanRepository, create_plan_file

    path = user_data_path("gtm-planner", appauthor=False) / DEMO_FILE_NAME
    if path.exists():
        try:
            check = PlanRepository.open(path, integrity_check=True, upgrade=True)
            check.close()
        except PlanFileError as err:
            # The demo is ours to rebuild: keep the damaged copy aside and write a fresh one.
            damaged = path.with_name(path.name + ".damaged")
            path.replace(damaged)
            print(f"gtm-planner: the demo plan was unreadable ({err}); rebuilt it, the old "
                  f"copy is {damaged}", file=sys.stderr)  # fmt: skip
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        create_plan_file(path, build_demo_plan())
    return path


def _gui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gtm-planner",
        description="GTM Planner. Subcommands: "
        + ", ".join(cli.SUBCOMMANDS)
        + " (gtm-planner COMMAND --help).",
    )
    parser.add_argument("plan", nargs="?", type=Path, help="a .gtmplan file (default: the demo)")
    parser.add_argument(
        "--db",
        metavar="URL",
        help="open the plan shared in this database instead of a file (team mode): "
        "postgresql+psycopg://USER@HOST:PORT/DATABASE",
    )
    parser.add_argument(
        "--screenshot",
        type=Path,
        metavar="PNG",
        help="render the window offscreen-capable, save it as PNG and exit",
    )
    parser.add_argument(
        "--size",
        default="1600x1000",
        metavar="WxH",
        help="window size for --screenshot (default 1600x1000)",
    )
    return parser  # fmt: skip


# Said by Qt's offscreen platform whenever a window is shown; meaningless off a real screen.
OFFSCREEN_NOISE = (
    "This plugin does not support propagateSizeHints()",
    "This plugin does not support raise()",
)


def _install_qt_message_filter() -> None:
    """Pass Qt's messages on to stderr, less the offscreen platform's known noise."""
    from PySide6.QtCore import (
        QMessageLogContext,
        QtMsgType,
        qFormatLogMessage,
        qInstallMessageHandler,
    )

    def handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if message in OFFSCREEN_NOISE:
            return
        print(qFormatLogMessage(kind, context, message), file=sys.stderr)

    qInstallMessageHandler(handler)


def run_gui(argv: Sequence[str]) -> int:
    parser = _gui_parser()
    args = parser.parse_args(argv)
    if args.plan is not None and args.db is not None:
        parser.error("give either a PLAN file or --db URL, not both")
    if args.plan is not None and args.plan.suffix != ".gtmplan" and not args.plan.exists():
        parser.error(
            f"{args.plan}: not a command ({', '.join(cli.SUBCOMMANDS)}) nor a .gtmplan file"
        )
    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        width = height = 0
    if not (640 <= width <= 7680 and 400 <= height <= 4320):
        print(f"gtm-planner: --size {args.size!r}: give WIDTHxHEIGHT from 640x400 to "
              "7680x4320, e.g. 1600x1000", file=sys.stderr)  # fmt: skip
        return cli.EXIT_USAGE
    problem = display_problem()
    if problem:
        print(f"gtm-planner: {problem}", file=sys.stderr)
        return cli.EXIT_USER_ERROR

    from PySide6.QtWidgets import QApplication, QMessageBox

    from gtm_planner.model.document import PlanDocument
    from gtm_planner.model.entities import Plan
    from gtm_planner.model.persistence import PlanFileError, load_plan
    from gtm_planner.model.persistence.team import TeamSession
    from gtm_planner.ui.main_window import MainWindow
    from gtm_planner.ui.screenshot import save_screenshot
    from gtm_planner.ui.workspace import Workspace

    _install_qt_message_filter()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setApplicationName("GTM Planner")
    app.setOrganizationName("GTM Planner")
    shared: tuple[TeamSession, Plan] | None = None
    path = Path()
    try:
        if args.db is not None:  # its errors never show the URL's password
            shared = TeamSession.open(args.db)
        else:
            path = args.plan if args.plan is not None else demo_plan_path()
        if args.screenshot is not None and shared is None:
            document = PlanDocument(load_plan(path), path=path)
    except (PlanFileError, OSError) as exc:
        message = str(exc) if isinstance(exc, PlanFileError) else f"{exc.filename}: {exc.strerror}"
        print(f"gtm-planner: {message}", file=sys.stderr)
        if args.screenshot is None:
            QMessageBox.critical(None, "GTM Planner — cannot open the plan", message)
        return cli.EXIT_USER_ERROR
    workspace = Workspace()  # one window per plan; closing the last one quits
    if args.screenshot is not None:
        window = (
            workspace.open_shared(*shared).window if shared is not None else MainWindow(document)
        )
        try:
            save_screenshot(window, args.screenshot, size=(width, height))
        except OSError as exc:
            print(f"gtm-planner: {exc}", file=sys.stderr)
            return cli.EXIT_USER_ERROR
        finally:
            window.close()
        print(f"Saved {args.screenshot}")
        return cli.EXIT_OK
    # Ctrl+C in the terminal that started the app closes it, as for any terminal program.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    # The workspace says why in a message box when nothing opened (lock, damaged file, …).
    started = workspace.start_shared(*shared) if shared is not None else workspace.start(path)
    if not started:
        return cli.EXIT_USER_ERROR
    for controller in workspace.controllers:
        controller.window.resize(width, height)
    return app.exec()


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments and arguments[0] in cli.SUBCOMMANDS:
        return cli.main(arguments)
    return run_gui(arguments)
