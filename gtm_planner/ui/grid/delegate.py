"""The grid's cell editor: a plain line of text, parsed by the model when committed."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QLineEdit, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from gtm_planner.ui.grid.model import EDIT_TEXT_ROLE

AnyIndex = QModelIndex | QPersistentModelIndex


class GridDelegate(QStyledItemDelegate):
    """A plain line editor: the model parses the text, so "25%" and "$1.2M" both work."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.last_commit_accepted = True

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        editor = QLineEdit(parent)
        editor.setFrame(False)
        editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return editor

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        if isinstance(editor, QLineEdit):
            editor.setText(str(index.data(EDIT_TEXT_ROLE) or ""))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        if isinstance(editor, QLineEdit):
            self.last_commit_accepted = model.setData(
                index, editor.text(), Qt.ItemDataRole.EditRole
            )
