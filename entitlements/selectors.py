"""Reads of duties for pages: checklists and the officer's worklist."""

import datetime

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone

from accounts.models import TeamMembership, User
from cases import safe_channels
from cases.models import BasisSource, ContactMethod, EligibilityBasis, SafeContact
from cases.permissions import visibility

from . import calendar, guidance
from .models import (
    OPEN_STATUSES,
    Duty,
    DutyAttempt,
    DutyRetiming,
    DutyRule,
    MetBy,
    Owner,
    Trigger,
)

# --- "due now" or "overdue" ---------------------------------------------------------------------


def recording_limit(on: datetime.date) -> datetime.timedelta | None:
    """How long the force has to record a crime after its report: the clock of the rule in
    force that recording the case meets (R1, the Crime Recording Rules' 24 hours)."""
    hours = (
        DutyRule.objects.in_force(on)
        .filter(met_by=MetBy.CASE_RECORDED, calendar_hours__isnull=False)
        .values_list("calendar_hours", flat=True)
        .first()
    )
    return datetime.timedelta(hours=hours) if hours is not None else None


def _recorded_late(case, limit: datetime.timedelta | None) -> bool:
    recorded = case.recorded_at or case.created_at
    return limit is not None and recorded > case.reported_at + limit


def born_due_now(limit: datetime.timedelta | None) -> Q:
    """Open duties whose deadline had already passed when they were made, on a case recorded in
    time (within `limit` of the report): "due now", not "overdue" (set_timing's twin in SQL, for
    counts). On the duty's own case (a join), not a subquery over every case: that read the
    force's 800,000 cases for one officer's home."""
    born_late = Q(due_at__lt=F("created_at"))
    if limit is None:
        return born_late
    in_time = F("case__reported_at") + limit
    return born_late & (
        Q(case__recorded_at__lte=in_time)
        | Q(case__recorded_at__isnull=True, case__created_at__lte=in_time)
    )


_ASK = object()


def set_timing(duties: list[Duty], *, now: datetime.datetime, limit=_ASK) -> list[Duty]:
    """Each open duty's word for its timing, on `duty.timing`: "overdue" once its deadline has
    passed; but "due now" for a duty whose deadline had passed before it was made (the risk
    assessment due on the day of report, for a case recorded the next morning), unless the case
    was recorded late, when it is overdue and `duty.late_note` says why. Reads the duties' case
    (select it with them). `limit`: recording_limit, if already read."""
    if limit is _ASK:
        limit = recording_limit(timezone.localtime(now).date()) if duties else None
    for duty in duties:
        duty.timing, duty.late_note = "", ""
        if not duty.is_open:
            continue
        if duty.due_at >= now:
            duty.timing = "due"
        elif duty.due_at < duty.created_at and not _recorded_late(duty.case, limit):
            duty.timing = "due_now"
        else:
            duty.timing = "overdue"
            if duty.due_at < duty.created_at:
                recorded = timezone.localtime(duty.case.recorded_at or duty.case.created_at)
                duty.late_note = (
                    f"The case was recorded on {recorded:%A %-d %B %Y at %H:%M}, after the time "
                    "allowed to record a crime: this deadline had passed by then."
                )
    return duties


def checklist_order(duties: list[Duty], *, now: datetime.datetime) -> list[Duty]:
    """Overdue first, then what is due soonest, then what is done (most recent first)."""

    def key(duty: Duty):
        if duty.is_open:
            return (0 if duty.due_at < now else 1, duty.due_at.timestamp())
        return (2, -duty.due_at.timestamp())

    return sorted(duties, key=key)


def owned_by(user: User) -> Q:
    """Duties this user is expected to act on: as officer in the case, as the named witness care
    officer (or any member of the unit while none is named), or as the team's supervisor."""
    teams = TeamMembership.objects.filter(user=user).values("team_id")
    supervised = TeamMembership.objects.filter(user=user, is_supervisor=True).values("team_id")
    return (
        Q(owner=Owner.OFFICER, case__officer=user)
        | Q(owner=Owner.WCU, case__witness_care_officer=user)
        | Q(owner=Owner.WCU, case__witness_care_officer__isnull=True, case__wcu_team_id__in=teams)
        | Q(owner=Owner.SUPERVISOR, case__team_id__in=supervised)
    )


# A home page lists this many duties, soonest deadline first; the rest are on "all your duties".
# What is due now, today and the next working day is listed in full up to this (a safety
# bound, far above a real day's work); overdue duties are counted for this many cases.
WORKLIST_ROWS = 100
OVERDUE_CASES = 10


def _owned_open(user: User) -> list[QuerySet]:
    """The open duties `user` owns, as one queryset per way of owning one: the same rule as
    owned_by, but each branch can use its own index (a case's officer, its unit, its team, then
    the open duties by case): as one OR, PostgreSQL read every open duty of the force for the
    busiest officer (1.2 s at 1,000,000 people, 0.1 s this way)."""
    teams = TeamMembership.objects.filter(user=user).values("team_id")
    supervised = TeamMembership.objects.filter(user=user, is_supervisor=True).values("team_id")
    open_duties = Duty.objects.open().order_by()
    return [
        open_duties.filter(owner=Owner.OFFICER, case__officer=user),
        open_duties.filter(owner=Owner.WCU, case__witness_care_officer=user),
        open_duties.filter(
            owner=Owner.WCU, case__witness_care_officer__isnull=True, case__wcu_team_id__in=teams
        ),
        open_duties.filter(owner=Owner.SUPERVISOR, case__team_id__in=supervised),
    ]


def _owned_open_ids(user: User) -> QuerySet:
    """The ids of the open duties `user` owns, as one UNION ALL of the ways of owning one."""
    first, *rest = (branch.values("id") for branch in _owned_open(user))
    return first.union(*rest, all=True)


def my_duties(user: User) -> QuerySet[Duty]:
    """Every open duty the user is expected to act on (owned_by), soonest deadline first."""
    return (
        Duty.objects.visible_to(user)
        .filter(pk__in=_owned_open_ids(user))
        .select_related("case", "party__person", "rule__right")
        .order_by("due_at", "id")
    )


def worklist(user: User, *, now: datetime.datetime | None = None, limit: int | None = None) -> dict:
    """What the user must do: due now, today, and by the end of the next working day, listed in
    full (up to `limit`, a safety bound); and what is overdue as a count per case, the cases
    with the oldest deadlines first (OVERDUE_CASES of them), with the paged list of every open
    duty a link away. An officer with thousands of missed duties gets the same short page, read
    in the same queries, as anyone: the few columns of their open duties are read once (by
    index, a few thousand rows for the busiest officer of a 1,000,000-person force), and every
    count and group is made from them; only the duties listed are read whole."""
    now = now or timezone.now()
    limit = limit or WORKLIST_ROWS
    end_today = calendar.end_of_day(timezone.localtime(now).date())
    next_working = calendar.working_days_after(now, 1)
    recording = recording_limit(timezone.localtime(now).date())
    # Whether a passed deadline is "due now" is worked out in SQL (born_due_now, on the duty's
    # case): fewer columns to read back for thousands of rows.
    # Each way of owning a duty reads its columns itself, the user's sight of the case checked
    # on the case it joins anyway: no second pass over the ids, no semi-join over every case.
    now_due = ExpressionWrapper(born_due_now(recording), output_field=BooleanField())
    seen = visibility(user, "case__")
    first, *rest = (
        branch.filter(seen)
        .annotate(now_due=now_due)
        .values_list(
            "id", "case_id", "case__crime_reference", "due_at", "now_due", "not_reachable_at"
        )
        for branch in _owned_open(user)
    )
    light = list(first.union(*rest, all=True))
    counts = dict.fromkeys(("due_now", "overdue", "today", "next"), 0)
    to_list, overdue_cases = [], {}
    for duty_id, case_id, reference, due_at, now_due, _flagged in light:
        if due_at > next_working.due_at:
            continue
        if due_at < now:
            if now_due:
                counts["due_now"] += 1
            else:
                counts["overdue"] += 1
                case = overdue_cases.setdefault(
                    case_id,
                    {"case_id": case_id, "case__crime_reference": reference, "duties": 0},
                )
                case["duties"] += 1
                case["oldest"] = min(case.get("oldest", due_at), due_at)
                continue
        elif due_at <= end_today:
            counts["today"] += 1
        else:
            counts["next"] += 1
        to_list.append((due_at, duty_id))
    counts["overdue_cases"] = len(overdue_cases)
    listed = [duty_id for _, duty_id in sorted(to_list)[:limit]]
    flagged = [
        duty_id
        for _, duty_id in sorted(
            (flagged_at, duty_id) for duty_id, *_, flagged_at in light if flagged_at is not None
        )[: NOT_REACHABLE_ROWS + 1]
    ]
    whole = _read_whole(listed + flagged)
    shown = set_timing([whole[duty_id] for duty_id in listed], now=now, limit=recording)
    groups = {"due_now": [], "today": [], "next": []}
    for duty in shown:
        if duty.timing == "due_now":
            groups["due_now"].append(duty)
        elif duty.due_at <= end_today:
            groups["today"].append(duty)
        else:
            groups["next"].append(duty)
    groups["overdue_by_case"] = sorted(
        overdue_cases.values(), key=lambda case: (case["oldest"], case["case_id"])
    )[:OVERDUE_CASES]
    groups["counts"] = counts
    groups["total"] = counts["due_now"] + counts["overdue"] + counts["today"] + counts["next"]
    groups["listed"] = len(shown)
    groups["to_list"] = counts["due_now"] + counts["today"] + counts["next"]
    groups["next_day"] = timezone.localtime(next_working.due_at).date()
    flagged = [whole[duty_id] for duty_id in flagged]
    groups["not_reachable"] = flagged[:NOT_REACHABLE_ROWS]
    groups["not_reachable_more"] = len(flagged) > NOT_REACHABLE_ROWS
    return groups


def _read_whole(ids: list[int]) -> dict[int, Duty]:
    """The duties of `ids` with what a worklist row shows, by id, in one query (none for
    none)."""
    if not ids:
        return {}
    return Duty.objects.select_related("case", "party__person", "rule__right").in_bulk(ids)


def attempts(duty: Duty) -> list[DutyAttempt]:
    """The attempts kept on a duty, oldest first, with their contact and its outcome."""
    return list(
        DutyAttempt.objects.filter(duty=duty)
        .select_related("contact__outcome", "contact__by")
        .order_by("contact__occurred_at", "contact_id")
    )


def attempt_words(attempt: DutyAttempt) -> str:
    """One attempt as the duty page says it: "Mon 7 Dec 10:02 no answer", London time (the day
    too: a duty's window can run past a week)."""
    contact = attempt.contact
    at = timezone.localtime(contact.occurred_at, calendar.LONDON)
    return f"{at:%a %-d %b %H:%M} {contact.outcome.label[:1].lower()}{contact.outcome.label[1:]}"


def attempts_summary(found: list[DutyAttempt]) -> str:
    """ "3 attempts: Mon 7 Dec 10:02 no answer, Mon 7 Dec 16:40 no answer, Tue 8 Dec 09:15
    voicemail or message left", or empty when none was recorded."""
    if not found:
        return ""
    count = f"{len(found)} attempt{'s' if len(found) != 1 else ''}"
    return f"{count}: {', '.join(attempt_words(a) for a in found)}"


# --- people who cannot be reached --------------------------------------------------------------

# The officer's home names this many of their duties flagged "not reachable"; the rest are a
# count with a link.
NOT_REACHABLE_ROWS = 5


def not_reachable_of(user: User, *, limit: int = NOT_REACHABLE_ROWS) -> list[Duty]:
    """The user's open duties flagged "not reachable", longest flagged first: one more than
    `limit` is read, so the page knows whether there are more without counting them."""
    return list(
        my_duties(user)
        .filter(not_reachable_at__isnull=False)
        .order_by("not_reachable_at", "id")[: limit + 1]
    )


def cannot_reach(user: User) -> QuerySet[Duty]:
    """A supervisor's "cannot reach" list: the open duties flagged "not reachable" on the cases of
    the teams they supervise (and may see)."""
    supervised = TeamMembership.objects.filter(user=user, is_supervisor=True).values("team_id")
    return Duty.objects.visible_to(user).filter(
        status__in=OPEN_STATUSES,
        not_reachable_at__isnull=False,
        case__team_id__in=supervised,
    )


def cannot_reach_rows(user: User) -> QuerySet[Duty]:
    """The list's rows: longest flagged first, with what the page shows and the attempts."""
    return (
        cannot_reach(user)
        .select_related("case__officer", "party__person", "rule__right")
        .annotate(attempt_count=Count("attempts"))
        .order_by("not_reachable_at", "id")
    )


def reach_prompt(duty: Duty, *, found: list[DutyAttempt], safe: SafeContact | None) -> dict | None:
    """What to try next for a duty flagged "not reachable": the next safe way not tried yet (never
    one the profile forbids) and the alternative contact the profile names. None when the duty is
    not flagged or no longer open."""
    if duty.not_reachable_at is None or not duty.is_open:
        return None
    tried = {attempt.contact.method for attempt in found}
    method = safe_channels.suggested_method(safe, tried=tried)
    return {
        "since": duty.not_reachable_at,
        "reason": duty.not_reachable_reason,
        "method": method,
        "method_label": ContactMethod(method).label.lower() if method else "",
        "untried": method is not None and method not in tried,
        "alternative": safe.alternative_contact if safe is not None else "",
    }


def enhanced_because(duty: Duty) -> list[str]:
    """Why the duty's person has enhanced rights: each basis that applies, what it rests on and
    who recorded it (or that the record itself shows it). None for a person without. One query.
    """
    if not duty.party.enhanced:
        return []
    rows = (
        EligibilityBasis.objects.filter(party_id=duty.party_id, applies=True)
        .select_related("assessed_by")
        .order_by("basis")
    )
    lines = []
    for row in rows:
        if row.assessed_by is not None:
            by = f"recorded by {row.assessed_by} on {timezone.localtime(row.assessed_at):%-d %B %Y}"
        else:
            by = BasisSource(row.source).label.lower()
        lines.append(f"{row.get_basis_display()}: {row.evidence} ({by}).")
    return lines


def retimings(duty: Duty) -> list[DutyRetiming]:
    """Each time the duty's deadline moved, oldest first, with who moved it: one query however
    many times it moved."""
    return list(
        DutyRetiming.objects.filter(duty=duty).select_related("changed_by").order_by("at", "id")
    )


# --- guidance in words ---------------------------------------------------------------------------


def rules_by_code(on: datetime.date, codes: set[str] | None = None) -> dict[str, DutyRule]:
    """The rules in force on a day, by code (only these codes, if given): what a guidance
    text's placeholders are worded from (entitlements/guidance.py)."""
    found = DutyRule.objects.in_force(on)
    if codes is not None:
        if not codes:
            return {}
        found = found.filter(code__in=codes)
    return {rule.code: rule for rule in found}


def what_to_do(duty: Duty) -> str:
    """The officer's guidance for a duty, its numbers from the rules in force on its trigger's
    day (the rules that timed it). No query when the text names no rule."""
    text = duty.rule.right.what_to_do
    codes = guidance.placeholders(text)
    on = timezone.localdate(duty.trigger_at)
    return guidance.render(text, rules_by_code(on, codes))


def counting_example(rules: dict[str, DutyRule], *, today: datetime.date) -> dict | None:
    """How a deadline is counted, shown on the arrest rule in force (its clocks, not a number
    written in the page): an arrest at 5pm on the next Friday, and when each clock ends."""
    rule = next(
        (r for r in rules.values() if r.trigger == Trigger.ARREST and not r.recurring), None
    )
    if rule is None or rule.standard_working_days is None or rule.enhanced_working_days is None:
        return None
    friday = today + datetime.timedelta(days=(4 - today.weekday()) % 7 or 7)
    at = datetime.datetime.combine(friday, datetime.time(17), tzinfo=calendar.LONDON)
    return {
        "rule": rule,
        "at": at,
        "standard": guidance.clock_words(rule, enhanced=False),
        "standard_due": timezone.localtime(
            calendar.working_days_after(at, rule.standard_working_days).due_at
        ),
        "enhanced": guidance.clock_words(rule, enhanced=True),
        "enhanced_due": timezone.localtime(
            calendar.working_days_after(at, rule.enhanced_working_days).due_at
        ),
    }
