"""What a shared plan's window tells its user, in words: the notices of team mode.

Four notices under the plan header, each a ``NoticeBar``: access (the database user may read
the plan, not change it), the connection (the database out of reach or not answering, edits
waiting, and the moment they are saved), conflicts (edits refused because someone changed the
cells first) and reloads (the plan's structure changed elsewhere). The sentences
are made here; the ``TeamController`` decides when each is said. None ever holds a password:
databases are named by the session's label.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QMainWindow, QToolBar, QVBoxLayout, QWidget

from gtm_planner.model.document import PlanDocument
from gtm_planner.model.entities import ChangeLogEntry
from gtm_planner.model.persistence.team import Refusal
from gtm_planner.ui.change_log_dialog import who_text
from gtm_planner.ui.notices import Action, NoticeBar, Tone
from gtm_planner.ui.plan_window import APP_NAME

DONE_NOTICE_MS = 10_000  # "Saved N edits …" goes by itself after this long
SHOWN_REFUSALS = 3  # the conflict notice says this many refusals, then how many in all


def edits_text(count: int) -> str:
    return f"{count} edit{'s' if count != 1 else ''}"


def are(count: int) -> str:
    return "are" if count != 1 else "is"


def person(entry: ChangeLogEntry) -> str:
    """'maria (database user gtm_sales)': who saved a change, as the change log has it."""
    return who_text(entry)


def change_name(entry: ChangeLogEntry) -> str:
    """'Remove scenario «Efficiency plan»', 'Add region «Nordics»': a change, named."""
    if entry.scenario and entry.scenario != "plan":
        return f"{entry.what} «{entry.scenario}»"
    return entry.what


def changes_text(changes: Sequence[ChangeLogEntry]) -> str:
    """' by anna at 14:02 (Remove scenario «Efficiency plan», and 2 other changes)': the
    latest of the changes that arrived, and how many more there were ('' for none)."""
    if not changes:
        return ""
    latest = changes[-1]
    others = len(changes) - 1
    more = f", and {others} other change{'s' if others != 1 else ''}" if others else ""
    when = f"{latest.at.astimezone():%H:%M}"
    return f" by {person(latest)} at {when} ({change_name(latest)}{more})"


class TeamNotices(QWidget):
    """The notices of one shared plan's window, stacked under its header."""

    def __init__(self, label: str, window: QMainWindow) -> None:
        super().__init__(window)
        self.label = label  # the database, as the session names it
        self.setObjectName("teamNotices")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 0)
        layout.setSpacing(6)
        self.access = NoticeBar("accessNotice", self)
        self.connection = NoticeBar("connectionNotice", self)
        self.conflict = NoticeBar("conflictNotice", self)
        self.reload = NoticeBar("reloadNotice", self)
        for bar in (self.access, self.connection, self.conflict, self.reload):
            layout.addWidget(bar)
        add_notices = getattr(window, "add_notices", None)
        if callable(add_notices):
            add_notices(self)
        else:  # any other window: a bar of its own under the menus
            toolbar = QToolBar("Notices", window)
            toolbar.setMovable(False)
            toolbar.addWidget(self)
            window.addToolBar(toolbar)

    # --- access and the connection --------------------------------------------------------

    def read_only(self, reason: str) -> None:
        """The database user may read the plan, not change it: why, and what to do."""
        self.access.show_notice(
            Tone.INFO,
            f"{reason} Others' changes still appear here as they are saved.",
            [("Dismiss", self.access.dismiss)],
        )

    def unreachable(
        self,
        waiting: int,
        seconds: int,
        why: str,
        actions: Sequence[Action],
        *,
        answering: bool = True,
    ) -> None:
        """'«db» cannot be reached. 2 edits are waiting and will be saved when it is back …';
        not ``answering``: '«db» is not answering. … saved when it answers …'."""
        back = "when it is back" if answering else "as soon as it answers"
        if waiting:
            kept = f"{edits_text(waiting)} {are(waiting)} waiting and will be saved {back}"
        else:
            kept = f"Your edits will be kept and saved {back}"
        state = "cannot be reached" if answering else "is not answering"
        text = f"{self.label} {state}. {kept} (next try in {seconds} s)."
        self.connection.show_notice(Tone.PROBLEM, text, actions, tip=why)

    def not_saved(self, waiting: int, why: str, actions: Sequence[Action]) -> None:
        """The database refused the save (not a lost connection): why, and what waits."""
        text = f"{why} {edits_text(waiting)} {are(waiting)} waiting."
        self.connection.show_notice(Tone.PROBLEM, text, actions, tip=why)

    def saved(self, count: int, *, after_outage: bool, stalled: bool = False) -> None:
        """The edits that waited are in the database now (the notice goes by itself)."""
        state = "was not answering" if stalled else "was unreachable"
        text = (
            f"Saved {edits_text(count)} made while {self.label} {state}."
            if after_outage
            else f"Saved {edits_text(count)} that were waiting."
        )
        self.connection.show_notice(Tone.DONE, text, hide_after_ms=DONE_NOTICE_MS)

    # --- conflicts and reloads ----------------------------------------------------------

    def refused(
        self,
        refusals: Sequence[Refusal],
        *,
        history_cleared: bool,
        reapply: Callable[[], object],
        dismiss: Callable[[], object],
    ) -> None:
        """Each refusal's message (the latest few), with Re-apply and Dismiss."""
        lines = [r.message for r in refusals[-SHOWN_REFUSALS:]]
        if len(refusals) > SHOWN_REFUSALS:
            lines.insert(0, f"{len(refusals)} edits were not saved; the latest:")
        if history_cleared:
            lines.append("Undo history was cleared: it held edits that were not saved.")
        kept = sum(len(r.kept) for r in refusals)
        actions: list[Action] = []
        if kept:
            actions.append(("Re-apply my value" if kept == 1 else "Re-apply my values", reapply))
        actions.append(("Dismiss", dismiss))
        self.conflict.show_notice(Tone.CONFLICT, "\n".join(lines), actions)

    def reloaded(self, changes: Sequence[ChangeLogEntry]) -> None:
        """The plan was replaced by the stored one: by whom, what they did (the latest of the
        ``changes`` that arrived, and how many more), undo is gone."""
        self.reload.show_notice(
            Tone.INFO,
            f"The plan in {self.label} was changed{changes_text(changes)} and has been "
            "reloaded. Undo history was cleared: its steps referred to the plan as it was.",
            [("Dismiss", self.reload.dismiss)],
        )


def shared_window_title(document: PlanDocument, label: str) -> str:
    """'«postgresql+psycopg://host:5432/plan» (shared)[*] — Northwind — Baseline — GTM …',
    '— read-only' when the database user may not change the plan."""
    name = label.replace("[*]", "[*][*]")
    parts = [f"{name} (shared)[*]", document.plan.settings.name, document.current_scenario.name]
    parts.append(APP_NAME)
    if document.read_only:
        parts.append("read-only")
    return " — ".join(parts)


def name_shared_actions(window: QMainWindow, label: str) -> None:
    """File › Save and Save As say what they do for a plan shared in a database."""
    actions = getattr(window, "action_by_id", None)
    if not isinstance(actions, dict):
        return
    save_as = actions.get("save_as")
    if save_as is not None:
        save_as.setText("Save a &Copy as File…")
        save_as.setStatusTip("Write the plan, with any edits not yet saved, to a file")
        save_as.setToolTip(save_as.statusTip())
    save = actions.get("save")
    if save is not None:
        save.setStatusTip(f"Edits are saved to {label} as you make them; this saves any still "
                          "waiting now")  # fmt: skip
        save.setToolTip(save.statusTip())
