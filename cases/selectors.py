"""Reads for pages and the API: querysets that know the user, with a fixed number of queries."""

from dataclasses import dataclass
from datetime import datetime

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

from accounts.models import TeamMembership, User

from .models import (
    Case,
    CaseEvent,
    Contact,
    NeedsAssessment,
    Party,
    RiskAssessment,
    SpecialMeasuresRecord,
    ThriveGrade,
    UpdateAgreement,
    VictimPersonalStatement,
)

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


def timeline(case: Case) -> list[TimelineEntry]:
    """Contacts, events and assessments on one line of time, newest first (one query each)."""
    entries: list[TimelineEntry] = []
    for c in Contact.objects.filter(case=case).select_related("by", "party__person"):
        title = f"{c.get_purpose_display()}: {c.get_method_display().lower()}"
        entries.append(TimelineEntry(c.occurred_at, "contact", title, c.party, c.by, c))
    for e in CaseEvent.objects.filter(case=case).select_related(
        "recorded_by", "withdrawn_by", "party__person"
    ):
        entries.append(
            TimelineEntry(
                e.occurred_at,
                "event",
                e.get_kind_display(),
                e.party,
                e.recorded_by,
                e,
                withdrawn=e.withdrawn_at is not None,
            )
        )
    for n in NeedsAssessment.objects.filter(party__case=case).select_related(
        "assessed_by", "party__person"
    ):
        title = f"Needs assessment (version {n.version})"
        entries.append(TimelineEntry(n.assessed_at, "needs", title, n.party, n.assessed_by, n))
    for r in RiskAssessment.objects.filter(party__case=case).select_related(
        "assessed_by", "party__person", "question_set"
    ):
        title = f"Risk assessment: {r.get_grade_display().lower()} risk"
        entries.append(TimelineEntry(r.assessed_at, "risk", title, r.party, r.assessed_by, r))
    for v in VictimPersonalStatement.objects.filter(party__case=case).select_related(
        "recorded_by", "party__person"
    ):
        title = f"Victim personal statement {v.get_status_display().lower()}"
        entries.append(TimelineEntry(v.offered_at, "vps", title, v.party, v.recorded_by, v))
    for s in (
        SpecialMeasuresRecord.objects.filter(party__case=case)
        .select_related("recorded_by", "party__person")
        .prefetch_related("measures")
    ):
        title = f"Special measures: {s.get_status_display().lower()}"
        entries.append(
            TimelineEntry(s.considered_at, "special_measures", title, s.party, s.recorded_by, s)
        )
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries
