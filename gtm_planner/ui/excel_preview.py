"""The import preview and problems dialogs, and the item models behind them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from gtm_planner.model.entities import Plan
from gtm_planner.model.exchange.excel_import import CellChange, ImportResult, read_workbook
from gtm_planner.model.exchange.import_report import format_value
from gtm_planner.model.exchange.import_sheets import discover_scenarios
from gtm_planner.model.exchange.xlsx_reader import XlsxReader
from gtm_planner.model.exchange.xlsx_safety import check_workbook_file
from gtm_planner.ui.tasks import Cancelled, Progress

AnyIndex = QModelIndex | QPersistentModelIndex
WORKBOOK_FILTER = "Excel workbooks (*.xlsx *.xlsm);;All files (*)"
SHOWN_PER_SHEET = 2000  # more changes are counted, not listed
CHANGE_HEADERS = ("Sheet / cell", "What", "Old → new")
PROBLEM_HEADERS = ("Sheet", "Cell", "Problem")
PREVIEW_HINT = (
    "Nothing changes until you choose. Apply is one step that Edit › Undo takes back; New "
    "scenario… leaves this scenario as it is and adds the workbook's values as a new one."
)
ROOT = QModelIndex()  # the invisible root, as a default argument


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class ImportPreview:
    """What the worker read: the result and the changes to list (prepared off the GUI thread)."""

    result: ImportResult
    changes: dict[str, list[CellChange]]
    counts: dict[str, int]


def read_for_preview(
    path: Path, plan: Plan, scenario_id: int | None, progress: Progress, cancelled: Cancelled
) -> ImportPreview:
    result = read_workbook(path, plan, scenario_id, progress=progress, cancelled=cancelled)
    if not result.ok:
        return ImportPreview(result, {}, {})
    return ImportPreview(
        result, result.changes_by_sheet(SHOWN_PER_SHEET), result.change_count_by_sheet()
    )


def scan_workbook(
    path: Path, plan: Plan, progress: Progress, cancelled: Cancelled
) -> ImportPreview | dict[int, str]:
    """The preview, or the workbook's scenarios (id → name) when it holds several."""
    progress(0, 1, "Checking the file")
    check_workbook_file(path)
    with XlsxReader(path) as reader:
        scenarios = discover_scenarios(reader)
    if len(scenarios) > 1:
        return scenarios
    return read_for_preview(path, plan, None, progress, cancelled)


def _header(headers: tuple[str, ...], section: int, orientation: Qt.Orientation, role: int) -> Any:
    horizontal = orientation == Qt.Orientation.Horizontal
    if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(headers):
        return headers[section]
    return None


class ChangeTreeModel(QAbstractItemModel):
    """The changes grouped by sheet: a row per sheet, under it a row per changed cell."""

    def __init__(self, preview: ImportPreview, currency: str, parent: QObject | None = None):
        super().__init__(parent)
        self._sheets = list(preview.changes.items())
        self._counts = preview.counts
        self._currency = currency
        self._bold = QFont()
        self._bold.setBold(True)

    def index(self, row: int, column: int, parent: AnyIndex = ROOT) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        group = parent.row() + 1 if parent.isValid() else 0  # 0: a sheet row
        return self.createIndex(row, column, group)

    def parent(self, child: AnyIndex = ROOT) -> QModelIndex:  # type: ignore[override]
        group = child.internalId() if child.isValid() else 0
        return self.createIndex(group - 1, 0, 0) if group else QModelIndex()

    def rowCount(self, parent: AnyIndex = ROOT) -> int:
        if not parent.isValid():
            return len(self._sheets)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self._sheets[parent.row()][1])
        return 0

    def columnCount(self, parent: AnyIndex = ROOT) -> int:
        return len(CHANGE_HEADERS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        group, row, column = index.internalId(), index.row(), index.column()
        if group == 0:
            sheet, shown = self._sheets[row]
            if role == Qt.ItemDataRole.DisplayRole and column == 0:
                count = self._counts.get(sheet, len(shown))
                more = f" (first {len(shown):,} listed)" if count > len(shown) else ""
                return f"{sheet} — {plural(count, 'change')}{more}"
            return self._bold if role == Qt.ItemDataRole.FontRole else None
        change = self._sheets[group - 1][1][row]
        if role == Qt.ItemDataRole.DisplayRole:
            old = format_value(change.field, change.old, self._currency)
            new = format_value(change.field, change.new, self._currency)
            return (change.cell, change.what, f"{old} → {new}")[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{change.sheet}!{change.cell}: {change.what}"
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # fmt: skip
        return _header(CHANGE_HEADERS, section, orientation, role)


class ProblemTableModel(QAbstractTableModel):
    """Every problem of a refused import: sheet, cell, reason."""

    def __init__(self, result: ImportResult, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows = [(p.sheet or "—", p.cell or "—", p.reason) for p in result.problems]

    def rowCount(self, parent: AnyIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(PROBLEM_HEADERS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._rows[index.row()][index.column()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # fmt: skip
        return _header(PROBLEM_HEADERS, section, orientation, role)


def _workbook_line(result: ImportResult) -> str:
    line = f"Workbook «{result.path.name}»"
    if result.workbook_scenario:
        line += f": scenario ‘{result.workbook_scenario}’"
        if result.scenario_name:
            line += f", compared with ‘{result.scenario_name}’ in the plan"
    return line + "."


class _ImportDialog(QDialog):
    def __init__(self, title: str, heading: str, result: ImportResult, parent: QWidget | None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(1100, 680)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(20, 18, 20, 18)
        self.layout_.setSpacing(10)
        self.heading = self._label(heading, "sectionTitle")  # the theme's bold, larger title
        self.workbook_label = self._label(_workbook_line(result))
        self.notes_label = self._label("\n".join(f"Note: {n}" for n in result.notes), "notes")
        self.notes_label.setVisible(bool(result.notes))
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)

    def _label(self, text: str, name: str = "") -> QLabel:
        label = QLabel(text, self)
        label.setObjectName(name)
        label.setWordWrap(True)
        self.layout_.addWidget(label)
        return label

    def _add_view(self, view: QAbstractItemView) -> None:
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.layout_.addWidget(view, 1)
        self.layout_.addLayout(self.buttons)

    def _button(self, text: str, name: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        self.buttons.addWidget(button)
        return button


class ImportPreviewDialog(_ImportDialog):
    """What the import would change; Apply (one undo step), New scenario… or Cancel."""

    def __init__(self, preview: ImportPreview, currency: str, editable: bool, parent: QWidget):
        result = preview.result
        total = result.change_count
        heading = (
            f"{plural(total, 'change')} to import"
            if total
            else "No changes: the workbook matches the plan"
        )
        super().__init__("Import from Excel", heading, result, parent)
        counts = " · ".join(f"{s}: {n:,}" for s, n in preview.counts.items())
        self.counts_label = self._label(counts, "sheetCounts")
        self.hint_label = self._label(PREVIEW_HINT, "footnote")
        self.model = ChangeTreeModel(preview, currency, self)
        self.view = QTreeView(self)
        self.view.setModel(self.model)
        self.view.setUniformRowHeights(True)
        self._add_view(self.view)
        header = self.view.header()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.view.setColumnWidth(0, 200)
        self.view.setStyleSheet("QTreeView::item { padding: 3px 8px 3px 0px; }")
        for row in range(self.model.rowCount()):
            self.view.setFirstColumnSpanned(row, QModelIndex(), True)
        self.view.expandAll()
        self.apply_button = self._button(f"Apply to ‘{result.scenario_name}’", "applyImport")
        self.apply_button.setVisible(total > 0)
        self.apply_button.setEnabled(editable and total > 0)
        self.apply_button.setDefault(total > 0)
        self.new_scenario_button = self._button("New scenario…", "importAsScenario")
        self.new_scenario_button.setEnabled(editable)
        self.cancel_button = self._button("Cancel", "cancelImport")
        self.cancel_button.clicked.connect(self.reject)
        (self.apply_button if total else self.cancel_button).setFocus()


class ImportProblemsDialog(_ImportDialog):
    """Why nothing was imported: every problem with its sheet and cell; only Close."""

    def __init__(self, result: ImportResult, parent: QWidget) -> None:
        count = result.problem_count
        heading = f"{plural(count, 'problem')} in the workbook; nothing was imported"
        super().__init__("Import from Excel: problems", heading, result, parent)
        hint = "Correct these cells in Excel, save the workbook and import it again."
        if count > len(result.problems):
            hint = f"The first {len(result.problems):,} are listed. {hint}"
        self.hint_label = self._label(hint)
        self.model = ProblemTableModel(result, self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        self.view.verticalHeader().setVisible(False)
        self._add_view(self.view)
        self.view.setStyleSheet("QTableView::item { padding: 2px 10px 2px 6px; }")
        header = self.view.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.close_button = self._button("Close", "closeProblems")
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.reject)
        self.close_button.setFocus()
