"""What each side may see of a referral. The agency sees the minimum, and only what the victim's
consent covers; after consent is withdrawn, nothing personal at all."""

from django.db.models import Prefetch, QuerySet

from cases.models import SafeContact

from .models import Referral, ReferralEvent, ReferralStatus, ShareItem


def agency_worklist(user) -> QuerySet[Referral]:
    return (
        Referral.objects.visible_to(user)
        .filter(
            status__in=[ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS]
        )
        .select_related("party__person", "agency")
        .order_by("-sent_at", "-id")
    )


def with_history(queryset: QuerySet[Referral]) -> QuerySet[Referral]:
    return queryset.select_related(
        "party__person", "agency", "case", "consent_recorded_by", "consent_withdrawn_by"
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


def agency_summary(referral: Referral) -> dict:
    """The fields an agency may see, by consent scope."""
    if not agency_sees_person(referral):
        return {"withdrawn": True}
    person = referral.party.person
    scope = set(referral.consent_scope)
    summary: dict = {
        "name": f"{person.first_name} {person.last_name}",
        "support_requested": referral.support_requested,
        "lawful_basis": referral.get_lawful_basis_display(),
        "consent_scope": [ShareItem(s).label for s in referral.consent_scope],
        "consent_recorded_at": referral.consent_recorded_at,
    }
    if ShareItem.CONTACT in scope:
        safe = SafeContact.objects.filter(person=person).first()
        summary["contact"] = {
            "phone": person.phone if (safe is None or safe.phone_safe) else "",
            "email": person.email if (safe is None or safe.email_safe) else "",
            "unsafe_channels": safe.unsafe_channels() if safe else [],
            "safe_times": safe.safe_times if safe else "",
            "may_leave_message": safe.may_leave_message if safe else False,
            "alternative_contact": safe.alternative_contact if safe else "",
        }
    if ShareItem.LANGUAGE in scope:
        summary["language"] = {
            "preferred_language": person.preferred_language,
            "interpreter_needed": person.interpreter_needed,
            "communication_needs": person.communication_needs,
        }
    if ShareItem.OFFENCE in scope:
        summary["offence"] = {
            "category": referral.case.offence.name,
            "occurred_on": referral.case.occurred_at.date(),
        }
    if ShareItem.RISK in scope and referral.risk_level:
        summary["risk_level"] = referral.risk_level
    return summary
