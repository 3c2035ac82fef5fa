"""Import the workbook finance sent back (SPEC §5): check it, read it, list every problem or
every change, and only then turn it into one undoable command or a new scenario.

``read_workbook`` never changes the plan. When the result has problems, nothing can be
applied; otherwise ``ImportResult.to_command`` gives one ``Macro`` ("Import from Excel (N
changes)") and ``ImportResult.to_new_scenario`` an ``InsertScenario``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gtm_planner.model.commands import Command, InsertScenario, Macro, SetValues
from gtm_planner.model.document import PlanDocument, RecordKind
from gtm_planner.model.entities import Plan, Scenario, ScenarioInputs
from gtm_planner.model.exchange.errors import (
    Cancelled,
    ExchangeCancelledError,
    ExchangeError,
    Progress,
)
from gtm_planner.model.exchange.import_sheets import (
    FieldCells,
    ImportProblem,
    Problems,
    Selection,
    SheetImport,
    discover_scenarios,
)
from gtm_planner.model.exchange.workbook_layout import ASSUMPTIONS, INPUT_SHEETS, TARGETS
from gtm_planner.model.exchange.xlsx_reader import XlsxReader
from gtm_planner.model.exchange.xlsx_safety import check_workbook_file
from gtm_planner.model.exchange.xlsx_writer import cell_ref
from gtm_planner.model.validation import cell_label, validate_inputs

RTOL = ATOL = 1e-12  # a spreadsheet keeps 15 significant digits; closer than this is unchanged


@dataclass(frozen=True)
class CellChange:
    """One input cell the import would change: where in the workbook, what, old and new."""

    sheet: str
    cell: str
    what: str  # in the user's words: "Budget (Paid digital / EMEA / Mar 2027)"
    field: str
    index: tuple[int, ...]
    old: float
    new: float


def _changed(old: np.ndarray, new: np.ndarray) -> np.ndarray:
    return np.asarray(~np.isclose(new, old, rtol=RTOL, atol=ATOL), dtype=bool)


class ImportResult:
    """What a workbook says, checked against a plan: problems, or the changes it would make."""

    def __init__(
        self,
        *,
        path: Path,
        plan: Plan,
        workbook_scenario: str,
        scenario_id: int | None,
        problems: Problems,
        notes: tuple[str, ...],
        imported: dict[str, np.ndarray],
        placements: dict[str, FieldCells],
    ) -> None:
        self.path = path
        self.plan = plan
        self.workbook_scenario = workbook_scenario
        self.scenario_id = scenario_id
        self.problems: tuple[ImportProblem, ...] = tuple(problems.items)
        self.problem_count = len(problems)
        self.notes = notes
        self.imported = imported
        self._placements = placements
        self._diff: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        if scenario_id is not None and not self.problems:
            base = _scenario(plan, scenario_id).inputs
            for field, new in imported.items():
                old = getattr(base, field)
                changed = _changed(old, new)
                new[~changed] = old[~changed]  # unchanged cells keep the plan's exact value
                cells = np.argwhere(changed)
                self._diff[field] = (cells, old[changed].copy(), new[changed].copy())

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def change_count(self) -> int:
        return sum(len(cells) for cells, _, _ in self._diff.values())

    @property
    def scenario_name(self) -> str:
        return "" if self.scenario_id is None else _scenario(self.plan, self.scenario_id).name

    def changes_by_sheet(self, limit_per_sheet: int | None = None) -> dict[str, list[CellChange]]:
        """The changes grouped by sheet (in the workbook's sheet order), each sheet's in row
        and column order; at most ``limit_per_sheet`` per sheet."""
        grouped: dict[str, list[tuple[int, int, CellChange]]] = {}
        for field, (cells, old, new) in self._diff.items():
            placement = self._placements[field]
            axes = placement.row_axes
            rows = placement.rows[tuple(cells[:, :axes].T)]
            if cells.shape[1] > axes:
                columns = placement.columns[cells[:, axes]]
            else:
                columns = np.full(len(cells), placement.columns[0])
            for i in np.lexsort((columns, rows))[:limit_per_sheet]:
                idx = tuple(int(v) for v in cells[i])
                change = CellChange(placement.sheet, cell_ref(int(rows[i]), int(columns[i])),
                                    cell_label(self.plan, field, idx), field, idx,
                                    float(old[i]), float(new[i]))  # fmt: skip
                grouped.setdefault(placement.sheet, []).append(
                    (int(rows[i]), int(columns[i]), change)
                )
        out: dict[str, list[CellChange]] = {}
        for sheet in INPUT_SHEETS:
            if sheet in grouped:
                ordered = sorted(grouped[sheet], key=lambda item: (item[0], item[1]))
                out[sheet] = [c for _, _, c in ordered[:limit_per_sheet]]
        return out

    def changes(self) -> list[CellChange]:
        """Every change, sheet by sheet, each sheet's in row and column order."""
        return [c for changes in self.changes_by_sheet().values() for c in changes]

    def change_count_by_sheet(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for field, (cells, _, _) in self._diff.items():
            sheet = self._placements[field].sheet
            counts[sheet] = counts.get(sheet, 0) + len(cells)
        return {s: counts[s] for s in INPUT_SHEETS if counts.get(s)}

    def _require_ok(self, document: PlanDocument) -> None:
        if self.problems:
            raise ExchangeError(
                f"{self.path.name} has {self.problem_count} problem(s); nothing can be applied"
            )
        for field, values in self.imported.items():
            if getattr(document.plan.scenarios[0].inputs, field).shape != values.shape:
                raise ExchangeError(
                    "the plan's regions, budget lines or months changed since the workbook was "
                    "read; import it again"
                )

    def to_command(self, document: PlanDocument, scenario_id: int | None = None) -> Macro:
        """One undo step that sets every changed cell of ``scenario_id`` (default: the base)."""
        self._require_ok(document)
        sid = self.scenario_id if scenario_id is None else scenario_id
        if sid is None:
            raise ExchangeError("choose the scenario to apply the workbook to")
        inputs = document.scenario_by_id(sid).inputs
        edits: list[tuple[str, np.ndarray, np.ndarray]] = []
        for field, new in self.imported.items():
            changed = _changed(getattr(inputs, field), new)
            if changed.any():
                edits.append((field, np.argwhere(changed), new[changed].copy()))
        count = sum(len(cells) for _, cells, _ in edits)
        label = f"Import from Excel ({count} change{'' if count == 1 else 's'})"
        commands: tuple[Command, ...] = tuple(
            SetValues(label, sid, field, cells, values) for field, cells, values in edits
        )
        return Macro(label, commands)

    def to_new_scenario(self, document: PlanDocument, name: str) -> InsertScenario:
        """A new scenario: the base scenario's inputs with the workbook's values."""
        self._require_ok(document)
        name = name.strip()
        if not name:
            raise ExchangeError("give the new scenario a name")
        if any(s.name == name for s in document.plan.scenarios):
            raise ExchangeError(f"a scenario named '{name}' already exists; choose another name")
        plan = document.plan
        base = next((s for s in plan.scenarios if s.id == self.scenario_id), plan.plan_of_record)
        inputs: ScenarioInputs = base.inputs.copy()
        for field, values in self.imported.items():
            setattr(inputs, field, values.copy())
        scenario = Scenario(
            id=document.next_id(RecordKind.SCENARIO),
            name=name,
            inputs=inputs,
            description=f"Imported from {self.path.name} on {dt.date.today():%d %b %Y}",
        )
        label = f"Import from Excel as new scenario «{name}»"
        return InsertScenario(label, len(plan.scenarios), scenario)


def _scenario(plan: Plan, scenario_id: int) -> Scenario:
    for s in plan.scenarios:
        if s.id == scenario_id:
            return s
    raise ExchangeError(f"no scenario with id {scenario_id} in this plan")


def _select(
    plan: Plan, book: dict[int, str], scenario_id: int | None, problems: Problems,
    notes: list[str],
) -> tuple[Selection | None, int | None]:  # fmt: skip
    """Which workbook scenario to read, and which plan scenario it is compared with."""
    listed = ", ".join(f"'{n}'" for n in book.values())
    if not book:
        problems.add("", "", "no scenario rows found; is this a workbook exported by GTM Planner?")
        return None, scenario_id
    if scenario_id is not None:
        target = _scenario(plan, scenario_id)
        chosen = next((i for i in book if i == target.id), None)
        chosen = chosen if chosen is not None else next(
            (i for i, n in book.items() if n == target.name), None
        )  # fmt: skip
        if chosen is None and len(book) == 1:
            chosen = next(iter(book))
        if chosen is None:
            problems.add("", "", f"the workbook has no rows for scenario '{target.name}'; it "
                         f"holds {listed}")  # fmt: skip
            return None, scenario_id
    else:
        if len(book) > 1:
            problems.add("", "", f"the workbook holds {len(book)} scenarios ({listed}); choose "
                         "the one to import")  # fmt: skip
            return None, None
        chosen = next(iter(book))
        by_name = [s for s in plan.scenarios if s.name == book[chosen]]
        by_id = [s for s in plan.scenarios if s.id == chosen]
        if by_name or by_id:
            match = (by_name or by_id)[0]
        else:
            match = plan.plan_of_record
            notes.append(
                f"the workbook's scenario '{book[chosen]}' is not in this plan; its values are "
                f"compared with the plan of record '{match.name}'"
            )
        scenario_id = match.id
    others = {i: n for i, n in book.items() if i != chosen}
    return Selection(chosen, book[chosen], others), scenario_id


def read_workbook(
    path: Path,
    plan: Plan,
    scenario_id: int | None = None,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ImportResult:
    """Check and read ``path`` against ``plan`` and ``scenario_id``; the plan is not changed.

    Raises ``WorkbookRefusedError`` for a file that is not a workbook we will read (one message);
    every problem inside a workbook is collected in the result instead.
    """
    path = Path(path)
    steps = 2 + len(INPUT_SHEETS)

    def step(done: int, what: str) -> None:
        if cancelled is not None and cancelled():
            raise ExchangeCancelledError()
        if progress is not None:
            progress(done, steps, what)

    step(0, "Checking the file")
    report = check_workbook_file(path)
    problems = Problems()
    notes = list(report.notes)
    placements: dict[str, FieldCells] = {}
    with XlsxReader(path) as reader:
        selection, scenario_id = _select(plan, discover_scenarios(reader), scenario_id,
                                         problems, notes)  # fmt: skip
        if selection is not None:
            for done, sheet in enumerate(INPUT_SHEETS, start=1):
                step(done, f"Reading {sheet}")
                sheet_import = SheetImport(plan, sheet, selection, problems)
                sheet_import.read(reader)
                sheet_import.check_rules()
                placements.update(sheet_import.fields)
    step(steps - 1, "Comparing with the plan")
    imported: dict[str, np.ndarray] = {}
    if not len(problems) and selection is not None and scenario_id is not None:
        imported = {f: cells.values for f, cells in placements.items()}
        _check_across_fields(plan, selection.name, scenario_id, imported, placements, problems)
    result = ImportResult(
        path=path,
        plan=plan,
        workbook_scenario=selection.name if selection else "",
        scenario_id=scenario_id,
        problems=problems,
        notes=tuple(notes),
        imported=imported if not len(problems) else {},
        placements=placements,
    )
    step(steps, "Done")
    return result


def _check_across_fields(
    plan: Plan, name: str, scenario_id: int, imported: dict[str, np.ndarray],
    placements: dict[str, FieldCells], problems: Problems,
) -> None:  # fmt: skip
    """Rules that span cells (source mix adds up to 100%…), reported at their rows."""

    def row_span(field: str, r: int) -> str:
        cells = placements[field]
        row = int(cells.rows[r])
        return (
            f"{cell_ref(row, int(cells.columns.min()))}:{cell_ref(row, int(cells.columns.max()))}"
        )

    mix = imported["source_mix"].sum(axis=1)
    for r in np.flatnonzero(np.abs(mix - 1.0) > 1e-6):
        problems.add(ASSUMPTIONS, row_span("source_mix", int(r)),
                     f"the source mix of {plan.regions[int(r)].name} adds up to {mix[r]:.1%}; it "
                     "must add up to 100%")  # fmt: skip
    for r in np.flatnonzero(imported["seasonality"].sum(axis=1) <= 0):
        problems.add(TARGETS, row_span("seasonality", int(r)),
                     f"all twelve weights of {plan.regions[int(r)].name} are 0; at least one "
                     "month must carry the target")  # fmt: skip
    curved = (imported["elasticity"] != 1.0) & (imported["reference_spend"] <= 0)
    for r in np.flatnonzero(curved):
        problems.add(ASSUMPTIONS, placements["reference_spend"].ref((int(r),)),
                     "with an elasticity other than 1, give the monthly spend at which the cost "
                     "per inquiry was measured (above 0)")  # fmt: skip
    if len(problems):
        return
    inputs = _scenario(plan, scenario_id).inputs.copy()
    for field, values in imported.items():
        setattr(inputs, field, values)
    for problem in validate_inputs(plan, name, inputs):
        problems.add("", "", str(problem))
