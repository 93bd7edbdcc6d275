"""The new case form's offence search works from the keyboard alone: type part of the name, pick
the suggestion, and the offence is chosen with what it is flagged as in words. A new person's
safe-contact profile says "not asked yet" until an officer records their answer, and the case
page prompts to ask (issue 19)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.services import add_to_team
from cases.models import Case
from tests.cases.factories import CaseFactory, victim_of
from tests.factories import TEST_PASSWORD, TeamFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _tab_to(page, selector: str, *, most: int = 80) -> None:
    """Press Tab until the element `selector` names has the focus, as a keyboard user would."""
    for _ in range(most):
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def _sign_in(page, live_server, user) -> None:
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/home/**")


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _open_the_form(page, live_server, assert_accessible):
    officer = make_user(Role.OFFICER, first_name="Priya", last_name="Shah")
    team = TeamFactory(name="Northshire East CID")
    add_to_team(team=team, user=officer)
    _sign_in(page, live_server, officer)
    page.goto(live_server.url + reverse("case-create"))
    assert_accessible(page)
    _tab_to(page, 'input[name="crime_reference"]')
    page.keyboard.type("NS/054321/26")
    return officer


def _fill_the_rest_and_save(page, officer) -> Case:
    """The rest of the form is not what these tests are about: filled in directly; saved from
    the keyboard."""
    now = timezone.now()
    page.get_by_label("When did it happen?").fill(_local(now - datetime.timedelta(hours=5)))
    page.get_by_label("When was it reported?").fill(_local(now - datetime.timedelta(hours=3)))
    page.get_by_label("Owning team").select_option(label="Northshire East CID")
    page.get_by_label("Officer in the case").select_option(label=str(officer))
    page.get_by_label("No", exact=True).check()
    page.get_by_label("First name").fill("Amira")
    page.get_by_label("Last name").fill("Haddad")
    _tab_to(page, 'button[type="submit"]')
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    return Case.objects.get(crime_reference="NS/054321/26")


def test_typing_in_the_grouped_offence_list_finds_the_offence_with_its_flags_in_words(
    page, live_server, assert_accessible
):
    officer = _open_the_form(page, live_server, assert_accessible)
    # The grouped list, from the keyboard: typing the start of a name chooses it.
    _tab_to(page, 'select[name="offence"]')
    page.keyboard.type("Rap")
    chosen = page.eval_on_selector('select[name="offence"]', "e => e.selectedOptions[0].text")
    # What it is flagged as, in words, where its name does not say: never the flag's code.
    assert chosen == "Rape (sexual offence)"
    assert "sexual_offence" not in page.locator("main").inner_text()

    case = _fill_the_rest_and_save(page, officer)

    assert case.offence.code == "rape"
    assert page.get_by_text("Rape (flagged as sexual offence)").is_visible()
    assert_accessible(page)


def test_an_offence_typed_by_name_in_the_search_field_is_found_from_the_keyboard(
    page, live_server, assert_accessible
):
    # Headless Chromium does not open a datalist's suggestions, so the test types the whole
    # name, as an officer may; the server finds the offence by it.
    officer = _open_the_form(page, live_server, assert_accessible)
    _tab_to(page, 'input[name="offence_search"]')
    page.keyboard.type("Controlling or coercive behaviour")

    case = _fill_the_rest_and_save(page, officer)

    assert case.offence.code == "coercive_control"
    assert page.get_by_text(
        "Controlling or coercive behaviour (flagged as domestic abuse)"
    ).is_visible()


def test_a_new_persons_safe_contact_is_not_asked_yet_and_the_case_page_prompts_to_ask(
    page, live_server, assert_accessible
):
    case = CaseFactory(victim={"first_name": "Amira", "last_name": "Haddad"})
    party = victim_of(case)
    assert not party.person.safe_contact.asked
    _sign_in(page, live_server, case.officer)
    page.goto(live_server.url + reverse("case-detail", kwargs={"pk": case.pk}))

    prompt = page.get_by_role("note").filter(has_text="Safe contact: not asked yet.")
    assert prompt.is_visible()
    assert "Ask Amira how we may safely contact them" in prompt.inner_text()
    assert_accessible(page)

    # From the keyboard, to the page that records their answer.
    link = reverse("safe-contact", kwargs={"pk": case.pk, "party_pk": party.pk})
    _tab_to(page, f'a[href="{link}"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{link}")
    assert page.get_by_text("Not asked yet: ask them how we may safely contact them").is_visible()
    assert_accessible(page)
