"""``gtm-planner export`` and ``import``: reports, exit codes, and the plan changed only by a
successful import; each on a plan file and on the same plan in PostgreSQL (``--db URL``)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from gtm_planner.cli import main
from tests.model.exchange.workbooks import edit_workbook, key_positions
from tests.plan_stores import PlanStore
from tests.plan_stores import cli as _run


@pytest.fixture
def plan(fresh_demo_store: PlanStore) -> PlanStore:
    """The demo plan, of this test's own, in a file or in PostgreSQL."""
    return fresh_demo_store


@pytest.fixture
def baseline_workbook(tmp_path: Path, plan: PlanStore) -> Path:
    path = tmp_path / "baseline.xlsx"
    code, text = _run("export", *plan.args, str(path), "--scenario", "Baseline")
    assert code == 0, text
    assert f"Exported Baseline to {path}" in text
    return path


def _set_budget(source: Path, target: Path, row_key: str, month: str, value: object) -> Path:
    def edit(workbook: Any) -> None:
        rows, columns = key_positions(workbook["Budget"])
        workbook["Budget"].cell(rows[row_key], columns[month]).value = value

    return edit_workbook(source, target, edit)


def test_export_then_dry_run_import_reports_no_change_and_changes_nothing(
    plan: PlanStore, baseline_workbook: Path
) -> None:
    before = plan.state()
    code, text = _run("import", *plan.args, str(baseline_workbook), "--dry-run")
    assert code == 0
    assert "scenario 'Baseline', compared with 'Baseline' in the plan" in text
    assert "No changes: the workbook matches the plan." in text
    assert plan.state() == before


def test_dry_run_lists_the_changes_and_changes_nothing(
    tmp_path: Path, plan: PlanStore, baseline_workbook: Path
) -> None:
    edited = _set_budget(baseline_workbook, tmp_path / "e.xlsx", "S1|L8|R2", "m:2027-03", 99_000)
    before = plan.state()
    code, text = _run("import", *plan.args, str(edited), "--dry-run")
    assert code == 0
    assert "1 change:\nBudget (1)\n" in text
    assert "Budget (Paid digital / EMEA / Mar 2027):" in text and "→ $99,000" in text
    assert text.rstrip().endswith("Dry run: nothing was changed.")
    assert plan.state() == before


def test_import_with_problems_exits_1_lists_them_and_leaves_the_file(
    tmp_path: Path, plan: PlanStore, baseline_workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edited = _set_budget(baseline_workbook, tmp_path / "e.xlsx", "S1|L8|R2", "m:2027-03", "tbd")
    edited = _set_budget(edited, tmp_path / "e2.xlsx", "S1|L9|R2", "m:2027-04", -5)
    before = plan.state()
    code, text = _run("import", *plan.args, str(edited))
    assert code == 1
    assert "2 problems; nothing was imported:" in text
    assert "'tbd' is text, not a number; Budget needs an amount of 0 or more" in text
    assert "-5 is not an amount of 0 or more (Budget)" in text
    err = capsys.readouterr().err
    assert err == f"gtm-planner import: {edited}: 2 problem(s); nothing was imported\n"
    assert plan.state() == before


def test_import_applies_the_changes_and_saves_the_plan(
    tmp_path: Path, plan: PlanStore, baseline_workbook: Path
) -> None:
    edited = _set_budget(baseline_workbook, tmp_path / "e.xlsx", "S1|L8|R2", "m:2027-03", 99_000)
    before = plan.state()
    code, text = _run("import", *plan.args, str(edited))
    assert code == 0, text
    assert "Import from Excel (1 change) into scenario 'Baseline'; saved" in text
    assert plan.state() != before
    if plan.is_database:
        assert str(plan.location) not in text  # named without its user
    saved = plan.load()
    paid = [b.name for b in saved.budget_lines].index("Paid digital")
    assert saved.scenario("Baseline").inputs.budget[paid, 1, 2] == 99_000
    assert saved.change_log[-1].what == "Budget (Paid digital / EMEA / Mar 2027)"
    assert saved.change_log[-1].new_value == "99000"
    code, text = _run("import", *plan.args, str(edited), "--dry-run")
    assert "No changes" in text


def test_import_as_a_new_scenario_adds_one_and_keeps_the_others(
    tmp_path: Path, plan: PlanStore, baseline_workbook: Path
) -> None:
    edited = _set_budget(baseline_workbook, tmp_path / "e.xlsx", "S1|L8|R2", "m:2027-03", 99_000)
    code, text = _run("import", *plan.args, str(edited), "--new-scenario", "Finance v2")
    assert code == 0, text
    assert "Created scenario 'Finance v2' from e.xlsx" in text
    saved = plan.load()
    assert [s.name for s in saved.scenarios][-1] == "Finance v2"
    paid = [b.name for b in saved.budget_lines].index("Paid digital")
    assert saved.scenario("Finance v2").inputs.budget[paid, 1, 2] == 99_000
    assert saved.scenario("Baseline").inputs.budget[paid, 1, 2] != 99_000
    assert _run("import", *plan.args, str(edited), "--new-scenario", "Finance v2")[0] == 1


def test_a_workbook_of_several_scenarios_needs_scenario(tmp_path: Path, plan: PlanStore) -> None:
    workbook = tmp_path / "all.xlsx"
    assert _run("export", *plan.args, str(workbook))[0] == 0
    code, text = _run("import", *plan.args, str(workbook), "--dry-run")
    assert code == 1
    assert "the workbook holds 3 scenarios" in text
    code, text = _run("import", *plan.args, str(workbook), "--scenario", "Efficiency plan",
                      "--dry-run")  # fmt: skip
    assert code == 0 and "No changes" in text


def _cell_values(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet's cell values (formulas as written), the export time in subtitles blanked."""
    workbook = load_workbook(path)
    stamp = re.compile(r"exported \d{2} \w{3} \d{4} \d{2}:\d{2}")
    return {
        ws.title: [
            tuple(stamp.sub("exported …", v) if isinstance(v, str) else v for v in row)
            for row in ws.iter_rows(values_only=True)
        ]
        for ws in workbook.worksheets
    }


@pytest.mark.parametrize("which", [(), ("--scenario", "Efficiency plan")], ids=["all", "one"])
def test_export_from_the_database_equals_export_from_the_file(
    tmp_path: Path, demo_sqlite: PlanStore, demo_postgresql: PlanStore, which: tuple[str, ...]
) -> None:
    from_file, from_db = tmp_path / "file.xlsx", tmp_path / "db.xlsx"
    assert _run("export", *demo_sqlite.args, str(from_file), *which)[0] == 0
    code, text = _run("export", *demo_postgresql.args, str(from_db), *which)
    assert code == 0, text
    expected = _cell_values(from_file)
    assert "Budget" in expected and len(expected["Budget"]) > 20
    assert _cell_values(from_db) == expected


def test_import_into_the_database_then_its_summary_is_that_of_the_same_import_into_a_file(
    tmp_path: Path, pg_url: str
) -> None:
    from tests.model.persistence.plan_factory import plan_differences
    from tests.plan_stores import publish, write_demo_file

    file = write_demo_file(tmp_path / "northwind.gtmplan")
    db = publish(file, pg_url)
    before = _run("summary", *db.args)
    workbook = tmp_path / "baseline.xlsx"
    assert _run("export", *db.args, str(workbook), "--scenario", "Baseline")[0] == 0
    edited = _set_budget(workbook, tmp_path / "e.xlsx", "S1|L8|R2", "m:2027-03", 990_000)
    for store in (db, file):
        code, text = _run("import", *store.args, str(edited))
        assert code == 0 and "Import from Excel (1 change)" in text, text
    after = _run("summary", *db.args)
    assert after[0] == 0 and after != before
    assert after == _run("summary", *file.args)
    from_db, from_file = db.load(), file.load()
    assert plan_differences(from_file.scenarios, from_db.scenarios) == []
    assert len(from_db.change_log) == len(from_file.change_log)


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (("export", "{plan}", "{tmp}/out.csv"), "out.csv: an Excel workbook must end in .xlsx"),
        (("export", "{plan}", "{tmp}/out.xlsx", "--scenario", "Nope"),
         "no scenario named 'Nope'"),
        (("import", "{plan}", "{tmp}/finance.xlsx"), "finance.xlsx: this looks like a CSV"),
        (("import", "{plan}", "{tmp}/none.xlsx"), "none.xlsx: no such file"),
    ],
)  # fmt: skip
def test_user_errors_are_one_line_and_exit_1(
    tmp_path: Path, plan: PlanStore, capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...], reason: str,
) -> None:  # fmt: skip
    (tmp_path / "finance.xlsx").write_text("Region,Target\nEMEA,1\n")
    before = plan.state()
    argv = [p for a in args for p in (plan.args if a == "{plan}" else [a.format(tmp=tmp_path)])]
    assert _run(*argv)[0] == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and reason in err, err
    assert "Traceback" not in err
    assert plan.state() == before


def test_bad_usage_of_export_and_import_exits_2() -> None:
    for argv in (["export"], ["import", "plan.gtmplan"], ["import", "a", "b", "--dry-run=x"]):
        with pytest.raises(SystemExit) as exited:
            main(argv, out=io.StringIO())
        assert exited.value.code == 2


def test_an_import_into_a_shared_plan_is_saved_as_edits_that_open_windows_pick_up(
    tmp_path: Path, pg_url: str
) -> None:
    from gtm_planner.model.document import PlanDocument
    from gtm_planner.model.persistence.team import TeamSession
    from tests.plan_stores import publish, write_demo_file

    db = publish(write_demo_file(tmp_path / "northwind.gtmplan"), pg_url)
    session, plan = TeamSession.open(pg_url)  # someone has the plan open meanwhile
    document = PlanDocument(plan)
    workbook = tmp_path / "baseline.xlsx"
    assert _run("export", *db.args, str(workbook), "--scenario", "Baseline")[0] == 0
    edited = _set_budget(workbook, tmp_path / "e.xlsx", "S1|L8|R2", "m:2027-03", 990_000)
    assert _run("import", *db.args, str(edited))[0] == 0
    refreshed = session.refresh(document)  # their window's next poll
    assert refreshed.remote_cells == 1 and not refreshed.reloaded
    (entry,) = refreshed.remote_log
    assert entry.db_user == "postgres" and entry.user and "990000" in entry.new_value
    session.close()
    stored = db.load()
    assert stored.scenario("Baseline").inputs.equals(document.plan.scenario("Baseline").inputs)
