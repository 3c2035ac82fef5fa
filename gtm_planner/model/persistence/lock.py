"""Who has a plan file open for editing: a sidecar ``NAME.gtmplan.lock`` next to it.

The lock file is created atomically (``O_CREAT | O_EXCL``), so of two app instances opening
the same plan exactly one gets it; the other is told who holds it and may open the plan
read-only. The file holds JSON: the holder's user, host, process id and when they opened it.
A lock left behind by a process that no longer runs on this host (a crash, a kill) is stale
and is taken over. A lock held from another host is trusted: we cannot see its processes.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import json
import os
import socket
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from gtm_planner.model.document import current_user

LOCK_SUFFIX = ".lock"
# A lock file that cannot be read may be one another process is writing this very moment;
# only once it is this old is it treated as the remains of a crash.
UNREADABLE_LOCK_GRACE_SECONDS = 10.0


def lock_path(plan_path: Path) -> Path:
    """``q3.gtmplan`` → ``q3.gtmplan.lock``, in the same folder."""
    return plan_path.with_name(plan_path.name + LOCK_SUFFIX)


def this_host() -> str:
    return socket.gethostname()


@dataclass(frozen=True)
class LockHolder:
    """Who holds a lock, as read from its file."""

    user: str
    host: str
    pid: int
    opened_at: dt.datetime | None
    token: str = ""

    def describe(self, plan_path: Path, *, now: dt.datetime | None = None) -> str:
        """«plan.gtmplan» is open by maria on host lap-12 since 09:41"""
        since = ""
        if self.opened_at is not None:
            local = self.opened_at.astimezone()
            today = (now or dt.datetime.now().astimezone()).date()
            shown = f"{local:%H:%M}" if local.date() == today else f"{local:%d %b %Y %H:%M}"
            since = f" since {shown}"
        return f"«{plan_path.name}» is open by {self.user} on host {self.host}{since}"


@dataclass(frozen=True)
class LockHeld:
    """``acquire`` found the plan open elsewhere: who has it, and a sentence saying so."""

    path: Path
    holder: LockHolder

    @property
    def message(self) -> str:
        return self.holder.describe(self.path)


class Lock:
    """This process's hold on one plan file; ``release`` it when the plan is closed."""

    def __init__(self, path: Path, holder: LockHolder, took_over: LockHolder | None) -> None:
        self.path = path  # the plan file
        self.holder = holder
        self.took_over = took_over  # the stale holder whose lock was replaced, if any
        self._released = False
        atexit.register(self.release)

    @property
    def lock_file(self) -> Path:
        return lock_path(self.path)

    @property
    def released(self) -> bool:
        return self._released

    def release(self) -> None:
        """Remove the lock file if it is still ours; safe to call more than once."""
        if self._released:
            return
        self._released = True
        atexit.unregister(self.release)
        holder = _read_holder(self.lock_file)
        if holder is not None and holder.token == self.holder.token:
            with contextlib.suppress(OSError):
                self.lock_file.unlink()

    def __repr__(self) -> str:
        state = "released" if self._released else "held"
        return f"Lock({str(self.path)!r}, {state})"


def acquire(path: Path) -> Lock | LockHeld:
    """Take the lock on ``path`` or say who holds it; OSError if the folder is not writable.

    A stale lock (its process is gone from this host, or the file is unreadable and old) is
    removed and the lock taken. Two processes taking over the same stale lock at once cannot
    both win: the removal is followed by the same exclusive create.
    """
    path = Path(os.path.abspath(path))
    target = lock_path(path)
    took_over: LockHolder | None = None
    for _attempt in range(3):
        holder = LockHolder(
            user=current_user(),
            host=this_host(),
            pid=os.getpid(),
            opened_at=dt.datetime.now(dt.UTC),
            token=uuid.uuid4().hex,
        )
        if _create_exclusively(target, holder):
            return Lock(path, holder, took_over)
        existing = _read_holder(target)
        if existing is None:
            if not _unreadable_and_old(target):
                return LockHeld(path, _unknown_holder(target))
            took_over = _unknown_holder(target)
        elif is_stale(existing):
            took_over = existing
        else:
            return LockHeld(path, existing)
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
    # Someone else keeps recreating it between our removal and our create: they hold it.
    existing = _read_holder(target)
    return LockHeld(path, existing if existing is not None else _unknown_holder(target))


def read_holder(path: Path) -> LockHolder | None:
    """Who holds the lock on the plan ``path`` (None: nobody, or an unreadable lock file)."""
    return _read_holder(lock_path(Path(os.path.abspath(path))))


def is_stale(holder: LockHolder) -> bool:
    """True when the holder's process is known to be gone (same host only)."""
    if holder.host != this_host():
        return False
    return not process_is_running(holder.pid)


def process_is_running(pid: int) -> bool:
    """Whether a process with this id runs on this machine (never signals it)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        return _windows_process_is_running(pid)
    try:
        os.kill(pid, 0)  # signal 0: only checks that the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, owned by another user
    except OSError:
        return False
    return not _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    """A process that ended but was not reaped yet (Linux): it holds nothing any more."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    state = stat.rpartition(")")[2].split()[:1]  # the field after "(command name)"
    return state in (["Z"], ["X"])


if sys.platform == "win32":

    def _windows_process_is_running(pid: int) -> bool:
        # os.kill on Windows terminates processes, so ask the kernel instead.
        import ctypes
        from ctypes import wintypes

        process_query_limited_information = 0x1000
        still_active = 259
        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(process_query_limited_information, False, pid)
        if not handle:
            return kernel32.GetLastError() == 5  # access denied: it exists
        try:
            code = wintypes.DWORD()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return True
            return bool(code.value == still_active)
        finally:
            kernel32.CloseHandle(handle)


def _create_exclusively(target: Path, holder: LockHolder) -> bool:
    try:
        handle = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return False
    try:
        record = {
            "user": holder.user,
            "host": holder.host,
            "pid": holder.pid,
            "opened_at": holder.opened_at.isoformat() if holder.opened_at else None,
            "token": holder.token,
        }
        os.write(handle, json.dumps(record).encode("utf-8"))
        os.fsync(handle)
    except OSError:
        os.close(handle)
        target.unlink(missing_ok=True)
        raise
    os.close(handle)
    return True


def _read_holder(target: Path) -> LockHolder | None:
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    user, host, pid = data.get("user"), data.get("host"), data.get("pid")
    if not isinstance(user, str) or not isinstance(host, str) or not isinstance(pid, int):
        return None
    opened_at: dt.datetime | None = None
    with contextlib.suppress(TypeError, ValueError):
        opened_at = dt.datetime.fromisoformat(str(data.get("opened_at")))
    token = data.get("token")
    return LockHolder(user, host, pid, opened_at, token if isinstance(token, str) else "")


def _unreadable_and_old(target: Path) -> bool:
    try:
        age = time.time() - target.stat().st_mtime
    except FileNotFoundError:
        return True
    return age > UNREADABLE_LOCK_GRACE_SECONDS


def _unknown_holder(target: Path) -> LockHolder:
    opened_at: dt.datetime | None = None
    with contextlib.suppress(OSError):
        opened_at = dt.datetime.fromtimestamp(target.stat().st_mtime, dt.UTC)
    return LockHolder("another user", "an unknown host", 0, opened_at)
