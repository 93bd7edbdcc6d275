"""Reads for pages and the API: querysets that know the user, with a fixed number of queries."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Case as When_
from django.db.models import (
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.lookups import Exact

from accounts.models import TeamMembership, User

from .models import (
    Basis,
    Case,
    CaseEvent,
    Contact,
    EligibilityBasis,
    NeedsAssessment,
    Party,
    PersistentTargeting,
    PersistentTargetingPolicy,
    Person,
    RiskAssessment,
    SpecialMeasuresRecord,
    ThriveGrade,
    UpdateAgreement,
    VictimPersonalStatement,
    VpsStatus,
)
from .permissions import visibility

THRIVE_ORDER = When_(
    *[When(thrive_grade=grade, then=Value(i)) for i, grade in enumerate(ThriveGrade.values)],
    default=Value(9),
    output_field=IntegerField(),
)


def _name_matches(q: str) -> Q:
    """Every word must match a first or last name, so 'Jane Smith' finds Jane Smith."""
    condition = Q()
    for word in q.split():
        condition &= Q(person__first_name__icontains=word) | Q(person__last_name__icontains=word)
    return condition


def case_list(user: User, *, scope: str = "mine", q: str = "") -> QuerySet[Case]:
    cases = Case.objects.visible_to(user).open()
    if scope == "mine":
        cases = cases.filter(officer=user)
    elif scope == "team":
        teams = TeamMembership.objects.filter(user=user).values("team_id")
        cases = cases.filter(Q(team_id__in=teams) | Q(wcu_team_id__in=teams))
    q = q.strip()
    if q:
        named = Party.objects.filter(_name_matches(q)).values("case_id")
        cases = cases.filter(Q(crime_reference__icontains=q) | Q(pk__in=named))
    next_due = UpdateAgreement.objects.filter(
        party__case=OuterRef("pk"), superseded_at__isnull=True, next_update_due_at__isnull=False
    ).order_by("next_update_due_at")
    return (
        cases.select_related("offence", "team", "officer")
        .annotate(
            next_update_due_at=Subquery(next_due.values("next_update_due_at")[:1]),
            has_enhanced=Exists(Party.objects.filter(case=OuterRef("pk"), enhanced=True)),
            thrive_order=THRIVE_ORDER,
        )
        .prefetch_related(Prefetch("parties", queryset=Party.objects.select_related("person")))
        # Most urgent first: the next agreed update, then enhanced victims, then the grading.
        .order_by(
            F("next_update_due_at").asc(nulls_last=True),
            "-has_enhanced",
            "thrive_order",
            "reported_at",
        )
    )


@dataclass
class TimelineEntry:
    at: datetime
    kind: str
    title: str
    party: Party | None
    by: User | None
    record: object
    withdrawn: bool = False


def _timeline_sources(case: Case) -> list[tuple[QuerySet, str, Callable[[Any], TimelineEntry]]]:
    """Each kind of record on the timeline: its rows in the case, their moment, their entry."""

    def contact(c: Contact) -> TimelineEntry:
        outcome = c.outcome.label
        title = f"{c.get_purpose_display()}: {c.get_method_display().lower()}, "
        title += f"{outcome[:1].lower()}{outcome[1:]}"
        return TimelineEntry(c.occurred_at, "contact", title, c.party, c.by, c)

    def event(e: CaseEvent) -> TimelineEntry:
        return TimelineEntry(
            e.occurred_at,
            "event",
            e.get_kind_display(),
            e.party,
            e.recorded_by,
            e,
            withdrawn=e.withdrawn_at is not None,
        )

    def needs(n: NeedsAssessment) -> TimelineEntry:
        title = f"Needs assessment (version {n.version})"
        return TimelineEntry(n.assessed_at, "needs", title, n.party, n.assessed_by, n)

    def risk(r: RiskAssessment) -> TimelineEntry:
        title = f"Risk assessment: {r.get_grade_display().lower()} risk"
        return TimelineEntry(r.assessed_at, "risk", title, r.party, r.assessed_by, r)

    def vps(v: VictimPersonalStatement) -> TimelineEntry:
        title = f"Victim personal statement {v.get_status_display().lower()}"
        return TimelineEntry(v.offered_at, "vps", title, v.party, v.recorded_by, v)

    def special_measures(s: SpecialMeasuresRecord) -> TimelineEntry:
        title = f"Special measures: {s.get_status_display().lower()}"
        return TimelineEntry(s.considered_at, "special_measures", title, s.party, s.recorded_by, s)

    return [
        (
            Contact.objects.filter(case=case).select_related("by", "party__person", "outcome"),
            "occurred_at",
            contact,
        ),
        (
            CaseEvent.objects.filter(case=case).select_related(
                "recorded_by", "withdrawn_by", "party__person"
            ),
            "occurred_at",
            event,
        ),
        (
            NeedsAssessment.objects.filter(party__case=case).select_related(
                "assessed_by", "party__person"
            ),
            "assessed_at",
            needs,
        ),
        (
            RiskAssessment.objects.filter(party__case=case).select_related(
                "assessed_by", "party__person", "question_set"
            ),
            "assessed_at",
            risk,
        ),
        (
            VictimPersonalStatement.objects.filter(party__case=case).select_related(
                "recorded_by", "party__person"
            ),
            "offered_at",
            vps,
        ),
        (
            SpecialMeasuresRecord.objects.filter(party__case=case)
            .select_related("recorded_by", "party__person")
            .prefetch_related("measures"),
            "considered_at",
            special_measures,
        ),
    ]


def timeline(case: Case, *, latest: int | None = None) -> list[TimelineEntry]:
    """Contacts, events and assessments on one line of time, newest first (one query each, and
    one more for the special measures considered). With `latest`, only the newest `latest`
    entries: each kind reads at most that many rows, so a long case costs what a short one does."""
    entries: list[TimelineEntry] = []
    for rows, at, entry in _timeline_sources(case):
        rows = rows.order_by(f"-{at}", "-pk")
        if latest is not None:
            rows = rows[:latest]
        entries.extend(entry(row) for row in rows)
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries if latest is None else entries[:latest]


class WholeTimeline:
    """A case's whole timeline for django's Paginator: it counts the entries (one query a kind)
    and reads a page as the newest entries up to its end, so no page reads the whole case."""

    def __init__(self, case: Case) -> None:
        self.case = case

    def count(self) -> int:
        return sum(rows.count() for rows, _at, _entry in _timeline_sources(self.case))

    def __getitem__(self, index: slice) -> list[TimelineEntry]:
        if not index.stop:
            return []  # an empty timeline's only page
        return timeline(self.case, latest=index.stop)[index]


# --- persistently targeted ----------------------------------------------------------------------


def with_persistent_targeting(parties: QuerySet[Party]) -> QuerySet[Party]:
    """Parties with `persistently_targeted`: whether that basis applies to them (a subquery, so
    a list of parties costs no query more)."""
    return parties.annotate(
        persistently_targeted=Exists(
            EligibilityBasis.objects.filter(
                party=OuterRef("pk"), basis=Basis.PERSISTENTLY_TARGETED, applies=True
            )
        )
    )


@dataclass
class Targeting:
    """A person found persistently targeted, as one viewer may see it: when first, under which
    policy, and the crimes that counted among the cases they may see (none other named)."""

    found_at: datetime
    policy: PersistentTargetingPolicy
    crimes: list[Case]


def persistent_targeting(
    user: User, person_ids: set[int], *, cases: QuerySet[Case] | None = None
) -> dict[int, Targeting]:
    """Person id -> how they were found persistently targeted, for those who were, with only
    the crimes among `cases` (by default the cases the user may see): two queries whatever the
    number of people, none for nobody."""
    if not person_ids:
        return {}
    visible = Case.objects.visible_to(user) if cases is None else cases
    findings = (
        PersistentTargeting.objects.filter(person_id__in=person_ids)
        .select_related("policy")
        .prefetch_related(
            Prefetch(
                "cases",
                queryset=visible.select_related("offence").order_by("occurred_at", "id"),
                to_attr="visible_crimes",
            )
        )
        .order_by("found_at", "id")
    )
    shown: dict[int, Targeting] = {}
    for finding in findings:
        targeting = shown.setdefault(
            finding.person_id, Targeting(finding.found_at, finding.policy, [])
        )
        # A later run of crimes is a finding of its own; the person's crimes are shown as one.
        known = {case.pk for case in targeting.crimes}
        targeting.crimes += [case for case in finding.visible_crimes if case.pk not in known]
    for targeting in shown.values():
        targeting.crimes.sort(key=lambda case: (case.occurred_at, case.pk))
    return shown


# --- finding and merging records of one person -------------------------------------------------


def people_named(user: User, q: str, *, limit: int = 20) -> list:
    """People in cases `user` may see whose names hold every word of `q`: a supervisor looking
    for two records of one person to merge."""
    words = q.split()
    if not words:
        return []
    condition = Q()
    for word in words:
        condition &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    visible = Party.objects.filter(visibility(user, "case__"))
    return list(
        Person.objects.filter(condition, pk__in=visible.values("person_id")).order_by(
            "last_name", "first_name", "pk"
        )[:limit]
    )


def people_visible_to(user: User) -> QuerySet[Person]:
    """People party to at least one case `user` may see."""
    visible = Party.objects.filter(visibility(user, "case__"))
    return Person.objects.filter(pk__in=visible.values("person_id"))


@dataclass
class MergeSide:
    """One of two records shown side by side before a merge."""

    person: Person
    parties: list


def merge_sides(user: User, kept: Person, merged: Person) -> list[MergeSide]:
    """The two records with their parts in the cases `user` may see (a merge needs all of
    them visible: cases.permissions.merge_refusal), in two queries."""
    people = {
        person.pk: person
        for person in Person.objects.filter(pk__in=[kept.pk, merged.pk]).select_related(
            "safe_contact"
        )
    }
    parties = (
        Party.objects.filter(visibility(user, "case__"), person_id__in=list(people))
        .select_related("case__offence")
        .order_by("-case__reported_at", "case_id", "role")
    )
    sides = {pk: MergeSide(person=person, parties=[]) for pk, person in people.items()}
    for party in parties:
        sides[party.person_id].parties.append(party)
    return [sides[kept.pk], sides[merged.pk]]


# --- victim personal statements -----------------------------------------------------------------


def latest_vps_answer() -> Subquery:
    """The answer of the person's latest victim personal statement offer (for a Party row)."""
    return Subquery(
        VictimPersonalStatement.objects.filter(party=OuterRef("pk"))
        .order_by("-offered_at", "-id")
        .values("status")[:1]
    )


def awaits_vps_follow_up() -> Exact:
    """For a Party row: whether their latest answer to a statement offer was "later" (None
    when never offered), to annotate a list of people without a query each."""
    return Exact(latest_vps_answer(), VpsStatus.LATER)


def vps_follow_ups(parties: QuerySet[Party]) -> QuerySet[Party]:
    """The people whose latest answer to a statement offer was "later": they are to be asked
    again until they make one or decline, whatever stage comes next."""
    return parties.annotate(latest_vps=latest_vps_answer()).filter(latest_vps=VpsStatus.LATER)


def vps_follow_up(party: Party) -> VictimPersonalStatement | None:
    """The offer still to follow up for this person (their latest, answered "later"), or None."""
    latest = party.statements.order_by("-offered_at", "-id").first()
    return latest if latest is not None and latest.status == VpsStatus.LATER else None
