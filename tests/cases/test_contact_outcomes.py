"""What came of a contact is recorded with it, from rows an administrator keeps: the web form and
the API require it, and the API lists the choices as reference data."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import Contact, ContactOutcome

from .factories import CaseFactory, victim_of

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def _body(party, **extra) -> dict:
    return {
        "party": party.pk,
        "occurred_at": (timezone.now() - datetime.timedelta(hours=1)).isoformat(),
        "method": "face_to_face",
        "purpose": "update",
        "summary": "Called round",
        **extra,
    }


def test_the_outcomes_are_seeded_with_what_counts_as_contact():
    counts = dict(ContactOutcome.objects.values_list("code", "counts_as_contact"))
    assert counts["reached"] is True
    assert counts["no_answer"] is False
    assert counts["wrong_number"] is False
    assert counts["refused"] is False
    assert counts["reached_on_their_behalf"] is True
    message = ContactOutcome.objects.get(code="message_left")
    assert message.leaves_message and not message.counts_as_contact
    assert all(o.source and o.effective_from for o in ContactOutcome.objects.all())


def test_the_api_lists_the_contact_outcomes_in_order_with_their_labels(officer):
    response = _api(officer).get(reverse("api-contact-outcome-list"))

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["code"] for r in rows][:3] == ["reached", "no_answer", "message_left"]
    no_answer = rows[1]
    assert no_answer["label"] == "No answer"
    assert no_answer["counts_as_contact"] is False and no_answer["leaves_message"] is False
    one = _api(officer).get(reverse("api-contact-outcome-detail", args=["message_left"]))
    assert one.json()["leaves_message"] is True
    missing = _api(officer).get(reverse("api-contact-outcome-detail", args=["nope"]))
    assert missing.status_code == 404


def test_the_contact_outcomes_are_read_only_in_the_api(officer):
    response = _api(officer).post(reverse("api-contact-outcome-list"), {"code": "x"})
    assert response.status_code == 405


def test_the_api_refuses_a_contact_without_an_outcome(officer):
    case = CaseFactory(officer=officer)
    url = reverse("api-case-contacts", args=[case.pk])

    response = _api(officer).post(url, _body(victim_of(case)), format="json")

    assert response.status_code == 400
    assert response.json() == {"outcome": ["This field is required."]}
    assert not Contact.objects.filter(case=case).exists()


def test_the_api_refuses_an_unknown_or_retired_outcome(officer):
    case = CaseFactory(officer=officer)
    url = reverse("api-case-contacts", args=[case.pk])
    ContactOutcome.objects.filter(code="refused").update(is_active=False)

    for code in ("nope", "refused"):
        response = _api(officer).post(url, _body(victim_of(case), outcome=code), format="json")
        assert response.status_code == 400
        assert list(response.json()) == ["outcome"]


def test_the_api_records_the_outcome_and_says_whether_it_counts(officer):
    case = CaseFactory(officer=officer)
    url = reverse("api-case-contacts", args=[case.pk])

    response = _api(officer).post(url, _body(victim_of(case), outcome="no_answer"), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["outcome"] == "no_answer"
    assert body["outcome_label"] == "No answer"
    assert body["counts_as_contact"] is False
    assert Contact.objects.get(pk=body["id"]).outcome.code == "no_answer"


def test_the_web_form_requires_an_outcome(client):
    case = CaseFactory()
    client.force_login(case.officer)
    data = {
        "party": victim_of(case).pk,
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "method": "phone",
        "direction": "outgoing",
        "purpose": "update",
        "summary": "Called",
    }

    response = client.post(reverse("contact-create", kwargs={"pk": case.pk}), data)

    assert response.status_code == 200
    assert response.context["form"].errors["outcome"] == ["This field is required."]
    assert not Contact.objects.filter(case=case).exists()


def test_the_web_form_offers_the_outcomes_by_label(client):
    case = CaseFactory()
    client.force_login(case.officer)

    content = client.get(reverse("case-detail", kwargs={"pk": case.pk})).content.decode()

    assert "What came of it" in content
    assert "Voicemail or message left" in content and "Wrong or dead number" in content
