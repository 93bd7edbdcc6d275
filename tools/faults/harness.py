"""Faults survived: start the real stack on loopback, break it three ways, count what happened.

    .venv/bin/python -m tools.faults.harness            # `make faults`
    .venv/bin/python -m tools.faults.harness --short    # `make faults-short`, run by CI

A private PostgreSQL cluster (initdb into a temporary folder) and a private Redis, each on a free
127.0.0.1 port, then gunicorn, a Celery worker and Celery beat against them. Emails go to a
folder (Django's file backend), one entry per message sent, each with its notification's stable
Message-ID, so sent and sent twice are counted from what left the application, not from what the
database believes. The faults:

1. the worker is killed (SIGKILL) while it delivers a reminder sweep of thousands, then started
   again;
2. Redis is stopped while officers record contacts and withdraw referrals through the API (which
   makes notices to the agencies), then started again;
3. PostgreSQL is restarted while officers use the API and the worker delivers a sweep.

Everything is bounded in time, and every process is stopped on the way out (also on an error or
Ctrl-C). The exit status is 1 if anything was sent twice or lost, a request was answered 500
during the broker outage or the database restart, an answer of success was not saved, or a
process exited.
"""

import argparse
import collections
import datetime
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from .services import BIN, ROOT, PrivatePostgres, PrivateRedis, Process, free_port, wait_for_port

PASSWORD = "fault-harness-" + secrets.token_urlsafe(12)
MARK = "Fault harness contact"


@dataclass(frozen=True)
class Size:
    victims: int
    sweep_duties: int  # per sweep (faults 1 and 3); about three reminders each
    officers: int  # API threads
    outage_seconds: float
    drain_seconds: float


FULL = Size(victims=8000, sweep_duties=1500, officers=8, outage_seconds=20, drain_seconds=600)
SHORT = Size(victims=1000, sweep_duties=100, officers=4, outage_seconds=5, drain_seconds=90)

# How soon the outbox acts, for a bounded run: a notification whose prompt was lost is prompted
# again after 5 s (production: 120 s), by a sweep beat runs every 2 s (production: a minute).
REDELIVER_AFTER = 5
REDELIVER_EVERY = 2


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- the stack ---------------------------------------------------------------------------------


class Stack:
    def __init__(self, folder: Path):
        self.folder = folder
        self.logs = folder / "logs"
        self.mail = folder / "mail"
        self.logs.mkdir()
        self.mail.mkdir()
        self.postgres = PrivatePostgres(folder, self.logs)
        base_env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "CELERY"))}
        self.redis = PrivateRedis(folder, self.logs, base_env)
        self.web_port = free_port()
        self.env = {
            **base_env,
            "DJANGO_SETTINGS_MODULE": "victimcare.settings",
            "DATABASE_URL": self.postgres.url,
            "CELERY_BROKER_URL": self.redis.url(0),
            "REDIS_URL": self.redis.url(1),
            "EMAIL_URL": f"filemail:///{self.mail}",
            # Production settings, served over plain HTTP on loopback.
            "DJANGO_DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "SECURE_HSTS_SECONDS": "0",
            "STATIC_MANIFEST": "false",
            "VICTIMCARE_REQUIRE_2FA": "false",
            "LOG_LEVEL": "WARNING",
            "SITE_URL": f"http://127.0.0.1:{self.web_port}",
            "NOTIFICATION_REDELIVER_AFTER": str(REDELIVER_AFTER),
            "PYTHONUNBUFFERED": "1",
        }
        self.web = Process(
            "web",
            [
                str(BIN / "gunicorn"), "victimcare.wsgi", "--bind", f"127.0.0.1:{self.web_port}",
                "--workers", "2", "--threads", "4", "--timeout", "60", "--graceful-timeout", "5",
            ],
            env=self.env,
            logs=self.logs,
        )  # fmt: skip
        self.worker = Process(
            "worker",
            [
                str(BIN / "celery"), "-A", "victimcare", "worker", "--loglevel=WARNING",
                "--concurrency=2", "--without-mingle", "--without-gossip", "-n", "faults@%h",
            ],
            env=self.env,
            logs=self.logs,
        )  # fmt: skip
        self.beat = Process(
            "beat",
            [
                str(BIN / "celery"), "-A", "victimcare", "beat", "--loglevel=WARNING",
                "--pidfile=", "--max-interval", "2",
            ],
            env=self.env,
            logs=self.logs,
        )  # fmt: skip
        self.processes = [self.web, self.worker, self.beat, self.redis]

    def manage(self, *argv: str, timeout: float) -> None:
        with (self.logs / "manage.log").open("ab") as out:
            subprocess.run(  # noqa: S603 (manage.py, no shell)
                [str(BIN / "python"), "manage.py", *argv],
                cwd=ROOT,
                env=self.env,
                check=True,
                timeout=timeout,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def close(self) -> None:
        for process in self.processes:
            process.stop()
        self.postgres.stop_quietly()


# --- what left the application -----------------------------------------------------------------

MESSAGE_ID = re.compile(rb"^Message-ID: <notification-(\d+)\.email@", re.MULTILINE | re.IGNORECASE)


def mailbox(folder: Path) -> collections.Counter:
    """Notification id -> how many emails carrying it were sent."""
    sent: collections.Counter = collections.Counter()
    for path in folder.iterdir():
        for found in MESSAGE_ID.findall(path.read_bytes()):
            sent[int(found)] += 1
    return sent


# --- officers on the API -----------------------------------------------------------------------


@dataclass
class Officer:
    username: str
    parties: list[tuple[int, int]]  # (case id, party id) on their own cases
    referrals: list[int]  # sent referrals on their cases, to withdraw


@dataclass
class Load:
    """Officers recording contacts (and withdrawing referrals) until told to stop."""

    base: str
    officers: list[Officer]
    statuses: collections.Counter = field(default_factory=collections.Counter)
    answers: list[tuple[float, float, str]] = field(
        default_factory=list
    )  # (asked, answered, status)
    contacts_saved_said: int = 0
    withdrawn: list[int] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    withdrawing: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _session(self, officer: Officer) -> requests.Session:
        session = requests.Session()
        login = f"{self.base}/account/login/"
        deadline = time.monotonic() + 30
        while True:
            try:
                session.get(login, timeout=10)
                answer = session.post(
                    login,
                    data={
                        "username": officer.username,
                        "password": PASSWORD,
                        "csrfmiddlewaretoken": session.cookies.get("csrftoken", ""),
                    },
                    headers={"Referer": login},
                    timeout=10,
                    allow_redirects=False,
                )
                if answer.status_code == 302 and "sessionid" in session.cookies:
                    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
                    return session
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"could not sign in as {officer.username}")
            time.sleep(0.5)

    def run(self, officer: Officer, session: requests.Session) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            if self.withdrawing.is_set() and n % 3 == 0 and officer.referrals:
                referral = officer.referrals.pop()
                url = f"{self.base}/api/v1/referrals/{referral}/withdraw/"
                body = {"reason": "Fault harness: victim moved away"}
            else:
                case_id, party_id = officer.parties[n % len(officer.parties)]
                url = f"{self.base}/api/v1/cases/{case_id}/contacts/"
                referral = None
                body = {
                    "party": party_id,
                    "occurred_at": datetime.datetime.now(datetime.UTC).isoformat(),
                    # Face to face: no safe-contact profile refuses it, so every answer is
                    # about the outage, never about the person's instructions.
                    "method": "face_to_face",
                    "purpose": "other",
                    "outcome": "reached",
                    "summary": f"{MARK} {secrets.token_hex(6)}",
                }
            asked = time.monotonic()
            try:
                answer = session.post(url, json=body, timeout=30)
                status = str(answer.status_code)
            except requests.RequestException as error:
                status = f"no answer ({type(error).__name__})"
                answer = None
            with self.lock:
                self.statuses[status] += 1
                self.answers.append((asked, time.monotonic(), status))
                if answer is not None and answer.status_code == 201:
                    self.contacts_saved_said += 1
                if answer is not None and answer.status_code == 200 and referral:
                    self.withdrawn.append(referral)
                if answer is not None and answer.status_code >= 500:
                    self.failures.append(f"{answer.status_code} {url.split('/api/v1/')[1]}")
            time.sleep(0.05)

    def by_phase(self, down: float, up: float) -> dict[str, collections.Counter]:
        """Answers by status: to requests answered before the fault, to those made while the
        service was down (or answered then), and to those made after it was back."""
        phases = {"before": collections.Counter(), "down": collections.Counter()}
        phases["after"] = collections.Counter()
        for asked, answered, status in self.answers:
            phase = "before" if answered < down else "after" if asked >= up else "down"
            phases[phase][status] += 1
        return phases

    def __enter__(self):
        sessions = [(o, self._session(o)) for o in self.officers]
        self.threads = [
            threading.Thread(target=self.run, args=(o, s), daemon=True) for o, s in sessions
        ]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


def statuses(counter: collections.Counter) -> str:
    return ", ".join(f"{n} x {status}" for status, n in sorted(counter.items())) or "none"


# --- the harness -------------------------------------------------------------------------------


class Harness:
    def __init__(self, size: Size, stack: Stack):
        self.size, self.stack = size, stack
        self.results: list[tuple[str, list[tuple[str, object]], list[str]]] = []

    # The harness reads the database with Django's ORM, as the app does.
    def orm(self):
        import django

        for key in ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "SECRET_KEY"):
            os.environ[key] = self.stack.env[key]
        os.environ.update(DJANGO_SETTINGS_MODULE="victimcare.settings", DJANGO_DEBUG="false")
        django.setup()
        # Only now: it imports the app's models, which need the settings just set.
        from . import records

        self.records = records

    def query(self, fn, *, timeout: float = 60):
        """Run fn against the database, riding over a restart."""
        from django.db import InterfaceError, OperationalError, connection

        deadline = time.monotonic() + timeout
        while True:
            try:
                return fn()
            except (OperationalError, InterfaceError):
                connection.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def prepare(self) -> None:
        s = self.stack
        log(f"private PostgreSQL on 127.0.0.1:{s.postgres.port}, Redis on 127.0.0.1:{s.redis.port}")
        s.postgres.init()
        s.postgres.start()
        s.postgres.createdb()
        s.redis.start()
        log("migrating")
        s.manage("migrate", "--no-input", "-v", "0", timeout=600)
        self.orm()
        self.schedules()
        for process in (s.web, s.worker, s.beat):
            process.start()  # they start up while the force is made
        log(f"generating a force of {self.size.victims:,} victims and witnesses")
        s.manage(
            "generate_force", "--victims", str(self.size.victims), "--months", "2", "--force",
            timeout=900,
        )  # fmt: skip
        self.seed()
        wait_for_port(s.web_port, timeout=60, what="gunicorn")
        self.wait_for_worker()

    def schedules(self) -> None:
        self.records.quiet_schedules(REDELIVER_EVERY)

    def seed(self) -> None:
        self.officers = [
            Officer(username, parties, referrals)
            for username, parties, referrals in self.records.seed(
                officers=self.size.officers, password=PASSWORD
            )
        ]

    def wait_for_worker(self, timeout: float = 60) -> None:
        from victimcare.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if app.control.ping(timeout=1.0):
                    return
            except Exception:  # noqa: S110 (the broker may be coming back)
                pass
            time.sleep(0.5)
        raise RuntimeError("the worker did not answer within a minute")

    # --- reminders ---------------------------------------------------------------------------

    def bring_due(self) -> list[int]:
        """Put sweep_duties open duties an hour past their deadline; returns their ids."""
        return self.records.bring_due(self.size.sweep_duties)

    def sweep(self, duties: list[int]) -> list[int]:
        """Ask the worker for the overdue sweep, as beat does; returns the reminders it made."""
        from victimcare.celery import app

        app.send_task("notifications.sweep_overdue")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            ids = self.query(lambda: self.records.reminders_about(duties))
            if ids:
                return ids
            time.sleep(0.2)
        raise RuntimeError("the sweep made no reminders within two minutes")

    def sent_count(self, ids: list[int]) -> int:
        return self.query(lambda: self.records.sent_count(ids))

    def drain(self, ids: list[int]) -> float:
        """Wait until no reminder is left to send (bounded); returns the seconds waited."""
        started = time.monotonic()
        while time.monotonic() - started < self.size.drain_seconds:
            if not self.query(lambda: self.records.any_unsent(ids)):
                break
            time.sleep(1)
        return time.monotonic() - started

    def count(self, ids: list[int]) -> dict:
        rows = self.query(lambda: self.records.delivery_statuses(ids))
        due = [pk for pk, status in rows.items() if status not in self.records.NOT_DUE]
        sent = mailbox(self.stack.mail)
        return {
            "due": len(due),
            "sent": sum(1 for pk in due if sent[pk] >= 1),
            "sent twice": sum(1 for pk in due if sent[pk] >= 2),
            "lost": sum(1 for pk in due if sent[pk] == 0),
            "recorded sent": sum(1 for pk in due if rows[pk] == self.records.SENT),
        }

    # --- faults ------------------------------------------------------------------------------

    def fault_worker_killed(self) -> None:
        s = self.stack
        duties = self.bring_due()
        started = time.monotonic()
        ids = self.sweep(duties)
        log(f"fault 1: sweep made {len(ids):,} reminders; killing the worker mid-delivery")
        deadline = time.monotonic() + 120
        while self.sent_count(ids) < len(ids) // 3:
            if time.monotonic() > deadline:
                raise RuntimeError("delivery did not get a third of the way in two minutes")
            time.sleep(0.05)
        at_kill = self.sent_count(ids)
        s.worker.kill(signal.SIGKILL)
        log(f"fault 1: SIGKILL with {at_kill:,} of {len(ids):,} recorded sent; restarting it")
        time.sleep(2)
        s.worker.start()
        waited = self.drain(ids)
        figures = self.count(ids)
        self.report(
            "1. worker killed (SIGKILL) mid-delivery, then restarted",
            [
                ("reminders due", figures["due"]),
                ("sent before the kill (recorded)", at_kill),
                ("sent", figures["sent"]),
                ("sent twice", figures["sent twice"]),
                ("lost", figures["lost"]),
                ("seconds from sweep to all sent", round(time.monotonic() - started, 1)),
                ("seconds waited after restart", round(waited, 1)),
            ],
            problems=self.problems(figures),
        )

    def fault_redis_stopped(self) -> None:
        s = self.stack
        base = f"http://127.0.0.1:{s.web_port}"
        saved_before = self.query(lambda: self.records.contacts_marked(MARK))
        log(f"fault 2: {len(self.officers)} officers recording contacts; stopping Redis")
        with Load(base, self.officers) as load:
            time.sleep(2)
            down = time.monotonic()
            s.redis.stop()
            load.withdrawing.set()  # each makes notices to an agency, for the broker that is down
            time.sleep(self.size.outage_seconds)
            load.withdrawing.clear()
            s.redis.start()
            up = time.monotonic()
            log("fault 2: Redis started again")
            time.sleep(3)
        phases = load.by_phase(down, up)
        saved = self.query(lambda: self.records.contacts_marked(MARK)) - saved_before
        withdrawn = self.query(lambda: self.records.withdrawn(load.withdrawn))
        ids = self.query(lambda: self.records.withdrawal_notices(load.withdrawn))
        died = [p.name for p in (s.web, s.worker, s.beat) if not p.alive]
        for process in (s.web, s.worker, s.beat):
            if not process.alive:
                process.start()  # as its supervisor would, to count what was lost
        self.wait_for_worker()
        waited = self.drain(ids)
        figures = self.count(ids)
        problems = self.problems(figures)
        if died:
            problems.append(f"exited when Redis went away: {', '.join(died)}")
        if load.failures:
            problems.append(f"server errors during a broker outage: {load.failures[:5]}")
        if saved < load.contacts_saved_said:  # more saved: an answer cut off after the commit
            problems.append(f"{load.contacts_saved_said} contacts answered 201, {saved} saved")
        if withdrawn != len(load.withdrawn):
            problems.append(f"{len(load.withdrawn)} withdrawals answered 200, {withdrawn} saved")
        if not figures["due"]:
            problems.append("no notices were made: the fault tested nothing")
        self.report(
            "2. Redis (broker) stopped while officers record contacts, then started",
            [
                ("answers before the outage", statuses(phases["before"])),
                ("answers while Redis was down", statuses(phases["down"])),
                ("answers after it was back", statuses(phases["after"])),
                ("contacts answered 201 / saved", f"{load.contacts_saved_said} / {saved}"),
                ("referrals withdrawn (200) / saved", f"{len(load.withdrawn)} / {withdrawn}"),
                ("processes that exited", ", ".join(died) or "none"),
                ("agency notices due", figures["due"]),
                ("sent", figures["sent"]),
                ("sent twice", figures["sent twice"]),
                ("lost", figures["lost"]),
                ("seconds after Redis returned until all sent", round(waited + 3, 1)),
            ],
            problems=problems,
        )

    def fault_postgres_restarted(self) -> None:
        s = self.stack
        base = f"http://127.0.0.1:{s.web_port}"
        saved_before = self.query(lambda: self.records.contacts_marked(MARK))
        duties = self.bring_due()
        ids = self.sweep(duties)
        log(f"fault 3: sweep made {len(ids):,} reminders; restarting PostgreSQL under load")
        from django.db import connection

        with Load(base, self.officers) as load:
            time.sleep(1)
            deadline = time.monotonic() + 120
            while self.sent_count(ids) < len(ids) // 5 and time.monotonic() < deadline:
                time.sleep(0.05)
            at_restart = self.sent_count(ids)
            connection.close()
            down = time.monotonic()
            s.postgres.stop("fast")
            time.sleep(3)
            s.postgres.start()
            up = time.monotonic()
            log("fault 3: PostgreSQL started again")
            time.sleep(3)
        phases = load.by_phase(down, up)
        waited = self.drain(ids)
        figures = self.count(ids)
        saved = self.query(lambda: self.records.contacts_marked(MARK)) - saved_before
        problems = self.problems(figures)
        if saved < load.contacts_saved_said:  # more saved: an answer cut off after the commit
            problems.append(f"{load.contacts_saved_said} contacts answered 201, {saved} saved")
        for process in (s.web, s.worker, s.beat):
            if not process.alive:
                problems.append(f"{process.name} died with the database restart")
        if any(status.startswith("5") for status in phases["after"]):
            problems.append("server errors after PostgreSQL was back")
        if any(status == "500" for status in load.statuses):
            problems.append("a 500 page: a database restart should be a 503 to retry")
        self.report(
            "3. PostgreSQL restarted under load (API and delivery)",
            [
                ("answers before the restart", statuses(phases["before"])),
                ("answers while it was down", statuses(phases["down"])),
                ("answers after it was back", statuses(phases["after"])),
                ("contacts answered 201 / saved", f"{load.contacts_saved_said} / {saved}"),
                ("reminders due", figures["due"]),
                ("sent before the restart (recorded)", at_restart),
                ("sent", figures["sent"]),
                ("sent twice", figures["sent twice"]),
                ("lost", figures["lost"]),
                ("seconds waited after restart", round(waited, 1)),
            ],
            problems=problems,
        )

    def problems(self, figures: dict) -> list[str]:
        found = []
        if figures["sent twice"]:
            found.append(f"{figures['sent twice']} sent twice")
        if figures["lost"]:
            found.append(f"{figures['lost']} lost")
        return found

    def report(self, title: str, rows: list[tuple[str, object]], problems: list[str]) -> None:
        self.results.append((title, rows, problems))
        width = max(len(k) for k, _ in rows)
        print(f"\n{title}", flush=True)
        for key, value in rows:
            shown = f"{value:,}" if isinstance(value, int) else value
            print(f"  {key:<{width}}  {shown}")
        print(f"  {'verdict':<{width}}  {'FAIL: ' + '; '.join(problems) if problems else 'PASS'}")
        sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--short", action="store_true", help="CI's size: small and quick")
    parser.add_argument("--keep", action="store_true", help="keep the folder of logs and mail")
    parser.add_argument("--faults", default="123", help="which faults to run, e.g. 13")
    args = parser.parse_args(argv)
    size = SHORT if args.short else FULL

    folder = Path(tempfile.mkdtemp(prefix="victimcare-faults-"))
    folder.chmod(0o755)  # PostgreSQL's own user must reach its data folder inside
    stack = Stack(folder)

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    # However it ends, nothing is left running: the whole run is bounded too.
    signal.signal(signal.SIGALRM, interrupted)
    signal.alarm(1800 if not args.short else 600)
    started = time.monotonic()
    ok = False
    harness = Harness(size, stack)
    try:
        harness.prepare()
        faults = {
            "1": harness.fault_worker_killed,
            "2": harness.fault_redis_stopped,
            "3": harness.fault_postgres_restarted,
        }
        for number in args.faults:
            faults[number]()
        ok = not any(problems for _, _, problems in harness.results)
    except KeyboardInterrupt:
        log("interrupted (Ctrl-C, SIGTERM or the time limit): stopping everything")
    finally:
        signal.alarm(0)
        stack.close()
        if ok and not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            log(f"logs and mail kept in {folder}")
    print(
        f"\nfault harness: {'PASS' if ok else 'FAIL'} in {time.monotonic() - started:.0f} s "
        f"({'short' if args.short else 'full'})",
        flush=True,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
