"""The processes the fault harness runs and breaks: a private PostgreSQL and Redis, gunicorn,
a Celery worker and beat. Every one listens on 127.0.0.1 only, on a free port, and lives in its
own process group so that it can be killed whole; nothing here touches the machine's shared
PostgreSQL or Redis."""

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on 127.0.0.1:{port} within {timeout:.0f} s")


class Process:
    """One long-running command, started in its own process group, output to a log file."""

    def __init__(self, name: str, argv: list[str], *, env: dict, logs: Path):
        self.name, self.argv, self.env, self.log_path = name, argv, env, logs / f"{name}.log"
        self.popen: subprocess.Popen | None = None
        self.groups: list[int] = []  # every start's process group, the killed ones' too
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        log = self.log_path.open("ab")
        log.write(f"\n--- start {self.starts} ---\n".encode())
        log.flush()
        self.popen = subprocess.Popen(  # noqa: S603 (our own commands, no shell)
            self.argv,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.groups.append(self.popen.pid)
        log.close()

    @property
    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """The signal to the main process alone, as `kill -9 <pid>` would send it."""
        if self.alive:
            os.kill(self.popen.pid, sig)
            self.popen.wait(timeout=30)

    def stop(self, timeout: float = 15) -> None:
        """The whole process group: SIGTERM, then SIGKILL if it lingers."""
        if self.popen is None:
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, sig)
            try:
                self.popen.wait(timeout=timeout)
                break
            except subprocess.TimeoutExpired:
                continue
        for group in self.groups:  # children left behind by this start or a killed one
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)


def _postgres_bindir() -> Path:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise RuntimeError("initdb not found: apt-get install postgresql")


class PrivatePostgres:
    """A throwaway PostgreSQL cluster in `folder`, on its own loopback port. PostgreSQL refuses to
    run as root, so as root it runs as the `postgres` user."""

    def __init__(self, folder: Path, logs: Path):
        self.bindir = _postgres_bindir()
        self.data, self.log = folder / "pgdata", logs / "postgresql.log"
        self.port = free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
            self.data.mkdir()
            os.chown(self.data, pw.pw_uid, pw.pw_gid)
            self.log.touch()
            os.chown(self.log, pw.pw_uid, pw.pw_gid)

    def _run(self, *argv: str, timeout: float = 60) -> None:
        subprocess.run(  # noqa: S603 (PostgreSQL's own tools, no shell)
            [*self.as_user, *argv],
            check=True,
            timeout=timeout,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def init(self) -> None:
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )

    def start(self) -> None:
        # Loopback TCP only, no Unix socket. fsync off: the data is thrown away, and a restart
        # (not a power cut) is the fault under test.
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
            "-c fsync=off -c full_page_writes=off -c max_connections=100"
        )
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60",
            "stop",
        )  # fmt: skip

    def stop_quietly(self) -> None:
        with contextlib.suppress(Exception):
            self.stop("immediate")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/victimcare_faults"

    def createdb(self) -> None:
        self._run(
            str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
            "-U", "postgres", "victimcare_faults",
        )  # fmt: skip


class PrivateRedis(Process):
    """A Redis of our own that keeps nothing on disk: stopping it loses every queued message,
    the worst a broker restart can do."""

    def __init__(self, folder: Path, logs: Path, env: dict):
        self.port = free_port()
        redis = shutil.which("redis-server")
        if redis is None:
            raise RuntimeError("redis-server not found: apt-get install redis-server")
        super().__init__(
            "redis",
            [
                redis, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", str(folder), "--protected-mode", "yes",
            ],
            env=env,
            logs=logs,
        )  # fmt: skip

    def start(self) -> None:
        super().start()
        wait_for_port(self.port, timeout=20, what="redis-server")

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"
