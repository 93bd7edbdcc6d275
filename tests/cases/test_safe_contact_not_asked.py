"""Safe-contact defaults are not invented: a new person's profile says "not asked yet" until an
officer records their answer, and the case page prompts to ask (issue 19)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services

from .factories import CaseFactory

pytestmark = pytest.mark.django_db


def _record_answer(person, by, **answer):
    services.save_safe_contact(
        person=person, by=by, expected_version=person.safe_contact.version, **answer
    )


def test_a_new_persons_profile_is_not_asked_yet():
    person = CaseFactory().parties.get().person
    assert person.safe_contact.answered_at is None and not person.safe_contact.asked


def test_recording_the_victims_answer_marks_the_profile_asked_when_it_was_recorded():
    case = CaseFactory()
    person = case.parties.get().person
    moment = timezone.now() - datetime.timedelta(minutes=5)
    services.save_safe_contact(
        person=person,
        by=case.officer,
        expected_version=person.safe_contact.version,
        phone_safe=True,
        now=moment,
    )
    person.safe_contact.refresh_from_db()
    assert person.safe_contact.asked and person.safe_contact.answered_at == moment
    assert person.safe_contact.updated_by == case.officer


def test_the_case_page_prompts_to_ask_until_the_answer_is_recorded(client):
    case = CaseFactory()
    person = case.parties.get().person
    client.force_login(case.officer)
    url = reverse("case-detail", kwargs={"pk": case.pk})
    content = client.get(url).content.decode()
    assert "Safe contact: not asked yet." in content
    # No invented warning either: the defaults are not the victim's word.
    assert "Do not leave messages." not in content
    _record_answer(person, case.officer, phone_safe=True, may_leave_message=True)
    assert "not asked yet" not in client.get(url).content.decode()


def test_the_safe_contact_and_contact_pages_say_not_asked_yet(client):
    case = CaseFactory()
    party = case.parties.get()
    client.force_login(case.officer)
    kwargs = {"pk": case.pk, "party_pk": party.pk}
    safe_page = client.get(reverse("safe-contact", kwargs=kwargs)).content.decode()
    assert "Not asked yet: ask them how we may safely contact them" in safe_page
    contact_page = client.get(reverse("person-contact", kwargs=kwargs)).content.decode()
    assert "Not asked yet" in contact_page
    _record_answer(party.person, case.officer, phone_safe=False)
    assert (
        "Not asked yet" not in client.get(reverse("safe-contact", kwargs=kwargs)).content.decode()
    )
    assert (
        "Do not use phone." in client.get(reverse("person-contact", kwargs=kwargs)).content.decode()
    )


def test_saving_the_safe_contact_form_records_the_answer(client):
    case = CaseFactory()
    party = case.parties.get()
    client.force_login(case.officer)
    url = reverse("safe-contact", kwargs={"pk": case.pk, "party_pk": party.pk})
    response = client.post(url, {"version": party.person.safe_contact.version, "phone_safe": "on"})
    assert response.status_code == 302
    party.person.safe_contact.refresh_from_db()
    assert party.person.safe_contact.asked
