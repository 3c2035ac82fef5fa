"""``gtm-planner export`` and ``import``: reports, exit codes, and the plan file changed only by
a successful import."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest

from gtm_planner.cli import main
from gtm_planner.model.persistence import load_plan
from tests.model.exchange.workbooks import edit_workbook, key_positions


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(args), out=out), out.getvalue()


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "northwind.gtmplan"
    assert _run("demo", str(path))[0] == 0
    return path


@pytest.fixture
def baseline_workbook(tmp_path: Path, plan_file: Path) -> Path:
    path = tmp_path / "baseline.xlsx"
    code, text = _run("export", str(plan_file), str(path), "--scenario", "Baseline")
    assert code == 0, text
    assert f"Exported Baseline to {path}" in text
    return path


def _set_budget(source: Path, target: Path, row_key: str, month: str, value: object) -> Path:
    def edit(workbook: Any) -> None:
        rows, columns = key_positions(workbook["Budget"])
        workbook["Budget"].cell(rows[row_key], columns[month]).value = value

    return edit_workbook(source, target, edit)


def test_export_then_dry_run_import_reports_no_change_and_changes_nothing(
    plan_file: Path, baseline_workbook: Path
) -> None:
    before = _digest(plan_file)
    code, text = _run("import", str(plan_file), str(baseline_workbook), "--dry-run")
    assert code == 0
    assert "scenario 'Baseline', compared with 'Baseline' in the plan" in text
    assert "No changes: the workbook matches the plan." in text
    assert _digest(plan_file) == before


def test_dry_run_lists_the_changes_and_changes_nothing(
    tmp_path: Path, plan_file: Path, baseline_workbook: Path
) -> None:
    edited = _set_budget(baseline_workbook, tmp_path / "e.xlsx", "S1|L8|R2", "m:2027-03", 99_000)
    before = _digest(plan_file)
    code, text = _run("import", str(plan_file), str(edited), "--dry-run")
    assert code == 0
    assert "1 change:\nBudget (1)\n" in text
    assert "Budget (Paid digital / EMEA / Mar 2027):" in text and "→ $99,000" in text
    assert text.rstrip().endswith("Dry run: nothing was changed.")
    assert _digest(plan_file) == before


def test_import_with_problems_exits_1_lists_them_and_leaves_the_file(
    tmp_path: Path, plan_file: Path, baseline_workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edited = _set_budget(baseline_workbook, tmp_path / "e.xlsx", "S1|L8|R2", "m:2027-03", "tbd")
    edited = _set_budget(edited, tmp_path / "e2.xlsx", "S1|L9|R2", "m:2027-04", -5)
    before = _digest(plan_file)
    code, text = _run("import", str(plan_file), str(edited))
    assert code == 1
    assert "2 problems; nothing was imported:" in text
    assert "'tbd' is text, not a number; Budget needs an amount of 0 or more" in text
    assert "-5 is not an amount of 0 or more (Budget)" in text
    err = capsys.readouterr().err
    assert err == f"gtm-planner import: {edited}: 2 problem(s); nothing was imported\n"
    assert _digest(plan_file) == before


def test_import_applies_the_changes_and_saves_the_plan(
    tmp_path: Path, plan_file: Path, baseline_workbook: Path
) -> None:
    edited = _set_budget(baseline_workbook, tmp_path / "e.xlsx", "S1|L8|R2", "m:2027-03", 99_000)
    code, text = _run("import", str(plan_file), str(edited))
    assert code == 0, text
    assert "Import from Excel (1 change) into scenario 'Baseline'; saved" in text
    plan = load_plan(plan_file)
    paid = [b.name for b in plan.budget_lines].index("Paid digital")
    assert plan.scenario("Baseline").inputs.budget[paid, 1, 2] == 99_000
    assert plan.change_log[-1].what == "Budget (Paid digital / EMEA / Mar 2027)"
    assert plan.change_log[-1].new_value == "99000"
    code, text = _run("import", str(plan_file), str(edited), "--dry-run")
    assert "No changes" in text


def test_import_as_a_new_scenario_adds_one_and_keeps_the_others(
    tmp_path: Path, plan_file: Path, baseline_workbook: Path
) -> None:
    edited = _set_budget(baseline_workbook, tmp_path / "e.xlsx", "S1|L8|R2", "m:2027-03", 99_000)
    code, text = _run("import", str(plan_file), str(edited), "--new-scenario", "Finance v2")
    assert code == 0, text
    assert "Created scenario 'Finance v2' from e.xlsx" in text
    plan = load_plan(plan_file)
    assert [s.name for s in plan.scenarios][-1] == "Finance v2"
    paid = [b.name for b in plan.budget_lines].index("Paid digital")
    assert plan.scenario("Finance v2").inputs.budget[paid, 1, 2] == 99_000
    assert plan.scenario("Baseline").inputs.budget[paid, 1, 2] != 99_000
    assert _run("import", str(plan_file), str(edited), "--new-scenario", "Finance v2")[0] == 1


def test_a_workbook_of_several_scenarios_needs_scenario(tmp_path: Path, plan_file: Path) -> None:
    workbook = tmp_path / "all.xlsx"
    assert _run("export", str(plan_file), str(workbook))[0] == 0
    code, text = _run("import", str(plan_file), str(workbook), "--dry-run")
    assert code == 1
    assert "the workbook holds 3 scenarios" in text
    code, text = _run("import", str(plan_file), str(workbook), "--scenario", "Efficiency plan",
                      "--dry-run")  # fmt: skip
    assert code == 0 and "No changes" in text


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
    tmp_path: Path, plan_file: Path, capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...], reason: str,
) -> None:  # fmt: skip
    (tmp_path / "finance.xlsx").write_text("Region,Target\nEMEA,1\n")
    before = _digest(plan_file)
    argv = [a.format(plan=plan_file, tmp=tmp_path) for a in args]
    assert _run(*argv)[0] == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and reason in err, err
    assert "Traceback" not in err
    assert _digest(plan_file) == before


def test_bad_usage_of_export_and_import_exits_2() -> None:
    for argv in (["export"], ["import", "plan.gtmplan"], ["import", "a", "b", "--dry-run=x"]):
        with pytest.raises(SystemExit) as exited:
            main(argv, out=io.StringIO())
        assert exited.value.code == 2
