"""A real PostgreSQL server for the test session: loopback only, in a temporary folder.

``initdb`` refuses to run as root, so under root (as in CI) the server is created and run as
the ``postgres`` OS user on a folder that user owns. Authentication is ``trust`` for local and
loopback connections only (no passwords anywhere); unix sockets live in the same folder. The
server is tuned for tests, not durability (fsync off).

``halt``/``resume`` stop and start it as an outage and a restart would (connections refused);
``pause``/``unpause`` freeze its processes as a paused VM or a stuck failover would (connections
open, queries unanswered). ``stop`` unpauses first: a frozen server cannot be stopped.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

DEBIAN_PACKAGE = "postgresql"
OS_USER = "postgres"
DB_USER = "postgres"


def find_binaries() -> Path | None:
    """The newest ``/usr/lib/postgresql/*/bin`` holding initdb and pg_ctl (or the PATH's)."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0,
        reverse=True,
    )
    for folder in candidates:
        if all((Path(folder) / name).is_file() for name in ("initdb", "pg_ctl")):
            return Path(folder)
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).parent
    return None


def missing_reason() -> str | None:
    """Why no server can be started here, or None when one can."""
    if find_binaries() is None:
        return f"needs PostgreSQL's initdb and pg_ctl: apt-get install {DEBIAN_PACKAGE}"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(OS_USER)
        except KeyError:
            return (
                f"needs the {OS_USER!r} OS user to run PostgreSQL as root: "
                f"apt-get install {DEBIAN_PACKAGE}"
            )
        if shutil.which("runuser") is None:
            return "needs runuser (util-linux) to run PostgreSQL as the postgres user"
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@dataclass
class PgServer:
    """One running cluster; ``url(db)`` names a database on it (no password: trust auth)."""

    binaries: Path
    folder: Path
    port: int = 0
    running: bool = field(default=False)
    paused: list[int] = field(default_factory=list)  # the processes ``pause`` froze

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def _command(self, program: str, *args: str) -> list[str]:
        command = [str(self.binaries / program), *args]
        if os.geteuid() == 0:
            return ["runuser", "-u", OS_USER, "--", *command]
        return command

    def _run(self, program: str, *args: str, timeout: float = 60) -> None:
        result = subprocess.run(
            self._command(program, *args),
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.folder,
        )
        if result.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(
                f"{program} failed ({result.returncode}): {result.stderr.strip()}\n{tail}"
            )

    def start(self) -> None:
        if os.geteuid() == 0:
            entry = pwd.getpwnam(OS_USER)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        self._run(
            "initdb",
            "-D", str(self.data),
            "-U", DB_USER,
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
            "--no-instructions",
        )  # fmt: skip
        # Loopback and local sockets only, trust, no passwords.
        (self.data / "pg_hba.conf").write_text(
            "local all all trust\n"
            "host all all 127.0.0.1/32 trust\n"
        )  # fmt: skip
        for attempt in range(3):
            self.port = free_port()
            try:
                self._launch()
            except RuntimeError:
                if attempt == 2:
                    raise
                continue
            return

    def _launch(self) -> None:
        """Start the cluster in ``data`` on ``port`` and wait until it accepts connections."""
        options = (
            f"-c listen_addresses=127.0.0.1 -c unix_socket_directories={self.folder} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=50"
        )
        self._run(
            "pg_ctl",
            "-D", str(self.data),
            "-l", str(self.folder / "server.log"),
            "-o", f"{options} -p {self.port}",
            "-w", "-t", "30",
            "start",
        )  # fmt: skip
        self.running = True

    def _server_processes(self) -> list[int]:
        """The postmaster (the first line of ``postmaster.pid``) and all its descendants."""
        pid_file = self.data / "postmaster.pid"
        if not self.running or not pid_file.exists():
            return []
        postmaster = int(pid_file.read_text().splitlines()[0])
        parents: dict[int, int] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()  # after "pid (name)"
            except (OSError, IndexError):
                continue  # the process ended meanwhile
            parents[int(stat.parent.name)] = int(fields[1])
        found = [postmaster]
        for pid in found:  # grows as children are found: a breadth-first walk
            found.extend(child for child, parent in parents.items() if parent == pid)
        return found

    def pause(self) -> None:
        """Freeze the server (SIGSTOP to the postmaster, then its children), as a paused VM
        would: connections stay open, nothing answers, until ``unpause``."""
        while fresh := [p for p in self._server_processes() if p not in self.paused]:
            for pid in fresh:  # again until none is new: one may have forked meanwhile
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGSTOP)
                    self.paused.append(pid)

    def unpause(self) -> None:
        """Let a paused server run again (SIGCONT to every process ``pause`` froze)."""
        paused, self.paused = self.paused, []
        for pid in reversed(paused):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)

    def halt(self) -> None:
        """Stop the server as an outage would, keeping its data: clients' connections drop
        and new ones are refused until ``resume``."""
        self.unpause()
        if self.running:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
            self.running = False

    def resume(self) -> None:
        """Start the halted (or paused) server again, on the same port, with the same data."""
        self.unpause()
        if not self.running:
            self._launch()

    def stop(self) -> None:
        """Stop the server (fast: nothing in it needs to survive) and remove its folder."""
        try:
            self.unpause()
            if self.running and self.data.exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            self.running = False
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{DB_USER}@127.0.0.1:{self.port}/{database}"

    def _admin(self, statement: str, database: str) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=DB_USER, dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(sql.SQL(statement).format(sql.Identifier(database)))

    def create_database(self) -> str:
        name = f"test_{uuid.uuid4().hex[:12]}"
        self._admin("CREATE DATABASE {}", name)
        return name

    def drop_database(self, name: str) -> None:
        self._admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)


def start_server() -> PgServer:
    binaries = find_binaries()
    assert binaries is not None
    folder = Path(tempfile.mkdtemp(prefix="gtm-pg-"))
    server = PgServer(binaries, folder)
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    return server


@contextlib.contextmanager
def database_role(url: str, role: str, privileges: str) -> Iterator[str]:
    """A login role (no password: trust) that may connect to the database of ``url`` and has
    ``privileges`` (e.g. "SELECT" or "SELECT, INSERT, UPDATE, DELETE") on its tables; yields
    ``url`` as that role, and drops the role afterwards."""
    from sqlalchemy import create_engine, text

    owner = create_engine(url)
    database = url.rsplit("/", 1)[1]
    with owner.begin() as c:
        c.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        c.execute(text(f'CREATE ROLE "{role}" LOGIN'))
        c.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"'))
        c.execute(text(f'GRANT USAGE ON SCHEMA public TO "{role}"'))
        c.execute(text(f'GRANT {privileges} ON ALL TABLES IN SCHEMA public TO "{role}"'))
    try:
        yield url.replace(f"://{DB_USER}@", f"://{role}@", 1)
    finally:
        with owner.begin() as c:
            c.execute(text(f'REVOKE ALL ON DATABASE "{database}" FROM "{role}"'))
            c.execute(text(f'DROP OWNED BY "{role}"'))
            c.execute(text(f'DROP ROLE "{role}"'))
        owner.dispose()
