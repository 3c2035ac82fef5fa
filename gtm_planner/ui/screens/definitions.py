"""The shared glossary (inquiry, MQL, SAL, SQL, opportunity, ICP…): one meaning for both teams."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from gtm_planner.model.commands import Command, InsertRecord, Macro, RemoveRecord, SetAttribute
from gtm_planner.model.document import PlanDocument, RecordKind
from gtm_planner.model.entities import Definition, Owner
from gtm_planner.ui.screens.records import (
    OWNER_LABELS,
    MessageBar,
    OwnerChipDelegate,
    RecordScreen,
    RecordTable,
    RecordTableModel,
)
from gtm_planner.ui.undo import UndoController

# --- the glossary --------------------------------------------------------------------------


def term_problem(
    document: PlanDocument, term: str, definition_id: int | None = None
) -> str | None:
    """Why ``term`` cannot be a glossary term (empty or already defined); None if it can."""
    cleaned = term.strip()
    if not cleaned:
        return "A glossary entry needs a term."
    for other in document.plan.definitions:
        if other.id != definition_id and other.term.strip().casefold() == cleaned.casefold():
            return f"“{other.term}” is already defined; edit that entry instead."
    return None


class DefinitionsTableModel(RecordTableModel):
    """The glossary, one term a row; edited through ``DefinitionDialog`` (multi-line text)."""

    kind = RecordKind.DEFINITION
    noun = "definition"
    headers = ("Term", "Definition", "Owner")
    owner_column = 2

    def records(self) -> list[Any]:
        return self.document.plan.definitions

    def display(self, record: Any, column: int) -> str:
        return str(record.term if column == 0 else record.definition)


class DefinitionDialog(QDialog):
    """Add or edit one glossary entry: term, definition (several lines) and owner.

    ``problem_of`` checks the term when the user presses OK; a refused term keeps the dialog
    open with the reason shown in it.
    """

    def __init__(
        self,
        title: str,
        entry: Definition | None,
        problem_of: Callable[[str], str | None],
        parent: QWidget | None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._problem_of = problem_of
        self.term = QLineEdit(entry.term if entry else "", self)
        self.definition = QPlainTextEdit(entry.definition if entry else "", self)
        self.definition.setMinimumSize(640, 200)
        self.owner = QComboBox(self)
        for owner in Owner:
            self.owner.addItem(OWNER_LABELS[owner], owner.value)
        current = entry.owner if entry else Owner.JOINT
        self.owner.setCurrentIndex(self.owner.findData(current.value))
        self.message = MessageBar(self)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Term", self.term)
        form.addRow("&Definition", self.definition)
        form.addRow("&Owner", self.owner)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def accept(self) -> None:
        problem = self._problem_of(self.term.text())
        if problem:
            self.message.show_problem(problem)
            return
        super().accept()

    def values(self) -> tuple[str, str, Owner]:
        return self.term.text(), self.definition.toPlainText(), Owner(self.owner.currentData())


class DefinitionsScreen(RecordScreen):
    """The glossary both teams sign up to; add, edit and remove entries, all undoable."""

    def __init__(
        self, document: PlanDocument, undo: UndoController, parent: QWidget | None = None
    ) -> None:
        super().__init__(document, undo, parent)
        self.model = DefinitionsTableModel(document, undo, self)
        self.table = RecordTable(self.model, stretch_column=1, parent=self)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.setItemDelegateForColumn(2, OwnerChipDelegate(self.table))
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.table.doubleClicked.connect(lambda index: self.edit_row(index.row()))
        self.add_button("add", "Add term…", self._ask_add)
        self.add_button("edit", "Edit…", lambda: self.edit_row(self.table.selected_row()))
        self.add_button("remove", "Remove…", self.remove_selected)
        note = ("One meaning of each stage and term for sales and marketing. Double-click an "
                "entry to edit it.")  # fmt: skip
        self.add_section("Definitions: the common language", ("add", "edit", "remove"), note,
                         self.table, stretch=1)  # fmt: skip
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        self._update_buttons()

    def _update_buttons(self) -> None:
        writable = not self.document.read_only
        chosen = self.table.selected_row() is not None
        self.buttons["add"].setEnabled(writable)
        self.buttons["edit"].setEnabled(writable and chosen)
        self.buttons["remove"].setEnabled(writable and chosen)

    def add_definition(self, term: str, text: str, owner: Owner) -> bool:
        """Add an entry at the end; False (and a message) if the term is empty or taken."""
        problem = term_problem(self.document, term)
        if problem:
            self.message.show_problem(problem)
            return False
        entry = Definition(self.document.next_id(RecordKind.DEFINITION), term.strip(),
                           text.strip(), owner)  # fmt: skip
        position = len(self.document.plan.definitions)
        label = f"Add definition ‘{entry.term}’"
        return self.push(InsertRecord(label, RecordKind.DEFINITION, position, entry))

    def edit_definition(self, definition_id: int, term: str, text: str, owner: Owner) -> bool:
        """Change an entry as one undo step; False (and a message) if the term is refused."""
        problem = term_problem(self.document, term, definition_id)
        if problem:
            self.message.show_problem(problem)
            return False
        entry = self.document.record(RecordKind.DEFINITION, definition_id)
        label = f"Edit definition ‘{entry.term}’"
        new = {"term": term.strip(), "definition": text.strip(), "owner": owner}
        changes: tuple[Command, ...] = tuple(
            SetAttribute(label, RecordKind.DEFINITION, definition_id, attribute, value)
            for attribute, value in new.items()
            if getattr(entry, attribute) != value
        )
        return not changes or self.push(Macro(label, changes))

    def remove_selected(self) -> bool:
        """Remove the selected entry after asking; undoable."""
        row = self.table.selected_row()
        if row is None:
            return False
        entry = self.model.record_at(row)
        question = f"Remove “{entry.term}” from the glossary? (Edit › Undo brings it back.)"
        if not self.confirm(self, "Remove definition", question):
            return False
        label = f"Remove definition ‘{entry.term}’"
        return self.push(RemoveRecord(label, RecordKind.DEFINITION, entry.id))

    def edit_row(self, row: int | None) -> None:
        if row is None or self.document.read_only:
            return
        entry = self.model.record_at(row)
        check = partial(term_problem, self.document, definition_id=entry.id)
        dialog = DefinitionDialog(f"Edit “{entry.term}”", entry, check, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.edit_definition(entry.id, *dialog.values())

    def _ask_add(self) -> None:
        dialog = DefinitionDialog("Add a term", None, partial(term_problem, self.document), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.add_definition(*dialog.values())
