"""Reads for the retention pages: the review worklist, a person's record, their subject access
export and their consent history. Each starts from what the user may see."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Role
from cases import selectors as case_selectors
from cases.models import Case, CaseEvent, Party, Person
from notifications.models import Notification
from referrals.models import Referral, ReferralEvent, ShareItem
from surveys.models import Answer, Invitation, SurveyOptOut

from .models import CaseRetention

WORKLIST_SORTS = {
    "due": ("review_due", "id"),
    "-due": ("-review_due", "-id"),
    "class": ("retention_class__name", "review_due", "id"),
    "team": ("case__team__name", "review_due", "id"),
    "reference": ("case__crime_reference", "id"),
}


def review_worklist(user, *, sort: str = "due") -> QuerySet[CaseRetention]:
    """Cases due for review among those the user can see (a restricted case only for its team's
    supervisors and officer)."""
    order = WORKLIST_SORTS.get(sort, WORKLIST_SORTS["due"])
    return (
        CaseRetention.objects.due_for_review()
        .filter(case__in=Case.objects.visible_to(user))
        .select_related("case__team", "case__offence", "retention_class", "rule")
        .order_by(*order)
    )


def access_retention(user, case_id: int) -> CaseRetention:
    """The one door to a case's retention record: 404 unless the user can see the case."""
    try:
        return (
            CaseRetention.objects.select_related(
                "case__team", "case__offence", "case__officer", "retention_class", "rule"
            )
            .prefetch_related("decisions__decided_by")
            .get(case__in=Case.objects.visible_to(user), case_id=case_id)
        )
    except CaseRetention.DoesNotExist:
        raise Http404 from None


def person_scope(user) -> QuerySet[Case]:
    """The cases whose people a user may look up, see the consent of and export. An auditor (the
    data protection officer's role) answers subject access requests, which must cover everything
    held, so reaches every case, restricted ones included; every such look-up and export is in
    the audit trail. Everyone else: the cases they can see."""
    if user.is_authenticated and user.is_active and Role.AUDITOR in user.roles:
        return Case.objects.all()
    return Case.objects.visible_to(user)


def find_people(user, name: str, *, limit: int = 50) -> list[Person]:
    """People whose names hold every word given, in cases within the user's scope."""
    words = name.split()
    if not words:
        return []
    condition = Q()
    for word in words:
        condition &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    in_scope = Party.objects.filter(case__in=person_scope(user)).values("person_id")
    return list(
        Person.objects.filter(condition, pk__in=in_scope).order_by("last_name", "first_name", "id")[
            :limit
        ]
    )


def access_person(user, person_id: int) -> Person:
    """A person is reached only through a case in the user's scope: 404 otherwise."""
    visible = Party.objects.filter(case__in=person_scope(user))
    try:
        return Person.objects.select_related("safe_contact__updated_by").get(
            pk=person_id, pk__in=visible.values("person_id")
        )
    except Person.DoesNotExist:
        raise Http404 from None


def visible_parties(user, person: Person) -> QuerySet[Party]:
    return (
        Party.objects.filter(person=person, case__in=person_scope(user))
        .select_related(
            "case__offence",
            "case__team",
            "case__officer",
            "case__wcu_team",
            "case__witness_care_officer",
            "case__retention",
        )
        .order_by("case__reported_at", "id")
    )


def persistent_targeting(user, person: Person) -> case_selectors.Targeting | None:
    """Whether the person was found persistently targeted, with the crimes that counted among
    the cases in the user's scope (two queries; one if they never were)."""
    found = case_selectors.persistent_targeting(user, {person.pk}, cases=person_scope(user))
    return found.get(person.pk)


# --- consent ---------------------------------------------------------------------------------


def consent_records(user, person: Person) -> list[Referral]:
    """The person's referrals the user may see, each with its consent and the consent events in
    time order (recorded, withdrawn), oldest referral first."""
    consent_events = ReferralEvent.objects.filter(
        kind__in=("consent", "no_consent", "consent_withdrawn")
    ).select_related("by")
    referrals = list(
        Referral.objects.filter(party__person=person, case__in=person_scope(user))
        .select_related(
            "agency",
            "case",
            "party",
            "consent_recorded_by",
            "consent_withdrawn_by",
            "sharing_exception",
        )
        .prefetch_related(Prefetch("history", consent_events, to_attr="consent_events"))
        .order_by("created_at", "id")
    )
    labels = dict(ShareItem.choices)
    for referral in referrals:
        referral.scope_labels = [labels.get(code, code) for code in referral.consent_scope]
    return referrals


# --- subject access --------------------------------------------------------------------------


@dataclass
class Item:
    name: str
    label: str
    value: Any
    display: str


@dataclass
class Section:
    key: str
    title: str
    records: list[list[Item]] = field(default_factory=list)


def _display(value: Any) -> str:
    if value is None or value == "":
        return "Not recorded"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%-d %b %Y, %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%-d %b %Y")
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "None"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items()) or "None"
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


SKIP = {"id", "version", "party", "case", "person", "invitation", "referral"}


def _record(obj, *, skip: set[str] = frozenset(), extra: dict[str, Any] | None = None):
    """Every stored field of a record, with its label; a staff member is named, not numbered."""
    items = []
    for f in obj._meta.concrete_fields:
        if f.name in SKIP or f.name in skip:
            continue
        if f.is_relation:
            related = getattr(obj, f.name)
            value = str(related) if related is not None else None
            items.append(Item(f.name, str(f.verbose_name).capitalize(), value, _display(value)))
            continue
        value = getattr(obj, f.attname)
        display = _display(value)
        if f.choices and value not in (None, ""):
            display = str(dict(f.flatchoices).get(value, value))
        items.append(Item(f.name, str(f.verbose_name).capitalize(), _json_value(value), display))
    for name, value in (extra or {}).items():
        items.append(Item(name, name.replace("_", " ").capitalize(), value, _display(value)))
    return items


def _related(name: str, *select: str) -> QuerySet:
    """The queryset of a party's related records, with the staff and reference rows it names."""
    return Party._meta.get_field(name).related_model.objects.select_related(*select)


PARTY_RECORDS = [
    # (related name, section title, related rows to fetch with it, ordering)
    ("contacts", "Contacts", ("by",), ("occurred_at", "id")),
    ("bases", "Grounds for enhanced rights", ("assessed_by",), ("basis",)),
    ("enhanced_history", "Enhanced rights history", ("changed_by",), ("changed_at", "id")),
    ("needs_assessments", "Needs assessments", ("assessed_by",), ("version",)),
    ("update_agreements", "Update agreements", ("agreed_by",), ("agreed_at", "id")),
    (
        "risk_assessments",
        "Risk assessments",
        ("assessed_by", "question_set"),
        ("assessed_at", "id"),
    ),
    ("special_measures", "Special measures", ("recorded_by",), ("considered_at", "id")),
    ("statements", "Victim personal statements", ("recorded_by",), ("offered_at", "id")),
]


NOTIFICATION_SKIP = {
    "duty",
    "referral",
    "key",
    "link",
    "read_at",
    "email_status",
    "email_sent_at",
    "sms_status",
    "sms_sent_at",
}


def subject_access(user, person: Person) -> dict:
    """Everything held about a person on the cases the user can see, as sections of labelled
    records (for the page) that also turn into JSON. A fixed number of queries."""
    prefetches = [
        Prefetch(name, queryset=_related(name, *select).order_by(*order))
        for name, _, select, order in PARTY_RECORDS
    ]
    prefetches.append(Prefetch("special_measures__measures"))
    prefetches.append(
        Prefetch(
            "referrals",
            queryset=Referral.objects.select_related(
                "agency", "consent_recorded_by", "consent_withdrawn_by", "created_by"
            )
            .prefetch_related(
                Prefetch("history", ReferralEvent.objects.select_related("by").order_by("at"))
            )
            .order_by("created_at", "id"),
        )
    )
    parties = list(
        visible_parties(user, person)
        .select_related("witness_care__updated_by")
        .prefetch_related(*prefetches)
    )
    party_ids = [p.pk for p in parties]
    case_ids = {p.case_id for p in parties}
    events = list(
        CaseEvent.objects.filter(case_id__in=case_ids)
        .filter(Q(party__isnull=True) | Q(party_id__in=party_ids))
        .select_related("recorded_by", "withdrawn_by", "party")
        .order_by("occurred_at", "id")
    )
    invitations = list(
        Invitation.objects.filter(party_id__in=party_ids)
        .select_related("template", "rule")
        .prefetch_related(
            Prefetch("answers", Answer.objects.select_related("question").order_by("question"))
        )
        .order_by("created_at", "id")
    )
    notifications = list(
        Notification.objects.filter(
            Q(duty__party_id__in=party_ids) | Q(referral__party_id__in=party_ids)
        )
        .select_related("recipient")
        .order_by("created_at", "id")
    )
    opted_out = SurveyOptOut.objects.filter(person=person).select_related("recorded_by").first()

    cases = []
    for party in parties:
        case = party.case
        retention = getattr(case, "retention", None)
        sections = [
            Section(
                "events",
                "Events on the case",
                [
                    _record(e, extra={"concerns_this_person": e.party_id == party.pk})
                    for e in events
                    if e.case_id == case.pk and e.party_id in (None, party.pk)
                ],
            )
        ]
        for name, title, _, _ in PARTY_RECORDS:
            rows = []
            for obj in getattr(party, name).all():
                extra = None
                if name == "special_measures":
                    extra = {"measures": [str(m) for m in obj.measures.all()]}
                rows.append(_record(obj, extra=extra))
            sections.append(Section(name, title, rows))
        witness_care = getattr(party, "witness_care", None)
        sections.append(
            Section("witness_care", "Witness care", [_record(witness_care)] if witness_care else [])
        )
        sections.append(
            Section(
                "referrals",
                "Referrals and consent",
                [
                    _record(
                        r,
                        extra={
                            "history": [
                                f"{timezone.localtime(h.at):%-d %b %Y %H:%M} {h.kind}"
                                f"{' to ' + h.to_status if h.to_status else ''}"
                                f"{': ' + h.note if h.note else ''}"
                                f"{' (' + str(h.by) + ')' if h.by else ''}"
                                for h in r.history.all()
                            ]
                        },
                    )
                    for r in party.referrals.all()
                ],
            )
        )
        sections.append(
            Section(
                "surveys",
                "Survey invitations and answers",
                [
                    _record(
                        inv,
                        skip={"nonce"},
                        extra={
                            "answers": [
                                f"{a.question.text}: "
                                + (
                                    str(a.scale_value)
                                    if a.scale_value is not None
                                    else a.choice or a.text
                                )
                                for a in inv.answers.all()
                            ]
                        },
                    )
                    for inv in invitations
                    if inv.party_id == party.pk
                ],
            )
        )
        cases.append(
            {
                "case": case,
                "party": party,
                "summary": _record(
                    case,
                    skip={"created_by", "updated_at", "created_at"},
                    extra={
                        "role": party.get_role_display(),
                        "enhanced_rights": party.enhanced,
                        "added_at": _json_value(party.added_at),
                        "retention_review_due": _json_value(
                            retention.review_due if retention else None
                        ),
                    },
                ),
                "sections": sections,
            }
        )
    safe = getattr(person, "safe_contact", None)
    return {
        "person": person,
        "details": _record(person, skip={"created_at", "updated_at"}),
        "safe_contact": _record(safe, skip={"updated_at"}) if safe else [],
        "survey_opt_out": _record(opted_out) if opted_out else [],
        "cases": cases,
        "notifications": [_record(n, skip=NOTIFICATION_SKIP) for n in notifications],
    }


def as_json(data: dict, *, generated_by, generated_at: datetime.datetime) -> dict:
    """The same content, machine-readable: field names to stored values."""

    def plain(items: list[Item]) -> dict:
        return {i.name: i.value for i in items}

    return {
        "format": "victimcare-subject-access/1",
        "generated_at": generated_at.isoformat(),
        "generated_by": generated_by.get_username(),
        "scope": SCOPE_NOTE,
        "person": {"id": data["person"].pk, **plain(data["details"])},
        "safe_contact": plain(data["safe_contact"]) if data["safe_contact"] else None,
        "survey_opt_out": plain(data["survey_opt_out"]) if data["survey_opt_out"] else None,
        "cases": [
            {
                "case_id": c["case"].pk,
                **plain(c["summary"]),
                **{s.key: [plain(r) for r in s.records] for s in c["sections"]},
            }
            for c in data["cases"]
        ],
        "notifications": [plain(n) for n in data["notifications"]],
    }


SCOPE_NOTE = (
    "Everything VictimCare holds about the person on the cases the person preparing this export "
    "may see. A restricted case is included only for those allowed to see it; the auditor role "
    "(the data protection officer) sees every case, so a complete response to a subject access "
    "request is prepared by an auditor."
)
