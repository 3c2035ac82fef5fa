"""The one ``QUndoCommand`` adapter: runs the model's pure commands on a ``QUndoStack``.

``QUndoStack.push`` calls ``redo`` itself, so a command is never applied before it is pushed.
Validation happens before ``push`` (the grid models parse and check first); what reaches the
stack always applies.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget

from gtm_planner.model.commands import Command
from gtm_planner.model.document import PlanDocument


class _Adapter(QUndoCommand):
    def __init__(self, document: PlanDocument, command: Command) -> None:
        super().__init__(command.label)
        self._document = document
        self._forward = command
        self._inverse: Command | None = None

    def redo(self) -> None:
        if self.isObsolete():
            return
        self._document.begin_step(self.text())
        self._inverse = self._forward.apply(self._document)

    def undo(self) -> None:
        if self.isObsolete():
            return
        assert self._inverse is not None, "undo before redo"
        self._document.begin_step(f"Undo {self.text()}")
        self._forward = self._inverse.apply(self._document)


class UndoController:
    """Owns the window's undo stack; every edit of the plan goes through ``push``."""

    def __init__(self, document: PlanDocument, parent: QWidget | None = None) -> None:
        self.document = document
        self.stack = QUndoStack(parent)

    def push(self, command: Command) -> None:
        """Apply ``command`` as one undoable step named by its label."""
        if self.document.read_only:
            raise PermissionError("this plan is open read-only; save a copy to edit it")
        self.stack.push(_Adapter(self.document, command))

    # A step whose change did not last (a shared database refused it and the document is back
    # at the stored values) leaves the stack unplayed: Qt deletes an obsolete command on undo
    # or redo without running it.

    def drop_done(self) -> None:
        """Take the step Undo would undo off the stack, without undoing it."""
        index = self.stack.index()
        if index > 0:
            self.stack.command(index - 1).setObsolete(True)
            self.stack.undo()

    def drop_undone(self) -> None:
        """Take every step Redo would redo off the stack, without redoing any (the next of
        them did not last, and those after it were made on top of it)."""
        while self.stack.index() < self.stack.count():
            self.stack.command(self.stack.index()).setObsolete(True)
            self.stack.redo()
