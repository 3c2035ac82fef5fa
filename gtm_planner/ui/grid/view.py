"""``PlanGrid``: the spreadsheet-like view every screen uses over a ``GridModel``.

Copy a selection as TSV, paste a range copied from Excel (all cells checked first, one undo
step or nothing), Fill down / Fill right (Ctrl+D / Ctrl+R), Delete to clear, Tab and Enter to
move on. Row labels sit in the vertical header, so they stay in view when the grid scrolls
sideways. Anything refused is said through ``message``; nothing is clamped or dropped.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QContextMenuEvent,
    QFocusEvent,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHeaderView,
    QMenu,
    QSizePolicy,
    QTableView,
    QWidget,
)

from gtm_planner.ui.grid.delegate import GridDelegate
from gtm_planner.ui.grid.edits import EditPlan, Rect, parse_tsv, plan_clear, plan_fill, plan_paste
from gtm_planner.ui.grid.model import COPY_TEXT_ROLE, GridModel
from gtm_planner.ui.table_sizing import height_for_rows

AnyIndex = QModelIndex | QPersistentModelIndex
StandardKey = QKeySequence.StandardKey
FILL_DOWN_KEYS = QKeySequence("Ctrl+D")
FILL_RIGHT_KEYS = QKeySequence("Ctrl+R")
_CELL_PADDING_PX = 20
_ROW_PADDING_PX = 12
_MIN_COLUMN_PX = 72
_SAMPLE_ROWS = 60
_MIN_ROWS_IN_VIEW = 3
_PREFERRED_ROWS_IN_VIEW = 8


class PlanGrid(QTableView):
    """An editable grid over one ``GridModel``; ``message`` says what was refused and why."""

    message = Signal(str)
    focused = Signal()  # the grid took the keyboard focus (the Edit menu acts on it)

    def __init__(self, model: GridModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.setModel(model)
        self._delegate = GridDelegate(self)
        self.setItemDelegate(self._delegate)
        self.setObjectName("planGrid")
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setTabKeyNavigation(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        triggers = QAbstractItemView.EditTrigger
        self.setEditTriggers(
            triggers.DoubleClicked | triggers.EditKeyPressed | triggers.AnyKeyPressed
        )
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setHighlightSections(False)
        rows = self.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setHighlightSections(False)
        rows.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self._fit_when_shown = False
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self.fit_to_contents)
        model.message.connect(self.message)
        model.modelReset.connect(self._fit_timer.start)
        model.headerDataChanged.connect(self._fit_timer.start)
        model.dataChanged.connect(self._on_data_changed)
        self.fit_to_contents()

    @property
    def grid_model(self) -> GridModel:
        return self._model

    # --- commands the Edit menu calls on the focused grid --------------------------------

    def selected_rects(self) -> list[Rect]:
        """The selected blocks of cells, in the order they were selected."""
        selection = self.selectionModel().selection()
        return [
            Rect(r.top(), r.left(), r.bottom(), r.right())
            for r in (selection.at(i) for i in range(selection.count()))
            if r.isValid()
        ]

    def _bounding_rect(self) -> Rect | None:
        rects = self.selected_rects()
        if not rects:
            current = self.currentIndex()
            if not current.isValid():
                return None
            return Rect(current.row(), current.column(), current.row(), current.column())
        return Rect(
            min(r.top for r in rects),
            min(r.left for r in rects),
            max(r.bottom for r in rects),
            max(r.right for r in rects),
        )

    def copy_selection(self) -> str:
        """Put the selection on the clipboard as TSV (what Excel pastes); return the text."""
        rect = self._bounding_rect()
        if rect is None:
            return ""
        selection = self.selectionModel()
        lines = []
        for row in range(rect.top, rect.bottom + 1):
            cells = []
            for column in range(rect.left, rect.right + 1):
                index = self._model.index(row, column)
                chosen = selection.isSelected(index) or rect.rows * rect.columns == 1
                cells.append(str(index.data(COPY_TEXT_ROLE) or "") if chosen else "")
            lines.append("\t".join(cells))
        text = "\n".join(lines) + "\n"
        QGuiApplication.clipboard().setText(text)
        return text

    def paste(self) -> bool:
        """Paste the clipboard's text at the current cell (see ``paste_text``)."""
        return self.paste_text(QGuiApplication.clipboard().text())

    def paste_text(self, text: str) -> bool:
        """Paste a TSV range with its top-left at the current cell: all of it, or nothing.

        One copied cell pasted over a selected block fills the block, as in Excel.
        """
        start = self._bounding_rect()
        if start is None:
            self.message.emit("Paste refused: click the cell where the range should start.")
            return False
        current = self.currentIndex()
        top, left = (current.row(), current.column()) if current.isValid() else (0, 0)
        cells = parse_tsv(text)
        if len(cells) == 1 and len(cells[0]) == 1 and start.rows * start.columns > 1:
            top, left = start.top, start.left
            cells = [[cells[0][0]] * start.columns for _ in range(start.rows)]
        plan = plan_paste(self._model, top, left, cells)
        if plan.problems:
            self.message.emit(plan.summary("Paste"))
            return False
        count = len(plan.edits)
        if not self._model.push_edits(plan.edits, f"Paste {count} cell{'s' * (count != 1)}"):
            return False
        self._select(Rect(top, left, top + len(cells) - 1, left + len(cells[0]) - 1))
        return True

    def fill_down(self) -> bool:
        """Copy each selected block's first row into the rows below it (Ctrl+D)."""
        return self._fill(down=True)

    def fill_right(self) -> bool:
        """Copy each selected block's first column into the columns right of it (Ctrl+R)."""
        return self._fill(down=False)

    def _fill(self, down: bool) -> bool:
        action = "Fill down" if down else "Fill right"
        rects = self.selected_rects()
        if not rects:
            bounding = self._bounding_rect()
            rects = [bounding] if bounding is not None else []
        combined = EditPlan()
        for rect in rects:
            plan = plan_fill(self._model, rect, down)
            combined.edits.extend(plan.edits)
            combined.problems.extend(plan.problems)
        if combined.problems:
            self.message.emit(combined.summary(action))
            return False
        if not combined.edits:
            self.message.emit(f"{action}: none of the selected cells can be typed in.")
            return False
        count = len(combined.edits)
        return self._model.push_edits(combined.edits, f"{action} {count} cell{'s' * (count != 1)}")

    def clear_cells(self) -> bool:
        """Set the selected input cells to 0 where 0 is allowed (Delete)."""
        cells = sorted({(i.row(), i.column()) for i in self.selectionModel().selectedIndexes()})
        plan = plan_clear(self._model, cells)
        done = bool(plan.edits) and self._model.push_edits(
            plan.edits, f"Clear {len(plan.edits)} cell{'s' * (len(plan.edits) != 1)}"
        )
        if plan.problems:
            first = plan.problems[0]
            more = f" (and {len(plan.problems) - 1} more)" if len(plan.problems) > 1 else ""
            self.message.emit(f"Left unchanged: {first}{more}.")
        return done

    def _select(self, rect: Rect) -> None:
        model = self._model
        selection = QItemSelection(
            model.index(rect.top, rect.left), model.index(rect.bottom, rect.right)
        )
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        self.selectionModel().select(selection, flags)

    # --- keyboard -----------------------------------------------------------------------

    @staticmethod
    def _is_grid_key(event: QKeyEvent) -> bool:
        combination = QKeySequence(event.keyCombination())
        return (
            event.matches(StandardKey.Copy)
            or event.matches(StandardKey.Paste)
            or event.matches(StandardKey.Delete)
            or event.key() == Qt.Key.Key_Backspace
            or combination in (FILL_DOWN_KEYS, FILL_RIGHT_KEYS)
        )

    def event(self, event: QEvent) -> bool:
        # Take our keys before a window-wide shortcut with the same keys (Edit › Copy) does.
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and self.state() != QAbstractItemView.State.EditingState
            and self._is_grid_key(event)
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        combination = QKeySequence(event.keyCombination())
        if event.matches(StandardKey.Copy):
            self.copy_selection()
        elif event.matches(StandardKey.Paste):
            self.paste()
        elif event.matches(StandardKey.Delete) or event.key() == Qt.Key.Key_Backspace:
            self.clear_cells()
        elif combination == FILL_DOWN_KEYS:
            self.fill_down()
        elif combination == FILL_RIGHT_KEYS:
            self.fill_right()
        elif (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.state() != QAbstractItemView.State.EditingState
        ):  # while editing, the delegate commits and ``closeEditor`` moves down
            up = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self._move_current(-1 if up else 1)
        elif self._typed_into_calculated_cell(event):
            current = self.currentIndex()
            reason = self._model.not_editable_reason(current.row(), current.column())
            self.message.emit(f"{reason}.")
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def _typed_into_calculated_cell(self, event: QKeyEvent) -> bool:
        current = self.currentIndex()
        return (
            current.isValid()
            and event.text().isprintable()
            and bool(event.text().strip())
            and not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
            and not self._model.flags(current) & Qt.ItemFlag.ItemIsEditable
        )

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.focused.emit()

    def _move_current(self, rows: int) -> None:
        current = self.currentIndex()
        if not current.isValid():
            return
        row = min(max(current.row() + rows, 0), self._model.rowCount() - 1)
        self.setCurrentIndex(self._model.index(row, current.column()))

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        # Enter commits (the delegate's "submit" hint) and moves down, as in a spreadsheet;
        # a refused value keeps the cell current so the user can type it again.
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            if self._delegate.last_commit_accepted:
                self._move_current(1)
            return
        super().closeEditor(editor, hint)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = QMenu(self)
        for text, keys, slot in (
            ("Copy", QKeySequence(StandardKey.Copy), self.copy_selection),
            ("Paste", QKeySequence(StandardKey.Paste), self.paste),
            ("Fill down", FILL_DOWN_KEYS, self.fill_down),
            ("Fill right", FILL_RIGHT_KEYS, self.fill_right),
            ("Clear to 0", QKeySequence(StandardKey.Delete), self.clear_cells),
        ):
            action = menu.addAction(
                f"{text}\t{keys.toString(QKeySequence.SequenceFormat.NativeText)}"
            )
            action.triggered.connect(slot)
        menu.exec(event.globalPos())
        menu.deleteLater()

    # --- size ---------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._fit_when_shown:
            self._fit_when_shown = False
            self._fit_timer.start()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_timer.start()

    def _on_data_changed(
        self, top_left: AnyIndex, bottom_right: AnyIndex, _roles: list[int] | None = None
    ) -> None:
        """Widen (never narrow) the changed columns if a new number no longer fits.

        A grid on a page that is not shown measures nothing now (that would be every row of
        every column): it fits itself once when it is shown again.
        """
        if not self.isVisible():
            self._fit_when_shown = True
            return
        first_row = max(self.rowAt(0), 0)
        last_row = self.rowAt(self.viewport().height() - 1)
        last_row = self._model.rowCount() - 1 if last_row < 0 else last_row
        rows = range(first_row, last_row + 1)
        header = self.horizontalHeader()
        widened = False
        first_column = max(top_left.column(), self.columnAt(0))
        last_column = self.columnAt(self.viewport().width() - 1)
        last_column = bottom_right.column() if last_column < 0 else last_column
        for column in range(first_column, min(bottom_right.column(), last_column) + 1):
            needed = self._values_width(column, rows)
            if needed > header.sectionSize(column):
                header.resizeSection(column, needed)
                widened = True
        if widened:
            self._fit_frame()

    def _values_width(self, column: int, rows: range | list[int]) -> int:
        plain, bold = self.fontMetrics(), QFontMetrics(_bold(self.font()))
        widest = 0
        for row in rows:
            text = str(self._model.index(row, column).data() or "")
            metrics = bold if self._model.row_spec(row).is_total else plain
            widest = max(widest, metrics.horizontalAdvance(text))
        return widest + _CELL_PADDING_PX

    def fit_to_contents(self) -> None:
        """Rows sized to the font; columns to the widest of header and (sampled) cells."""
        self.ensurePolished()
        model = self._model
        row_height = self.fontMetrics().height() + _ROW_PADDING_PX
        rows = self.verticalHeader()
        rows.setMinimumSectionSize(row_height)
        rows.setDefaultSectionSize(row_height)
        bold = QFontMetrics(_bold(self.font()))
        labels = [model.row_spec(r).label for r in range(model.rowCount())]
        label_width = max((bold.horizontalAdvance(label) for label in labels), default=0)
        rows.setMinimumWidth(label_width + _CELL_PADDING_PX)
        sample = list(range(min(_SAMPLE_ROWS, model.rowCount())))
        sample += [r for r in range(len(sample), model.rowCount()) if model.row_spec(r).is_total]
        header = self.horizontalHeader()
        for column in range(model.columnCount()):
            width = max(
                header.sectionSizeHint(column) + 8,
                self._values_width(column, sample),
                _MIN_COLUMN_PX,
            )
            header.resizeSection(column, width)
        self._fit_frame()
        self.updateGeometry()

    def _fit_frame(self) -> None:
        """No taller than all rows, no wider than all columns: the grid hugs its numbers."""
        rows = self._model.rowCount()
        self.setMaximumHeight(self.height_for_rows(rows))
        width = (
            self.horizontalHeader().length()
            + max(self.verticalHeader().minimumWidth(), self.verticalHeader().sizeHint().width())
            + 2 * self.frameWidth()
        )
        if self.height() < self.height_for_rows(rows):
            width += self.verticalScrollBar().sizeHint().width()
        self.setMaximumWidth(width)

    def height_for_rows(self, rows: int) -> int:
        """The height that shows ``rows`` rows, the header and a horizontal scroll bar if due."""
        return height_for_rows(self, rows)

    def sizeHint(self) -> QSize:
        rows = min(self._model.rowCount(), _PREFERRED_ROWS_IN_VIEW)
        return QSize(super().sizeHint().width(), self.height_for_rows(rows))

    def minimumSizeHint(self) -> QSize:
        rows = min(self._model.rowCount(), _MIN_ROWS_IN_VIEW)
        return QSize(super().minimumSizeHint().width(), self.height_for_rows(rows))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_frame()


def _bold(font: QFont) -> QFont:
    bold = QFont(font)
    bold.setBold(True)
    return bold
