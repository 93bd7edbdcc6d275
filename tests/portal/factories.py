"""Track my case test helpers: a case whose victim has an answered safe-contact profile, and
access issued and sent through the services, the link read back from the email sent."""

import datetime
import re

from django.core import mail

from accounts.models import Role
from cases import services as case_services
from cases.models import SafeContact
from portal import services
from portal.models import Access, Channel, Factor
from tests.cases.factories import CaseFactory, victim_of
from tests.factories import make_user

NOW = datetime.datetime(2027, 1, 11, 10, 0, tzinfo=datetime.UTC)  # a Monday morning
BIRTHDAY = datetime.date(1990, 5, 17)
PASSCODE = "blue-heron-42"
LINK = re.compile(r"/track/open/([\w-]+)/")
NEWS = re.compile(r"/track/news/([\w-]+)/")
CODE = re.compile(r"\b(\d{6})\b")


def set_safe(person, **fields) -> SafeContact:
    safe = SafeContact.objects.get(person=person)
    return case_services.save_safe_contact(
        person=person, by=make_user(Role.OFFICER), expected_version=safe.version, **fields
    )


def victim_case(*, now=NOW, restricted=False, email="dana@example.org", **safe):
    """A case reported the day before `now`, its victim asked how they may safely be reached."""
    case = CaseFactory(
        now=now - datetime.timedelta(days=1),
        restricted=restricted,
        victim={
            "first_name": "Dana",
            "last_name": "Whitlock",
            "email": email,
            "phone": "07700900123",
            "date_of_birth": BIRTHDAY,
        },
    )
    party = victim_of(case)
    set_safe(party.person, **safe)
    return case, party


def issue(case, party, *, factor=Factor.PASSCODE, channel=Channel.EMAIL, now=NOW) -> Access:
    return services.issue_access(
        case=case,
        party=party,
        by=case.officer,
        channel=channel,
        factor=factor,
        passcode=PASSCODE if factor == Factor.PASSCODE else "",
        now=now,
    )


def sent_link(access: Access, *, now=NOW) -> str:
    """Send the access's link as the worker does, and return the token from the email."""
    mail.outbox.clear()
    assert services.send_link(access.pk, now=now) == "sent"
    return LINK.search(mail.outbox[-1].body).group(1)
