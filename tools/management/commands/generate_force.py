# ruff: noqa: S608 (SQL built from integers this command computes, never from input)
"""A realistic synthetic force, written straight into PostgreSQL for load and query testing.

Every row is made by set-based `INSERT ... SELECT` over `generate_series`, on the database server,
so memory stays flat whatever the size and nothing is saved one ORM row at a time. Duties follow
the rule rows seeded in entitlements (triggers, roles, offence flags, working-day deadlines to
23:59 London time, bank holidays from entitlements.calendar); the records that meet them (needs
assessments, update agreements, risk assessments, referrals, contacts) are made from the duties
met, so the figures hang together. Development only: it refuses to run unless DEBUG is on.
"""

import datetime
import json
import time

import environ
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections, transaction
from django.urls import reverse
from django.utils import timezone

from compliance import summary
from entitlements import calendar

# Share of recorded crime by offence code (roughly the national mix; domestic abuse about 20%).
OFFENCE_WEIGHTS = {
    "theft_other": 19,
    "theft_from_vehicle": 6,
    "burglary_residential": 5,
    "burglary_business": 2,
    "criminal_damage": 10,
    "fraud": 3,
    "common_assault": 11,
    "abh": 4,
    "abh_domestic": 12,
    "coercive_control": 4,
    "stalking_domestic": 3,
    "stalking": 2,
    "harassment": 6,
    "gbh_with_intent": 0.5,
    "gbh_with_intent_knife": 0.3,
    "sexual_assault": 2,
    "rape": 1,
    "robbery_personal": 2,
    "robbery_knife": 0.5,
    "racially_aggravated_assault": 1,
    "hate_public_order": 1.5,
    "arson_endangering_life": 0.2,
    "attempted_murder": 0.05,
    "murder": 0.02,
    "manslaughter": 0.01,
    "death_dangerous_driving": 0.02,
    "kidnap": 0.05,
    "false_imprisonment": 0.1,
    "modern_slavery": 0.1,
    "terrorism": 0.01,
    "firearm_endanger_life": 0.05,
}
SLOTS = 10000
FIRST_F = "Amelia Olivia Isla Ava Mia Grace Sophia Lily Freya Emily Ivy Ella Rosie Evie Aisha Zara"
FIRST_M = "Oliver George Noah Arthur Leo Harry Oscar Jack Muhammad Thomas Jacob Ali Henry Adam Sam"
LAST = (
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Robinson Wright Thompson Evans "
    "Walker White Roberts Green Hall Thomas Clarke Jackson Wood Harris Edwards Turner Khan Hughes "
    "Martin Cooper Hill Ward Hussain Morris Moore Clark Lee King Baker Harrison Morgan Allen"
)


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def _array(words: str) -> str:
    return "ARRAY[" + ",".join(f"'{w}'" for w in words.split()) + "]"


class Command(BaseCommand):
    help = "Generate a synthetic force (cases, people, duties, records) into PostgreSQL."

    def add_arguments(self, parser):
        parser.add_argument("--victims", type=int, default=1_000_000, help="Victims and witnesses.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--months", type=int, default=12, help="Months ending today.")
        parser.add_argument("--database-url", default="", help="Default: DATABASES['default'].")
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "generate_force writes a synthetic force into the database: it runs only with "
                "DJANGO_DEBUG=true, or with --force on a database you mean to fill."
            )
        alias = "default"
        if options["database_url"]:
            alias = "generate_force"
            config = environ.Env.db_url_config(options["database_url"])
            connections.settings[alias] = connections.configure_settings({alias: config})[alias]
        connection = connections[alias]
        if connection.vendor != "postgresql":
            raise CommandError(
                "generate_force needs PostgreSQL (it uses generate_series and server-side "
                f"random numbers); this database is {connection.vendor}. Set DATABASE_URL to a "
                "PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/victimcare_bench."
            )
        if options["victims"] < 10:
            raise CommandError("--victims must be at least 10.")
        started = time.monotonic()
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            Generator(cursor, self.stdout, **options).run()
        self.stdout.write(f"done in {time.monotonic() - started:.1f} s")


class Generator:
    def __init__(self, cursor, out, *, victims, seed, months, **_):
        self.cur = cursor
        self.out = out
        self.now = timezone.now().replace(microsecond=0)
        self.seed = seed
        self.days = max(1, round(months * 30.44))
        self.N = victims
        self.C = max(1, round(victims * 0.8))
        self.T = max(4, min(100, victims // 10000))
        self.W = max(1, self.T // 25)  # witness care units
        self.CT = self.T - self.W  # crime teams
        self.officers = max(2 * self.CT, min(2000, victims // 500))  # officers
        self.WC = max(2 * self.W, self.officers // 50)  # witness care officers
        self.params = {"now": self.now}

    # --- plumbing ---------------------------------------------------------------------------------

    def sql(self, statement: str) -> int:
        began = time.monotonic()
        self.cur.execute(statement, self.params)
        if time.monotonic() - began > 5:  # a long working step: say what the time went on
            what = " ".join(statement.split()[:4])
            self.out.write(f"  ({what[:32]}) {'':>19} {time.monotonic() - began:7.1f} s")
        return self.cur.rowcount

    def step(self, label: str, statement: str) -> int:
        began = time.monotonic()
        self.cur.execute(statement, self.params)
        rows = self.cur.rowcount
        self.out.write(f"{label:<34} {rows:>11,} rows {time.monotonic() - began:7.1f} s")
        return rows

    def base(self, table: str) -> int:
        self.cur.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # nosec B608
        return self.cur.fetchone()[0]

    # --- the run ----------------------------------------------------------------------------------

    def run(self) -> None:
        self.out.write(
            f"generating {self.N:,} victims and witnesses in {self.C:,} cases over {self.days} "
            f"days to {self.now:%Y-%m-%d %H:%M} UTC; {self.T} teams, {self.officers:,} officers"
        )
        self.sql("SET LOCAL synchronous_commit = off")
        # The summary's change-log triggers (compliance/migrations/0008) would log every one of
        # millions of rows; the summary is rebuilt whole at the end instead, emptying the log.
        self.sql("SET LOCAL victimcare.summary_log = 'off'")
        self.sql("SET LOCAL work_mem = '256MB'")  # sorts and hashes of millions of rows
        try:
            # Only before the session's first temporary table: a connection that already ran
            # the summary's update (its facet table) keeps the default, which is only slower.
            with transaction.atomic(using=self.cur.db.alias):
                self.sql("SET temp_buffers = '512MB'")
        except DatabaseError:
            pass
        self.cur.execute("SELECT setseed(%s)", [((self.seed * 7919) % 20000) / 10000 - 1])
        self.tb, self.ub = self.base("accounts_team"), self.base("accounts_user")
        self.ab, self.cb = self.base("referrals_supportagency"), self.base("cases_case")
        self.pb, self.eb = self.base("cases_party"), self.base("cases_caseevent")
        self.xb, self.rb = self.base("cases_person"), self.base("referrals_referral")
        self.ib = self.base("surveys_invitation")
        self.calendar()
        self.reference()
        self.staff()
        self.cases()
        self.people()
        self.events()
        self.duties()
        self.records()
        self.referrals()
        self.surveys()
        self.reminders()
        self.finish()

    def calendar(self) -> None:
        """Working days as a table: deadline day = the Nth working day after the trigger's."""
        self.sql(
            "DROP TABLE IF EXISTS gen_day, gen_due, gen_offence, gen_rule, gen_user, gen_case, "
            "gen_party, gen_event, gen_src, gen_duty, gen_agreement, gen_referral, gen_invitation, "
            "gen_rates, gen_src_done"
        )
        self.sql(
            "CREATE OR REPLACE FUNCTION pg_temp.eod(d date) RETURNS timestamptz AS "
            "$$ SELECT (d + time '23:59:59') AT TIME ZONE 'Europe/London' $$ "
            "LANGUAGE sql IMMUTABLE"
        )
        self.sql(
            "CREATE OR REPLACE FUNCTION pg_temp.ldate(t timestamptz) RETURNS date AS "
            "$$ SELECT (t AT TIME ZONE 'Europe/London')::date $$ LANGUAGE sql IMMUTABLE"
        )
        self.sql("CREATE TEMP TABLE gen_day (day date PRIMARY KEY, working bool, wd int)")
        today = timezone.localdate(self.now)
        day = today - datetime.timedelta(days=self.days + 45)
        rows, counted = [], 0
        while day <= today + datetime.timedelta(days=400):
            working = calendar.is_working_day(day)
            counted += working
            rows.append(f"('{day.isoformat()}', {str(working).lower()}, {counted})")
            day += datetime.timedelta(days=1)
        self.sql("INSERT INTO gen_day VALUES " + ",".join(rows))  # nosec B608
        self.sql(
            "CREATE TEMP TABLE gen_due AS SELECT d.day, n.n, "
            "(SELECT min(w.day) FROM gen_day w WHERE w.working AND w.wd = d.wd + n.n) AS due_day "
            "FROM gen_day d CROSS JOIN (VALUES (1), (2), (5), (10), (30)) n(n) "
            "UNION ALL SELECT day, 0, day FROM gen_day"
        )
        self.sql("CREATE UNIQUE INDEX ON gen_due (day, n)")

    def reference(self) -> None:
        self.cur.execute("SELECT id, code, offence_group, flags FROM cases_offencecategory")
        # Django hands jsonb back as text.
        offences = [
            (pk, code, group, _json(flags)) for pk, code, group, flags in self.cur.fetchall()
        ]
        if not offences:
            raise CommandError("No offence categories: run migrate first.")
        self.cur.execute(
            "SELECT most_serious_flags FROM cases_enhancedrightspolicy "
            "ORDER BY effective_from DESC LIMIT 1"
        )
        serious = set(_json(self.cur.fetchone()[0]))
        weights = [OFFENCE_WEIGHTS.get(code, 0.3) for _, code, _, _ in offences]
        total = sum(weights)
        slots: list[int] = []
        for (pk, *_), weight in zip(offences, weights, strict=True):
            slots += [pk] * max(1, round(SLOTS * weight / total))
        slots = (slots * 2)[:SLOTS]
        self.offence_slots = "ARRAY[" + ",".join(map(str, slots)) + "]"
        self.sql(
            "CREATE TEMP TABLE gen_offence (id int PRIMARY KEY, flags text[], da bool, "
            "sexual bool, serious bool)"
        )
        values = ",".join(
            f"({pk}, ARRAY[{','.join(repr(f) for f in flags)}]::text[], "
            f"{str('domestic_abuse' in flags).lower()}, {str('sexual_offence' in flags).lower()}, "
            f"{str(bool(serious & set(flags))).lower()})"
            for pk, _, _, flags in offences
        )
        self.sql("INSERT INTO gen_offence VALUES " + values)  # nosec B608
        self.sql(
            "CREATE TEMP TABLE gen_rule AS SELECT id, code, trigger, owner, met_by, recurring, "
            "clock_from_receipt AS receipt, standard_working_days AS std, "
            "enhanced_working_days AS enh, calendar_hours AS hours, min_custody_months, "
            "ARRAY(SELECT jsonb_array_elements_text(roles)) AS roles, "
            "ARRAY(SELECT jsonb_array_elements_text(offence_flags)) AS flags "
            "FROM entitlements_dutyrule WHERE effective_to IS NULL AND effective_from IS NOT NULL"
        )
        self.sql(
            "CREATE TEMP TABLE gen_rates (code text PRIMARY KEY, declined float, ontime float)"
        )
        self.sql(
            "INSERT INTO gen_rates VALUES ('R4', 0.35, NULL), ('R14', 0.15, NULL), "
            "('R1', 0, 0.97), ('R29', 0.03, NULL), ('R5-U', 0.01, NULL)"
        )
        kinds = [
            ("victim_service", "Victim Services"),
            ("idva", "IDVA Service"),
            ("isva", "ISVA Service"),
            ("sarc", "Sexual Assault Referral Centre"),
            ("marac", "MARAC"),
            ("witness_service", "Witness Service"),
            ("young_witness", "Young Witness Service"),
            ("childrens_social_care", "Children's Services"),
        ]
        values = ",".join(
            f"({self.ab + i}, 'Generated {name.replace(chr(39), chr(39) * 2)} {self.ab + i}', "
            f"'{kind}', 'Northshire', '', '', 2, '[]', NULL, NULL, '[]', 'consent', '', true, "
            "false, '', '', '', '', '', '')"
            for i, (kind, name) in enumerate(kinds, start=1)
        )
        self.step(
            "referrals_supportagency",
            "INSERT INTO referrals_supportagency (id, name, kind, area, contact_email, "  # nosec B608
            "contact_phone, response_target_working_days, accepts_offence_flags, accepts_min_age, "
            "accepts_max_age, accepts_risk_levels, consent_basis, contact_route, is_active, "
            # Generated agencies are not on the public support page.
            "listed_publicly, public_summary_en, public_summary_cy, self_referral_en, "
            "self_referral_cy, public_phone, public_website) "
            "VALUES " + values,
        )

    def staff(self) -> None:
        T, CT, OFF, WC, W = self.T, self.CT, self.officers, self.WC, self.W
        hub = max(1, CT // 10)
        vbc = hub + max(1, CT * 55 // 100)
        kind = (
            f"CASE WHEN t <= {hub} THEN 'vulnerability_hub' WHEN t <= {vbc} THEN "
            f"'victim_based_crime' WHEN t <= {CT} THEN 'neighbourhood' ELSE 'witness_care_unit' END"
        )
        self.step(
            "accounts_team",
            f"INSERT INTO accounts_team (id, name, kind) SELECT {self.tb} + t, "  # nosec B608
            f"initcap(replace({kind}, '_', ' ')) || ' ' || lpad(t::text, 3, '0') || "
            f"' (generated {self.tb})', {kind} FROM generate_series(1, {T}) t",
        )
        # Officers 1..OFF round-robin over the crime teams, two supervisors per team, then the
        # witness care officers round-robin over the units.
        self.sql(
            f"CREATE TEMP TABLE gen_user AS "  # nosec B608
            f"SELECT {self.ub} + k AS id, 'officer' AS role, {self.tb} + 1 + mod(k - 1, {CT}) "
            f"AS team_id, false AS sup, k FROM generate_series(1, {OFF}) k UNION ALL "
            f"SELECT {self.ub} + {OFF} + s, 'supervisor', {self.tb} + 1 + mod(s - 1, {T}), true, s "
            f"FROM generate_series(1, {2 * T}) s UNION ALL "
            f"SELECT {self.ub} + {OFF + 2 * T} + w, 'witness_care', "
            f"{self.tb} + {CT} + 1 + mod(w - 1, {W}), false, w FROM generate_series(1, {WC}) w"
        )
        self.step(
            "accounts_user",
            "INSERT INTO accounts_user (id, password, is_superuser, username, first_name, "  # nosec B608
            "last_name, email, is_staff, is_active, date_joined, collar_number) "
            f"SELECT id, '!', false, 'gen{self.ub}-' || role || '-' || k, "
            f"({_array(FIRST_F + ' ' + FIRST_M)})[1 + mod(id, 31)], "
            f"({_array(LAST)})[1 + mod(id / 31, {len(LAST.split())})], "
            "'gen' || id || '@police.example', false, "
            "true, %(now)s, CASE WHEN role = 'officer' THEN (10000 + id)::text ELSE '' END "
            "FROM gen_user",
        )
        self.step(
            "accounts_userrole",
            "INSERT INTO accounts_userrole (user_id, role, granted_at) "
            "SELECT id, role, %(now)s FROM gen_user",
        )
        self.step(
            "accounts_teammembership",
            "INSERT INTO accounts_teammembership (team_id, user_id, is_supervisor, joined_at) "
            "SELECT team_id, id, sup, %(now)s FROM gen_user",
        )

    def cases(self) -> None:
        C, CT, OFF, W, WC, T = self.C, self.CT, self.officers, self.W, self.WC, self.T
        wco0 = self.ub + OFF + 2 * T
        randoms = ", ".join(f"random() r{n}" for n in range(1, 17))
        self.sql(
            f"CREATE TEMP TABLE gen_case AS WITH r AS MATERIALIZED (SELECT i, {randoms} "  # nosec B608
            f"FROM generate_series(1, {C}) i), "
            # Teams are not equally busy: the first ones take the most cases.
            f"a AS (SELECT r.*, {self.cb} + i AS id, "
            f"date_trunc('second', %(now)s::timestamptz - r1 * {self.days} * interval '1 day') "
            f"AS reported_at, ({self.offence_slots})[1 + floor(r2 * {SLOTS})::int] AS offence_id, "
            f"1 + floor(power(r3, 1.5) * {CT})::int AS t FROM r), "
            "b AS (SELECT a.*, o.flags, o.da, o.sexual, o.serious, "
            "r5 < CASE WHEN o.serious AND NOT o.da THEN 0.15 ELSE 0.065 END AS charged, "
            "date_trunc('second', a.reported_at + least(interval '2 days' * r7, "
            "(%(now)s - a.reported_at) * r7)) AS arrest_at FROM a "
            "JOIN gen_offence o ON o.id = a.offence_id), "
            "c AS (SELECT b.*, charged OR r6 < CASE WHEN da THEN 0.6 WHEN serious THEN 0.5 "
            "ELSE 0.15 END AS arrested, "
            "CASE WHEN charged THEN date_trunc('second', arrest_at + least(interval '45 days' * "
            "r8, (%(now)s - arrest_at) * r8)) END AS charge_at, "
            "date_trunc('second', reported_at - interval '3 days' * r9 * r9) AS occurred_at, "
            "date_trunc('second', reported_at + least(interval '20 hours' * r10, "
            "(%(now)s - reported_at) * r10)) AS recorded_at, "
            "date_trunc('second', reported_at + interval '1 day' * (-ln(1 - r11) * 25)) "
            "AS nfa_at FROM b) "
            f"SELECT c.*, {self.tb} + t AS team_id, "
            f"{self.ub} + t + {CT} * floor(r4 * (({OFF} - t) / {CT} + 1))::int AS officer_id, "
            f"{self.ub} + {OFF} + t AS supervisor_id, "
            "CASE WHEN charged AND charge_at + interval '120 days' < %(now)s THEN 'closed' "
            "WHEN charged THEN 'with_wcu' WHEN nfa_at < %(now)s THEN 'closed' "
            "ELSE 'under_investigation' END AS status, "
            "CASE WHEN charged AND charge_at + interval '120 days' < %(now)s THEN "
            "charge_at + interval '120 days' WHEN NOT charged AND nfa_at < %(now)s THEN nfa_at "
            "END AS closed_at, "
            "CASE WHEN charged THEN CASE WHEN r12 < 0.75 THEN 'convicted' ELSE 'acquitted' END "
            "WHEN r12 < 0.45 THEN 'no_suspect' WHEN r12 < 0.70 THEN 'evidential_difficulties' "
            "WHEN r12 < 0.90 THEN 'victim_does_not_support' WHEN r12 < 0.94 THEN "
            "'not_in_public_interest' ELSE 'out_of_court' END AS nfa_outcome, "
            f"CASE WHEN charged THEN {self.tb} + {CT} + 1 + mod(i, {W}) END AS wcu_team_id, "
            f"CASE WHEN charged AND r13 < 0.8 THEN {wco0} + 1 + mod(i, {W}) + {W} * "
            f"floor(r14 * (({WC} - 1 - mod(i, {W})) / {W} + 1))::int END AS wco_id, "
            f"{wco0} + 1 + mod(i, {W}) AS unit_wco_id "
            "FROM c"
        )
        self.sql("ALTER TABLE gen_case ADD PRIMARY KEY (id)")
        self.sql("ANALYZE gen_case")
        self.step(
            "cases_case",
            "INSERT INTO cases_case (id, crime_reference, offence_id, offence_summary, "
            "occurred_at, reported_at, recorded_at, team_id, officer_id, status, outcome, "
            "closed_at, wcu_team_id, witness_care_officer_id, restricted, mental_health_demand, "
            "thrive_grade, version, created_at, created_by_id, updated_at) "
            "SELECT id, 'G' || chr(65 + mod(id / 1000000, 26)) || '/' || "
            "lpad(mod(id, 1000000)::text, 6, '0') || '/' || "
            "to_char(reported_at AT TIME ZONE 'Europe/London', 'YY'), offence_id, '', "
            "occurred_at, reported_at, recorded_at, team_id, officer_id, status, "
            "CASE WHEN status = 'closed' THEN nfa_outcome ELSE '' END, closed_at, wcu_team_id, "
            "wco_id, r15 < 0.01, r16 < 0.08, CASE WHEN r9 < 0.1 THEN 'immediate' WHEN r9 < 0.4 "
            "THEN 'priority' WHEN r9 < 0.8 THEN 'scheduled' ELSE 'resolution' END, 1, "
            "reported_at, officer_id, coalesce(closed_at, recorded_at) FROM gen_case ORDER BY id",
        )

    def people(self) -> None:
        C, N = self.C, self.N
        randoms = ", ".join(f"random() q{n}" for n in range(1, 11))
        self.sql(
            f"CREATE TEMP TABLE gen_party AS WITH r AS MATERIALIZED (SELECT j, {randoms} "  # nosec B608
            f"FROM generate_series(1, {N}) j), "
            f"a AS (SELECT r.*, {self.pb} + j AS id, {self.xb} + j AS person_id, "
            f"CASE WHEN j <= {C} THEN {self.cb} + j ELSE {self.cb} + 1 + "
            f"floor(q1 * {C})::int END AS case_id, CASE WHEN j <= {C} OR q2 >= 0.85 "
            "THEN 'victim' ELSE 'witness' END AS role, "
            "CASE WHEN q3 < 0.11 THEN 8 + floor(q4 * 10)::int ELSE 18 + floor(power(q4, 1.6) "
            "* 70)::int END AS age FROM r) "
            "SELECT a.*, c.reported_at, c.team_id, c.officer_id, c.supervisor_id, c.flags, c.da, "
            "c.serious, c.status AS case_status, c.closed_at, c.unit_wco_id, "
            f"CASE WHEN j <= {C} THEN c.reported_at ELSE date_trunc('second', c.reported_at + "
            "least(interval '5 days' * q5, (%(now)s - c.reported_at) * q5)) END AS added_at, "
            "CASE WHEN role = 'victim' AND c.serious THEN 'most_serious' WHEN age < 18 THEN "
            "'under_18' WHEN q6 < CASE WHEN role = 'victim' THEN 0.08 ELSE 0.05 END THEN "
            "(ARRAY['intimidated', 'mental_disorder', 'physical', 'impairment', "
            "'persistently_targeted'])[1 + floor(q7 * 5)::int] END AS basis "
            "FROM a JOIN gen_case c ON c.id = a.case_id"
        )
        self.sql("ALTER TABLE gen_party ADD PRIMARY KEY (id)")
        self.sql("CREATE INDEX ON gen_party (case_id)")
        self.sql("ANALYZE gen_party")
        first = f"({_array(FIRST_F)})[1 + floor(q8 * {len(FIRST_F.split())})::int]"
        first_m = f"({_array(FIRST_M)})[1 + floor(q8 * {len(FIRST_M.split())})::int]"
        self.step(
            "cases_person",
            "INSERT INTO cases_person (id, first_name, last_name, date_of_birth, email, phone, "  # nosec B608
            "address, postcode, preferred_language, interpreter_needed, communication_needs, sex, "
            "ethnicity, version, created_at, updated_at) "
            f"SELECT person_id, CASE WHEN q9 < 0.52 THEN ({first}) ELSE ({first_m}) END, "
            f"({_array(LAST)})[1 + floor(q10 * {len(LAST.split())})::int], "
            "pg_temp.ldate(reported_at) - age * 365 - floor(q4 * 365)::int, "
            "CASE WHEN q2 < 0.6 THEN 'person' || person_id || '@example.org' ELSE '' END, "
            "CASE WHEN q5 < 0.85 THEN '07700 ' || lpad(mod(person_id, 1000000)::text, 6, '0') "
            "ELSE '' END, mod(person_id, 200) || ' Generated Street', 'NS' || (1 + mod(j, 20)) "
            "|| ' ' || mod(j, 9) || 'AB', CASE WHEN q7 < 0.95 THEN 'English' ELSE "
            "(ARRAY['Polish', 'Urdu', 'Romanian', 'Punjabi', 'Arabic'])[1 + mod(j, 5)] END, "
            "q7 >= 0.95, '', CASE WHEN q9 < 0.51 THEN 'Female' WHEN q9 < 0.985 THEN 'Male' "
            "WHEN q9 < 0.995 THEN 'Other' ELSE '' END, "
            "CASE WHEN q3 < 0.05 THEN '' WHEN q10 < 0.78 THEN 'White' WHEN q10 < 0.87 THEN "
            "'Asian or Asian British' WHEN q10 < 0.91 THEN "
            "'Black, Black British, Caribbean or African' WHEN q10 < 0.94 THEN "
            "'Mixed or multiple ethnic groups' ELSE 'Other ethnic group' END, 1, added_at, "
            "added_at FROM gen_party ORDER BY person_id",
        )
        self.step(
            "cases_safecontact",
            "INSERT INTO cases_safecontact (person_id, phone_safe, text_safe, email_safe, "
            "letter_safe, visit_safe, safe_times, may_leave_message, alternative_contact, notes, "
            "version, updated_at, updated_by_id) SELECT person_id, q1 < 0.85, q2 < 0.8, "
            "q3 < 0.7, NOT da, NOT da OR q4 < 0.3, CASE WHEN q5 < 0.4 THEN "
            "'Weekdays, 9am to 3pm' ELSE '' END, NOT da, '', '', 1, added_at, officer_id "
            "FROM gen_party WHERE (da AND role = 'victim') OR q6 > 0.92",
        )
        self.step(
            "cases_party",
            "INSERT INTO cases_party (id, case_id, person_id, role, enhanced, added_at) "
            "SELECT id, case_id, person_id, role, basis IS NOT NULL, added_at FROM gen_party "
            "ORDER BY id",
        )
        self.step(
            "cases_eligibilitybasis",
            "INSERT INTO cases_eligibilitybasis (party_id, basis, applies, opted_out, source, "
            "evidence, intimidation_factors, assessed_by_id, assessed_at) SELECT id, basis, true, "
            "false, CASE WHEN basis IN ('most_serious', 'under_18') THEN 'derived' ELSE "
            "'needs_assessment' END, '', '[]', CASE WHEN basis IN ('most_serious', 'under_18') "
            "THEN NULL ELSE officer_id END, added_at FROM gen_party WHERE basis IS NOT NULL",
        )
        self.step(
            "cases_enhancedstatuschange",
            "INSERT INTO cases_enhancedstatuschange (party_id, enhanced, bases, reason, "
            "changed_at, changed_by_id) SELECT id, true, jsonb_build_array(basis), "
            "'Worked out when the person was added', added_at, NULL FROM gen_party "
            "WHERE basis IS NOT NULL",
        )

    def events(self) -> None:
        rows = [
            ("arrest", "arrest_at", "NULL", "arrested"),
            ("interview", "arrest_at + interval '3 hours'", "NULL", "arrested"),
            ("charge", "charge_at", "NULL", "charged"),
            ("passed_to_wcu", "charge_at + interval '1 day'", "NULL", "charged"),
            ("hearing_listed", "charge_at + interval '2 days'", "x", "charged"),
            (
                "rui",
                "arrest_at + interval '6 hours'",
                "NULL",
                "arrested AND NOT charged AND mod(i, 5) < 3",
            ),
            (
                "bail",
                "arrest_at + interval '6 hours'",
                "NULL",
                "arrested AND NOT charged AND mod(i, 5) >= 3",
            ),
            (
                "released_no_charge",
                "closed_at - interval '1 hour'",
                "NULL",
                "arrested AND NOT charged AND status = 'closed'",
            ),
            (
                "not_investigated",
                "closed_at",
                "NULL",
                "NOT arrested AND status = 'closed' AND nfa_outcome = 'no_suspect' AND "
                "mod(i, 2) = 0",
            ),
            ("verdict", "charge_at + interval '100 days'", "x", "charged"),
            (
                "sentence",
                "charge_at + interval '110 days'",
                "x",
                "charged AND nfa_outcome = 'convicted'",
            ),
            (
                "vrr_request",
                "closed_at + interval '10 days'",
                "NULL",
                "NOT charged AND status = 'closed' AND mod(i, 300) = 7",
            ),
            ("complaint", "reported_at + interval '20 days'", "NULL", "mod(i, 500) = 3"),
        ]
        selects = " UNION ALL ".join(
            f"SELECT id AS case_id, '{kind}' AS kind, {at} AS occurred_at, "  # nosec B608
            f"{'(' + at + ')' if received == 'x' else 'NULL::timestamptz'} AS received_at, "
            f"officer_id, unit_wco_id, i FROM gen_case WHERE {where} AND {at} < %(now)s"
            for kind, at, received, where in rows
        )
        self.sql(
            f"CREATE TEMP TABLE gen_event AS SELECT {self.eb} + row_number() OVER "  # nosec B608
            f"(ORDER BY e.occurred_at, e.case_id) AS id, e.* FROM ({selects}) e"
        )
        self.sql("CREATE INDEX ON gen_event (case_id)")
        self.sql("ANALYZE gen_event")
        self.step(
            "cases_caseevent",
            "INSERT INTO cases_caseevent (id, case_id, kind, occurred_at, received_at, party_id, "
            "hearing_at, venue, outcome, custody_months, notes, recorded_by_id, recorded_at, "
            "withdrawn_at, withdrawn_by_id, withdrawal_reason) SELECT id, case_id, kind, "
            "occurred_at, received_at, NULL, CASE WHEN kind = 'hearing_listed' THEN "
            "occurred_at + interval '28 days' END, CASE WHEN kind = 'hearing_listed' THEN "
            "'Northshire Magistrates'' Court' ELSE '' END, '', NULL, '', CASE WHEN received_at "
            "IS NULL THEN officer_id ELSE unit_wco_id END, occurred_at, NULL, NULL, '' "
            "FROM gen_event ORDER BY id",
        )

    # --- duties -----------------------------------------------------------------------------------

    def resolve(self, source: str, into: str, *, create: bool) -> None:
        """Deadlines and outcomes for the duty rows in `source`: due_at from the rule's clock,
        then met on time, met late, missed (still open), declined, waived, not applicable, or
        still due, in proportions that vary by rule and team."""
        select = (
            "WITH r AS MATERIALIZED (SELECT s.*, random() u, random() v FROM "  # nosec B608
            f"{source} s), "
            "d AS (SELECT r.*, CASE WHEN r.hours IS NOT NULL THEN r.trigger_at + r.hours * "
            "interval '1 hour' WHEN r.fixed_due IS NOT NULL THEN r.fixed_due ELSE "
            "pg_temp.eod(g.due_day) END AS due_at, coalesce(x.declined, 0.02) AS dr, "
            "coalesce(x.ontime, CASE WHEN r.busy THEN 0.72 ELSE 0.86 END - CASE WHEN "
            "r.code = 'R5-U' THEN 0.08 ELSE 0 END) AS ontime FROM r LEFT JOIN gen_due g ON g.day = "
            "pg_temp.ldate(r.trigger_at) AND g.n = CASE WHEN r.enhanced THEN r.enh ELSE "
            "r.std END LEFT JOIN gen_rates x ON x.code = r.code), "
            "e AS (SELECT d.*, (u - dr - 0.015) / (1 - dr - 0.015) AS w, due_at < %(now)s "
            "AS past, CASE WHEN fixed_due IS NULL THEN trigger_at ELSE greatest(trigger_at, "
            "due_at - interval '14 days') END AS start_at FROM d), "
            "f AS (SELECT e.*, CASE WHEN u < dr THEN 'declined' WHEN u < dr + 0.005 THEN "
            "'waived' WHEN u < dr + 0.015 THEN 'not_applicable' WHEN past AND w < ontime THEN "
            "'met' WHEN past AND w < ontime + 0.08 THEN 'met_late' WHEN past THEN 'missed' "
            "WHEN w < 0.45 THEN 'met' ELSE 'due' END AS status FROM e) "
            "SELECT f.*, CASE WHEN status = 'met' THEN start_at + (least(due_at, %(now)s) - "
            "start_at) * v WHEN status = 'met_late' THEN due_at + "
            "least(interval '10 days', %(now)s - due_at) * v END "
            "AS met_at, CASE WHEN status IN ('declined', 'waived', 'not_applicable') THEN "
            "trigger_at + (least(due_at, %(now)s) - trigger_at) * v END AS resolved_at FROM f"
        )
        if create:
            self.sql(f"CREATE TEMP TABLE {into} AS {select}")
        else:
            self.sql(f"INSERT INTO {into} {select}")

    def duty_source(self, name: str, body: str) -> None:
        self.sql(f"DROP TABLE IF EXISTS {name}")
        # Equality joins of millions of rows: hash joins, never a nested loop on a guess.
        self.sql("SET LOCAL enable_nestloop = off")
        self.sql(f"CREATE TEMP TABLE {name} AS {body}")
        self.sql("SET LOCAL enable_nestloop = on")
        self.sql(f"ANALYZE {name}")

    def duties(self) -> None:
        # Columns every source gives: what the duty is, whom it is owed to, what set it off.
        columns = (
            "p.case_id, p.id AS party_id, r.id AS rule_id, r.code, r.owner, r.met_by, "
            "r.std, r.enh, r.hours, p.basis IS NOT NULL AS enhanced, p.team_id = "
            f"{self.tb} + 1 AS busy, p.officer_id, p.supervisor_id, p.unit_wco_id"
        )
        applies = (
            "p.role = ANY(r.roles) AND (cardinality(r.flags) = 0 OR r.flags && p.flags) "
            "AND NOT r.recurring"
        )
        self.duty_source(
            "gen_src",
            f"SELECT {columns}, 'case:' || p.case_id || ':reported' AS trigger_key, "  # nosec B608
            "NULL::bigint AS event_id, p.reported_at AS trigger_at, 'crime reported' AS label, "
            "1 AS sequence, NULL::timestamptz AS fixed_due FROM gen_party p JOIN gen_rule r ON "
            f"r.trigger = 'crime_reported' AND {applies} WHERE p.j <= {self.C} "
            f"UNION ALL SELECT {columns}, 'party:' || p.id || ':recorded', NULL, p.added_at, "
            "CASE WHEN p.added_at = p.reported_at THEN 'crime reported' ELSE "
            "'added to the case' END, 1, NULL FROM gen_party p JOIN gen_rule r ON "
            f"r.trigger = 'crime_recorded' AND {applies} "
            f"UNION ALL SELECT {columns}, 'event:' || e.id, e.id, CASE WHEN r.receipt THEN "
            "coalesce(e.received_at, e.occurred_at) ELSE e.occurred_at END, "
            "replace(e.kind, '_', ' '), 1, NULL FROM gen_event e JOIN gen_party p ON "
            "p.case_id = e.case_id AND p.added_at <= e.occurred_at JOIN gen_rule r ON "
            f"r.trigger = e.kind AND {applies} AND r.min_custody_months IS NULL "
            f"UNION ALL SELECT {columns}, 'case:' || p.case_id || ':closed:' || "
            "to_char(p.closed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') || '+00:00', "
            "NULL, p.closed_at, 'case closed', 1, NULL FROM gen_party p JOIN gen_rule r ON "
            f"r.trigger = 'case_closed' AND {applies} WHERE p.case_status = 'closed'",
        )
        self.resolve("gen_src", "gen_duty", create=True)
        self.sql("ANALYZE gen_duty")
        # A needs assessment starts the clock to agree updates (R5).
        self.duty_source(
            "gen_src",
            f"SELECT {columns}, 'needs:' || p.id AS trigger_key, NULL::bigint AS event_id, "  # nosec B608
            "d.met_at AS trigger_at, 'needs assessment completed' AS label, 1 AS sequence, "
            "NULL::timestamptz AS fixed_due FROM gen_duty d JOIN gen_party p ON "
            "p.id = d.party_id JOIN gen_rule r ON r.trigger = 'needs_assessed' AND "
            f"{applies} WHERE d.code = 'R3' AND d.status IN ('met', 'met_late')",
        )
        self.resolve("gen_src", "gen_duty", create=False)
        # The agreement, then one agreed update at a time until the case closes (R5-U): a
        # missed update stays open, and no later one is generated behind it.
        self.sql(
            "CREATE TEMP TABLE gen_agreement AS SELECT d.party_id, d.met_at AS agreed_at, "
            "d.met_by_id, (ARRAY[14, 28, 28, 30])[1 + floor(random() * 4)::int] AS freq, "
            "(ARRAY['phone', 'email', 'text', 'letter', 'visit'])[1 + floor(random() * 5)::int] "
            "AS method, coalesce(p.closed_at, %(now)s) AS end_at FROM (SELECT *, "
            "CASE WHEN owner = 'officer' THEN officer_id END AS met_by_id FROM gen_duty) d "
            "JOIN gen_party p ON p.id = d.party_id WHERE d.code = 'R5' AND "
            "d.status IN ('met', 'met_late')"
        )
        self.duty_source(
            "gen_src",
            f"SELECT {columns}, 'agreement:' || p.id AS trigger_key, NULL::bigint AS event_id, "  # nosec B608
            "a.agreed_at AS trigger_at, 'update agreement made' AS label, s AS sequence, "
            "a.agreed_at + s * a.freq * interval '1 day' AS fixed_due FROM gen_agreement a "
            "JOIN gen_party p ON p.id = a.party_id JOIN gen_rule r ON r.code = 'R5-U' "
            "CROSS JOIN LATERAL generate_series(1, least(15, 1 + floor(extract(epoch FROM "
            "a.end_at - a.agreed_at) / (a.freq * 86400))::int)) s "
            "WHERE a.agreed_at + (s - 1) * a.freq * interval '1 day' < a.end_at",
        )
        self.resolve("gen_src", "gen_src_done", create=True)
        self.sql(
            "INSERT INTO gen_duty SELECT g.* FROM gen_src_done g JOIN (SELECT party_id, "
            "min(sequence) FILTER (WHERE status IN ('missed', 'due')) AS stop FROM gen_src_done "
            "GROUP BY party_id) x USING (party_id) WHERE g.sequence <= coalesce(x.stop, "
            "g.sequence)"
        )
        self.sql("DROP TABLE gen_src_done")
        self.step(
            "entitlements_duty",
            "INSERT INTO entitlements_duty (case_id, party_id, rule_id, trigger_key, "
            "trigger_event_id, trigger_at, trigger_label, sequence, enhanced, due_at, "
            "explanation, owner, status, met_at, met_by_id, met_contact_id, met_record, reason, "
            "resolved_by_id, resolved_at, created_at, updated_at) SELECT case_id, party_id, "
            "rule_id, trigger_key, event_id, trigger_at, label, sequence, enhanced, due_at, "
            "code || ': generated for performance testing. Due by the end of the deadline "
            "day (23:59 London time).', owner, status, met_at, CASE WHEN met_at IS NULL THEN "
            "NULL WHEN owner = 'wcu' THEN unit_wco_id WHEN owner = 'supervisor' THEN "
            "supervisor_id ELSE officer_id END, NULL, CASE WHEN met_at IS NOT NULL AND met_by "
            "<> 'contact' THEN replace(met_by, '_', ' ') ELSE '' END, CASE WHEN status IN "
            "('declined', 'waived', 'not_applicable') THEN 'Generated: ' || status ELSE '' END, "
            "CASE WHEN resolved_at IS NULL THEN NULL WHEN status = 'waived' THEN supervisor_id "
            "ELSE officer_id END, resolved_at, trigger_at, CASE WHEN status = 'missed' THEN "
            "due_at ELSE coalesce(met_at, resolved_at, trigger_at) END FROM gen_duty "
            "ORDER BY trigger_at",
        )

    # --- records that met the duties -------------------------------------------------------------

    def records(self) -> None:
        met = "d.status IN ('met', 'met_late')"
        self.step(
            "cases_needsassessment",
            "INSERT INTO cases_needsassessment (party_id, version, assessed_at, assessed_by_id, "  # nosec B608
            "reason, communication_and_language, interpreter_needed, safe_contact_notes, "
            "health_and_disability, mental_disorder, impairment_of_intelligence, "
            "physical_disability, persistently_targeted, intimidated, intimidation_factors, "
            "support_needs, special_measures_needed, special_measures_notes, "
            "court_childcare_needed, court_transport_needed, restorative_justice_info_given, "
            "vps_offered, notes) SELECT d.party_id, 1, d.met_at, d.officer_id, "
            "'Initial assessment', '', false, '', '', b = 'mental_disorder', "
            "b = 'impairment', b = 'physical', b = 'persistently_targeted', "
            "b = 'intimidated' OR p.da, '[]', '', b <> '' AND d.u < 0.3, '', "
            "false, false, d.v < 0.5, d.v < 0.8, '' FROM gen_duty d JOIN (SELECT *, "
            "coalesce(basis, '') AS b FROM gen_party) p ON p.id = d.party_id WHERE "
            f"d.code IN ('R3', 'WC1') AND {met} ORDER BY d.met_at",
        )
        self.step(
            "cases_updateagreement",
            "INSERT INTO cases_updateagreement (party_id, frequency_days, method, notes, "
            "agreed_at, agreed_by_id, superseded_at, next_update_due_at) SELECT a.party_id, "
            "a.freq, a.method, '', a.agreed_at, coalesce(a.met_by_id, p.officer_id), NULL, "
            "n.next_due FROM gen_agreement a JOIN gen_party p ON p.id = a.party_id LEFT JOIN "
            "(SELECT party_id, max(due_at) AS next_due FROM gen_duty WHERE code = 'R5-U' AND "
            "status IN ('due', 'missed') GROUP BY party_id) n ON n.party_id = a.party_id "
            "ORDER BY a.agreed_at",
        )
        self.step(
            "cases_riskassessment",
            "INSERT INTO cases_riskassessment (party_id, question_set_id, assessed_at, "  # nosec B608
            "assessed_by_id, answers, score, actuarial_grade, judgement_grade, "
            "judgement_reason, grade, marac_referral, marac_reasons, "
            "domestic_abuse_incidents_in_window) SELECT d.party_id, (SELECT id FROM "
            "cases_riskquestionset ORDER BY effective_from DESC LIMIT 1), d.met_at, "
            "d.officer_id, '{}', CASE WHEN d.v < 0.55 THEN floor(d.u * 10) WHEN d.v < 0.85 "
            "THEN 10 + floor(d.u * 4) ELSE 14 + floor(d.u * 10) END, g, '', '', g, g = 'high', "
            "CASE WHEN g = 'high' THEN '[\"high_risk\"]'::jsonb ELSE '[]'::jsonb END, "
            "floor(d.u * 3) "
            "FROM (SELECT *, CASE WHEN v < 0.55 THEN 'standard' WHEN v < 0.85 THEN 'medium' "
            f"ELSE 'high' END AS g FROM gen_duty) d WHERE d.code = 'R29' AND {met} "
            "ORDER BY d.met_at",
        )
        contact_rules = (
            "SELECT d.case_id, d.party_id, d.met_at AS at, CASE WHEN d.owner = 'wcu' THEN "  # nosec B608
            "d.unit_wco_id ELSE d.officer_id END AS by_id, CASE WHEN d.code IN ('R16', "
            "'R17', 'R21', 'R22', 'WC4', 'WC5') THEN 'post_charge' ELSE 'update' END AS "
            f"purpose, d.v FROM gen_duty d WHERE {met} AND d.met_by IN ('contact', "
            "'update_contact')"
        )
        first = (
            "SELECT case_id, id, added_at + interval '2 hours', officer_id, 'initial', q3 "
            "FROM gen_party WHERE added_at + interval '2 hours' < %(now)s"
        )
        self.step(
            "cases_contact",
            "INSERT INTO cases_contact (case_id, party_id, occurred_at, by_id, method, "  # nosec B608
            "direction, purpose, outcome_id, summary, recorded_at) SELECT case_id, party_id, at, "
            "by_id, (ARRAY['phone', 'phone', 'phone', 'email', 'text', 'face_to_face', "
            "'home_visit', 'letter'])[1 + floor(v * 8)::int], CASE WHEN v > 0.9 THEN 'incoming' "
            "ELSE 'outgoing' END, purpose, (SELECT id FROM cases_contactoutcome WHERE code = "
            "'reached'), 'Generated contact.', at FROM (" + contact_rules + " UNION "
            "ALL " + first + ") c ORDER BY at",
        )

    def referrals(self) -> None:
        ab = self.ab
        self.sql(
            f"CREATE TEMP TABLE gen_referral AS SELECT {self.rb} + row_number() OVER "  # nosec B608
            "(ORDER BY d.met_at, d.party_id) AS id, d.case_id, d.party_id, d.officer_id, "
            f"CASE WHEN p.da AND d.v < 0.6 THEN {ab + 2} WHEN p.basis = 'under_18' AND "
            f"d.v < 0.3 THEN {ab + 7} ELSE {ab + 1} END AS agency_id, d.met_at AS sent_at, "
            "d.met_at + interval '1 hour' * (-ln(1 - d.u) * 30) AS answer_at, d.v, "
            "pg_temp.eod(g.due_day) AS respond_by FROM gen_duty d JOIN gen_party p ON "
            "p.id = d.party_id JOIN gen_due g ON g.day = pg_temp.ldate(d.met_at) AND g.n = 2 "
            "WHERE d.code = 'R4' AND d.status IN ('met', 'met_late')"
        )
        self.step(
            "referrals_referral",
            "INSERT INTO referrals_referral (id, case_id, party_id, agency_id, status, "
            "proposed_reason, support_requested, risk_level, lawful_basis, consent_scope, "
            "consent_method, consent_recorded_at, consent_recorded_by_id, consent_withdrawn_at, "
            "consent_withdrawn_by_id, created_by_id, created_at, sent_at, respond_by, "
            "responded_at, reason, outcome, sharing_reason, version) SELECT id, case_id, party_id, "
            "agency_id, "
            "CASE WHEN answer_at >= %(now)s THEN 'sent' WHEN v < 0.08 THEN 'declined' "
            "WHEN v < 0.5 THEN 'accepted' WHEN v < 0.8 THEN 'in_progress' ELSE 'closed' END, "
            "'Proposed by the record', '', '', 'consent', '[\"contact\", \"offence\"]', "
            "'phone', sent_at - interval '10 minutes', officer_id, NULL, NULL, officer_id, "
            "sent_at - interval '10 minutes', sent_at, respond_by, CASE WHEN answer_at < "
            "%(now)s THEN answer_at END, '', '', '', 1 FROM gen_referral ORDER BY id",
        )
        self.step(
            "referrals_referralevent",
            "INSERT INTO referrals_referralevent (referral_id, kind, from_status, to_status, "
            "note, at, by_id) SELECT id, 'consent', '', '', '', sent_at - interval '10 minutes', "
            "officer_id FROM gen_referral UNION ALL SELECT id, 'move', 'draft', 'sent', '', "
            "sent_at, officer_id FROM gen_referral UNION ALL SELECT r.id, 'move', 'sent', "
            "x.status, '', r.answer_at, NULL FROM gen_referral r JOIN referrals_referral x ON "
            "x.id = r.id WHERE r.answer_at < %(now)s",
        )

    def surveys(self) -> None:
        self.cur.execute(
            "SELECT r.id, r.template_id FROM surveys_surveyrule r JOIN surveys_surveytemplate t "
            "ON t.id = r.template_id WHERE t.audience = 'victim' ORDER BY r.id LIMIT 1"
        )
        found = self.cur.fetchone()
        if found is None:
            self.out.write("surveys_invitation: no victim survey rule seeded, none made")
            return
        rule, template = found
        self.sql(
            f"CREATE TEMP TABLE gen_invitation AS SELECT {self.ib} + row_number() OVER "  # nosec B608
            "(ORDER BY c.reported_at, c.id) AS id, c.id AS case_id, p.id AS party_id, "
            "c.reported_at + interval '42 days' AS created_at, random() AS u, random() AS v "
            f"FROM gen_case c JOIN gen_party p ON p.j = c.i WHERE mod(c.i, 5) = 1 AND "
            "c.reported_at + interval '42 days' < %(now)s"
        )
        self.step(
            "surveys_invitation",
            "INSERT INTO surveys_invitation (id, case_id, party_id, template_id, rule_id, "  # nosec B608
            "audience, nonce, channel, status, created_at, sent_at, expires_at, started_at, "
            "completed_at, declined_at, contact_consent) SELECT id, case_id, party_id, "
            f"{template}, {rule}, 'victim', md5(id::text || u::text), CASE WHEN v < 0.6 THEN "
            "'email' ELSE 'sms' END, CASE WHEN u < 0.3 THEN 'completed' WHEN u < 0.34 THEN "
            "'declined' WHEN u < 0.37 THEN 'started' ELSE 'sent' END, created_at, created_at + "
            "interval '1 hour', created_at + interval '28 days', CASE WHEN u < 0.37 AND u >= "
            "0.34 OR u < 0.3 THEN created_at + interval '1 day' * (1 + v * 9) END, CASE WHEN "
            "u < 0.3 THEN created_at + interval '1 day' * (1 + v * 9) + interval '5 minutes' "
            "END, CASE WHEN u >= 0.3 AND u < 0.34 THEN created_at + interval '2 days' END, "
            "u < 0.3 AND v < 0.3 FROM gen_invitation ORDER BY id",
        )
        self.step(
            "surveys_answer",
            "INSERT INTO surveys_answer (invitation_id, question_id, scale_value, choice, text) "  # nosec B608
            "SELECT i.id, q.id, CASE WHEN q.kind = 'scale' THEN 1 + floor(7 * power(random(), "
            "1.7))::int END, CASE WHEN q.kind = 'choice' THEN coalesce(q.choices ->> 0, '') "
            "ELSE '' END, '' FROM gen_invitation i JOIN surveys_question q ON "
            f"q.template_id = {template} AND q.kind IN ('scale', 'choice') WHERE i.u < 0.3",
        )

    def reminders(self) -> None:
        """The reminders earlier sweeps would have made, so a sweep now has only new work."""
        link = reverse("duty", kwargs={"pk": 111111111, "duty_pk": 222222222})
        before, middle = link.split("111111111")
        middle, after = middle.split("222222222")
        horizon = calendar.working_days_after(self.now, 1).due_at
        self.params["horizon"] = horizon
        self.step(
            "notifications_notification",
            "INSERT INTO notifications_notification (recipient_id, kind, key, duty_id, "  # nosec B608
            "case_id, referral_id, title, body, link, created_at, read_at, email_status, "
            "email_sent_at, sms_status, sms_sent_at) SELECT CASE WHEN d.owner = 'officer' "
            "THEN c.officer_id ELSE c.supervisor_id END, k.kind, 'duty:' || d.id, d.id, "
            "d.case_id, NULL, k.title || ': ' || r.title || ' (' || x.crime_reference || ')', "
            f"'', '{before}' || d.case_id || '{middle}' || d.id || '{after}', k.at, CASE WHEN "
            "mod(d.id, 10) < 6 THEN k.at + interval '2 hours' END, 'sent', k.at, 'off', NULL "
            "FROM entitlements_duty d JOIN gen_case c ON c.id = d.case_id JOIN cases_case x ON "
            "x.id = d.case_id JOIN entitlements_dutyrule r ON r.id = d.rule_id "
            "CROSS JOIN LATERAL (SELECT 'overdue' AS kind, 'Overdue' AS title, d.due_at + "
            "interval '10 minutes' AS at WHERE d.status = 'missed' UNION ALL SELECT "
            "'due_soon', 'Due soon', d.created_at + interval '10 minutes' WHERE "
            "d.status = 'due' AND d.due_at <= %(horizon)s AND d.created_at < %(now)s - "
            "interval '15 minutes') k "
            f"WHERE d.case_id > {self.cb} AND d.status IN ('missed', 'due')",
        )

    def finish(self) -> None:
        for table in (
            "accounts_team",
            "accounts_user",
            "referrals_supportagency",
            "cases_person",
            "cases_case",
            "cases_party",
            "cases_caseevent",
            "referrals_referral",
            "surveys_invitation",
        ):
            self.sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # nosec B608
                f"(SELECT max(id) FROM {table}))"
            )
        began = time.monotonic()
        self.sql("DROP TABLE IF EXISTS gen_src, gen_duty, gen_party, gen_case, gen_event")
        self.sql("ANALYZE")
        self.out.write(
            f"{'sequences reset, temp tables dropped':<34} {'':>16} "
            f"{time.monotonic() - began:7.1f} s"
        )
        self.summary_refresh()

    def summary_refresh(self) -> None:
        began = time.monotonic()
        try:
            with transaction.atomic(using=self.cur.db.alias):
                rows = summary.refresh(using=self.cur.db.alias)
        except DatabaseError as exc:  # the force is made; the summary can be refreshed later
            self.out.write(f"compliance summary not refreshed ({exc.__class__.__name__})")
            return
        self.out.write(
            f"{'compliance summary refreshed':<34} {rows:>11,} rows "
            f"{time.monotonic() - began:7.1f} s"
        )
