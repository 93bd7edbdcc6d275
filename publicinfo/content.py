"""The words of the public information pages that depend on the Code's rows: each Right and
Witness Charter standard in plain words, and what the police do for each rule, in a victim's
words. The numbers (working days, hours, months) and which rules exist are never written here:
they come from the rule rows in force (publicinfo/selectors.py), so the pages cannot disagree
with the deadlines the officers work to. A Right or rule in force with no words here is caught
by tests/publicinfo (every rule in force must have them)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from entitlements import plain_words
from entitlements.models import DutyRule, Right, Trigger

VC = Right.Scheme.VICTIMS_CODE
WC = Right.Scheme.WITNESS_CHARTER

# (scheme, number) -> (title, what it means), for adults: with the Rights, as the letters a
# victim is sent use the same words (entitlements.plain_words).
RIGHTS = plain_words.RIGHTS

# (number) -> what it means, for children and young people (the Victims' Code).
RIGHTS_FOR_CHILDREN = {
    1: _("You can have help to understand us. You can have help to tell us what happened."),
    2: _("We will write down what happened to you. We will not ask you lots of times."),
    3: _("We will give you a note. It says who is helping with your case."),
    4: _("We will ask what help you need. We can find people to help you."),
    5: _("You might get money if you were hurt. A grown-up can help you ask."),
    6: _("We will tell you when big things happen. We will ask how you want to hear."),
    7: _("You can tell the judge how you feel about what happened."),
    8: _("If you need to go to court, we will tell you when and where."),
    9: _("We will tell you what the court decided."),
    10: _("We will give you back your things when we can."),
    11: _("If the person goes to prison, you might get news about them."),
    12: _("If we do not do these things, you or a grown-up can tell us."),
}

# rule code -> what we do, in a victim's words. %(months)s is the rule's min_custody_months.
RULES = {
    "R1": _("We will write down the crime."),
    "R2": _("We will send you a note to say we have your report."),
    "R3": _("We will ask what help you need."),
    "R4": _("If you want, we will pass your name to a group that helps victims."),
    "R5": _("We will agree with you how often we give you news."),
    "R5-U": _("We will give you news as often as we agreed."),
    "R6": _("If we decide not to look into the crime, we will tell you why."),
    "R7": _("We will tell you if someone is arrested."),
    "R8": _("We will tell you if the police question someone about the crime."),
    "R9": _("We will tell you if someone is let go with no charge, and why."),
    "R10": _("We will tell you if someone is let go on bail, and the rules they must keep."),
    "R10-RUI": _("We will tell you if someone is let go while we still look into the crime."),
    "R10-BC": _("We will tell you if the bail rules change or stop."),
    "R11": _("We will tell you if someone is charged with the crime."),
    "R11-OOCD": _("We will tell you if the crime is dealt with without a court case."),
    "R11-NP": _("We will tell you if there will be no court case, and why."),
    "R13-ACK": _("If you ask us to look again at a choice not to charge, we will say we got it."),
    "R13-DEC": _("We will then tell you what we decide."),
    "R14": _("We will ask if you want to make a Victim Personal Statement."),
    "R14-CH": _(
        "If someone is charged, we will ask again if you want to make or update your Victim "
        "Personal Statement."
    ),
    "R14-SE": _(
        "Before the sentence, we will ask again if you want to make or update your Victim "
        "Personal Statement."
    ),
    "R15": _("The Witness Care Unit will give you a person to talk to."),
    "R16": _("We will tell you the date, time and place of each time the court meets."),
    "R17": _("We will tell you what happened each time the court met."),
    "R18": _("We will tell you if you need to speak in court."),
    "R19": _("We will tell you what the court said about extra help for you in court."),
    "R20": _("We will tell the lawyers what help you need in court."),
    "R21": _("We will tell you if the person was found guilty or not."),
    "R22": _("We will tell you what the court gave them, and what it means."),
    "R23": _(
        "For some crimes, if the person gets %(months)s months or more in prison, we will pass "
        "your name to the Victim Contact Scheme."
    ),
    "R25": _("We will tell you if there is an appeal."),
    "R26": _("If you make a complaint, we will reply."),
    "R29": _(
        "If the crime is domestic abuse, we will ask you some questions to check you are safe."
    ),
    "R30": _("When the case ends, we will tell you how it ended."),
    "R30-RO": _("If we open your case again, we will tell you why."),
    "WC1": _("We will ask what help you need to tell the court what you saw."),
    "WC3": _("The Witness Care Unit will check what help you need in court."),
    "WC4": _("We will offer you a visit to the court before the trial."),
    "WC5": _("We will tell you how to claim back your costs."),
}


def what_we_do(rule: DutyRule) -> str:
    words = RULES[rule.code]
    return str(words) % {"months": rule.min_custody_months} if "%(" in str(words) else str(words)


# trigger -> when the clock starts, in a victim's words: the end of "We will do this within 5
# working days after ...". Read from each rule row's trigger, so the page says what the row says.
TRIGGERS = {
    Trigger.CRIME_REPORTED: _("you report the crime"),
    Trigger.CRIME_RECORDED: _("we write down the crime"),
    Trigger.PERSON_ADDED: _("we add you to the case"),
    Trigger.NEEDS_ASSESSED: _("we ask what help you need"),
    Trigger.SPECIAL_MEASURES_NEEDED: _("we find you need extra help in court"),
    Trigger.UPDATE_AGREED: _("we agree how to give you news"),
    Trigger.CASE_CLOSED: _("the case ends"),
    Trigger.CASE_REOPENED: _("we open the case again"),
    Trigger.NOT_INVESTIGATED: _("we decide this"),
    Trigger.ARREST: _("the arrest"),
    Trigger.INTERVIEW: _("the police question them"),
    Trigger.RELEASED_NO_CHARGE: _("they are let go"),
    Trigger.BAIL: _("they are let go on bail"),
    Trigger.RUI: _("they are let go"),
    Trigger.BAIL_CHANGED: _("the bail rules change"),
    Trigger.ESCAPE: _("they get away"),
    Trigger.CHARGE: _("the charge"),
    Trigger.OUT_OF_COURT: _("this is decided"),
    Trigger.NO_PROSECUTION: _("this is decided"),
    Trigger.PASSED_TO_WCU: _("the case goes to the Witness Care Unit"),
    Trigger.HEARING_LISTED: _("the court sets a date"),
    Trigger.HEARING_MOVED: _("the court date moves"),
    Trigger.HEARING_OUTCOME: _("the court meets"),
    Trigger.REQUIRED_TO_GIVE_EVIDENCE: _("we find out"),
    Trigger.SPECIAL_MEASURES_DECISION: _("the court decides"),
    Trigger.VERDICT: _("the court decides"),
    Trigger.SENTENCE: _("the court gives the sentence"),
    Trigger.APPEAL: _("we hear of the appeal"),
    Trigger.VRR_REQUEST: _("we get your request"),
    Trigger.COMPLAINT: _("we get your complaint"),
}
# When the clock runs from the Witness Care Unit hearing the news, not from the event itself.
FROM_RECEIPT = _("the Witness Care Unit gets the news")


def when(rule: DutyRule) -> list[str]:
    """By when, in a victim's words, from the rule row: the time, counted from the row's trigger
    (or from the Witness Care Unit hearing of it), and, where it differs, the time for a person
    with enhanced rights."""
    if rule.recurring:
        return []
    after = str(FROM_RECEIPT if rule.clock_from_receipt else TRIGGERS[rule.trigger])
    if rule.calendar_hours is not None:
        hours = rule.calendar_hours
        return [
            ngettext(
                "We will do this within %(hours)s hour after %(after)s.",
                "We will do this within %(hours)s hours after %(after)s.",
                hours,
            )
            % {"hours": hours, "after": after}
        ]
    said = [_by_days(rule.standard_working_days, after)]
    if rule.enhanced_working_days != rule.standard_working_days:
        said.append(_enhanced_by_days(rule.enhanced_working_days))
    return said


def _by_days(days: int, after: str) -> str:
    if days == 0:
        return str(_("We will do this on the day %(after)s.")) % {"after": after}
    return ngettext(
        "We will do this within %(days)s working day after %(after)s.",
        "We will do this within %(days)s working days after %(after)s.",
        days,
    ) % {"days": days, "after": after}


def _enhanced_by_days(days: int) -> str:
    if days == 0:
        return str(_("If you have enhanced rights, we will do it on the same day."))
    return ngettext(
        "If you have enhanced rights, we will do it within %(days)s working day.",
        "If you have enhanced rights, we will do it within %(days)s working days.",
        days,
    ) % {"days": days}


# Support agencies: what kind of help each kind gives (the directory's kinds, in plain words).
AGENCY_KINDS = {
    "victim_service": _("Help for all victims of crime"),
    "idva": _("Help if someone close to you hurts or scares you"),
    "isva": _("Help after rape or sexual abuse"),
    "sarc": _("Care and checks after rape or sexual assault"),
    "marac": _("Help to keep you safe"),
    "witness_service": _("Help at court"),
    "restorative_justice": _("A safe way to talk with the person who did it, if you want"),
    "young_witness": _("Help at court for children"),
    "childrens_social_care": _("Help for children and families"),
    "adult_social_care": _("Help for adults who need care"),
    "mental_health": _("Help with how you feel"),
    "other": _("Other help"),
}
