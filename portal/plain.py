"""What the person reads, in plain words, through gettext so that the Welsh catalogue covers it.

Only the words live here; which events may be shown at all is data (VictimEventRule)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import CaseOutcome, CaseStatus, EventKind

EVENT_WORDS = {
    EventKind.ARREST: gettext_lazy("The police arrested a suspect."),
    EventKind.INTERVIEW: gettext_lazy("The police interviewed a suspect."),
    EventKind.RELEASED_NO_CHARGE: gettext_lazy("The suspect has been released without charge."),
    EventKind.BAIL: gettext_lazy("The suspect has been released on bail."),
    EventKind.RUI: gettext_lazy(
        "The suspect has been released while the police keep looking into the crime."
    ),
    EventKind.BAIL_CHANGED: gettext_lazy("The suspect's bail rules have changed."),
    EventKind.ESCAPE: gettext_lazy("The suspect has escaped or gone missing."),
    EventKind.NOT_INVESTIGATED: gettext_lazy("The police decided not to look into it further."),
    EventKind.CHARGE: gettext_lazy("The suspect has been charged with a crime."),
    EventKind.OUT_OF_COURT: gettext_lazy("The case was dealt with without going to court."),
    EventKind.NO_PROSECUTION: gettext_lazy("It was decided not to take the case to court."),
    EventKind.PASSED_TO_WCU: gettext_lazy("Your case was passed to the Witness Care Unit."),
    EventKind.HEARING_LISTED: gettext_lazy("A court date has been set."),
    EventKind.HEARING_OUTCOME: gettext_lazy("There was a court hearing."),
    EventKind.HEARING_MOVED: gettext_lazy("The court date has moved."),
    EventKind.REQUIRED_TO_GIVE_EVIDENCE: gettext_lazy("You are needed to give evidence."),
    EventKind.SPECIAL_MEASURES_DECISION: gettext_lazy("The court decided about help for you."),
    EventKind.VERDICT: gettext_lazy("The court made its decision."),
    EventKind.SENTENCE: gettext_lazy("The court gave a sentence."),
    EventKind.APPEAL: gettext_lazy("There is an appeal."),
    EventKind.VRR_REQUEST: gettext_lazy("We got your request for a review."),
    EventKind.COMPLAINT: gettext_lazy("We got your complaint."),
}

NEXT_STEPS = {
    CaseStatus.UNDER_INVESTIGATION: gettext_lazy(
        "The police are still looking into the crime. Your officer will tell you when "
        "something changes."
    ),
    CaseStatus.WITH_WCU: gettext_lazy(
        "The case is going to court. The Witness Care Unit will tell you about court dates "
        "and help you."
    ),
    CaseStatus.CLOSED: gettext_lazy(
        "The case is closed. You can still send a message if you have a question."
    ),
}

OUTCOME_WORDS = {
    CaseOutcome.CHARGED: gettext_lazy("Someone was charged."),
    CaseOutcome.OUT_OF_COURT: gettext_lazy("It was dealt with without going to court."),
    CaseOutcome.EVIDENTIAL_DIFFICULTIES: gettext_lazy("There was not enough proof to go on."),
    CaseOutcome.VICTIM_DOES_NOT_SUPPORT: gettext_lazy("You asked us not to go on."),
    CaseOutcome.NOT_IN_PUBLIC_INTEREST: gettext_lazy("It was decided not to go on."),
    CaseOutcome.NO_SUSPECT: gettext_lazy("We could not find who did it."),
    CaseOutcome.CONVICTED: gettext_lazy("The court found the person guilty."),
    CaseOutcome.ACQUITTED: gettext_lazy("The court found the person not guilty."),
    CaseOutcome.OTHER: gettext_lazy("The case is closed."),
}


# The channel a link or code went by, as the sentence on the page says it.
CHANNEL_WORDS = {"email": gettext_lazy("email"), "sms": gettext_lazy("text message")}


def event_words(kind: str) -> str:
    words = EVENT_WORDS.get(kind)
    return str(words) if words is not None else _("Something happened in your case.")
