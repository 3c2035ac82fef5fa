"""Budget: spend per budget line, region and month, grouped by function and program family.

Rows: sales, then marketing; within each, the categories (program families) in the plan's
order; within each, the lines, each with its regions below it. Months are typed in; quarter and
fiscal-year totals and every group total are calculated (grey / blue). Lines are added, renamed
and removed here, each an undoable step; a removal asks first and undo brings the numbers back.
A region filter keeps the large plan (40 regions × 25 lines) to the rows one region needs.
"""

from __future__ import annotations

from functools import partial

import numpy as np
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from gtm_planner.model.commands import InsertBudgetLine, RemoveBudgetLine, SetAttribute
from gtm_planner.model.document import PlanDocument, RecordKind
from gtm_planner.model.entities import BudgetLine, Function
from gtm_planner.model.formatting import money
from gtm_planner.ui.document_events import subscribe
from gtm_planner.ui.grid import K0, K1, Column, Fmt, GridScreen, GridSpec, Row
from gtm_planner.ui.grid.spec import FloatArray
from gtm_planner.ui.undo import UndoController

ALL_REGIONS = "All regions"


def budget_by_quarter(document: PlanDocument) -> FloatArray:
    """(L, R, Q) spend per line, region and fiscal quarter."""
    budget = document.current_scenario.inputs.budget
    return np.asarray(budget @ document.plan.calendar().quarter_matrix())


def budget_by_year(document: PlanDocument) -> FloatArray:
    """(L, R, Y) spend per line, region and fiscal year (the plan's months of it)."""
    budget = document.current_scenario.inputs.budget
    return np.asarray(budget @ document.plan.calendar().fiscal_year_matrix())


def _groups(document: PlanDocument) -> list[tuple[Function, str, str]]:
    """(function, category key, category label) in display order, only those with lines."""
    plan = document.plan
    used = {line.category for line in plan.budget_lines}
    known = {c.key for c in plan.categories}
    groups = [
        (c.function, c.key, c.name + (" (drives inquiries)" if c.drives_inquiries else ""))
        for c in plan.categories
        if c.key in used
    ]
    unknown = sorted(used - known)  # a line whose category is not in the plan's list
    for key in unknown:
        line = next(line for line in plan.budget_lines if line.category == key)
        groups.append((line.function, key, key))
    order = list(Function)
    return sorted(groups, key=lambda g: order.index(g[0]))


def budget_rows(document: PlanDocument, region_id: int | None) -> tuple[Row, ...]:
    """Function total, category totals, line totals (all regions only), region rows."""
    plan = document.plan
    regions = [r for r, region in enumerate(plan.regions) if region.id == region_id]
    filtered = bool(regions)
    regions = regions or list(range(len(plan.regions)))
    rows: list[Row] = []
    everything: list[int] = []
    groups = _groups(document)
    for function in Function:
        function_at, function_members = len(rows), []
        rows.append(Row(""))  # replaced by the function's total below
        for _, key, label in (g for g in groups if g[0] is function):
            category_at, members = len(rows), []
            rows.append(Row(""))
            for line_index, line in enumerate(plan.budget_lines):
                if line.category != key:
                    continue
                if filtered:
                    members.append(len(rows))
                    name = f"{line.name} · {plan.regions[regions[0]].name}"
                    rows.append(Row(f"    {line.name}", (line_index, regions[0]), name=name))
                    continue
                line_at = len(rows)
                rows.append(Row(""))
                for r in regions:
                    region = plan.regions[r].name
                    name = f"{line.name} · {region}"
                    rows.append(Row(f"        {region}", (line_index, r), name=name))
                line_members = tuple(range(line_at + 1, len(rows)))
                rows[line_at] = Row(
                    f"    {line.name}",
                    (line_index,),
                    total_of=line_members,
                    formula=f"Σ of {line.name} over the regions",
                )
                members.extend(line_members)
            rows[category_at] = Row(
                f"  {label}", total_of=tuple(members), formula=f"Σ of the {label} lines"
            )
            function_members.extend(members)
        if len(rows) == function_at + 1:
            rows.pop()  # no line of this function
            continue
        title = function.value.capitalize()
        rows[function_at] = Row(
            f"{title} — total",
            total_of=tuple(function_members),
            formula=f"Σ of the {function.value} lines",
        )
        everything.extend(function_members)
    rows.append(
        Row(
            "Sales & marketing — total",
            total_of=tuple(everything),
            formula="Σ of every budget line",
        )
    )
    return tuple(rows)


def budget_spec(document: PlanDocument, region_id: int | None = None) -> GridSpec:
    calendar = document.plan.calendar()
    columns = [
        Column(label.replace(" ", "\n"), (K0, K1, t), field="budget")
        for t, label in enumerate(calendar.month_labels)
    ]
    columns += [
        Column(
            label.replace(" ", "\n"),
            (K0, K1, q),
            source="quarters",
            fmt=Fmt.MONEY,
            formula="Σ of the quarter's months",
        )
        for q, label in enumerate(calendar.quarter_labels)
    ]
    columns += [
        Column(
            f"FY{year}\ntotal",
            (K0, K1, y),
            source="years",
            fmt=Fmt.MONEY,
            formula="Σ of the fiscal year's months inside the plan",
        )
        for y, year in enumerate(calendar.fiscal_years)
    ]
    sources = {"quarters": budget_by_quarter, "years": budget_by_year}
    return GridSpec(budget_rows(document, region_id), tuple(columns), sources)


class NewLineDialog(QDialog):
    """Name and category of a new budget line."""

    def __init__(self, document: PlanDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add budget line")
        self.name_edit = QLineEdit(self)
        self.name_edit.setPlaceholderText("e.g. Partner marketing")
        self.category_box = QComboBox(self)
        for category in document.plan.categories:
            self.category_box.addItem(category.name, category.key)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("&Name:", self.name_edit)
        form.addRow("&Category:", self.category_box)
        form.addRow(buttons)

    def choice(self) -> tuple[str, str]:
        return self.name_edit.text(), str(self.category_box.currentData())


class BudgetScreen(GridScreen):
    """The budget grid, a region filter, and add / rename / remove a budget line."""

    TITLE = "Budget"

    def __init__(
        self, document: PlanDocument, undo: UndoController, parent: QWidget | None = None
    ) -> None:
        super().__init__(document, undo, parent)
        self.region_box = QComboBox(self)
        self.region_box.setToolTip("Show every region, or one region's rows only")
        region_label = QLabel("&Region:", self)
        region_label.setBuddy(self.region_box)
        self.add_button = QPushButton("&Add line…", self)
        self.rename_button = QPushButton("Re&name line…", self)
        self.remove_button = QPushButton("Re&move line…", self)
        for widget in (
            region_label,
            self.region_box,
            self.add_button,
            self.rename_button,
            self.remove_button,
        ):
            self.controls.addWidget(widget)
        self.grid = self.add_grid(
            "Budget by line, region and month",
            budget_spec,
            "Months are typed in; quarter and fiscal-year totals are calculated. Only "
            "demand-creation lines drive inquiries.",
        )
        self._fill_region_box()
        self.region_box.currentIndexChanged.connect(self._on_region_chosen)
        self.add_button.clicked.connect(self.ask_add_line)
        self.rename_button.clicked.connect(self.ask_rename_line)
        self.remove_button.clicked.connect(self.ask_remove_line)
        for button in (self.add_button, self.rename_button, self.remove_button):
            button.setEnabled(not document.read_only)  # a read-only plan: nothing to change
        subscribe(self, document.structure_changed, self._fill_region_box)
        self.finish()

    # --- region filter ------------------------------------------------------------------

    def region_filter(self) -> int | None:
        """The id of the region shown, or None for all regions."""
        data = self.region_box.currentData()
        return int(data) if data is not None else None

    def filter_region(self, region_id: int | None) -> None:
        position = self.region_box.findData(region_id) if region_id is not None else 0
        self.region_box.setCurrentIndex(max(position, 0))

    def _fill_region_box(self) -> None:
        chosen = self.region_filter() if self.region_box.count() else None
        self.region_box.blockSignals(True)
        self.region_box.clear()
        self.region_box.addItem(ALL_REGIONS, None)
        for region in self.document.plan.regions:
            self.region_box.addItem(region.name, region.id)
        position = self.region_box.findData(chosen) if chosen is not None else 0
        self.region_box.setCurrentIndex(max(position, 0))
        self.region_box.blockSignals(False)
        if chosen is not None and position < 0:
            self._on_region_chosen()

    def _on_region_chosen(self, _index: int = 0) -> None:
        self.grid.grid_model.set_builder(partial(budget_spec, region_id=self.region_filter()))

    # --- lines --------------------------------------------------------------------------

    def current_line(self) -> BudgetLine | None:
        """The budget line of the current row (a region row or the line's total row)."""
        current = self.grid.currentIndex()
        if not current.isValid():
            return None
        row = self.grid.grid_model.row_spec(current.row())
        key = row.key
        lines = self.document.plan.budget_lines
        return lines[key[0]] if key and (len(key) == 2 or row.is_total) else None

    def _name_problem(self, name: str, line_id: int | None = None) -> str | None:
        if not name.strip():
            return "A budget line needs a name."
        taken = any(
            line.name == name.strip() and line.id != line_id
            for line in self.document.plan.budget_lines
        )
        return f"There is already a budget line named '{name.strip()}'." if taken else None

    def add_line(self, name: str, category_key: str) -> bool:
        """Add an empty line after the category's last line: one undoable step."""
        problem = self._name_problem(name)
        categories = {c.key: c for c in self.document.plan.categories}
        if problem is None and category_key not in categories:
            problem = f"There is no budget category '{category_key}'."
        if problem is not None:
            self.message.emit(f"No line added: {problem}")
            return False
        lines = self.document.plan.budget_lines
        same = [i for i, line in enumerate(lines) if line.category == category_key]
        position = same[-1] + 1 if same else len(lines)
        line_id = self.document.next_id(RecordKind.BUDGET_LINE)
        category = categories[category_key]
        line = BudgetLine(line_id, name.strip(), category_key, category.function)
        self.undo.push(InsertBudgetLine(f"Add budget line '{line.name}'", position, line))
        self._go_to_line(position)
        return True

    def rename_line(self, line_id: int, name: str) -> bool:
        line = self.document.record(RecordKind.BUDGET_LINE, line_id)
        problem = self._name_problem(name, line_id)
        if problem is not None:
            self.message.emit(f"Not renamed: {problem}")
            return False
        if name.strip() == line.name:
            return True
        label = f"Rename budget line '{line.name}' to '{name.strip()}'"
        self.undo.push(SetAttribute(label, RecordKind.BUDGET_LINE, line_id, "name", name.strip()))
        return True

    def remove_line(self, line_id: int) -> bool:
        """Ask, then remove the line from every scenario (one undoable step)."""
        line = self.document.record(RecordKind.BUDGET_LINE, line_id)
        position = self.document.plan.budget_lines.index(line)
        total = float(self.document.current_scenario.inputs.budget[position].sum())
        currency = self.document.plan.settings.currency
        answer = QMessageBox.question(
            self,
            "Remove budget line",
            f"Remove the budget line '{line.name}' ({money(total, currency)} in this "
            "scenario) with its amounts in every region, month and scenario?\n\n"
            "Edit › Undo brings it back with its numbers.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        self.undo.push(RemoveBudgetLine(f"Remove budget line '{line.name}'", line_id))
        return True

    def _go_to_line(self, line_index: int) -> None:
        model = self.grid.grid_model
        for row in range(model.rowCount()):
            key = model.row_spec(row).key
            if key and key[0] == line_index and not model.row_spec(row).is_total:
                self.grid.setCurrentIndex(model.index(row, 0))
                self.grid.scrollTo(model.index(row, 0))
                return

    # --- the buttons --------------------------------------------------------------------

    def ask_add_line(self) -> None:
        dialog = NewLineDialog(self.document, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.add_line(*dialog.choice())

    def ask_rename_line(self) -> None:
        line = self.current_line()
        if line is None:
            self.message.emit("Rename: click a row of the budget line to rename first.")
            return
        name, ok = QInputDialog.getText(self, "Rename budget line", "New name:", text=line.name)
        if ok:
            self.rename_line(line.id, name)

    def ask_remove_line(self) -> None:
        line = self.current_line()
        if line is None:
            self.message.emit("Remove: click a row of the budget line to remove first.")
            return
        self.remove_line(line.id)
