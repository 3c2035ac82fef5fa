"""The headless CLI: subcommands, exit codes, one-line reasons, no tracebacks."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from gtm_planner.cli import main
from gtm_planner.model.demo import build_demo_plan
from gtm_planner.model.engine import compute_kpis, compute_scenario
from gtm_planner.model.entities import Plan
from gtm_planner.model.formatting import money
from tests.plan_stores import PlanStore, cli


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gtm_planner", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_summary_prints_every_scenario_with_the_engines_forecast(demo_store: PlanStore) -> None:
    code, text = cli("summary", *demo_store.args)
    assert code == 0
    plan = build_demo_plan()
    for scenario in plan.scenarios:
        assert scenario.name in text
        kpis = compute_kpis(plan, scenario.inputs, compute_scenario(plan, scenario.inputs))
        assert money(kpis["forecast_bookings"].value, "USD") in text
        assert money(kpis["gap"].value, "USD") in text
    assert "(plan of record)" in text


def test_summary_of_one_scenario_prints_only_that_one(demo_store: PlanStore) -> None:
    code, text = cli("summary", *demo_store.args, "--scenario", "Efficiency plan")
    assert code == 0
    assert "Efficiency plan" in text
    assert "Aggressive EMEA push" not in text


def test_unknown_scenario_is_a_one_line_user_error(demo_store: PlanStore) -> None:
    result = _run("summary", *demo_store.args, "--scenario", "Nope")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "no scenario named 'Nope'" in result.stderr
    assert "Baseline" in result.stderr  # says which ones exist
    assert "Traceback" not in result.stderr


def test_check_passes_on_the_demo_plan(demo_store: PlanStore) -> None:
    code, text = cli("check", *demo_store.args)
    assert code == 0
    plan = build_demo_plan()
    assert f"integrity check passed; {len(plan.scenarios)} scenarios, {len(plan.regions)} " in text


def test_check_lists_the_problems_in_the_plans_inputs_and_exits_1(
    plan_store: Callable[[Plan], PlanStore], capsys: pytest.CaptureFixture[str]
) -> None:
    plan = build_demo_plan()
    plan.scenarios[1].inputs.win_rate[1, 0] = 1.5  # as in test_validation: one problem
    store = plan_store(plan)
    before = store.state()
    code, text = cli("check", *store.args)
    assert code == 1
    assert "Aggressive EMEA push" in text and "Win rate (EMEA / Marketing)" in text
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "1 problem(s) in the plan's inputs" in err, err
    assert store.state() == before


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "no such file"),
        (b"", "empty"),
        (b"Region,Target\nEMEA,1\n", "not a gtm planner plan"),
    ],
)
def test_bad_plan_paths_are_refused_in_one_line(
    tmp_path: Path, content: bytes | None, words: str
) -> None:
    path = tmp_path / "bad.gtmplan"
    if content is not None:
        path.write_bytes(content)
    result = _run("check", str(path))
    assert result.returncode == 1, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert words in result.stderr.lower()
    assert "Traceback" not in result.stderr


def test_a_directory_is_not_a_plan(tmp_path: Path) -> None:
    result = _run("summary", str(tmp_path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr


def test_bad_usage_exits_2() -> None:
    assert _run("summary").returncode == 2
    assert _run("demo", "x.gtmplan", "--size", "huge").returncode == 2


def test_demo_refuses_to_overwrite_without_force(demo_sqlite: PlanStore) -> None:
    result = _run("demo", str(demo_sqlite.location))
    assert result.returncode == 1
    assert "already exists" in result.stderr


def test_new_creates_an_empty_plan_that_checks_clean(tmp_path: Path) -> None:
    path = tmp_path / "fy28.gtmplan"
    out = io.StringIO()
    args = ["new", str(path), "--name", "FY28", "--currency", "EUR", "--start", "2027-02"]
    args += ["--months", "24", "--fiscal-year-start", "2", "--region", "DACH", "--region", "UK"]
    assert main(args, out=out) == 0
    out = io.StringIO()
    assert main(["summary", str(path)], out=out) == 0
    assert "FY28 — EUR, Feb 2027 – Jan 2029" in out.getvalue()
    assert main(["check", str(path)], out=io.StringIO()) == 0


def test_new_with_a_bad_start_month_is_refused(tmp_path: Path) -> None:
    result = _run("new", str(tmp_path / "x.gtmplan"), "--start", "2027-13")
    assert result.returncode == 1
    assert "YYYY-MM" in result.stderr
    assert not (tmp_path / "x.gtmplan").exists()


def test_large_demo_has_the_spec_size(tmp_path: Path) -> None:
    path = tmp_path / "large.gtmplan"
    out = io.StringIO()
    assert main(["demo", "--size", "large", str(path)], out=out) == 0
    assert "40 regions, 10 scenarios, 36 months" in out.getvalue()


def test_summary_and_check_never_change_a_file_of_an_older_schema(tmp_path: Path) -> None:
    from tests.model.persistence.test_plan_file_migrations import _write_schema_0_file

    path = tmp_path / "old.gtmplan"
    original = _write_schema_0_file(path, build_demo_plan())
    assert main(["summary", str(path)], out=io.StringIO()) == 0
    assert main(["check", str(path)], out=io.StringIO()) == 0
    assert path.read_bytes() == original
    assert list(tmp_path.iterdir()) == [path]  # no backup either: nothing was upgraded


@pytest.mark.parametrize(
    "args",
    [
        ["--region", "EMEA", "--region", " emea"],
        ["--name", "  "],
        ["--start", "0000-01"],
    ],
)
def test_new_refuses_names_and_dates_that_check_would_reject(
    tmp_path: Path, args: list[str]
) -> None:
    path = tmp_path / "x.gtmplan"
    result = _run("new", str(path), *args)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert not path.exists()


def test_writing_into_an_unwritable_place_is_one_line(tmp_path: Path) -> None:
    result = _run("demo", "/proc/x.gtmplan")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "could not be written" in result.stderr


def test_publish_then_summary_check_and_pull_through_postgres_give_back_the_same_plan(
    demo_sqlite: PlanStore, pg_url: str, tmp_path: Path
) -> None:
    from gtm_planner.model.persistence import load_plan
    from tests.model.persistence.plan_factory import plan_differences

    demo_file = str(demo_sqlite.location)
    code, text = cli("publish", demo_file, "--db", pg_url)
    assert code == 0
    assert "postgres@" not in text  # the URL is named without the user part

    assert cli("summary", "--db", pg_url) == cli("summary", demo_file)
    code, text = cli("check", "--db", pg_url)
    assert code == 0 and "OK" in text

    again = _run("publish", demo_file, "--db", pg_url)
    assert again.returncode == 1 and "--force" in again.stderr
    assert again.stderr.count("\n") == 1 and "Traceback" not in again.stderr
    assert cli("publish", demo_file, "--db", pg_url, "--force")[0] == 0

    pulled = tmp_path / "pulled.gtmplan"
    assert cli("pull", "--db", pg_url, str(pulled))[0] == 0
    assert plan_differences(load_plan(demo_file), load_plan(pulled)) == []


def test_pull_never_replaces_a_file_unless_forced_and_writes_only_plan_files(
    demo_sqlite: PlanStore, demo_postgresql: PlanStore, tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    from tests.model.persistence.plan_factory import plan_differences

    mine = tmp_path / "mine.gtmplan"
    mine.write_bytes(b"someone's work")
    url = str(demo_postgresql.location)
    refusals = [
        (mine, "already exists (use --force to replace it)"),
        (tmp_path / "plan.xlsx", "a plan file must end in .gtmplan"),
    ]
    for target, reason in refusals:
        assert cli("pull", "--db", url, str(target))[0] == 1
        err = capfd.readouterr().err
        assert err.count("\n") == 1 and reason in err, err
    assert mine.read_bytes() == b"someone's work"
    assert sorted(tmp_path.iterdir()) == [mine]
    assert cli("pull", "--db", url, str(mine), "--force")[0] == 0
    pulled = PlanStore("sqlite", mine).load()
    assert plan_differences(demo_sqlite.load(), pulled) == []


def test_publishing_a_file_that_is_not_a_plan_leaves_the_database_empty(
    tmp_path: Path, pg_url: str, capfd: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.gtmplan"
    notes.write_bytes(b"Region,Target\nEMEA,1\n")
    assert cli("publish", str(notes), "--db", pg_url)[0] == 1
    err = capfd.readouterr().err
    assert err.count("\n") == 1 and "not a gtm planner plan" in err.lower(), err
    assert cli("check", "--db", pg_url)[0] == 1
    assert "holds no GTM Planner plan yet" in capfd.readouterr().err


def test_plan_and_db_together_or_neither_is_bad_usage(demo_sqlite: PlanStore) -> None:
    assert _run("summary").returncode == 2
    both = _run("summary", str(demo_sqlite.location), "--db", "postgresql+psycopg://h/db")
    assert both.returncode == 2


# Every subcommand that takes a plan from --db (and publish, which writes one there), with
# "{db}" for the URL, "{out}" for an empty folder to write into, "{plan}" a plan file and
# "{workbook}" a workbook exported from it.
DB_COMMANDS = {
    "summary": ("summary", "--db", "{db}"),
    "check": ("check", "--db", "{db}"),
    "export": ("export", "--db", "{db}", "{out}/out.xlsx"),
    "import": ("import", "--db", "{db}", "{workbook}"),
    "import-dry-run": ("import", "--db", "{db}", "{workbook}", "--dry-run"),
    "report": ("report", "--db", "{db}", "{out}/out.pdf"),
    "publish": ("publish", "{plan}", "--db", "{db}"),
    "pull": ("pull", "--db", "{db}", "{out}/out.gtmplan"),
}
READING_COMMANDS = [name for name in DB_COMMANDS if name != "publish"]


@pytest.fixture(scope="module")
def demo_workbook(demo_sqlite: PlanStore, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo plan's Baseline, exported."""
    path = tmp_path_factory.mktemp("xlsx") / "baseline.xlsx"
    assert cli("export", str(demo_sqlite.location), str(path), "--scenario", "Baseline")[0] == 0
    return path


def _db_command(name: str, url: str, out: Path, plan: PlanStore, workbook: Path) -> list[str]:
    values = {"db": url, "out": str(out), "plan": str(plan.location), "workbook": str(workbook)}
    return [part.format(**values) for part in DB_COMMANDS[name]]


@pytest.mark.parametrize("command", READING_COMMANDS)
def test_every_command_on_a_database_that_holds_no_plan_says_so_in_one_line(
    command: str, pg_url: str, tmp_path: Path, demo_sqlite: PlanStore, demo_workbook: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    argv = _db_command(command, pg_url, tmp_path, demo_sqlite, demo_workbook)
    code, text = cli(*argv)
    assert code == 1 and text == ""
    err = capfd.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(f"gtm-planner {argv[0]}: ") and "holds no GTM Planner plan yet" in err
    assert "gtm-planner publish" in err  # says how to put one there
    assert "postgres@" not in err
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_a_database_of_another_program_is_not_a_plan_and_is_left_as_it_is(
    pg_url: str, demo_sqlite: PlanStore, capfd: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(pg_url, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE customers (id integer PRIMARY KEY, name text)"))
        connection.execute(text("INSERT INTO customers VALUES (1, 'Acme')"))
    engine.dispose()
    store = PlanStore("postgresql", pg_url)
    before = store.state()
    for command in ("check", "summary"):
        assert cli(command, "--db", pg_url)[0] == 1
        err = capfd.readouterr().err
        assert err.count("\n") == 1 and "is not a GTM Planner plan" in err, err
    for force in ([], ["--force"]):  # never beside (or over) another program's tables
        assert cli("publish", str(demo_sqlite.location), "--db", pg_url, *force)[0] == 1
        err = capfd.readouterr().err
        assert "holds tables of another program (customers)" in err, err
    assert store.state() == before


UNREACHABLE = "postgresql+psycopg://u:s3cretpw@127.0.0.1:1/x"


@pytest.mark.parametrize("command", list(DB_COMMANDS))
def test_a_database_server_that_is_down_is_a_one_line_error_without_credentials(
    command: str, tmp_path: Path, demo_sqlite: PlanStore, demo_workbook: Path
) -> None:
    plan_before = demo_sqlite.state()
    result = _run(*_db_command(command, UNREACHABLE, tmp_path, demo_sqlite, demo_workbook))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert "cannot be reached" in result.stderr
    assert "s3cretpw" not in result.stderr + result.stdout
    assert "://u" not in result.stderr  # nor the user
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []
    assert demo_sqlite.state() == plan_before


@pytest.mark.parametrize("command", list(DB_COMMANDS))
@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://u:s3cretpw@127.0.0.1:port/x",  # a port that is not a number
        "postgresql+psycopg://u:s3cretpw@[::1/x",  # an unclosed IPv6 address
    ],
    ids=["bad-port", "bad-host"],
)
def test_a_database_url_that_cannot_be_parsed_is_a_one_line_error_without_credentials(
    command: str, url: str, tmp_path: Path, demo_sqlite: PlanStore, demo_workbook: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    code, text = cli(*_db_command(command, url, tmp_path, demo_sqlite, demo_workbook))
    assert code == 1 and text == ""
    err = capfd.readouterr().err
    assert err.count("\n") == 1, err
    assert "not a database URL" in err and "s3cretpw" not in err
    assert list(tmp_path.iterdir()) == []


def test_a_password_given_as_a_url_parameter_is_never_printed(
    capfd: pytest.CaptureFixture[str],
) -> None:
    assert cli("summary", "--db", "postgresql+psycopg://127.0.0.1:1/x?password=s3cretpw")[0] == 1
    err = capfd.readouterr().err
    assert "cannot be reached" in err and "s3cretpw" not in err


def test_db_urls_as_postgresql_tools_spell_them_work_and_a_path_is_not_a_url(
    demo_postgresql: PlanStore, capfd: pytest.CaptureFixture[str]
) -> None:
    url = str(demo_postgresql.location)
    expected = cli("summary", "--db", url)
    assert expected[0] == 0
    for scheme in ("postgres", "postgresql"):
        plain = url.replace("postgresql+psycopg", scheme, 1)
        assert cli("summary", "--db", plain) == expected
    assert cli("summary", "--db", "127.0.0.1:5432/plan")[0] == 1
    err = capfd.readouterr().err
    assert "«127.0.0.1:5432/plan» is not a database URL" in err and err.count("\n") == 1


def test_a_reader_that_goes_away_is_not_an_error(demo_sqlite: PlanStore) -> None:
    """``gtm-planner summary PLAN | head -1``: no "Broken pipe" message, exit 0."""
    process = subprocess.Popen(
        [sys.executable, "-m", "gtm_planner", "summary", *demo_sqlite.args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # as head does once it has its lines: before the summary is out
    err = process.stderr.read()
    process.stderr.close()
    assert process.wait(timeout=60) == 0
    assert "Broken pipe" not in err and "Traceback" not in err


def test_new_and_demo_create_a_plan_in_a_database_too(
    pg_url: str, capfd: pytest.CaptureFixture[str]
) -> None:
    from gtm_planner.model.persistence import load_plan
    from tests.model.persistence.plan_factory import plan_differences

    code, text = cli("demo", "--db", pg_url)
    assert code == 0 and "Wrote the small demo plan to «postgresql+psycopg://" in text
    assert plan_differences(build_demo_plan(), load_plan(pg_url)) == []
    assert cli("new", "--db", pg_url, "--name", "Blank")[0] == 1  # it holds a plan already
    assert "already holds a plan" in capfd.readouterr().err
    code, text = cli("new", "--db", pg_url, "--name", "Blank", "--region", "EMEA", "--force")
    assert code == 0 and "Blank, 1 region(s)" in text
    stored = load_plan(pg_url)
    assert stored.settings.name == "Blank" and [r.name for r in stored.regions] == ["EMEA"]
    for argv in (["demo"], ["new"], ["demo", "x.gtmplan", "--db", pg_url]):
        with pytest.raises(SystemExit) as usage:
            cli(*argv)
        assert usage.value.code == 2
