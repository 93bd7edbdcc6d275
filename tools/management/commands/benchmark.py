"""Time the pages and sweeps that grow with the force, on the data in the database.

Each page is requested through django.test.Client as a signed-in supervisor (force_login), with
the host allowed and no HTTPS redirect, so it runs outside the tests: median and 95th percentile
time and the number of SQL queries. Each sweep runs inside a transaction that is rolled back, so
every repeat does the same work and nothing is sent. A hand-written SQL query computing the same
dashboard duty figures gives the floor a live aggregate cannot beat.
"""

import datetime
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, TeamMembership, User
from cases import services as cases
from cases.models import (
    Case,
    Contact,
    ContactMethod,
    ContactOutcome,
    ContactPurpose,
    Party,
    PartyRole,
    Person,
    SafeContact,
)
from compliance import summary
from counting.filters import Filters
from counting.periods import Period
from entitlements import services as entitlements
from entitlements.models import OPEN_STATUSES, Duty, DutyStatus
from notifications import services as notifications
from notifications.models import Notification
from portal import views as portal_views
from portal.models import Access, Channel, Factor, SelfService, Send
from referrals import automatic as automatic_referrals
from surveys.models import Invitation
from surveys.services import OPEN_STATUSES as SURVEY_OPEN
from surveys.services import link_token
from tools import throughput
from victimcare.runtime import tune_garbage_collector

DASHBOARD_MS, PAGE_MS, SWEEP_MS = 300, 100, 5000
# A busy minute of a force: duties met across its teams and the days ahead. The update must end
# well inside its minute for the dashboards to be at most a minute old.
MINUTE_OF_CHANGES, UPDATE_MS = 200, 10_000
# Issue 18: a case with 300 victims (a fraud, a multi-victim abuse case) opens in p95 < 150 ms.
MANY_VICTIMS, MANY_VICTIMS_MS = 300, 150


@dataclass
class Result:
    label: str
    times: list[float]
    queries: list[int]
    target_ms: float | None
    fixed_queries: bool = False
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times)
        return ordered[max(0, round(0.95 * len(ordered) + 0.5) - 1)]

    def verdict(self) -> str:
        if self.target_ms is None:
            return "    "
        fixed = not self.fixed_queries or len(set(self.queries)) <= 1
        return "PASS" if self.p95 < self.target_ms and fixed else "MISS"

    def line(self) -> str:
        low, high = min(self.queries), max(self.queries)
        queries = f"{low}" if low == high else f"{low}-{high}"
        target = f"p95 < {self.target_ms:,.0f} ms" if self.target_ms else ""
        target = target or ("(floor)" if "floor" in self.label else "(no target)")
        return (
            f"{self.label:<44} {self.median:>9.1f} {self.p95:>9.1f} {queries:>8}  "
            f"{target:<16} {self.verdict()} {self.note}"
        ).rstrip()


class Command(BaseCommand):
    help = "Time dashboards, worklist, case page, API list and sweeps on the data in the database."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=20, help="Requests per page.")
        parser.add_argument(
            "--sweep-repeat", type=int, default=3, help="Runs per sweep (each rolled back)."
        )
        parser.add_argument(
            "--throughput-seconds",
            type=float,
            default=5,
            help="Seconds per page of requests through a real gunicorn (0: skip that part).",
        )
        parser.add_argument(
            "--skip-rebuild",
            action="store_true",
            help="Leave out the summary's whole rebuild (nightly; a quarter of an hour at the "
            "default size).",
        )
        parser.add_argument(
            "--budget",
            type=float,
            default=60,
            help="Seconds per line: a slower page stops repeating after 3 requests.",
        )

    def handle(
        self,
        *args,
        repeat,
        sweep_repeat,
        budget=60,
        throughput_seconds=5.0,
        skip_rebuild=False,
        **options,
    ):
        if repeat < 1 or sweep_repeat < 1:
            raise CommandError("--repeat and --sweep-repeat must be at least 1.")
        self.repeat, self.sweep_repeat, self.budget = repeat, sweep_repeat, budget
        self.skip_rebuild = skip_rebuild
        self.write_machine()
        subjects = self.subjects()
        # As the web workers run (victimcare/wsgi.py): pages are timed as they would be served.
        tune_garbage_collector()
        overrides = {
            "ALLOWED_HOSTS": ["testserver", *settings.ALLOWED_HOSTS],
            "SECURE_SSL_REDIRECT": False,
            "SESSION_COOKIE_SECURE": False,
            "CSRF_COOKIE_SECURE": False,
            "VICTIMCARE_REQUIRE_2FA": False,  # force_login has no second factor to show
            "STORAGES": {
                **settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            },
        }
        with override_settings(**overrides):
            results = self.run(**subjects)
        self.stdout.write("")
        self.stdout.write(
            f"{'what (times in ms)':<44} {'median':>9} {'p95':>9} {'queries':>8}  "
            f"{'target':<16} verdict"
        )
        for result in results:
            self.stdout.write(result.line())
        if throughput_seconds > 0:
            self.throughput(subjects, seconds=throughput_seconds)

    # --- what to measure ------------------------------------------------------------------------

    def write_machine(self) -> None:
        memory = ""
        try:
            with open("/proc/meminfo") as meminfo:
                kib = int(meminfo.readline().split()[1])
            memory = f"{kib / 1024 / 1024:.0f} GiB RAM"
        except (OSError, ValueError, IndexError):
            memory = "RAM unknown"
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SHOW server_version")
                database = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
            else:
                database = f"{connection.vendor} {connection.Database.sqlite_version}"
        self.stdout.write(
            f"machine: {os.cpu_count()} cores, {memory}, {database}, "
            f"Python {platform.python_version()}"
        )
        counts = {name: self.estimate(model) for name, model in _TABLES.items()}
        self.stdout.write("data: " + ", ".join(f"{n:,} {name}" for name, n in counts.items()))
        refreshed = summary.last_refreshed()
        if refreshed is not None:
            # As beat does every minute in production: the pages then read a summary at most a
            # minute old, not whatever age it had when the benchmark started.
            began = time.monotonic()
            rows = summary.update(now=timezone.now())
            refreshed = summary.last_refreshed()
            self.stdout.write(
                f"compliance summary brought up to date ({rows:,} day-team rows counted again "
                f"in {time.monotonic() - began:.1f} s)"
            )
        self.stdout.write(
            f"compliance summary refreshed: {refreshed:%Y-%m-%d %H:%M} UTC"
            if refreshed
            else "compliance summary: never refreshed (manage.py shell: summary.refresh())"
        )

    def estimate(self, model) -> int:
        """Row count: PostgreSQL's estimate when the table is large, else an exact count."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [model._meta.db_table],
                )
                estimate = cursor.fetchone()[0]
            if estimate > 100_000:
                return estimate
        return model.objects.count()

    def subjects(self) -> dict:
        """The busiest team, a supervisor of it, and a case of that team with many records."""
        busiest = (
            Case.objects.values("team")
            .annotate(n=Count("id"))
            .order_by("-n", "team")
            .values_list("team", flat=True)
            .first()
        )
        if busiest is None:
            raise CommandError("No cases: run manage.py generate_force first.")
        membership = (
            TeamMembership.objects.filter(
                team_id=busiest,
                is_supervisor=True,
                user__is_active=True,
                user__role_grants__role=Role.SUPERVISOR,
            )
            .select_related("user")
            .first()
        )
        if membership is None:
            raise CommandError(f"Team {busiest} has no active supervisor to sign in as.")
        recent = timezone.now() - datetime.timedelta(days=120)
        case_id = (
            Duty.objects.filter(
                case__team_id=busiest, case__restricted=False, case__reported_at__gte=recent
            )
            .values("case")
            .annotate(n=Count("id"))
            .order_by("-n", "case")
            .values_list("case", flat=True)
            .first()
        )
        if case_id is None:
            raise CommandError(f"Team {busiest} has no recent unrestricted case with duties.")
        # Read from the open duties (a partial index), not from every duty of every officer.
        officer_id = (
            Duty.objects.filter(status__in=OPEN_STATUSES, case__officer__is_active=True)
            .values("case__officer")
            .annotate(n=Count("id"))
            .order_by("-n", "case__officer")
            .values_list("case__officer", flat=True)
            .first()
        )
        if officer_id is None:
            raise CommandError("No officer has an open duty.")
        officer = User.objects.get(pk=officer_id)
        invitation = Invitation.objects.filter(status__in=SURVEY_OPEN).order_by("-pk").first()
        return {
            "team": busiest,
            "user": membership.user,
            "case_id": case_id,
            "officer": officer,
            "survey": reverse("survey", kwargs={"token": link_token(invitation)})
            if invitation
            else None,
        }

    def run(
        self, *, team: int, user: User, case_id: int, officer: User, survey: str | None
    ) -> list[Result]:
        client = Client()
        client.force_login(user)
        officers = Client()
        officers.force_login(officer)
        today = timezone.localdate()
        start = today - datetime.timedelta(days=364)
        year = f"start={start.isoformat()}&end={today.isoformat()}"
        results = [
            self.page(client, "force dashboard, 12 months", f"/compliance/?{year}", DASHBOARD_MS),
            self.page(
                client,
                "team dashboard, 12 months",
                f"/compliance/?{year}&team={team}",
                DASHBOARD_MS,
            ),
            *(
                self.page(client, f"force dashboard, 12 months, {what}", url, DASHBOARD_MS)
                for what, url in self.filtered(year, team=team).items()
            ),
            self.page(officers, "officer's home, busiest officer", "/home/officer/", PAGE_MS),
            self.page(client, "overdue worklist, busiest team", "/compliance/overdue/", PAGE_MS),
            self.page(client, "case page, case with many records", f"/cases/{case_id}/", PAGE_MS),
            self.many_victims(client, case_id),
            self.page(client, "API list /api/v1/cases/", "/api/v1/cases/", PAGE_MS),
            self.page(client, "API list /api/v1/obligations/", "/api/v1/obligations/", PAGE_MS),
        ]
        if survey:
            # What a victim opens: the survey page, signed out.
            results.append(self.page(Client(), "victim's survey page", survey, PAGE_MS))
        results.extend(self.victim_pages(case_id))
        period = Period(start, today)
        results.append(
            self.timed(
                "dashboard duty figures via summary, force",
                lambda: summary.outcome_counts(
                    user, period, group_by=("rule", "enhanced"), now=timezone.now()
                ),
                self.repeat,
                DASHBOARD_MS,
            )
        )
        results.append(
            self.timed(
                "dashboard duty figures via summary, team",
                lambda: summary.outcome_counts(
                    user,
                    period,
                    group_by=("rule", "enhanced"),
                    filters=Filters(team=team),
                    now=timezone.now(),
                ),
                self.repeat,
                DASHBOARD_MS,
            )
        )
        for scope, via in (("force", results[-2]), ("team", results[-1])):
            floor = self.floor(user, period, team=team if scope == "team" else None)
            if floor.times and floor.p95:
                floor.note = f"summary path / floor, p95: {via.p95 / floor.p95:.2f}x (goal <= 1.5)"
            results.append(floor)
        if not self.skip_rebuild:
            results.append(
                self.timed(
                    "compliance summary refresh (task)",
                    lambda: _rolled_back(summary.refresh),
                    self.sweep_repeat,
                    None,
                    note="nightly",
                    warm_up=False,
                )
            )
        results.append(
            self.timed(
                f"summary update, {MINUTE_OF_CHANGES} duties met",
                lambda: _rolled_back(_a_minute_of_changes),
                self.sweep_repeat,
                UPDATE_MS,
                note="every minute",
                warm_up=False,
            )
        )
        results += self.sweeps()
        return results

    def filtered(self, year: str, *, team: int) -> dict[str, str]:
        """The dashboard under each kind of filter a supervisor uses, on its busiest value."""
        officer = (
            TeamMembership.objects.filter(team_id=team, is_supervisor=False)
            .values_list("user_id", flat=True)
            .order_by("user_id")
            .first()
        )
        urls = {
            "enhanced only": f"/compliance/?{year}&rights=enhanced",
            "age under 18": f"/compliance/?{year}&age_band=under-18",
        }
        if officer is not None:
            urls["one officer"] = f"/compliance/?{year}&team={team}&officer={officer}"
        sex = (
            Person.objects.exclude(sex="")
            .values("sex")
            .annotate(n=Count("id"))
            .order_by("-n")
            .values_list("sex", flat=True)
            .first()
        )
        if sex:
            urls["one sex"] = f"/compliance/?{year}&sex={quote(sex)}"
        return urls

    def throughput(self, subjects: dict, *, seconds: float) -> None:
        today = timezone.localdate()
        start = today - datetime.timedelta(days=364)
        year = f"start={start.isoformat()}&end={today.isoformat()}"
        user, officer = subjects["user"], subjects["officer"]
        pages = [
            ("officer's home, busiest officer", "/home/officer/", officer),
            ("case page, case with many records", f"/cases/{subjects['case_id']}/", user),
            ("team dashboard, 12 months", f"/compliance/?{year}&team={subjects['team']}", user),
            ("overdue worklist, busiest team", "/compliance/overdue/", user),
        ]
        trivial, rates = throughput.measure(pages, seconds=seconds)
        self.stdout.write("")
        self.stdout.write(
            f"through gunicorn (2 workers, 4 clients, {seconds:g} s a page; goal: a page's rate "
            f">= {throughput.GOAL} x the trivial view's)"
        )
        self.stdout.write(f"{'what':<44} {'req/s':>9} {'ratio':>9} {'errors':>8}  verdict")
        self.stdout.write(
            f"{trivial.label:<44} {trivial.per_second:>9.1f} {1:>9.2f} {trivial.errors:>8}"
        )
        for rate in rates:
            ratio = rate.per_second / trivial.per_second if trivial.per_second else 0.0
            verdict = "PASS" if ratio >= throughput.GOAL and not rate.errors else "MISS"
            self.stdout.write(
                f"{rate.label:<44} {rate.per_second:>9.1f} {ratio:>9.2f} {rate.errors:>8}  "
                f"{verdict}"
            )

    def page(self, client: Client, label: str, url: str, target: float) -> Result:
        def get():
            response = client.get(url)
            if response.status_code != 200:
                raise CommandError(f"{label}: GET {url} answered {response.status_code}")
            return response

        return self.timed(label, get, self.repeat, target, fixed_queries=True)

    def many_victims(self, client: Client, case_id: int) -> Result:
        """The case page of a case with 300 victims. generate_force makes none (it spreads the
        people one or two a case), so the benchmark's case is given them through the services,
        with what they are owed and a contact each, in a transaction rolled back afterwards."""
        case = Case.objects.get(pk=case_id)
        with transaction.atomic():
            started = time.perf_counter()
            _add_victims(case, MANY_VICTIMS - case.parties.count())
            self.stdout.write(
                f"  ({MANY_VICTIMS} victims made in {time.perf_counter() - started:.1f} s)"
            )
            result = self.page(
                client, f"case page, {MANY_VICTIMS} victims", f"/cases/{case_id}/", MANY_VICTIMS_MS
            )
            transaction.set_rollback(True)
        return result

    def victim_pages(self, case_id: int) -> list[Result]:
        """What a victim reads: the public information (no sign-in) and Track my case signed in
        as a victim of the busiest case. generate_force gives nobody access, so the access is
        made here, inside a transaction rolled back afterwards, and the session is set as the
        second factor leaves it (the door itself is not what is timed)."""
        public = Client()
        results = [
            self.page(public, "public information, index", reverse("info-index"), PAGE_MS),
            self.page(
                public, "public information, your rights", reverse("info-victims-code"), PAGE_MS
            ),
            self.page(public, "public information, support", reverse("info-support"), PAGE_MS),
        ]
        party = (
            Party.objects.filter(case_id=case_id, role=PartyRole.VICTIM)
            .select_related("case")
            .first()
        )
        if party is None:
            return results
        now = timezone.now()
        with transaction.atomic():
            Person.objects.filter(pk=party.person_id).update(email="victim@bench.invalid")
            SafeContact.objects.update_or_create(
                person_id=party.person_id, defaults={"answered_at": now}
            )
            SelfService.objects.filter(party=party).delete()
            Case.objects.filter(pk=case_id).update(restricted=False)
            access = Access.objects.create(
                case_id=case_id,
                party=party,
                channel=Channel.EMAIL,
                factor=Factor.PASSCODE,
                issued_at=now,
                issued_by_id=party.case.officer_id,
                link_expires_at=now + datetime.timedelta(hours=1),
                link_status=Send.SENT,
                link_used_at=now,
            )
            victim = Client()
            session = victim.session
            session.update(
                {
                    portal_views.ACCESS: access.pk,
                    portal_views.STARTED: now.isoformat(),
                    portal_views.SEEN: now.isoformat(),
                }
            )
            session.save()
            victim.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
            results.append(
                self.page(
                    victim, "Track my case, the victim's page", reverse("track-home"), PAGE_MS
                )
            )
            transaction.set_rollback(True)
        return results

    def timed(
        self,
        label: str,
        call: Callable,
        repeat: int,
        target: float | None,
        *,
        fixed_queries: bool = False,
        note: str = "",
        warm_up: bool = True,
    ) -> Result:
        if warm_up:
            call()  # connection, caches, templates
        times, queries = [], []
        started = time.perf_counter()
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                call()
                times.append((time.perf_counter() - began) * 1000)
            queries.append(len(captured))
            if time.perf_counter() - started > self.budget and len(times) >= 3:
                break  # a slow page: enough samples to see it is slow
        if len(times) < repeat:
            note = f"{note} (n={len(times)})".strip()
        self.stdout.write(f"  {label}: {statistics.median(times):.1f} ms median")
        return Result(label, times, queries, target, fixed_queries, note)

    def floor(self, user: User, period: Period, *, team: int | None) -> Result:
        """The same duty figures (by rule and enhanced) as the summary path answers them, in one
        hand-written query over the same summary tables, with the same live correction for the
        deadlines passed since the rebuild: what the summary path costs beyond SQL is the
        framework's overhead (issue 18: at most 1.5 times this)."""
        if connection.vendor != "postgresql":
            return Result("hand-written SQL floor (PostgreSQL only)", [0.0], [0], None)
        supervised = list(
            TeamMembership.objects.filter(user=user, is_supervisor=True).values_list(
                "team_id", flat=True
            )
        ) or [0]
        refreshed = summary.last_refreshed() or period.start_at
        columns = "rule_id, enhanced, total, met, met_late, missed, due, declined, waived, " + (
            "due_passed, missed_passed, missed_attempted"
        )
        mine = "(NOT restricted OR team_id = ANY(%(supervised)s))"
        if team:
            rows = (
                f"SELECT {columns} FROM compliance_dutyoutcometeamruleday "  # noqa: S608  # nosec B608
                f"WHERE team_id = %(team)s AND {mine} AND day BETWEEN %(start)s AND %(end)s"
            )
            scope = "c.team_id = %(team)s AND (NOT c.restricted OR c.team_id = ANY(%(supervised)s))"
        else:
            rows = (
                f"SELECT {columns} FROM compliance_dutyoutcomeforceruleday "  # noqa: S608  # nosec B608
                "WHERE day BETWEEN %(start)s AND %(end)s UNION ALL "
                f"SELECT {columns} FROM compliance_dutyoutcometeamruleday "
                "WHERE restricted AND team_id = ANY(%(supervised)s) "
                "AND day BETWEEN %(start)s AND %(end)s"
            )
            scope = "(NOT c.restricted OR c.team_id = ANY(%(supervised)s))"
        # As compliance.summary.outcome_counts answers it: the summary's counts, and the open
        # duties whose deadline passed since the rebuild moved from open to overdue.
        sql = (
            f"WITH s AS ({rows}), "  # noqa: S608  # nosec B608
            "late AS (SELECT d.rule_id, d.enhanced, count(*) AS n, count(*) FILTER (WHERE "
            "EXISTS (SELECT 1 FROM entitlements_dutyattempt a JOIN cases_contact t "
            "ON t.id = a.contact_id WHERE a.duty_id = d.id AND t.occurred_at >= d.trigger_at "
            "AND t.occurred_at <= d.due_at)) AS tried FROM entitlements_duty d "
            "JOIN cases_case c ON c.id = d.case_id WHERE d.status IN ('due', 'missed') "
            "AND d.due_at >= %(refreshed)s AND d.due_at < %(now)s "
            "AND d.due_at > %(start_at)s AND d.due_at <= %(end_at)s "
            f"AND {scope} GROUP BY 1, 2) "
            "SELECT r.code, x.enhanced, sum(x.total), sum(x.met), sum(x.met_late), "
            "sum(x.overdue), sum(x.open), sum(x.declined), sum(x.waived), sum(x.tried) FROM ("
            "SELECT rule_id, enhanced, total, met, met_late, missed_passed + due_passed AS "
            "overdue, due - due_passed AS open, declined, waived, missed_attempted AS tried "
            "FROM s UNION ALL SELECT rule_id, enhanced, 0, 0, 0, n, -n, 0, 0, tried FROM late"
            ") x JOIN entitlements_dutyrule r ON r.id = x.rule_id GROUP BY r.code, x.enhanced"
        )
        params = {
            "start": period.start,
            "end": period.end,
            "start_at": period.start_at,
            "end_at": period.end_at,
            "supervised": supervised,
            "team": team,
            "refreshed": refreshed,
            "now": timezone.now(),
        }

        def run():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()

        self.floor_rows = run()  # kept for the test that checks it answers as the page does
        label = "hand-written SQL floor, " + ("team" if team else "force")
        return self.timed(label, run, self.repeat, None)

    def sweeps(self) -> list[Result]:
        sweeps = [
            ("sweep entitlements.mark_missed", entitlements.mark_missed),
            ("sweep notifications.sweep_due_soon", notifications.sweep_due_soon),
            ("sweep notifications.sweep_overdue", notifications.sweep_overdue),
            ("sweep notifications.sweep_referrals", notifications.sweep_referrals),
            ("sweep notifications.sweep_escalations", notifications.sweep_escalations),
            ("sweep notifications.sweep_digests", notifications.sweep_digests),
            ("sweep referrals.send_automatic", automatic_referrals.send_due_referrals),
        ]
        results = []
        for label, sweep in sweeps:
            made = []

            def run(sweep=sweep, made=made):
                made.append(_rolled_back(sweep))

            result = self.timed(label, run, self.sweep_repeat, SWEEP_MS, warm_up=False)
            last = made[-1]
            result.note = f"({len(last) if isinstance(last, list) else last} made, rolled back)"
            results.append(result)
        return results


def _a_minute_of_changes() -> int:
    """MINUTE_OF_CHANGES open duties due in the next week met (the triggers log them), then
    the summary brought up to date."""
    now = timezone.now()
    due = Duty.objects.filter(
        status=DutyStatus.DUE, due_at__gte=now, due_at__lt=now + datetime.timedelta(days=7)
    )
    ids = list(due.order_by("due_at", "id").values_list("id", flat=True)[:MINUTE_OF_CHANGES])
    Duty.objects.filter(id__in=ids).update(status=DutyStatus.MET, met_at=now)
    return summary.update(now=timezone.now())


def _rolled_back(call: Callable):
    """Run `call` in a transaction and roll it back: the same work each time, nothing sent
    (tasks queued on commit are dropped with the rollback)."""
    with transaction.atomic():
        value = call()
        transaction.set_rollback(True)
    return value


def _add_victims(case: Case, n: int) -> None:
    """`n` more victims in `case`, as an officer would add them (their duties and proposed
    referrals follow), and a contact with each on the timeline."""
    officer = case.officer
    reached = ContactOutcome.objects.get(code=ContactOutcome.REACHED)
    now = timezone.now()
    contacts = []
    for i in range(n):
        person = cases.create_person(
            by=officer, first_name="Benchmark", last_name=f"Victim {i + 1}", now=now
        )
        party = cases.add_party(
            case=case, person=person, role=PartyRole.VICTIM, by=officer, now=now
        )
        contacts.append(
            Contact(
                case=case,
                party=party,
                occurred_at=now - datetime.timedelta(minutes=i + 1),
                by=officer,
                method=ContactMethod.PHONE,
                purpose=ContactPurpose.UPDATE,
                outcome=reached,
                summary="Told them the case number and what happens next.",
            )
        )
    Contact.objects.bulk_create(contacts)


_TABLES = {
    "cases": Case,
    "victims and witnesses": Party,
    "duties": Duty,
    "contacts": Contact,
    "reminders": Notification,
    "staff": User,
}
