"""Requests per second through a real gunicorn, for the pages users wait for, as a ratio to a
trivial view on the same server (`livez`: no database, no template), so the ratio shows what
each page costs beyond the server, the middleware and the network.

gunicorn serves on a free 127.0.0.1 port against the benchmark's own database, with production
settings over plain HTTP; the pages are requested signed in, through a session made here, by a
few clients at once on keep-alive connections, for a fixed time each.
"""

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

from accounts.models import User

ROOT = Path(__file__).resolve().parents[1]
TRIVIAL = "/livez"
# The pages' throughput should be at least half the trivial view's (issue 18).
GOAL = 0.5


@dataclass
class Rate:
    label: str
    path: str
    requests: int
    seconds: float
    errors: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def session_cookie(user: User) -> str:
    """A signed-in session for `user`, as django.contrib.auth.login would store it."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    # As the test client's force_login chooses: the first backend that can load a user.
    store[BACKEND_SESSION_KEY] = next(
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
    )
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def database_url() -> str:
    """This process's database, as a URL for the server (under pytest: the test database)."""
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        raise RuntimeError("The throughput run needs PostgreSQL: SQLite's test database is private")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{quote(db.get('USER') or '', safe='')}{password}@{host}{port}/{db['NAME']}"


class Server:
    """gunicorn on loopback, in its own process group, against this process's database."""

    def __init__(self, *, workers: int = 2):
        self.port = _free_port()
        self.workers = workers
        self.popen: subprocess.Popen | None = None
        # Closed by __exit__, which ends the server it logs.
        self.log = tempfile.NamedTemporaryFile(prefix="benchmark-gunicorn-", suffix=".log")  # noqa: SIM115

    def log_tail(self, lines: int = 30) -> str:
        self.log.flush()
        with open(self.log.name, encoding="utf-8", errors="replace") as log:
            return "".join(log.readlines()[-lines:])

    def __enter__(self) -> "Server":
        env = {
            **os.environ,
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": database_url(),
            # The pages read what is timed here, never a replica configured beside it.
            "REPORTING_DATABASE_URL": "",
            # The session made here must read back there.
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "SECURE_HSTS_SECONDS": "0",
            "STATIC_MANIFEST": "false",
            "VICTIMCARE_REQUIRE_2FA": "false",
            "LOG_LEVEL": "ERROR",
        }
        self.popen = subprocess.Popen(  # noqa: S603 (our own command, no shell)
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"), "victimcare.wsgi",
                "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
                "--timeout", "120", "--log-level", "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError("gunicorn exited before it answered:\n" + self.log_tail())
            with contextlib.suppress(OSError, http.client.HTTPException):
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", TRIVIAL)
                if connection.getresponse().status == 200:
                    return self
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer {TRIVIAL} within 60 s:\n" + self.log_tail())

    def __exit__(self, *exc) -> None:
        if self.popen is None:
            self.log.close()
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, sig)
            try:
                self.popen.wait(timeout=15)
                break
            except subprocess.TimeoutExpired:
                continue
        self.log.close()

    def rate(self, label: str, path: str, *, cookie: str, seconds: float, clients: int) -> Rate:
        """Requests answered 200 per second, by `clients` keep-alive connections at once."""
        counts = [0] * clients
        errors = [0] * clients
        stop = time.monotonic() + seconds

        def client(i: int) -> None:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            headers = {"Cookie": cookie, "Host": "127.0.0.1"}
            while time.monotonic() < stop:
                try:
                    connection.request("GET", path, headers=headers)
                    response = connection.getresponse()
                    response.read()
                except (OSError, http.client.HTTPException):
                    errors[i] += 1
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                    continue
                if response.status == 200:
                    counts[i] += 1
                else:
                    errors[i] += 1
            connection.close()

        # One request first, so no worker pays its first-request start-up inside the window.
        self.rate_once(path, cookie)
        started = time.monotonic()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return Rate(label, path, sum(counts), time.monotonic() - started, sum(errors))

    def rate_once(self, path: str, cookie: str) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        connection.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
        response = connection.getresponse()
        response.read()
        connection.close()
        return response.status


def measure(
    pages: list[tuple[str, str, User]], *, seconds: float, clients: int = 4, workers: int = 2
) -> tuple[Rate, list[Rate]]:
    """The trivial view's rate, then each page's (label, path, user to sign in as)."""
    cookies: dict[int, str] = {}
    with Server(workers=workers) as server:
        first_user = pages[0][2]
        cookies[first_user.pk] = session_cookie(first_user)
        trivial = server.rate(
            "trivial view (livez)",
            TRIVIAL,
            cookie=cookies[first_user.pk],
            seconds=seconds,
            clients=clients,
        )
        rates = []
        for label, path, user in pages:
            if user.pk not in cookies:
                cookies[user.pk] = session_cookie(user)
            status = server.rate_once(path, cookies[user.pk])
            if status != 200:
                raise RuntimeError(
                    f"{label}: GET {path} through gunicorn answered {status}:\n" + server.log_tail()
                )
            rates.append(
                server.rate(label, path, cookie=cookies[user.pk], seconds=seconds, clients=clients)
            )
    return trivial, rates
