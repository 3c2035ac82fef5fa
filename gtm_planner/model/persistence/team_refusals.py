"""What a refused edit tells the user, and the values it keeps for them to re-apply.

An edit is stale when a cell of it was changed by someone else since the client last saw the
plan, and still holds neither the value the edit started from nor the edit's own; the message
names the cell, the scenario, who changed it, when, to what and from what.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np

from gtm_planner.model.commands import Command, Macro, SetScalar, SetValues
from gtm_planner.model.document import PlanDocument
from gtm_planner.model.entities import ChangeLogEntry, Plan
from gtm_planner.model.pending import CellEdit, PendingEdit, RecordEdit, ScalarEdit
from gtm_planner.model.persistence import schema
from gtm_planner.model.persistence.team_rows import (
    COLUMN_BY_FIELD,
    SPEC_BY_FIELD,
    Changes,
    Positions,
    RowKey,
    position_of,
    row_key,
    same_value,
    set_plan_values,
)
from gtm_planner.model.validation import RULE_BY_FIELD, cell_label


@dataclass(frozen=True)
class KeptCell:
    """A value of the user's that was not saved: where it goes, by stable keys."""

    scenario_id: int
    field: str
    keys: tuple[int, ...]  # per axis, as ``Plan.axis_ids``; () for a scenario scalar
    value: float


@dataclass(frozen=True)
class Refusal:
    """An edit that was not saved, why (in the user's words) and the values to re-apply."""

    message: str
    kept: tuple[KeptCell, ...]


def by_revision(log: Iterable[ChangeLogEntry]) -> dict[int, list[ChangeLogEntry]]:
    by: dict[int, list[ChangeLogEntry]] = {}
    for entry in log:
        by.setdefault(entry.revision, []).append(entry)
    return by


def change_text(entry: ChangeLogEntry) -> str:
    """What a change-log entry did, naming its scenario: "Remove scenario «Efficiency»"."""
    if entry.scenario in ("", "plan") or entry.scenario in entry.what:
        return entry.what
    return f"{entry.what} «{entry.scenario}»"


def person_text(entry: ChangeLogEntry) -> str:
    role = f" (database user {entry.db_user})" if entry.db_user else ""
    return f"{entry.user}{role}"


def time_text(entry: ChangeLogEntry) -> str:
    return entry.at.astimezone().strftime("%H:%M")


@dataclass(frozen=True)
class Conflict:
    """A cell of the client's that someone else changed since the client's base."""

    reason: str  # "Win rate (EMEA / Inbound) in «Base» was changed by … to 25% (from 20%) …"
    field: str
    mine: float


def find_conflict(
    plan: Plan,
    edit: PendingEdit,
    changed: Changes,
    who: dict[int, list[ChangeLogEntry]],
) -> Conflict | None:
    """The first cell of ``edit`` that was changed by someone else since the base, if any."""
    if isinstance(edit, RecordEdit):
        return None
    cells: list[tuple[RowKey, str, float, float]]
    if isinstance(edit, ScalarEdit):
        cells = [((schema.scenarios.name, edit.scenario_id, ()), edit.field, edit.old, edit.new)]
    else:
        spec = SPEC_BY_FIELD[edit.field]
        column = COLUMN_BY_FIELD[edit.field]
        cells = [
            (row_key(spec, edit.scenario_id, keys), column, old, new)
            for keys, old, new in zip(
                edit.keys.tolist(), edit.old.tolist(), edit.new.tolist(), strict=True
            )
        ]
    for row, column, old, new in cells:
        stored = changed.get(row)
        if stored is None or same_value(stored[1][column], old):
            continue
        revision, values = stored
        theirs = values[column]
        if same_value(theirs, new):
            continue  # they set the same value: nothing to refuse
        label = cell_text(plan, edit, row)
        scenario = scenario_name(plan, edit.scenario_id)
        entries = who.get(revision, [])
        entry = next((e for e in entries if label in e.what), entries[0] if entries else None)
        by = f" by {person_text(entry)} at {time_text(entry)}" if entry is not None else ""
        reason = (
            f"{label} in «{scenario}» was changed{by} to {shown_value(edit.field, theirs)} "
            f"(from {shown_value(edit.field, old)}) after you last saw it"
        )
        return Conflict(reason, edit.field, new)
    return None


def step_refusal(conflict: Conflict, step: list[PendingEdit]) -> Refusal:
    """The refusal of a whole step (one undo step: an edit, a paste, an import)."""
    kept = tuple(cell for edit in step for cell in kept_cells(edit))
    if len(kept) == 1:
        message = (
            f"{conflict.reason}; your value ({shown_value(conflict.field, conflict.mine)}) was "
            "not saved and is kept for you to re-apply."
        )
    else:
        what = f"«{step[0].step_label}»" if step[0].step_label else "edit"
        message = (
            f"{conflict.reason}; so your {what} was not saved: its {len(kept)} values are kept "
            "for you to re-apply."
        )
    return Refusal(message, kept)


def shown_value(field_name: str, value: float) -> str:
    """A value as the user reads it: rates as percentages, large numbers in full (a target
    of 15,000,000, never 1.5e+07), to the cent at most."""
    if math.isnan(value):
        return "(empty)"
    rule = RULE_BY_FIELD.get(field_name)
    if rule is not None and "RATE" in rule.kind.name:
        return f"{value * 100:.4g}%"
    if abs(value) >= 1000:
        return f"{value:,.2f}".removesuffix(".00")
    return f"{value:,.6g}"


def scenario_name(plan: Plan, scenario_id: int) -> str:
    return next((s.name for s in plan.scenarios if s.id == scenario_id), f"#{scenario_id}")


def cell_text(plan: Plan, edit: CellEdit | ScalarEdit, row: RowKey) -> str:
    if isinstance(edit, ScalarEdit):
        return edit.field.replace("_", " ").capitalize()
    index = position_of(plan, edit.field, row[2])
    return cell_label(plan, edit.field, index) if index is not None else edit.field


def edit_text(plan: Plan, edit: CellEdit | ScalarEdit) -> str:
    if isinstance(edit, ScalarEdit) or len(edit.keys) > 1:
        what = RULE_BY_FIELD[edit.field].label if isinstance(edit, CellEdit) else edit.field
        count = 1 if isinstance(edit, ScalarEdit) else len(edit.keys)
        return f"edit of {what} ({count} cell{'s' if count > 1 else ''})"
    spec = SPEC_BY_FIELD[edit.field]
    return f"edit of {cell_text(plan, edit, row_key(spec, edit.scenario_id, edit.keys[0]))}"


def kept_cells(edit: PendingEdit) -> tuple[KeptCell, ...]:
    if isinstance(edit, CellEdit):
        return tuple(
            KeptCell(edit.scenario_id, edit.field, tuple(int(k) for k in keys), float(value))
            for keys, value in zip(edit.keys.tolist(), edit.new.tolist(), strict=True)
        )
    if isinstance(edit, ScalarEdit):
        return (KeptCell(edit.scenario_id, edit.field, (), edit.new),)
    return ()


def note_stored(
    edit: PendingEdit, changed: Changes, restore: dict[RowKey, dict[str, float]]
) -> None:
    """Note the stored value of every cell of a refused edit (what the plan goes back to)."""
    if isinstance(edit, CellEdit):
        spec = SPEC_BY_FIELD[edit.field]
        column = COLUMN_BY_FIELD[edit.field]
        for keys, old in zip(edit.keys.tolist(), edit.old.tolist(), strict=True):
            row = row_key(spec, edit.scenario_id, keys)
            stored = changed.get(row)
            restore.setdefault(row, {})[column] = (
                stored[1][column] if stored is not None else float(old)
            )
    elif isinstance(edit, ScalarEdit):
        row = (schema.scenarios.name, edit.scenario_id, ())
        stored = changed.get(row)
        restore.setdefault(row, {})[edit.field] = (
            stored[1][edit.field] if stored is not None else edit.old
        )


def with_restores(document: PlanDocument, restore: dict[RowKey, dict[str, float]]) -> Plan:
    """The document's plan with refused cells back at their stored values (for a whole save).

    The document itself goes back only after the commit; here a copy of the touched scenarios
    is enough, since only they differ.
    """
    if not restore:
        return document.plan
    plan = replace(document.plan, scenarios=[replace(s) for s in document.plan.scenarios])
    touched = {row[1] for row in restore}
    for scenario in plan.scenarios:
        if scenario.id in touched:
            scenario.inputs = scenario.inputs.copy()
    set_plan_values(plan, {row: (0, v) for row, v in restore.items()})
    return plan


def reapply_command(plan: Plan, refusal: Refusal) -> Command | None:
    """A command that sets the refused values again in today's plan (None: none are left).

    Cells whose scenario, region, source or line is gone meanwhile are left out.
    """
    groups: dict[tuple[int, str], tuple[list[tuple[int, ...]], list[float]]] = {}
    scalars: list[Command] = []
    scenario_ids = {s.id for s in plan.scenarios}
    positions = Positions(plan)
    for cell in refusal.kept:
        if cell.scenario_id not in scenario_ids:
            continue
        if not cell.keys:
            scalars.append(SetScalar("Re-apply", cell.scenario_id, cell.field, cell.value))
            continue
        index = positions(cell.field, cell.keys)
        if index is not None:
            cells, values = groups.setdefault((cell.scenario_id, cell.field), ([], []))
            cells.append(index)
            values.append(cell.value)
    parts: list[Command] = [
        SetValues(
            f"Re-apply {len(values)} value{'s' if len(values) > 1 else ''}",
            scenario_id,
            name,
            np.array(cells, dtype=np.int64),
            np.array(values, dtype=np.float64),
        )
        for (scenario_id, name), (cells, values) in groups.items()
    ] + scalars
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return Macro("Re-apply your values", tuple(parts))


def reapply_all(plan: Plan, refusals: Iterable[Refusal]) -> Command | None:
    """One command that sets every refused value again (None: none of their cells are left)."""
    parts = [c for r in refusals if (c := reapply_command(plan, r)) is not None]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else Macro("Re-apply your values", tuple(parts))
