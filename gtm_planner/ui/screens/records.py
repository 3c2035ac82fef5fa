"""Shared pieces of the record screens: a thin table model over plan records, delegates,
the message bar and the screen frame (goals, SLA, definitions, scenarios)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gtm_planner.model.commands import Command, SetAttribute
from gtm_planner.model.document import PlanDocument, RecordKind
from gtm_planner.model.entities import Owner
from gtm_planner.model.goals import GoalInputError
from gtm_planner.ui.document_events import subscribe
from gtm_planner.ui.theme import MUTED, WARNING_INK, bold_font
from gtm_planner.ui.undo import UndoController

AnyIndex = QModelIndex | QPersistentModelIndex
OWNER_ROLE = int(Qt.ItemDataRole.UserRole) + 20  # Owner.value of a record's owner cell
EDIT = Qt.ItemDataRole.EditRole
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
OWNER_LABELS = {Owner.CRO: "CRO", Owner.CMO: "CMO", Owner.JOINT: "Joint"}
OWNER_TIPS = {
    Owner.CRO: "Owned by the CRO (sales)",
    Owner.CMO: "Owned by the CMO (marketing)",
    Owner.JOINT: "Shared: the CRO and the CMO own it together",
}
# (fill, ink): the single-team owners are pale, the shared ones solid so they stand out.
OWNER_COLORS = {
    Owner.CRO: ("#dbeafe", "#1e3a8a"),
    Owner.CMO: ("#f3e8ff", "#6b21a8"),
    Owner.JOINT: ("#166534", "#ffffff"),
}
_CELL_PADDING = QSize(20, 8)


class RecordInputError(ValueError):
    """What a user typed cannot be stored; the message says why and what would do."""


def ask_yes_no(parent: QWidget, title: str, question: str) -> bool:
    answer = QMessageBox.question(parent, title, question)
    return answer == QMessageBox.StandardButton.Yes


Confirm = Callable[[QWidget, str, str], bool]


class RecordTableModel(QAbstractTableModel):
    """A table over one list of plan records; each accepted edit is one undoable command.

    Subclasses say what a cell shows (``display``) and what an edit means (``change``, which
    raises ``RecordInputError`` for bad input: the model emits ``rejected`` and changes
    nothing). The table follows the document's events; it never copies the records.
    """

    rejected = Signal(str)

    kind: RecordKind
    noun: str = "record"  # as the undo labels name one: "goal", "SLA line"…
    headers: tuple[str, ...] = ()
    editable: frozenset[int] = frozenset()
    owner_column: int | None = None
    right_aligned: frozenset[int] = frozenset()

    def __init__(
        self, document: PlanDocument, undo: UndoController, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.undo = undo
        self._ids = self._record_ids()
        self._connect_events()

    # --- what a subclass supplies -------------------------------------------------------

    def records(self) -> list[Any]:
        raise TypeError(f"{type(self).__name__} must say which records it lists (records)")

    def display(self, record: Any, column: int) -> str:
        raise TypeError(f"{type(self).__name__} must say how a record reads (display)")

    def edit_value(self, record: Any, column: int) -> object:
        return self.display(record, column)

    def change(self, record: Any, column: int, value: object) -> Command | None:
        """The command an edit makes (None if nothing changes); raises RecordInputError."""
        raise RecordInputError("this cell cannot be edited")

    def tooltip(self, record: Any, column: int) -> str | None:
        return None

    def foreground(self, record: Any, column: int) -> QColor | None:
        return None

    def bold(self, record: Any, column: int) -> bool:
        return False

    def _connect_events(self) -> None:
        subscribe(self, self.document.records_changed, self._on_records_changed)

    # --- helpers ------------------------------------------------------------------------

    def _record_ids(self) -> list[int]:
        return [r.id for r in self.records()]

    def record_at(self, row: int) -> Any:
        return self.records()[row]

    def row_of(self, record_id: int) -> int:
        return self._ids.index(record_id)

    def _on_records_changed(self, kind: RecordKind) -> None:
        if kind is self.kind:
            self.refresh()

    def refresh(self) -> None:
        """Re-read the records: the same ones → dataChanged; added or removed → a reset."""
        ids = self._record_ids()
        if ids != self._ids:
            self.beginResetModel()
            self._ids = ids
            self.endResetModel()
        elif ids:
            last = self.index(len(ids) - 1, self.columnCount() - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def set_attribute(
        self, record: Any, attribute: str, value: object, what: str = ""
    ) -> Command | None:
        """One undoable change of one field, named for the undo menu; None if unchanged."""
        if getattr(record, attribute) == value:
            return None
        name = getattr(record, "name", getattr(record, "term", ""))
        label = f"Change {what or attribute} of {self.noun} ‘{name}’"
        return SetAttribute(label, self.kind, record.id, attribute, value)

    def text_change(self, record: Any, attribute: str, value: object) -> Command | None:
        """A text field; the record's name may not be blank."""
        text = str(value).strip()
        if attribute == "name" and not text:
            raise RecordInputError(f"A {self.noun} needs a name.")
        return self.set_attribute(record, attribute, text)

    def owner_change(self, record: Any, value: object) -> Command | None:
        if str(value) not in {o.value for o in Owner}:
            raise RecordInputError("The owner is the CRO, the CMO or joint.")
        return self.set_attribute(record, "owner", Owner(str(value)))

    # --- Qt model API -------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in self.editable and not self.document.read_only:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record, column = self.record_at(index.row()), index.column()
        owner = record.owner if column == self.owner_column else None
        if role == Qt.ItemDataRole.DisplayRole:
            return OWNER_LABELS[owner] if owner else self.display(record, column)
        if role == EDIT:
            return owner.value if owner else self.edit_value(record, column)
        if role == OWNER_ROLE:
            return owner.value if owner else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return OWNER_TIPS[owner] if owner else self.tooltip(record, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if column in self.right_aligned else LEFT
        if role == Qt.ItemDataRole.ForegroundRole:
            return self.foreground(record, column)
        if role == Qt.ItemDataRole.FontRole and self.bold(record, column):
            return bold_font()
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if section in self.right_aligned else LEFT
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = EDIT) -> bool:
        if role != EDIT or not index.isValid() or index.column() not in self.editable:
            return False
        record, column = self.record_at(index.row()), index.column()
        try:
            command = self.change(record, column, value)
            if command is not None:
                self.undo.push(command)
        except GoalInputError as problem:  # a number that cannot be one: say which cell
            name = getattr(record, "name", getattr(record, "term", ""))
            self.rejected.emit(f"{self.headers[column]} of ‘{name}’: {problem}")
            return False
        except (RecordInputError, PermissionError) as problem:
            self.rejected.emit(str(problem))
            return False
        return True


class PaddedDelegate(QStyledItemDelegate):
    """Cells with room around the text: easier to read and to hit on a projector."""

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        return super().sizeHint(option, index) + _CELL_PADDING


class ChoiceDelegate(PaddedDelegate):
    """Edits a cell by picking from a list: (label, value) pairs; commits on pick."""

    def __init__(
        self, choices: Callable[[], list[tuple[str, object]]], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._choices = choices

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        combo = QComboBox(parent)
        combo.setStyleSheet("QComboBox { min-width: 0px; padding: 2px 30px 2px 8px; }")
        for label, value in self._choices():
            combo.addItem(label, value)
        combo.activated.connect(lambda _i: self._commit(combo))
        return combo

    def _commit(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo)

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(index.data(EDIT))))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), EDIT)


class OwnerChipDelegate(ChoiceDelegate):
    """The owner as a coloured chip (CRO / CMO / Joint); edits with a pick list."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(lambda: [(OWNER_LABELS[o], o.value) for o in Owner], parent)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        plain = QStyleOptionViewItem(option)
        self.initStyleOption(plain, index)
        plain.text = ""
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, plain, painter, widget)
        value = index.data(OWNER_ROLE)
        if value not in {o.value for o in Owner}:
            return
        owner = Owner(value)
        fill, ink = OWNER_COLORS[owner]
        font = QFont(option.font)
        font.setBold(True)
        metrics = QFontMetrics(font)
        text = OWNER_LABELS[owner]
        cell: QRect = option.rect
        height = min(cell.height() - 4, metrics.height() + 4)
        top = cell.top() + (cell.height() - height) // 2
        chip = QRect(cell.left() + 8, top, metrics.horizontalAdvance(text) + 24, height)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(fill))
        painter.drawRoundedRect(chip, height / 2, height / 2)
        painter.setPen(QColor(ink))
        painter.setFont(font)
        painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        font = QFont(option.font)
        font.setBold(True)
        metrics = QFontMetrics(font)
        return QSize(metrics.horizontalAdvance("Joint") + 24 + 16, metrics.height() + 10)


class MessageBar(QLabel):
    """A line above a screen's tables: why an edit was refused, or what just happened."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problemMessage")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_problem(self, text: str) -> None:
        self._show(text, f"color: {WARNING_INK}; background: #fff7ed; border: 1px solid #fdba74;")

    def show_info(self, text: str) -> None:
        self._show(text, "color: #14532d; background: #f0fdf4; border: 1px solid #86efac;")

    def _show(self, text: str, colours: str) -> None:
        self.setStyleSheet(f"QLabel {{ {colours} border-radius: 4px; padding: 8px 12px; }}")
        self.setText(text)
        self.show()

    def clear_message(self) -> None:
        self.setText("")
        self.hide()


class RecordTable(QTableView):
    """A table exactly as tall as its rows (so short lists do not leave blank space)."""

    def __init__(
        self,
        model: QAbstractItemModel,
        stretch_column: int | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setItemDelegate(PaddedDelegate(self))
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.setSizeAdjustPolicy(QAbstractItemView.SizeAdjustPolicy.AdjustToContents)
        if stretch_column is None:  # as wide as its columns, no wider
            self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Maximum)
        else:
            header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
            self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            signal.connect(self.updateGeometry)

    def selected_row(self) -> int | None:
        rows = self.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def select_row(self, row: int) -> None:
        if 0 <= row < self.model().rowCount():
            self.selectRow(row)

    def minimumSizeHint(self) -> QSize:
        row = self.verticalHeader().defaultSectionSize()
        return QSize(200, self.horizontalHeader().height() + 3 * row + 2 * self.frameWidth())


def section_title(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("sectionTitle")
    return label


def footnote(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("footnote")
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {MUTED};")
    return label


class RecordScreen(QWidget):
    """A page of record tables: titled sections with their buttons and a note, one message
    bar on top, and every change pushed as one undoable command (refusals said in words).
    The page scrolls rather than squash its tables when the window is small.
    """

    def __init__(
        self, document: PlanDocument, undo: UndoController, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.undo = undo
        self.confirm: Confirm = ask_yes_no
        self.message = MessageBar(self)
        self.buttons: dict[str, QPushButton] = {}
        body = QWidget(self)
        self._body = QVBoxLayout(body)
        self._body.setContentsMargins(16, 8, 16, 8)
        self._body.setSpacing(6)
        self._body.addWidget(self.message)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def add_button(self, key: str, text: str, slot: Callable[[], object]) -> None:
        button = QPushButton(text, self)
        button.clicked.connect(lambda _checked=False: slot())
        self.buttons[key] = button

    def add_section(
        self,
        title: str | QLabel,
        buttons: tuple[str, ...],
        note: str | QLabel,
        table: QWidget,
        stretch: int = 0,
    ) -> None:
        """Title and buttons on one line, the note under them, then the table."""
        if self._body.count() > 1:
            self._body.addSpacing(8)
        row = QHBoxLayout()
        row.addWidget(title if isinstance(title, QLabel) else section_title(title, self), 1)
        for key in buttons:
            row.addWidget(self.buttons[key])
        self._body.addLayout(row)
        self._body.addWidget(note if isinstance(note, QLabel) else footnote(note, self))
        self._body.addWidget(table, stretch)

    def end_sections(self) -> None:
        """Short tables stay at the top; the room left stays below them."""
        self._body.addStretch(1)

    def push(self, command: Command) -> bool:
        """Apply ``command`` as one undo step; False (and the reason shown) if refused."""
        try:
            self.undo.push(command)
        except PermissionError as problem:
            self.message.show_problem(str(problem))
            return False
        self.message.clear_message()
        return True
