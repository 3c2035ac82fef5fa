"""Help › Keyboard shortcuts: every shortcut of the app, read from the actions themselves."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gtm_planner.ui.actions import ACTIONS

GRID_KEYS = (
    ("Enter", "Grids: commit the edit and move down"),
    ("Tab / Shift+Tab", "Grids: move right / left"),
    ("F2", "Grids: edit the current cell"),
    ("Delete", "Grids: clear the selected cells to 0"),
    ("Esc", "Grids: cancel the edit in progress"),
)


def shortcut_rows(actions: dict[str, QAction], pages: tuple[str, ...]) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for spec in ACTIONS:
        keys = actions[spec.id].shortcuts()
        if keys and actions[spec.id].isVisible():  # Refresh only shows for a shared plan
            text = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys)
            rows.append((text, spec.text.replace("&", "")))
    rows.extend((f"Ctrl+{i + 1}", f"Go to {title}") for i, title in enumerate(pages[:9]))
    rows.extend(GRID_KEYS)
    return rows


class ShortcutsDialog(QDialog):
    def __init__(
        self, actions: dict[str, QAction], pages: tuple[str, ...], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        rows = shortcut_rows(actions, pages)
        self.table = QTableWidget(len(rows), 2, self)
        self.table.setHorizontalHeaderLabels(["Keys", "Does"])
        self.table.verticalHeader().setVisible(False)
        for r, (keys, does) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(keys))
            self.table.setItem(r, 1, QTableWidgetItem(does))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(640, 620)
