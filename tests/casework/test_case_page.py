"""The case page of a case with many people (a fraud, a multi-victim abuse case) stays bounded:
the people come 10 a page, only their duties and referrals are read and offered, and the
timeline shows its newest entries with a link to the whole of it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from cases import services
from cases.models import Contact, PartyRole
from cases.views import CaseTimelineView
from entitlements.models import Duty
from tests.cases.factories import CaseFactory, PartyFactory, PersonFactory, outcome

pytestmark = pytest.mark.django_db


def _victims(case, first: int, last: int) -> None:
    """Victims numbered `first` to `last`, named so that no name is part of another."""
    for n in range(first, last + 1):
        person = PersonFactory(first_name="Victim", last_name=f"Number{n:03d}x")
        PartyFactory(case=case, person=person, role=PartyRole.VICTIM)


def _contacts(case, n: int, *, first: int = 0) -> None:
    victim = case.parties.order_by("id").first()
    for i in range(first, first + n):
        services.record_contact(
            case=case,
            party=victim,
            by=case.officer,
            # Note 0 is the newest.
            occurred_at=timezone.now() - datetime.timedelta(hours=i + 1),
            method="phone",
            purpose="update",
            summary=f"Note{i:03d}x",
        )


def _page(client, case, **query) -> str:
    response = client.get(reverse("case-detail", kwargs={"pk": case.pk}), query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def case():
    return CaseFactory(victim={"first_name": "Victim", "last_name": "Number001x"})


def test_the_case_page_takes_the_same_queries_for_3_or_60_victims(client, case):
    _victims(case, 2, 3)
    _contacts(case, 3)
    client.force_login(case.officer)
    _page(client, case)
    with CaptureQueriesContext(connection) as few:
        _page(client, case)
    # The page's reads, the header's and the audit trail's (tests/cases/test_views.py names them).
    assert len(few) == 28  # 26, the contact outcomes the form offers, the recording rule

    _victims(case, 4, 60)
    _contacts(case, 40, first=3)
    assert Duty.objects.filter(case=case).values("party").distinct().count() == 60
    with CaptureQueriesContext(connection) as many:
        content = _page(client, case)
    assert len(many) == len(few)
    assert "Showing 1&ndash;10 of 60 people" in content


def test_person_15_is_on_the_second_page_of_people_not_the_first(client, case):
    _victims(case, 2, 25)
    client.force_login(case.officer)

    first = _page(client, case)
    assert "Number010x" in first
    # Not in the people, nor offered in the contact form with their duties.
    assert "Number011x" not in first and "Number015x" not in first
    assert "Showing 1&ndash;10 of 25 people" in first
    assert '<nav aria-label="Pages of people in this case">' in first
    assert 'href="?people=2#people"' in first

    second = _page(client, case, people=2)
    assert "Number015x" in second and "Number011x" in second and "Number020x" in second
    assert "Number010x" not in second and "Number021x" not in second
    assert "Showing 11&ndash;20 of 25 people" in second
    assert 'href="?people=1#people"' in second and 'href="?people=3#people"' in second
    # The quick-add forms post back for this page of people.
    assert f'action="{reverse("contact-create", kwargs={"pk": case.pk})}?people=2"' in second

    third = _page(client, case, people=3)
    assert "Number025x" in third and "Showing 21&ndash;25 of 25 people" in third


def test_a_page_number_that_is_not_one_gives_a_page_not_an_error(client, case):
    _victims(case, 2, 25)
    client.force_login(case.officer)
    assert "Number025x" in _page(client, case, people=99)
    assert "Number001x" in _page(client, case, people="two")


def test_a_small_case_shows_no_pages(client, case):
    client.force_login(case.officer)
    content = _page(client, case)
    assert "Number001x" in content
    assert "Pages of people" not in content and "Showing" not in content


def test_a_contact_logged_from_the_second_page_answers_with_that_page(client, case):
    _victims(case, 2, 25)
    person_15 = case.parties.get(person__last_name="Number015x")
    client.force_login(case.officer)
    url = reverse("contact-create", kwargs={"pk": case.pk}) + "?people=2"
    data = {
        "party": person_15.pk,
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "method": "phone",
        "direction": "outgoing",
        "outcome": outcome().pk,
        "purpose": "update",
        "summary": "Told them about the hearing",
    }

    refreshed = client.post(url, data, HTTP_HX_REQUEST="true").content.decode()
    assert "Contact logged." in refreshed
    assert "Showing 11&ndash;20 of 25 people" in refreshed and "Number011x" in refreshed
    assert "Number001x" not in refreshed

    # Without JavaScript, it goes back to the same page of people.
    response = client.post(url, data)
    assert response.status_code == 302
    assert response.url == reverse("case-detail", kwargs={"pk": case.pk}) + "?people=2#people"
    assert Contact.objects.filter(party=person_15).count() == 2


def test_a_contact_for_someone_on_another_page_of_people_is_still_accepted(client, case):
    # The pages may shift as people are added: the form offers a page, the case accepts anyone.
    _victims(case, 2, 25)
    person_25 = case.parties.get(person__last_name="Number025x")
    client.force_login(case.officer)
    response = client.post(
        reverse("contact-create", kwargs={"pk": case.pk}) + "?people=1",
        {
            "party": person_25.pk,
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "method": "phone",
            "direction": "outgoing",
            "outcome": outcome().pk,
            "purpose": "update",
            "summary": "Told them about the hearing",
        },
    )
    assert response.status_code == 302
    assert Contact.objects.filter(party=person_25).exists()


def test_the_case_page_shows_the_newest_timeline_entries_and_links_to_the_rest(client, case):
    _contacts(case, 25)
    client.force_login(case.officer)
    content = _page(client, case)
    assert "Note000x" in content and "Note019x" in content
    assert "Note020x" not in content and "Note024x" not in content
    timeline_url = reverse("case-timeline", kwargs={"pk": case.pk})
    assert f'<a href="{timeline_url}">See the whole timeline</a>' in content


def test_a_short_timeline_has_no_link_to_more(client, case):
    _contacts(case, 3)
    client.force_login(case.officer)
    assert "See the whole timeline" not in _page(client, case)


def test_the_whole_timeline_comes_a_page_at_a_time_newest_first(client, case, monkeypatch):
    monkeypatch.setattr(CaseTimelineView, "per_page", 10)
    _contacts(case, 25)
    services.record_event(
        case=case,
        by=case.officer,
        kind="arrest",
        occurred_at=timezone.now() - datetime.timedelta(hours=10, minutes=30),
    )
    client.force_login(case.officer)
    url = reverse("case-timeline", kwargs={"pk": case.pk})

    first = client.get(url).content.decode()
    assert "Showing 1&ndash;10 of 26 entries" in first
    assert "Note000x" in first and "Note009x" in first and "Note010x" not in first
    assert '<nav aria-label="Pages of the timeline">' in first

    second = client.get(url, {"page": 2}).content.decode()
    # The arrest, between the 10th and 11th hours, takes its place among the contacts.
    assert "Suspect arrested" in second
    assert "Note009x" not in second and "Note010x" in second and "Note018x" in second
    assert "Note019x" not in second

    third = client.get(url, {"page": 3}).content.decode()
    assert "Showing 21&ndash;26 of 26 entries" in third and "Note024x" in third


def test_the_whole_timeline_takes_the_same_queries_for_3_or_30_entries(client, case):
    _contacts(case, 3)
    client.force_login(case.officer)
    url = reverse("case-timeline", kwargs={"pk": case.pk})
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _contacts(case, 27, first=3)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_an_empty_timeline_page_says_so(client, case):
    client.force_login(case.officer)
    response = client.get(reverse("case-timeline", kwargs={"pk": case.pk}))
    assert response.status_code == 200
    assert "Nothing recorded yet." in response.content.decode()


def test_the_audit_trail_records_the_people_the_page_showed_not_everyone_in_the_case(client, case):
    _victims(case, 2, 12)
    client.force_login(case.officer)
    _page(client, case)
    _page(client, case, people=2)
    first, second = AuditEvent.objects.filter(action=AuditAction.VIEW, case_id=case.pk).order_by(
        "id"
    )
    shown_first = set(first.people.values_list("person_id", flat=True))
    shown_second = set(second.people.values_list("person_id", flat=True))
    everyone = set(case.parties.values_list("person_id", flat=True))
    assert len(shown_first) == 10 and len(shown_second) == 2
    assert shown_first | shown_second == everyone


def test_the_audit_trail_records_a_person_the_timeline_named_on_that_page(client, case):
    # Review finding: the newest timeline entries name people who may be on another page of
    # people; the page showed their names, so the trail must record them too.
    _victims(case, 2, 12)
    last = case.parties.order_by("id").last()
    services.record_contact(
        case=case,
        party=last,
        by=case.officer,
        occurred_at=timezone.now() - datetime.timedelta(minutes=5),
        method="phone",
        purpose="update",
        summary="Rang back",
    )
    client.force_login(case.officer)
    content = _page(client, case)
    assert "Number012x" in content  # named by the timeline on page 1 of people
    (view,) = AuditEvent.objects.filter(action=AuditAction.VIEW, case_id=case.pk)
    assert last.person_id in set(view.people.values_list("person_id", flat=True))


def test_a_page_of_the_whole_timeline_records_only_the_people_it_names(client, case):
    _victims(case, 2, 12)
    _contacts(case, 2)
    client.force_login(case.officer)
    response = client.get(reverse("case-timeline", kwargs={"pk": case.pk}))
    assert response.status_code == 200
    (view,) = AuditEvent.objects.filter(action=AuditAction.VIEW, case_id=case.pk)
    first_victim = case.parties.order_by("id").first().person_id
    assert set(view.people.values_list("person_id", flat=True)) == {first_victim}
