"""Compare: two or more scenarios and snapshots side by side (issue 4 part 4, SPEC §4).

KPIs with their deltas (absolute and %) against a reference, the inputs that differ from it
(highlighted), and the target and forecast by quarter overlaid in one chart. The numbers come
from ``model/compare.py``; this screen only lays them out. It recomputes when a compared
scenario changes, and only while it is on screen (a hidden page just remembers to).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from gtm_planner.model.compare import Comparison, InputDifferences, compare
from gtm_planner.model.document import PlanDocument, RecordKind
from gtm_planner.model.engine.kpis import Unit
from gtm_planner.model.entities import Scenario, Snapshot
from gtm_planner.model.formatting import format_value
from gtm_planner.model.solve.common import fiscal_year_months, region_mask
from gtm_planner.model.validation import RULE_BY_FIELD, Kind
from gtm_planner.ui.answer_tables import (
    ALL_REGIONS,
    Cell,
    TextTableModel,
    combo,
    labelled,
    region_items,
    result_table,
    signed,
)
from gtm_planner.ui.document_events import subscribe
from gtm_planner.ui.screens.compare_views import KpiCompareModel, QuarterChart, two_lines
from gtm_planner.ui.screens.records import MessageBar, footnote, section_title
from gtm_planner.ui.screens.snapshot_view import snapshot_time
from gtm_planner.ui.undo import UndoController

WHOLE_PLAN = -1  # the period choice "the whole plan"
ITEM_ROLE = int(Qt.ItemDataRole.UserRole) + 2  # "scenario:3" / "snapshot:1"
Key = tuple[str, int]  # ("scenario" | "snapshot", id)


def key_text(key: Key) -> str:
    """Keys travel through Qt as text: "scenario:3" (a tuple would not survive a QVariant)."""
    return f"{key[0]}:{key[1]}"


def key_of(text: object) -> Key | None:
    kind, _, number = str(text).partition(":")
    return (kind, int(number)) if number.isdigit() else None


_UNIT_BY_KIND = {Kind.MONEY: Unit.MONEY, Kind.POSITIVE_MONEY: Unit.MONEY, Kind.RATE: Unit.PERCENT,
                 Kind.POSITIVE_RATE: Unit.PERCENT, Kind.MONTHS: Unit.MONTHS}  # fmt: skip


def field_unit(field: str) -> Unit:
    if field == "gross_margin":
        return Unit.PERCENT
    rule = RULE_BY_FIELD.get(field)
    return _UNIT_BY_KIND.get(rule.kind, Unit.COUNT) if rule else Unit.COUNT


class CompareScreen(QWidget):
    """Tick scenarios and snapshots; see their KPIs, input differences and quarters."""

    def __init__(
        self, document: PlanDocument, undo: UndoController, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.undo = undo  # nothing here edits the plan; kept for the screens' common shape
        self.comparison: Comparison | None = None
        self._dirty = True
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._refresh_if_shown)
        currency = document.plan.settings.currency

        self.items_list = QListWidget(self)
        self.items_list.setObjectName("compareItems")
        self.items_list.itemChanged.connect(lambda _item: self._choice_changed())
        self.reference_combo = combo(self, [])
        self.region_combo = combo(self, [])
        self.period_combo = combo(self, [])
        for box in (self.reference_combo, self.region_combo, self.period_combo):
            box.currentIndexChanged.connect(lambda _i: self.schedule())
        self.inputs_of_combo = combo(self, [])
        self.inputs_of_combo.currentIndexChanged.connect(lambda _i: self._show_differences())
        self.message = MessageBar(self)
        self.differences_note = footnote("", self)
        self.kpi_model = KpiCompareModel(currency, self)
        self.kpi_table = result_table(self.kpi_model, self)
        self.differences_model = TextTableModel(("Input", "Reference", "Compared", "Change"), self)
        self.differences_table = result_table(self.differences_model, self, 0, fit_rows=False)
        self.chart = QuarterChart(self)
        line = self.items_list.fontMetrics().height() + 4
        self.items_list.setMinimumHeight(line * 3 + 8)  # three items in view at least
        self.items_list.setMaximumHeight(line * 5 + 8)
        self.items_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.items_list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self._lay_out()
        subscribe(self, document.results_changed, self._on_results_changed)
        subscribe(self, document.scenarios_changed, self._fill_choices)
        subscribe(self, document.structure_changed, self._fill_choices)
        subscribe(self, document.records_changed, self._on_records_changed)
        self._fill_choices()

    def _lay_out(self) -> None:
        """The choices on top; below, the KPI table (as wide as its columns) beside the chart
        and the inputs that differ: all of it in view at 1600×1000."""
        choices = QGridLayout()
        labelled(choices, 0, "Compare &against", self.reference_combo)
        labelled(choices, 1, "Re&gions", self.region_combo)
        labelled(choices, 2, "&Period", self.period_combo)
        choices.setRowStretch(2, 1)
        choices.setColumnStretch(3, 1)
        items = QVBoxLayout()
        items.addWidget(section_title("Compare (tick two or more)", self))
        items.addWidget(self.items_list)
        top = QHBoxLayout()
        top.addLayout(items, 2)
        top.addSpacing(16)
        top.addLayout(choices, 3)
        side = QVBoxLayout()
        side.addWidget(section_title("Target (dashed) and forecast by quarter", self))
        side.addWidget(self.chart, 1)
        differences_title = QHBoxLayout()
        differences_title.addWidget(section_title("Inputs that differ", self))
        differences_title.addWidget(self.inputs_of_combo, 1)
        side.addLayout(differences_title)
        side.addWidget(self.differences_note)
        side.addWidget(self.differences_table, 1)
        self.kpi_table.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Maximum)
        body = QHBoxLayout()
        body.addWidget(self.kpi_table, 0, Qt.AlignmentFlag.AlignTop)
        body.addSpacing(12)
        body.addLayout(side, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addLayout(body, 1)

    # --- choices ------------------------------------------------------------------------

    def _fill_choices(self) -> None:
        """The plan's scenarios and snapshots, keeping what was ticked (by kind and id)."""
        plan = self.document.plan
        ticked = set(self.checked_keys())
        first_time = self.items_list.count() == 0
        self.items_list.blockSignals(True)
        self.items_list.clear()
        entries: list[tuple[str, Scenario | Snapshot, str]] = [
            *(("scenario", s, s.name + ("  ★" if s.is_plan_of_record else ""))
              for s in plan.scenarios),
            *(("snapshot", n, f"Snapshot: {n.name} ({n.scenario_name}, {snapshot_time(n)})")
              for n in plan.snapshots),
        ]  # fmt: skip
        for kind, record, text in entries:
            item = QListWidgetItem(text, self.items_list)
            item.setData(ITEM_ROLE, key_text((kind, record.id)))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = (kind, record.id) in ticked or (first_time and kind == "scenario"
                                                 and self.items_list.count() <= 2)  # fmt: skip
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.items_list.blockSignals(False)
        for box, items in (
            (self.region_combo, region_items(self.document, "All regions")),
            (self.period_combo, [("Whole plan", WHOLE_PLAN),
                                 *((f"FY{y}", y) for y in plan.calendar().fiscal_years)]),
        ):  # fmt: skip
            chosen = box.currentData()
            box.blockSignals(True)
            box.clear()
            for text, data in items:
                box.addItem(text, data)
            box.setCurrentIndex(max(box.findData(chosen), 0))
            box.blockSignals(False)
        self._choice_changed()

    def checked_keys(self) -> list[Key]:
        keys: list[Key] = []
        for row in range(self.items_list.count()):
            item = self.items_list.item(row)
            key = key_of(item.data(ITEM_ROLE))
            if item.checkState() == Qt.CheckState.Checked and key is not None:
                keys.append(key)
        return keys

    def set_checked(self, keys: list[Key]) -> None:
        """Tick exactly these items (a caller, or a test, that knows what to compare)."""
        self.items_list.blockSignals(True)
        for row in range(self.items_list.count()):
            item = self.items_list.item(row)
            on = key_of(item.data(ITEM_ROLE)) in keys
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.items_list.blockSignals(False)
        self._choice_changed()

    def _choice_changed(self) -> None:
        """The reference can be any ticked item; the plan of record by default."""
        keys = self.checked_keys()
        chosen = self.reference_key()
        self.reference_combo.blockSignals(True)
        self.reference_combo.clear()
        for key in keys:
            self.reference_combo.addItem(self._record(key).name, key_text(key))
        plan_of_record: Key = ("scenario", self.document.plan.plan_of_record.id)
        keep = chosen if chosen in keys else plan_of_record
        self.reference_combo.setCurrentIndex(max(self.reference_combo.findData(key_text(keep)), 0))
        self.reference_combo.blockSignals(False)
        self.schedule()

    def reference_key(self) -> Key | None:
        """The item the deltas and input differences are measured against."""
        return key_of(self.reference_combo.currentData())

    def set_reference(self, key: Key) -> None:
        self.reference_combo.setCurrentIndex(self.reference_combo.findData(key_text(key)))

    def _record(self, key: Key) -> Scenario | Snapshot:
        kind, record_id = key
        if kind == "scenario":
            return self.document.scenario_by_id(record_id)
        return next(s for s in self.document.plan.snapshots if s.id == record_id)

    # --- recompute ----------------------------------------------------------------------

    def _on_results_changed(self, scenario_id: int) -> None:
        if ("scenario", scenario_id) in self.checked_keys():
            self.schedule()

    def _on_records_changed(self, kind: RecordKind) -> None:
        if kind is RecordKind.SNAPSHOT:
            self._fill_choices()

    def schedule(self) -> None:
        self._dirty = True
        self._timer.start()

    def _refresh_if_shown(self) -> None:
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    def refresh(self) -> None:
        """Compare the ticked items now and show the result."""
        self._timer.stop()
        self._dirty = False
        plan = self.document.plan
        keys = self.checked_keys()
        reference = self.reference_key()
        if reference is not None and reference in keys:
            keys.remove(reference)
            keys.insert(0, reference)
        self.comparison = None
        if len(keys) < 2:
            self.message.show_info("Tick two or more scenarios or snapshots to compare them.")
        else:
            region = int(self.region_combo.currentData())
            year = int(self.period_combo.currentData())
            results = {
                s.id: self.document.result(s.id)
                for s in plan.scenarios
                if ("scenario", s.id) in keys and self.document.what_if(s.id) is None
            }
            self.comparison = compare(
                plan, [self._record(k) for k in keys],
                None if region == ALL_REGIONS else region_mask(plan, region),
                None if year == WHOLE_PLAN else fiscal_year_months(plan, year), results=results,
            )  # fmt: skip
            self.message.clear_message()
        currency = plan.settings.currency
        self.kpi_model.set_comparison(self.comparison, currency)
        self.chart.show_comparison(self.comparison, currency)
        self._fill_inputs_of()

    def _fill_inputs_of(self) -> None:
        """Which compared item's input differences the table lists (one at a time)."""
        c = self.comparison
        chosen = self.inputs_of_combo.currentIndex()
        self.inputs_of_combo.blockSignals(True)
        self.inputs_of_combo.clear()
        for i, name in enumerate(c.names[1:] if c else (), start=1):
            self.inputs_of_combo.addItem(name, i)
        self.inputs_of_combo.setCurrentIndex(
            chosen if 0 <= chosen < self.inputs_of_combo.count() else 0
        )
        self.inputs_of_combo.blockSignals(False)
        self._show_differences()

    def set_inputs_of(self, name: str) -> None:
        self.inputs_of_combo.setCurrentIndex(self.inputs_of_combo.findText(name))

    def _show_differences(self) -> None:
        c = self.comparison
        currency = self.document.plan.settings.currency
        rows: list[list[Cell]] = []
        shown = self.inputs_of_combo.currentData()
        entry = c.input_differences[int(shown) - 1] if c and shown is not None else None
        for d in entry.differences if entry else ():
            unit = field_unit(d.field)
            rows.append([
                (d.label, None), (format_value(d.old, unit, currency), d.old),
                (format_value(d.new, unit, currency), d.new),
                (signed(d.new - d.old, unit, currency), d.new - d.old),
            ])  # fmt: skip
        headers = ("Input", two_lines(c.names[0]), two_lines(entry.name), "Change") if (
            c and entry) else ("Input", "Reference", "Compared", "Change")  # fmt: skip
        highlighted = {(r, col) for r in range(len(rows)) for col in (2, 3)}
        self.differences_model.set_rows(rows, headers, highlighted)
        notes = [self._difference_note(e, c.names[0]) for e in c.input_differences] if c else []
        self.differences_note.setText("\n".join(notes))

    @staticmethod
    def _difference_note(entry: InputDifferences, reference: str) -> str:
        if entry.dimension_problems:
            return (f"{entry.name}: cannot be compared cell by cell with {reference} ("
                    + "; ".join(entry.dimension_problems) + ").")  # fmt: skip
        if not entry.cells_by_field:
            return f"{entry.name}: no input differs from {reference}."
        cells = sum(entry.cells_by_field.values())
        by_field = ", ".join(
            f"{RULE_BY_FIELD[f].label if f in RULE_BY_FIELD else 'Gross margin'} {n:,}"
            for f, n in entry.cells_by_field.items()
        )
        shown = f"; the first {len(entry.differences)} listed" if entry.truncated else ""
        return f"{entry.name}: {cells:,} input cells differ ({by_field}){shown}."
