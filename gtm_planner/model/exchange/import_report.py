"""The import's report in words: problems, or changes grouped by sheet (CLI and preview)."""

from __future__ import annotations

from gtm_planner.model.exchange.excel_import import CellChange, ImportResult
from gtm_planner.model.formatting import money
from gtm_planner.model.validation import RULE_BY_FIELD, Kind


def format_value(field: str, value: float, currency: str) -> str:
    """A cell value as finance typed it: $12,500, 24.5%, 3."""
    kind = RULE_BY_FIELD[field].kind
    if kind in (Kind.MONEY, Kind.POSITIVE_MONEY):
        return money(value, currency, 0 if float(value).is_integer() else 2)
    if kind in (Kind.RATE, Kind.POSITIVE_RATE):
        return f"{value * 100:.6g}%"
    return f"{value:,.6g}"


def describe_change(change: CellChange, currency: str) -> str:
    old = format_value(change.field, change.old, currency)
    new = format_value(change.field, change.new, currency)
    return f"{change.cell:>7}  {change.what}: {old} → {new}"


def format_report(result: ImportResult, currency: str, limit_per_sheet: int = 50) -> str:
    """Everything the user must see before deciding: notes, then problems or changes."""
    lines = [f"Workbook {result.path.name}"]
    if result.workbook_scenario:
        compared = result.scenario_name
        lines[0] += f": scenario '{result.workbook_scenario}'"
        if compared:
            lines[0] += f", compared with '{compared}' in the plan"
    lines += [f"Note: {note}" for note in result.notes]
    if not result.ok:
        count = result.problem_count
        lines.append(f"{count} problem{'' if count == 1 else 's'}; nothing was imported:")
        lines += [f"  {p}" for p in result.problems]
        if count > len(result.problems):
            lines.append(f"  … and {count - len(result.problems)} more")
        return "\n".join(lines)
    total = result.change_count
    if total == 0:
        lines.append("No changes: the workbook matches the plan.")
        return "\n".join(lines)
    lines.append(f"{total} change{'' if total == 1 else 's'}:")
    counts = result.change_count_by_sheet()
    for sheet, changes in result.changes_by_sheet(limit_per_sheet).items():
        lines.append(f"{sheet} ({counts[sheet]})")
        lines += [f"  {describe_change(c, currency)}" for c in changes]
        if counts[sheet] > len(changes):
            lines.append(f"  … and {counts[sheet] - len(changes)} more in {sheet}")
    return "\n".join(lines)
