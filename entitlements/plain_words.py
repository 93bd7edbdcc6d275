"""Each Right of the Victims' Code and standard of the Witness Charter in plain words, in English
and (through the Welsh catalogue) Welsh. The public information pages and the letters a victim is
sent (the 'your rights' summary) read them here, so the two always say the same thing. Which
Rights exist comes from the rows in force; a Right in force with no words here is caught by
tests/publicinfo."""

from django.utils.translation import gettext_lazy as _

from .models import Right

VC = Right.Scheme.VICTIMS_CODE
WC = Right.Scheme.WITNESS_CHARTER

# (scheme, number) -> (title, what it means), for adults.
RIGHTS = {
    (VC, 1): (
        _("Understand and be understood"),
        _(
            "You can get help to understand us and to tell us what happened. If you need one, "
            "we will get you an interpreter for free. You can bring someone you trust."
        ),
    ),
    (VC, 2): (
        _("Your crime is written down"),
        _(
            "We will write down the crime soon after you tell us. We will try not to ask you "
            "the same things again and again."
        ),
    ),
    (VC, 3): (
        _("A note when you report"),
        _(
            "We will give you a note to say we have your report. It has your crime number. It "
            "says who is dealing with your case and how to reach them."
        ),
    ),
    (VC, 4): (
        _("Help and support"),
        _(
            "We will ask what help you need. If you want, we will pass your name to a group that "
            "helps victims. You can also ask them for help yourself."
        ),
    ),
    (VC, 5): (
        _("Money for harm or loss"),
        _(
            "We will tell you how to ask for money if you were hurt or lost things. This money "
            "is called compensation."
        ),
    ),
    (VC, 6): (
        _("News about your case"),
        _(
            "We will tell you when big things happen in your case. We will agree with you how "
            "often we get in touch, and how."
        ),
    ),
    (VC, 7): (
        _("Say how the crime hurt you"),
        _(
            "You can tell the court in your own words how the crime has changed your life. This "
            "is called a Victim Personal Statement."
        ),
    ),
    (VC, 8): (
        _("Court and being a witness"),
        _(
            "If your case goes to court, we will tell you when and where. We will tell you if "
            "you need to speak in court."
        ),
    ),
    (VC, 9): (
        _("The end of the case"),
        _(
            "We will tell you what the court decided. If the person is found guilty, we will "
            "tell you what the court gave them."
        ),
    ),
    (VC, 10): (
        _("Costs and your things"),
        _(
            "You can get back some of the money it costs you to go to court. We will give back "
            "your things when we do not need them any more."
        ),
    ),
    (VC, 11): (
        _("News about the offender"),
        _(
            "If the person goes to prison, you may be able to get news about them. This is "
            "called the Victim Contact Scheme."
        ),
    ),
    (VC, 12): (
        _("Make a complaint"),
        _("If we do not do what this page says, you can tell us. This is called a complaint."),
    ),
    (WC, 1): (
        _("We ask what help you need"),
        _("We will ask what help you need to tell the court what you saw or heard."),
    ),
    (WC, 2): (
        _("Someone to talk to"),
        _(
            "You will always know who to talk to. At first it is the officer. After a charge, it "
            "is the Witness Care Unit."
        ),
    ),
    (WC, 3): (
        _("Help for court"),
        _("If you need to go to court, the Witness Care Unit will check what help you need."),
    ),
    (WC, 4): (
        _("See the court first"),
        _("You can visit the court before the trial. The Witness Service will show you round."),
    ),
    (WC, 5): (
        _("Costs"),
        _(
            "You can claim back what it costs you to get to court. You can also claim for pay "
            "you lost."
        ),
    ),
}
