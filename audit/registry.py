"""Which pages and API endpoints show, search or export case and person records.

The audit middleware looks up each request's URL name here: a listed route is recorded once its
view has answered, with the case and the people taken from the URL. A record page of a restricted
case (``ask_reason``) first asks the user why they are opening it.

Every URL that takes a record id must be listed here or in ``NOT_RECORDS`` (tests/audit checks).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from audit.models import AuditAction

GET = frozenset({"GET"})
POST = frozenset({"POST"})


@dataclass(frozen=True)
class Route:
    action: str = AuditAction.VIEW
    methods: frozenset[str] = GET
    case: str | None = None  # the URL argument holding a case id
    party: str | None = None  # ... a party (a person's part) in that case
    person: str | None = None  # ... a person id
    record: tuple[str, str] | None = None  # (model, URL argument) of a record with case and party
    ask_reason: bool = False  # restricted cases: ask why before opening the page
    when: Callable[[HttpRequest], bool] | None = None  # only some requests, e.g. a CSV format
    detail: Callable[[HttpRequest], str] | None = None  # what was searched or exported


def query_string(request: HttpRequest) -> str:
    """The filters of a list or export, as the user chose them (kept in the protected store)."""
    return "; ".join(f"{key}={value}" for key, value in sorted(request.GET.items()))


def form_fields(request: HttpRequest) -> str:
    """The filters of an export sent by POST (without the CSRF token)."""
    fields = sorted((k, v) for k, v in request.POST.items() if k != "csrfmiddlewaretoken")
    return "; ".join(f"{key}={value}" for key, value in fields)


def case_search_terms(request: HttpRequest) -> str:
    return f"q={request.POST.get('q', '').strip()}; scope={request.POST.get('scope', '')}"


def has_filters(request: HttpRequest) -> bool:
    return any(key not in {"page", "cursor", "page_size", "format"} for key in request.GET)


def wants_csv(request: HttpRequest) -> bool:
    return request.GET.get("format") == "csv"


CASE_PAGE = Route(case="pk", ask_reason=True)
PARTY_PAGE = Route(case="pk", party="party_pk", ask_reason=True)


def party_letter(what: str) -> Route:
    """A letter to a person downloaded as a file: an export of their record, asked why like its
    page, saying which letter."""
    return Route(
        action=AuditAction.EXPORT,
        case="pk",
        party="party_pk",
        ask_reason=True,
        detail=lambda _request: what,
    )


CASE_API = Route(case="case_pk")
LIST_SEARCH = Route(action=AuditAction.SEARCH, when=has_filters, detail=query_string)

ROUTES: dict[str, Route] = {
    # Case pages, and the forms that show a case's or a person's details before a change.
    "case-detail": CASE_PAGE,
    "case-timeline": CASE_PAGE,
    "case-edit": CASE_PAGE,
    "case-close": CASE_PAGE,
    "case-reopen": CASE_PAGE,
    "portal-case": CASE_PAGE,  # Track my case on a case: who has access, messages, urgent news
    "assign-wco": CASE_PAGE,
    "handover-send": CASE_PAGE,  # lists the case's hand-overs
    "handover": CASE_PAGE,  # the hand-over summary: each person's needs, safe contact...
    "contact-create": CASE_PAGE,
    "event-create": CASE_PAGE,
    "event-withdraw": CASE_PAGE,
    "party-add": CASE_PAGE,
    "survey-allow-restricted": Route(case="pk", methods=POST),
    # A person's part in a case.
    "person-edit": PARTY_PAGE,
    "safe-contact": PARTY_PAGE,
    "basis-record": PARTY_PAGE,
    "needs-assessment": PARTY_PAGE,
    "update-agreement": PARTY_PAGE,
    "risk-assessment": PARTY_PAGE,
    "special-measures": PARTY_PAGE,
    "vps": PARTY_PAGE,
    "witness-care": PARTY_PAGE,
    "acknowledgement": PARTY_PAGE,
    "person-contact": PARTY_PAGE,
    "your-rights": PARTY_PAGE,
    "acknowledgement-pdf": party_letter("written acknowledgement (PDF)"),
    "your-rights-pdf": party_letter("your rights summary (PDF)"),
    "referral-new": PARTY_PAGE,
    "survey-opt-out": Route(case="pk", party="party_pk", methods=POST),
    "duty": Route(case="pk", record=("entitlements.Duty", "duty_pk"), ask_reason=True),
    "referral": Route(case="pk", record=("referrals.Referral", "referral_pk"), ask_reason=True),
    "agency-referral": Route(record=("referrals.Referral", "pk")),
    # Data protection and quality assurance (the retention and assurance apps).
    "person-record": Route(person="pk"),
    "person-consents": Route(person="pk"),
    "subject-access": Route(action=AuditAction.EXPORT, person="pk"),
    "retention-review": Route(case="pk"),
    "assurance-review": Route(case="case_pk"),
    # The API.
    "api-case-detail": Route(case="pk"),
    "api-case-parties": CASE_API,
    "api-case-contacts": CASE_API,
    "api-case-events": CASE_API,
    "api-case-needs-assessments": CASE_API,
    "api-case-risk-assessments": CASE_API,
    "api-case-update-agreements": CASE_API,
    "api-case-vps-offers": CASE_API,
    "api-case-obligations": CASE_API,
    "api-handover-list": CASE_API,
    "api-handover-detail": CASE_API,
    "api-person-detail": Route(person="pk"),
    "api-obligation-detail": Route(record=("entitlements.Duty", "pk")),
    "api-referral-detail": Route(record=("referrals.Referral", "pk")),
    # Searches: names only ever in a POST body, never in a URL.
    "case-list": Route(action=AuditAction.SEARCH, methods=POST, detail=case_search_terms),
    "api-case-list": LIST_SEARCH,
    "api-obligation-list": LIST_SEARCH,
    "api-referral-list": LIST_SEARCH,
    # Exports.
    "survey-results": Route(action=AuditAction.EXPORT, when=wants_csv, detail=query_string),
    "survey-sample": Route(action=AuditAction.EXPORT, methods=POST, detail=form_fields),
    "compliance-pack-csv": Route(action=AuditAction.EXPORT, detail=query_string),
    "compliance-pack-pdf": Route(action=AuditAction.EXPORT, detail=query_string),
    "compliance-return-csv": Route(action=AuditAction.EXPORT, detail=query_string),
}

# URLs that take an id but show no case or person record by themselves, and why. Changes made
# through them are recorded from the record histories (audit.signals).
NOT_RECORDS: dict[str, str] = {
    "team-detail": "a team and its members: staff, not victims",
    "survey": "the victim's own survey, reached with a one-time token",
    "track-open": "the victim's own Track my case link (a one-time token); portal audits it",
    "track-confirm": "the victim confirms urgent news with a token; portal audits it",
    "api-case-event-withdraw": "a change (recorded by the event's history)",
    "api-case-close": "a change (recorded by the case's and its closing's histories)",
    "api-case-reopen": "a change (recorded by the case's and its closing's histories)",
    "api-obligation-meet": "a change (recorded by the duty's history)",
    "api-obligation-decline": "a change (recorded by the duty's history)",
    "api-obligation-not-applicable": "a change (recorded by the duty's history)",
    "api-obligation-waive": "a change (recorded by the duty's history)",
    "handover-accept": "a change (recorded by the hand-over's and the case's histories)",
    "handover-return": "a change (recorded by the hand-over's history)",
    "api-handover-accept": "a change (recorded by the hand-over's and the case's histories)",
    "api-handover-return": "a change (recorded by the hand-over's history)",
    "api-referral-accept": "a change (recorded by the referral's history)",
    "api-referral-decline": "a change (recorded by the referral's history)",
    "api-referral-return": "a change (recorded by the referral's history)",
    "api-referral-start": "a change (recorded by the referral's history)",
    "api-referral-close": "a change (recorded by the referral's history)",
    "api-referral-updates": "an agency's progress note on a referral (a change)",
    "api-referral-send": "a change (recorded by the referral's history)",
    "api-referral-withdraw": "a change (recorded by the referral's history)",
    "api-referral-withdraw-consent": "a change (recorded by the referral's history)",
    "assurance-sample": "a quality assurance sample: a list of case references",
    "assurance-sample-close": "closes a quality assurance sample",
    "assurance-results": "a sample's results: counts, no records",
    "audit-reason": "asks why before a restricted case is opened; the opening is recorded",
    "api-offence-detail": "reference data: an offence category",
    "api-outcome-detail": "reference data: a case outcome",
    "api-contact-outcome-detail": "reference data: what can come of a contact",
    "api-event-kind-detail": "reference data: a kind of case event",
    "api-agency-detail": "reference data: a support agency's directory entry",
    "edition": "an edition of the Code: rules, no personal data",
    "edition-copy": "a change (recorded by entitlements.editions and the rows' history)",
    "edition-rule": "a draft's rule: a change is recorded by the rule's history",
    "edition-schedule": "a preview, or a change recorded by entitlements.editions",
    "edition-withdraw": "a change (recorded by entitlements.editions)",
    "edition-discard": "a deletion (recorded by entitlements.editions and the rows' history)",
    "edition-export": "rules, no personal data; the export is recorded by entitlements.editions",
    "edition-right": "a draft's right and guidance: a change is recorded by its history",
    "edition-rule-add": "a rule added to a draft (recorded by entitlements.editions, history)",
    "edition-rule-remove": "a draft's rule removed (recorded by entitlements.editions and history)",
    "api-edition-list": "editions of the Code: rules, no personal data",
    "api-edition-detail": "an edition of the Code and its rules: no personal data",
    "api-edition-rule": "a rule; a draft's rule changed is recorded by the rule's history",
    "api-edition-schedule": "a change (recorded by entitlements.editions)",
}
