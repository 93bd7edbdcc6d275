"""Which ways of reaching a person their safe-contact profile forbids, in one place.

The contact forms render these choices disabled with the reason beside them, and the services
refuse them anyway (a form can be bypassed, the API has no widgets). A refused attempt goes into
the audit trail: who, when and which channel, never the person's details.
"""

from django.core.exceptions import ValidationError

from accounts.models import User
from audit import services as audit

from .models import ContactDirection, ContactMethod, ContactOutcome, Party, SafeContact

# A contact method and the profile's flag that must allow it, with the channel in words.
# Face to face (at the station, at court) and video calls the officer arranges with the person
# have no flag of their own.
METHOD_FLAGS = {
    ContactMethod.PHONE: ("phone_safe", "phone"),
    ContactMethod.TEXT: ("text_safe", "text message"),
    ContactMethod.EMAIL: ("email_safe", "email"),
    ContactMethod.LETTER: ("letter_safe", "letter"),
    ContactMethod.HOME_VISIT: ("visit_safe", "home visit"),
}
# The order a safe way is suggested in, first to last: the quickest way to reach someone first,
# a letter (slow, and read by whoever opens the post) last.
SUGGESTED_ORDER = [
    ContactMethod.PHONE,
    ContactMethod.TEXT,
    ContactMethod.EMAIL,
    ContactMethod.HOME_VISIT,
    ContactMethod.LETTER,
]
NO_MESSAGES = "Not safe: their safe-contact instructions say no messages may be left."


def profile(party: Party) -> SafeContact | None:
    return SafeContact.objects.filter(person_id=party.person_id).first()


def refused_methods(safe: SafeContact | None) -> dict[str, str]:
    """Contact methods the profile forbids, each with the reason to show beside it."""
    if safe is None:
        return {}
    return {
        method: f"Not safe: their safe-contact instructions say no {words}."
        for method, (flag, words) in METHOD_FLAGS.items()
        if not getattr(safe, flag)
    }


def suggested_method(safe: SafeContact | None, *, tried: set[str] = frozenset()) -> str | None:
    """The way to try next: the first in SUGGESTED_ORDER the profile allows and not yet tried,
    or, once every safe way was tried, the first safe one. Never one the profile forbids; None
    when it forbids them all."""
    refused = refused_methods(safe)
    allowed = [m for m in SUGGESTED_ORDER if m not in refused]
    untried = [m for m in allowed if m not in tried]
    return (untried or allowed or [None])[0]


def refuses_messages(safe: SafeContact | None) -> bool:
    return safe is not None and not safe.may_leave_message


def refusal(
    safe: SafeContact | None, *, method: str, outcome: ContactOutcome | None
) -> dict[str, str]:
    """The field errors for contacting the person this way: empty when it is safe."""
    errors = {}
    refused = refused_methods(safe)
    if method in refused:
        errors["method"] = refused[method]
    if outcome is not None and outcome.leaves_message and refuses_messages(safe):
        errors["outcome"] = NO_MESSAGES
    return errors


def channel_words(method: str) -> str:
    flag_words = METHOD_FLAGS.get(method)
    return flag_words[1] if flag_words else ContactMethod(method).label.lower()


def check_safe(
    *,
    party: Party,
    by: User | None,
    method: str,
    outcome: ContactOutcome | None = None,
    direction: str = ContactDirection.OUTGOING,
    what: str = "contact",
) -> None:
    """Refuse reaching out to the person by a channel their profile forbids, and leave a row in
    the audit trail that it was tried. A contact they made themselves is never refused: we did
    not choose the channel.

    Call it outside any transaction the refusal rolls back, or the audit row goes with it."""
    if direction != ContactDirection.OUTGOING:
        return
    errors = refusal(profile(party), method=method, outcome=outcome)
    if not errors:
        return
    refused = [channel_words(method)] if "method" in errors else []
    if "outcome" in errors:
        refused.append("a message left")
    record_refusal(party=party, by=by, channels=refused, what=what)
    raise ValidationError(errors)


def record_refusal(*, party: Party, by: User | None, channels: list[str], what: str) -> None:
    """The audit row of a refused attempt to use an unsafe channel: who and when (the trail's
    own columns), which channel, and the person by id only, never their details."""
    audit.record(
        by,
        audit.AuditAction.UNSAFE_CHANNEL_REFUSED,
        obj=party,
        case=party.case_id,
        person_ids=[party.person_id],
        detail=f"Refused {what} by an unsafe channel: {', '.join(channels)}",
    )
