"""Definitions: one glossary, unique non-empty terms, every change undoable."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt

from gtm_planner.model.document import PlanDocument
from gtm_planner.model.entities import Owner
from gtm_planner.ui.screens.definitions import (
    DefinitionDialog,
    DefinitionsScreen,
    term_problem,
)
from gtm_planner.ui.undo import UndoController

CheckModel = Callable[..., None]


def terms(document: PlanDocument) -> list[str]:
    return [d.term for d in document.plan.definitions]


def test_definitions_model_passes_the_model_tester_while_terms_change(
    check_model: CheckModel, definitions_screen: DefinitionsScreen, undo: UndoController
) -> None:
    check_model(definitions_screen.model)
    definitions_screen.add_definition("SAO", "Sales-accepted opportunity.", Owner.CRO)
    definitions_screen.edit_definition(1, "Inquiry", "A raised hand.", Owner.CMO)
    definitions_screen.table.select_row(0)
    definitions_screen.remove_selected()
    undo.stack.undo()


def test_add_then_remove_a_term_and_undo_both(
    definitions_screen: DefinitionsScreen, demo_document: PlanDocument, undo: UndoController
) -> None:
    count = len(terms(demo_document))
    assert definitions_screen.add_definition(
        "  Pipeline velocity ",
        "Opportunities × ASP × win rate ÷ cycle length.\nPer month.",
        Owner.JOINT,
    )
    entry = demo_document.plan.definitions[-1]
    assert (entry.term, entry.owner) == ("Pipeline velocity", Owner.JOINT)
    assert entry.definition.endswith("\nPer month.")  # multi-line kept
    model = definitions_screen.model
    assert model.data(model.index(count, 0), Qt.ItemDataRole.DisplayRole) == "Pipeline velocity"
    assert model.data(model.index(count, 2), Qt.ItemDataRole.DisplayRole) == "Joint"
    assert undo.stack.undoText() == "Add definition ‘Pipeline velocity’"
    definitions_screen.table.select_row(count)
    assert definitions_screen.remove_selected()
    assert "Pipeline velocity" not in terms(demo_document)
    undo.stack.undo()
    assert terms(demo_document)[-1] == "Pipeline velocity"
    undo.stack.undo()
    assert len(terms(demo_document)) == count and model.rowCount() == count


def test_a_duplicate_term_is_refused_with_a_message(
    definitions_screen: DefinitionsScreen, demo_document: PlanDocument, undo: UndoController
) -> None:
    before = terms(demo_document)
    assert not definitions_screen.add_definition(" mql ", "Another meaning.", Owner.CMO)
    assert terms(demo_document) == before and undo.stack.count() == 0
    assert "“MQL” is already defined" in definitions_screen.message.text()
    assert not definitions_screen.add_definition("   ", "No term.", Owner.CMO)
    assert definitions_screen.message.text() == "A glossary entry needs a term."
    assert not definitions_screen.edit_definition(1, "SQL", "Renamed onto SQL.", Owner.CRO)
    assert terms(demo_document) == before


def test_editing_an_entry_is_one_undo_step(
    definitions_screen: DefinitionsScreen, demo_document: PlanDocument, undo: UndoController
) -> None:
    original = demo_document.plan.definitions[0]
    old = (original.term, original.definition, original.owner)
    assert definitions_screen.edit_definition(1, "Inquiry (raised hand)", "A hand.", Owner.JOINT)
    assert (original.term, original.definition, original.owner) == (
        "Inquiry (raised hand)",
        "A hand.",
        Owner.JOINT,
    )
    assert undo.stack.count() == 1
    undo.stack.undo()
    assert (original.term, original.definition, original.owner) == old


def test_remove_asks_first_and_no_keeps_the_term(
    definitions_screen: DefinitionsScreen, demo_document: PlanDocument
) -> None:
    asked: list[str] = []

    def say_no(_parent: object, _title: str, question: str) -> bool:
        asked.append(question)
        return False

    definitions_screen.confirm = say_no
    definitions_screen.table.select_row(1)
    assert not definitions_screen.remove_selected()
    assert "MQL" in terms(demo_document) and "“MQL”" in asked[0]


def test_the_dialog_keeps_a_duplicate_term_open_with_the_reason(
    definitions_screen: DefinitionsScreen, demo_document: PlanDocument
) -> None:
    dialog = DefinitionDialog(
        "Add a term", None, lambda t: term_problem(demo_document, t), definitions_screen
    )
    dialog.term.setText("ICP")
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "“ICP” is already defined" in dialog.message.text()
    dialog.term.setText("Buying group")
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.values()[0] == "Buying group"
