"""A brand-new case does not open with an overdue duty: a duty whose deadline had passed before it
was made (the DASH risk assessment, due on the day of report, for a case recorded the next
morning) is "due now"; on a case recorded after the 24 hours allowed, it is overdue, and the page
says the case was recorded late."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from entitlements.models import Duty
from tests.cases.factories import CaseFactory, offence, victim_of

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
REPORTED = datetime.datetime(2026, 12, 7, 21, 0, tzinfo=LONDON)  # Monday evening


def _case_recorded_at(at: datetime.datetime):
    with time_machine.travel(at, tick=False):
        return CaseFactory(
            offence=offence("abh_domestic"),
            occurred_at=REPORTED - datetime.timedelta(hours=1),
            reported_at=REPORTED,
            now=at,
        )


def _pages(client, case):
    dash = Duty.objects.get(party=victim_of(case), rule__code="R29")
    client.force_login(case.officer)
    return (
        client.get(reverse("case-detail", args=[case.pk])).content.decode(),
        client.get(reverse("duty", args=[case.pk, dash.pk])).content.decode(),
        client.get(reverse("home-officer")).content.decode(),
    )


def test_a_case_recorded_the_next_morning_opens_with_the_risk_assessment_due_now(client):
    next_morning = REPORTED + datetime.timedelta(hours=12)
    case = _case_recorded_at(next_morning)
    with time_machine.travel(next_morning + datetime.timedelta(minutes=5), tick=False):
        case_page, duty_page, home = _pages(client, case)
    for page in (case_page, duty_page):
        assert "Due now" in page and ">Overdue<" not in page
    assert "Due now (1)" in home and "Overdue (" not in home


def test_a_case_recorded_late_shows_the_lateness_honestly(client):
    days_later = REPORTED + datetime.timedelta(days=3)
    case = _case_recorded_at(days_later)
    with time_machine.travel(days_later + datetime.timedelta(minutes=5), tick=False):
        case_page, duty_page, home = _pages(client, case)
    for page in (case_page, duty_page):
        assert ">Overdue<" in page and "Due now" not in page
        assert "after the time allowed to record a crime" in page
    assert "Overdue (" in home and "Due now (" not in home


def test_a_rule_code_never_stands_next_to_a_different_right_number(client):
    case = _case_recorded_at(REPORTED + datetime.timedelta(hours=1))
    dash = Duty.objects.get(party=victim_of(case), rule__code="R29")
    assert dash.explanation.startswith(f"{dash.rule.right}: {dash.rule.title}.")
    assert "R29 (" not in dash.explanation
    client.force_login(case.officer)
    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert "(R29, Right" not in page and f"({dash.rule.right})" in page
