"""The headless CLI: subcommands, exit codes, one-line reasons, no tracebacks."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from gtm_planner.cli import main
from gtm_planner.model.demo import build_demo_plan
from gtm_planner.model.engine import compute_kpis, compute_scenario
from gtm_planner.model.formatting import money


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gtm_planner", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "demo.gtmplan"
    assert main(["demo", str(path)], out=io.StringIO()) == 0
    return path


def test_summary_prints_every_scenario_with_the_engines_forecast(demo_file: Path) -> None:
    out = io.StringIO()
    assert main(["summary", str(demo_file)], out=out) == 0
    text = out.getvalue()
    plan = build_demo_plan()
    for scenario in plan.scenarios:
        assert scenario.name in text
        kpis = compute_kpis(plan, scenario.inputs, compute_scenario(plan, scenario.inputs))
        assert money(kpis["forecast_bookings"].value, "USD") in text
        assert money(kpis["gap"].value, "USD") in text
    assert "(plan of record)" in text


def test_summary_of_one_scenario_prints_only_that_one(demo_file: Path) -> None:
    out = io.StringIO()
    assert main(["summary", str(demo_file), "--scenario", "Efficiency plan"], out=out) == 0
    assert "Efficiency plan" in out.getvalue()
    assert "Aggressive EMEA push" not in out.getvalue()


def test_unknown_scenario_is_a_one_line_user_error(demo_file: Path) -> None:
    result = _run("summary", str(demo_file), "--scenario", "Nope")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "no scenario named 'Nope'" in result.stderr
    assert "Baseline" in result.stderr  # says which ones exist
    assert "Traceback" not in result.stderr


def test_check_passes_on_the_demo_plan(demo_file: Path) -> None:
    out = io.StringIO()
    assert main(["check", str(demo_file)], out=out) == 0
    assert "integrity check passed" in out.getvalue()


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


def test_demo_refuses_to_overwrite_without_force(demo_file: Path) -> None:
    result = _run("demo", str(demo_file))
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
    demo_file: Path, pg_url: str, tmp_path: Path
) -> None:
    from gtm_planner.model.persistence import load_plan
    from tests.model.persistence.plan_factory import plan_differences

    out = io.StringIO()
    assert main(["publish", str(demo_file), "--db", pg_url], out=out) == 0
    assert "postgres@" not in out.getvalue()  # the URL is named without the user part

    from_file, from_db = io.StringIO(), io.StringIO()
    assert main(["summary", str(demo_file)], out=from_file) == 0
    assert main(["summary", "--db", pg_url], out=from_db) == 0
    assert from_db.getvalue() == from_file.getvalue()
    check = io.StringIO()
    assert main(["check", "--db", pg_url], out=check) == 0
    assert "OK" in check.getvalue()

    again = _run("publish", str(demo_file), "--db", pg_url)
    assert again.returncode == 1 and "--force" in again.stderr
    assert again.stderr.count("\n") == 1 and "Traceback" not in again.stderr
    assert main(["publish", str(demo_file), "--db", pg_url, "--force"], out=io.StringIO()) == 0

    pulled = tmp_path / "pulled.gtmplan"
    assert main(["pull", "--db", pg_url, str(pulled)], out=io.StringIO()) == 0
    assert plan_differences(load_plan(demo_file), load_plan(pulled)) == []


def test_plan_and_db_together_or_neither_is_bad_usage(demo_file: Path) -> None:
    assert _run("summary").returncode == 2
    both = _run("summary", str(demo_file), "--db", "postgresql+psycopg://h/db")
    assert both.returncode == 2


def test_a_database_server_that_is_down_is_a_one_line_error_without_credentials() -> None:
    from tests.pg_server import free_port

    url = f"postgresql+psycopg://alice:s3cret@127.0.0.1:{free_port()}/plans"
    for args in (("summary", "--db", url), ("pull", "--db", url, "x.gtmplan")):
        result = _run(*args)
        assert result.returncode == 1
        assert result.stderr.count("\n") == 1
        assert "cannot be reached" in result.stderr
        assert "s3cret" not in result.stderr and "alice" not in result.stderr
        assert "Traceback" not in result.stderr
