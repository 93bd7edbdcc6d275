"""No page of the officer's day shows an internal identifier where a person reads it: offence
flags, statuses, outcomes, bases and rule codes are said in words (issue 19). The pages are read
as a person sees them, their text without the markup, for anything written like a code
("domestic_abuse", "R7_ARREST")."""

import datetime
import re
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from accounts.services import add_to_team
from cases import services
from cases.models import Basis, ContactMethod, ContactPurpose, EventKind
from entitlements import services as engine
from entitlements.models import Duty
from tests.cases.factories import CaseFactory, offence, outcome, victim_of
from tests.factories import TeamFactory, make_user

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime.datetime(2026, 12, 7, 10, 2, tzinfo=LONDON)
DAY = datetime.timedelta(days=1)
CODE = re.compile(r"\b(?:[a-z0-9]+(?:_[a-z0-9]+)+|[A-Z][A-Z0-9]*_[A-Z0-9_]+)\b")


class _Text(HTMLParser):
    """A page's text as a person reads it: no tags, attributes, scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "template"}:
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in {"script", "style", "template"}:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _codes(html: str) -> set[str]:
    text = _Text()
    text.feed(html)
    return set(CODE.findall(" ".join(text.parts)))


@pytest.fixture
def day():
    """An officer's case with an arrest the victim could not be told of (three attempts, flagged
    not reachable), then re-timed, and a second case whose officer added offence flags."""
    team = TeamFactory()
    officer, supervisor = make_user(Role.OFFICER), make_user(Role.SUPERVISOR)
    add_to_team(team=team, user=officer)
    add_to_team(team=team, user=supervisor, is_supervisor=True)
    with time_machine.travel(MONDAY - 2 * DAY, tick=False):
        case = CaseFactory(offence=offence("theft_other"), team=team, officer=officer)
        flagged = CaseFactory(
            offence=offence("common_assault"),
            added_flags=["domestic_abuse", "hate_crime"],
            team=team,
            officer=officer,
        )
    with time_machine.travel(MONDAY, tick=False):
        services.record_event(
            case=case,
            by=officer,
            kind=EventKind.ARREST,
            occurred_at=MONDAY - datetime.timedelta(hours=1),
        )
    duty = Duty.objects.get(party=victim_of(case), rule__trigger="arrest")
    for hour, code in ((11, "no_answer"), (12, "no_answer"), (13, "wrong_number")):
        at = MONDAY.replace(hour=hour)
        with time_machine.travel(at, tick=False):
            services.record_contact(
                case=case,
                party=duty.party,
                by=officer,
                occurred_at=at,
                method=ContactMethod.PHONE,
                purpose=ContactPurpose.UPDATE,
                outcome=outcome(code),
                summary="Tried to tell them of the arrest",
                meets=[duty],
            )
    assert engine.flag_not_reachable(now=MONDAY.replace(hour=14)) == [duty.pk]
    services.record_basis(
        party=duty.party,
        basis=Basis.PERSISTENTLY_TARGETED,
        applies=True,
        evidence="Third incident this month",
        by=officer,
        now=MONDAY.replace(hour=15),
    )
    return {
        "officer": officer,
        "supervisor": supervisor,
        "case": case,
        "flagged": flagged,
        "duty": duty,
    }


def test_the_officers_pages_show_no_internal_identifier(client, day):
    case, flagged, duty = day["case"], day["flagged"], day["duty"]
    party = duty.party
    pages = {
        "home": reverse("home-officer"),
        "my duties": reverse("my-duties"),
        "case": reverse("case-detail", args=[case.pk]),
        "flagged case": reverse("case-detail", args=[flagged.pk]),
        "timeline": reverse("case-timeline", args=[case.pk]),
        "duty": reverse("duty", args=[case.pk, duty.pk]),
        "log contact": reverse("person-contact", args=[case.pk, party.pk]) + f"?duty={duty.pk}",
        "safe contact": reverse("safe-contact", args=[case.pk, party.pk]),
        "acknowledgement": reverse("acknowledgement", args=[case.pk, party.pk]),
        "new case": reverse("case-create"),
    }
    client.force_login(day["officer"])
    with time_machine.travel(MONDAY.replace(hour=16), tick=False):
        html = {name: client.get(url).content.decode() for name, url in pages.items()}
    # The pages show what this is about: the flags, the re-timing, the attempts, in words.
    assert "(flagged as domestic abuse, hate crime)" in html["flagged case"]
    assert "Its deadline moved 1 time" in html["duty"]
    assert "3 attempts:" in html["duty"] and "Could not reach them" in html["duty"]
    found = {name: _codes(page) for name, page in html.items()}
    assert {name: codes for name, codes in found.items() if codes} == {}


def test_the_supervisors_pages_show_no_internal_identifier(client, day):
    client.force_login(day["supervisor"])
    with time_machine.travel(MONDAY.replace(hour=16), tick=False):
        found = {
            name: _codes(client.get(url).content.decode())
            for name, url in {
                "home": reverse("home-supervisor"),
                "cannot reach": reverse("cannot-reach"),
                "duty": reverse("duty", args=[day["case"].pk, day["duty"].pk]),
            }.items()
        }
    assert {name: codes for name, codes in found.items() if codes} == {}


def test_the_check_reads_text_not_markup():
    page = '<p title="x_y">Told of domestic_abuse under R7_ARREST</p><a href="/a_b/">ok</a>'
    assert _codes(page) == {"domestic_abuse", "R7_ARREST"}
