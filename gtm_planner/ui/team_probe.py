"""Asking a shared database whether it answers, on a worker thread: the window never waits.

A ``Probe`` asks a ``TeamSession`` for the stored revision (one small query) on a daemon thread
of its own and hands the answer (or the error) to the GUI thread. A server whose processes are
frozen (a paused VM, a failover that hangs) keeps an open connection waiting until it runs
again; after ``STALL_MS`` without an answer the probe says so (``stalled``) and goes on waiting:
its answer, when it comes, is still handed over.

Each question gets a plain thread, not a pool's: a ``QThreadPool`` waits for its threads when
it is destroyed, which would hold the window's closing for as long as the server is frozen. A
thread still waiting when its window closes is left to end by itself: what it says then goes
nowhere, and it closes the session once it is done with its connection.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from gtm_planner.model.persistence import PlanFileError
from gtm_planner.model.persistence.team import TeamSession

STALL_MS = 3_000  # a server that answers does so in milliseconds; after this it is not answering


class _Relay(QObject):
    """What one worker thread says, emitted from that thread. It has no parent: the thread
    holds it, so it outlives a window that closes while the question is out."""

    answered = Signal(int)
    failed = Signal(object)  # the PlanFileError

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()
        self.done = False  # the worker is done with the session
        self.abandoned = False  # the window closed meanwhile: the worker closes the session


def _ask(session: TeamSession, relay: _Relay) -> None:
    try:
        revision = session.stored_revision()
    except PlanFileError as err:
        relay.failed.emit(err)
    else:
        relay.answered.emit(revision)
    finally:
        with relay.lock:
            relay.done = True
            abandoned = relay.abandoned
        if abandoned:
            session.close()  # its connection is back in the pool: closed with it


class Probe(QObject):
    """Asks a session for the stored revision on a worker thread; answers on the GUI thread."""

    answered = Signal(int)
    failed = Signal(object)  # the PlanFileError
    stalled = Signal()  # no answer within STALL_MS; the question stays out

    def __init__(self, session: TeamSession, parent: QObject) -> None:
        super().__init__(parent)
        self._session = session
        self._thread: threading.Thread | None = None
        self._relay: _Relay | None = None  # of the question out (None: none is)
        self._last: _Relay | None = None  # the last one answered: let go on the GUI thread
        self._closed = False
        self._stall_timer = QTimer(self, singleShot=True, interval=STALL_MS)
        self._stall_timer.timeout.connect(self.stalled)

    @property
    def running(self) -> bool:
        """A question is out: its answer has not been handed over yet."""
        return self._relay is not None

    @property
    def is_stalled(self) -> bool:
        """A question has been out for longer than ``STALL_MS``."""
        return self.running and not self._stall_timer.isActive()

    def start(self) -> None:
        """Ask now, unless a question is out already (its answer will do)."""
        if self.running or self._closed:
            return
        relay = _Relay()
        queued = Qt.ConnectionType.QueuedConnection
        relay.answered.connect(self._on_answered, queued)
        relay.failed.connect(self._on_failed, queued)
        self._relay = relay
        self._thread = threading.Thread(
            target=_ask, args=(self._session, relay), name="gtm-team-probe", daemon=True
        )
        self._stall_timer.start()
        self._thread.start()

    def wait(self, timeout_ms: int = -1) -> bool:
        """Wait for the worker to finish (-1: however long); True when it has. Its answer is
        handed over by the event loop, after this returns."""
        thread = self._thread
        if thread is None:
            return True
        thread.join(None if timeout_ms < 0 else timeout_ms / 1000)
        return not thread.is_alive()

    def close(self, wait_ms: int) -> None:
        """The window is going: wait at most ``wait_ms`` for a question out, stop listening and
        close the session, now or (a worker still waiting on a frozen server) when that
        worker is done with it."""
        self._stall_timer.stop()
        self.wait(wait_ms)
        self._closed = True
        relay = self._relay
        if relay is not None:
            with relay.lock:
                relay.abandoned = not relay.done
            if relay.abandoned:
                return
        self._session.close()

    def _handed_over(self) -> bool:
        self._stall_timer.stop()
        self._last, self._relay = self._relay, None
        return not self._closed

    def _on_answered(self, revision: int) -> None:
        if self._handed_over():
            self.answered.emit(revision)

    def _on_failed(self, err: PlanFileError) -> None:
        if self._handed_over():
            self.failed.emit(err)
