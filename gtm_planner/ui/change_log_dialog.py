"""The change log: who changed what, when, from which value to which, newest first.

Entries not yet saved to the file, or to the database for a shared plan (the document's
pending log), are listed too, marked "unsaved": a CRO reviewing the CMO's edits before saving
sees them with the rest. In a shared plan each change names the database user who saved it
beside the person's login.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gtm_planner.model.document import PlanDocument
from gtm_planner.model.entities import ChangeLogEntry

HEADERS = ("When", "Who", "Scenario", "What", "Old → new")
UNSAVED = "unsaved"
EMPTY_VALUE = "—"
AnyIndex = QModelIndex | QPersistentModelIndex


def change_text(entry: ChangeLogEntry) -> str:
    """'120 → 140'; an empty side (an added or removed record) shows as a dash."""
    return f"{entry.old_value or EMPTY_VALUE} → {entry.new_value or EMPTY_VALUE}"


def who_text(entry: ChangeLogEntry) -> str:
    """'anna', or 'anna (database user gtm_sales)' for a change saved to a shared plan."""
    return f"{entry.user} (database user {entry.db_user})" if entry.db_user else entry.user


def when_text(entry: ChangeLogEntry, *, saved: bool) -> str:
    shown = f"{entry.at.astimezone():%Y-%m-%d %H:%M}"
    return shown if saved else f"{shown} ({UNSAVED})"


class ChangeLogModel(QAbstractTableModel):
    """Read-only rows over the document's log: pending entries first, then saved ones.

    ``shared``: the plan is kept in a database (team mode), not in a file.
    """

    def __init__(
        self, document: PlanDocument, parent: QWidget | None = None, *, shared: bool = False
    ) -> None:
        super().__init__(parent)
        self._document = document
        self._unsaved_tip = f"Not yet saved to the {'database' if shared else 'plan file'}"
        self._rows: list[tuple[ChangeLogEntry, bool]] = []
        self._collect()

    def _collect(self) -> None:
        def newest_first(entries: list[ChangeLogEntry]) -> list[ChangeLogEntry]:
            return sorted(entries, key=lambda e: (e.at, e.id), reverse=True)

        pending = [(e, False) for e in newest_first(self._document.pending_log)]
        saved = [(e, True) for e in newest_first(self._document.plan.change_log)]
        self._rows = pending + saved

    def refresh(self) -> None:
        """Re-read the log (after an edit, an undo or a save)."""
        self.beginResetModel()
        self._collect()
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        entry, saved = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == 0:
                return when_text(entry, saved=saved)
            return (who_text(entry), entry.scenario, entry.what, change_text(entry))[column - 1]
        if role == Qt.ItemDataRole.FontRole and not saved:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and not saved:
            return self._unsaved_tip
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(HEADERS)
        ):
            return HEADERS[section]
        return None

    def is_unsaved(self, row: int) -> bool:
        return not self._rows[row][1]


class ChangeLogDialog(QDialog):
    """A window beside the plan (not modal): the log stays open while people keep editing."""

    def __init__(
        self, document: PlanDocument, parent: QWidget | None = None, *, shared: bool = False
    ) -> None:
        super().__init__(parent)
        self.setObjectName("changeLogDialog")
        self.setWindowTitle("Change log")
        self.model = ChangeLogModel(document, self, shared=shared)
        self.summary = QLabel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(900, 520)
        self.refresh()

    def refresh(self) -> None:
        self.model.refresh()
        rows = self.model.rowCount()
        unsaved = sum(1 for row in range(rows) if self.model.is_unsaved(row))
        text = f"{rows} change{'s' if rows != 1 else ''}, newest first"
        self.summary.setText(f"{text}; {unsaved} not yet saved" if unsaved else text)
        self.table.resizeColumnsToContents()
