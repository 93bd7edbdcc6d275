"""The administrator makes a new edition of the Code: copies the edition in force, changes the
standard arrest deadline to 3 working days, previews what would change from a date next month
and schedules it. An arrest the day before keeps 5 days; one on the start date gets 3. The
officers' guidance, the 'your rights' letter, the written acknowledgement and the public pages
say 5 until the day before and 3 from the start date, as none of them writes the number."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from entitlements.models import DutyRule, Edition
from tests.cases.factories import victim_of
from tests.entitlements.test_engine import arrest, duty, end_of, make_case
from tests.factories import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
NOW = datetime.datetime(2027, 1, 11, 10, 0, tzinfo=LONDON)  # a Monday
START = datetime.date(2027, 2, 1)  # next month


def sign_in(page, live_server, user) -> None:
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def test_the_administrator_copies_changes_previews_and_schedules_an_edition(
    page, live_server, assert_accessible
):
    admin = make_user(Role.ADMIN)
    with time_machine.travel(NOW, tick=True):
        sign_in(page, live_server, admin)
        page.wait_for_url("**/home/admin/")
        page.get_by_role("link", name="Editions of the Code").click()
        page.wait_for_url("**/code/editions/")
        assert "In force from 1 April 2021 (no end date)" in page.inner_text("main")
        assert_accessible(page)

        page.get_by_role("link", name="Victims' Code 2020 and Witness Charter 2013").click()
        page.get_by_role("heading", name="Copy this edition as a draft").wait_for()
        assert_accessible(page)
        page.get_by_label("Name of the new edition").fill("Victims' Code 2027")
        page.get_by_label("Where it comes from").fill("Code of Practice for Victims, 2027")
        page.get_by_role("button", name="Copy this edition as a draft").click()
        page.get_by_text("Draft: not scheduled").first.wait_for()
        assert_accessible(page)

        page.get_by_role("link", name="Change rule R7").click()
        standard = page.get_by_label("Working days, standard rights")
        standard.fill("")
        page.get_by_role("button", name="Save the rule").click()
        page.get_by_text(
            "Give the number of working days for standard rights, or a clock in hours."
        ).wait_for()
        assert_accessible(page)
        page.get_by_label("Working days, standard rights").fill("3")
        page.get_by_role("button", name="Save the rule").click()
        page.get_by_text("Rule R7 saved in the draft.").wait_for()

        # A rule can be added to the draft; an empty one is refused in sentences.
        page.get_by_role("link", name="Add a rule").click()
        page.get_by_role("button", name="Add the rule").click()
        page.get_by_text("Give the rule a code, for example R31.").wait_for()
        page.get_by_text("Choose the right or standard the rule belongs to.").wait_for()
        assert_accessible(page)
        page.get_by_role("link", name="Back to Victims' Code 2027").click()

        page.get_by_role("link", name="Preview and schedule").click()
        page.get_by_label("First day in force").fill(START.isoformat())
        page.get_by_role("button", name="Preview what would change").click()
        page.get_by_role("heading", name="What would change from 1 February 2027").wait_for()
        preview = page.inner_text("main")
        assert "Rule R7: Tell them the suspect was arrested" in preview
        assert "Thursday 4 February 2027, 23:59" in preview  # 3 working days from 1 February
        assert_accessible(page)
        page.get_by_role("button", name="Schedule from 1 February 2027").click()
        page.get_by_text("is scheduled. In force from 1 February 2027 (no end date).").wait_for()
        assert_accessible(page)

    draft = Edition.objects.get(name="Victims' Code 2027")
    assert draft.starts_on == START
    assert Edition.objects.get(ends_on=START - datetime.timedelta(days=1)) != draft
    assert DutyRule.objects.in_force(START).get(code="R7").standard_working_days == 3
    case = make_case(reported_at=datetime.datetime(2027, 1, 4, 10, tzinfo=LONDON))
    victim = victim_of(case)
    before = arrest(case, at=datetime.datetime(2027, 1, 31, 12, tzinfo=LONDON))
    after = arrest(case, at=datetime.datetime(2027, 2, 1, 12, tzinfo=LONDON))
    assert duty(victim, "R7", trigger_event=before).due_at == end_of(2027, 2, 5)  # 5 days
    assert duty(victim, "R7", trigger_event=after).due_at == end_of(2027, 2, 4)  # 3 days

    # What the officer and the person read, the day before the start and on it.
    enhanced_arrest = "(1 working day for enhanced rights)"
    for day, days in ((START - datetime.timedelta(days=1), 5), (START, 3)):
        with time_machine.travel(
            datetime.datetime.combine(day, datetime.time(10), LONDON), tick=True
        ):
            sign_in(page, live_server, case.officer)
            page.goto(live_server.url + reverse("guidance"))
            guidance = page.inner_text("main")
            assert f"within {days} working days {enhanced_arrest}" in guidance
            assert f"R7 (tell them the suspect was arrested) gives {days} working days" in guidance
            assert_accessible(page)

            page.goto(live_server.url + reverse("your-rights", args=[case.pk, victim.pk]))
            sentence = f"about an arrest, an interview or a release within {days} working days"
            assert sentence in page.inner_text("main")
            assert_accessible(page)
            page.goto(live_server.url + reverse("acknowledgement", args=[case.pk, victim.pk]))
            assert sentence in page.inner_text("main")
            assert_accessible(page)

            page.context.clear_cookies()
            page.goto(live_server.url + reverse("info-victims-code"))
            public = page.inner_text("main")
            assert f"We will do this within {days} working days after the arrest." in public
            assert_accessible(page)
