"""What each side may see of a referral. The agency sees the minimum: only what the recorded scope
covers (what the victim agreed to, or under an exception to consent what the officer chose), and
after consent is withdrawn nothing personal at all. `agency_view` is that minimum, built once."""

from django.db.models import Prefetch, QuerySet

from accounts.models import TeamMembership

from .models import (
    CONSENT_BASES,
    LawfulBasis,
    Referral,
    ReferralEvent,
    ReferralStatus,
    ShareItem,
    SupportAgency,
)

WITHOUT_CONSENT = [basis for basis in LawfulBasis.values if basis not in CONSENT_BASES]


def agency_worklist(user) -> QuerySet[Referral]:
    return (
        Referral.objects.visible_to(user)
        .with_agency()
        .select_related("party__person", "agency")
        .order_by("-sent_at", "-id")
    )


def shared_without_consent(user, *, automatic: bool = False) -> QuerySet[Referral]:
    """For a supervisor's review: referrals recorded on a basis other than consent, on cases of
    the teams they supervise that they may see, newest first, with what the list shows. The
    officers' own decisions, or (automatic) the Right 4 referrals VictimCare sent under the policy,
    kept apart so the policy's many cannot bury the officers' few."""
    supervised = TeamMembership.objects.filter(user=user, is_supervisor=True).values("team_id")
    return (
        Referral.objects.visible_to(user)
        .filter(
            lawful_basis__in=WITHOUT_CONSENT,
            consent_recorded_at__isnull=False,
            case__team_id__in=supervised,
        )
        .filter(sent_automatically=automatic)
        .select_related(
            "agency", "sharing_exception", "consent_recorded_by", "case", "party__person"
        )
        .order_by("-consent_recorded_at", "-id")
    )


def with_history(queryset: QuerySet[Referral]) -> QuerySet[Referral]:
    return queryset.select_related(
        "party__person__safe_contact",
        "agency",
        "case__offence",
        "sharing_exception",
        "consent_recorded_by",
        "consent_withdrawn_by",
    ).prefetch_related(
        Prefetch("history", queryset=ReferralEvent.objects.select_related("by").order_by("at"))
    )


def agency_sees_person(referral: Referral) -> bool:
    """Personal details reach the agency only while the referral stands and consent (where it
    is the basis) is in force: a withdrawn referral may have gone to the wrong agency."""
    if referral.status == ReferralStatus.WITHDRAWN or referral.consent_withdrawn_at is not None:
        return False
    return referral.consent_active or referral.lawful_basis not in ("consent", "explicit_consent")


def agency_history(referral: Referral) -> list[ReferralEvent]:
    """What an agency may read of the history: moves and updates since it was sent. Never the
    proposal or consent notes, which can hold what the consent does not cover (a DASH score)."""
    if referral.sent_at is None:
        return []
    return [
        event
        for event in referral.history.all()
        if event.kind in ("move", "update") and event.at >= referral.sent_at
    ]


def sharing_basis(referral: Referral) -> dict:
    """On what basis the details go to the agency, in words that never claim the victim agreed
    when they were not asked: the agency, the officer's preview and the API all read this."""
    without_consent = referral.shared_without_consent
    exception = referral.sharing_exception if referral.sharing_exception_id else None
    scope = list(referral.consent_scope or [])
    if without_consent:
        label = "Shared without the victim's consent: " + (
            exception.name if exception else "no exception recorded"
        )
        heading = "What will be shared"
    elif referral.consent_withdrawn_at is not None:
        label, heading = "Consent withdrawn by the victim", "What was shared"
    elif referral.lawful_basis and referral.consent_recorded_at is not None:
        label = referral.get_lawful_basis_display() + " given by the victim"
        heading = "What the victim agreed may be shared"
    else:
        # A proposal carries the basis it needs, but nobody has asked the victim yet.
        label, heading = "Consent not recorded yet", "What will be shared"
    return {
        "lawful_basis": referral.lawful_basis,
        "lawful_basis_label": referral.get_lawful_basis_display(),
        "shared_without_consent": without_consent,
        "exception": exception.name if exception else None,
        "label": label,
        "items_heading": heading,
        "scope": scope,
        "scope_labels": [ShareItem(code).label for code in scope],
        "method": referral.consent_method,
        "recorded_at": referral.consent_recorded_at,
        "withdrawn_at": referral.consent_withdrawn_at,
        "active": referral.consent_active,
    }


def _contact(person) -> dict:
    """Contact details go only with the channels that are safe: no phone number unless phoning or
    texting is safe, no email address unless email is, no address unless a letter or a visit is."""
    safe = getattr(person, "safe_contact", None)
    channels = {
        "phone": safe.phone_safe if safe else True,
        "text": safe.text_safe if safe else True,
        "email": safe.email_safe if safe else True,
        "letter": safe.letter_safe if safe else True,
        "visit": safe.visit_safe if safe else True,
    }
    by_post = channels["letter"] or channels["visit"]
    return {
        "safe_channels": channels,
        "unsafe_channels": safe.unsafe_channels() if safe else [],
        "safe_times": safe.safe_times if safe else "",
        "may_leave_message": safe.may_leave_message if safe else False,
        "alternative_contact": safe.alternative_contact if safe else "",
        "phone": person.phone if channels["phone"] or channels["text"] else None,
        "email": person.email if channels["email"] else None,
        "address": person.address if by_post else None,
        "postcode": person.postcode if by_post else None,
    }


def agency_view(referral: Referral) -> dict:
    """Exactly what the agency sees of a referral, and nothing else about the person: the agency's
    page, the referrals API and the officer's preview before sending all render this. Only what
    the scope covers; once consent is withdrawn (or the referral), nothing personal at all.
    Reads referral.party.person (with safe_contact), referral.case.offence and
    referral.sharing_exception: select them with the referral."""
    sharing = sharing_basis(referral)
    if not agency_sees_person(referral):
        return {"withdrawn": True, "sharing": sharing}
    person = referral.party.person
    scope = set(sharing["scope"])
    communication = None
    if ShareItem.LANGUAGE in scope:
        communication = {
            "preferred_language": person.preferred_language,
            "interpreter_needed": person.interpreter_needed,
            "communication_needs": person.communication_needs,
        }
    offence = None
    if ShareItem.OFFENCE in scope:
        offence = {"name": referral.case.offence.name, "occurred_at": referral.case.occurred_at}
    return {
        "withdrawn": False,
        "name": str(person),
        # The officer's words, word for word: the form warns them of it.
        "support_requested": referral.support_requested,
        "contact": _contact(person) if ShareItem.CONTACT in scope else None,
        "communication": communication,
        "offence": offence,
        "risk_level": (referral.risk_level or None) if ShareItem.RISK in scope else None,
        "sharing": sharing,
    }


def public_directory() -> QuerySet[SupportAgency]:
    """The agencies the public support page lists, with only their public fields: what each
    offers and how to contact it yourself. Never the contact details the police use."""
    return (
        SupportAgency.objects.filter(is_active=True, listed_publicly=True)
        .only(
            "name",
            "kind",
            "area",
            "public_summary_en",
            "public_summary_cy",
            "self_referral_en",
            "self_referral_cy",
            "public_phone",
            "public_website",
        )
        .order_by("kind", "name")
    )
