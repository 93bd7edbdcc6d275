"""Referral pages: the officer refers with consent, the agency answers, each sees only its part."""

import pytest
from django.urls import reverse

from accounts.models import Role
from entitlements.models import Duty, DutyStatus
from referrals.models import AgencyKind, Referral, ReferralStatus
from tests.cases.factories import CaseFactory, victim_of
from tests.factories import AgencyFactory, make_user, sharing_exception

pytestmark = pytest.mark.django_db


def main_of(page: str) -> str:
    """The page's main content: the header names the signed-in user, who may share a name."""
    return page.split("<main", 1)[1].split("</main>", 1)[0]


@pytest.fixture
def service():
    return AgencyFactory(name="Northshire Victim Services", kind=AgencyKind.VICTIM_SERVICE)


def _refer(client, case, agency, **overrides):
    data = {
        "agency": agency.pk,
        "support_requested": "Emotional support and help with the insurance claim",
        "lawful_basis": "consent",
        "scope": ["contact", "language"],
        "method": "phone",
    }
    data.update(overrides)
    url = reverse("referral-new", kwargs={"pk": case.pk, "party_pk": victim_of(case).pk})
    return client.post(url, data)


def test_officer_refers_with_consent_and_sending_meets_right_4(client, service):
    case = CaseFactory(victim={"first_name": "Ruth", "last_name": "Ames", "phone": "07700900111"})
    client.force_login(case.officer)
    draft = Referral.objects.get(case=case, proposed_reason__startswith="Right 4")
    draft.status = ReferralStatus.WITHDRAWN  # this test drafts its own referral instead
    draft.save()
    response = _refer(client, case, service)
    referral = Referral.objects.exclude(pk=draft.pk).get(case=case)
    assert response.status_code == 302
    url = reverse("referral", kwargs={"pk": case.pk, "referral_pk": referral.pk})
    client.post(url, {"action": "send"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
    r4 = Duty.objects.get(party=victim_of(case), rule__code="R4")
    assert r4.status == DutyStatus.MET


def test_an_opt_in_victim_cannot_be_referred_on_plain_consent(client, service):
    from tests.cases.factories import offence

    case = CaseFactory(offence=offence("abh_domestic"))
    client.force_login(case.officer)
    Referral.objects.filter(case=case).delete()
    response = _refer(client, case, service)
    assert "must opt in" in response.content.decode()
    assert not Referral.objects.filter(case=case).exists()


def test_the_agency_sees_only_what_consent_covers(client, service):
    case = CaseFactory(
        victim={
            "first_name": "Ruth",
            "last_name": "Ames",
            "phone": "07700900111",
            "address": "1 Secret Lane",
            "communication_needs": "Prefers text",
        }
    )
    client.force_login(case.officer)
    Referral.objects.filter(case=case).delete()
    _refer(client, case, service, scope=["contact"])
    referral = Referral.objects.get(case=case)
    client.post(
        reverse("referral", kwargs={"pk": case.pk, "referral_pk": referral.pk}), {"action": "send"}
    )
    agency_user = make_user(Role.AGENCY, agency=service)
    client.force_login(agency_user)
    page = client.get(reverse("agency-referral", kwargs={"pk": referral.pk})).content.decode()
    assert "Ruth Ames" in page and "07700900111" in page
    # The address is a contact detail: it goes (as in the API) while letters and visits are safe.
    assert "1 Secret Lane" in page
    assert "Prefers text" not in page
    assert case.crime_reference not in page and case.offence.name not in main_of(page)


def test_another_agency_gets_404_and_drafts_are_invisible(client, service):
    case = CaseFactory()
    draft = Referral.objects.get(case=case, agency=service)
    client.force_login(make_user(Role.AGENCY, agency=service))
    assert client.get(reverse("agency-referral", kwargs={"pk": draft.pk})).status_code == 404
    other = make_user(Role.AGENCY, agency=AgencyFactory(kind=AgencyKind.IDVA))
    client.force_login(other)
    assert client.get(reverse("agency-referral", kwargs={"pk": draft.pk})).status_code == 404
    assert (
        client.get(reverse("referral", kwargs={"pk": case.pk, "referral_pk": draft.pk})).status_code
        == 403
    )


def test_agency_accepts_and_the_officer_sees_it_on_the_case(client, service):
    case = CaseFactory(victim={"first_name": "Ruth", "last_name": "Ames"})
    client.force_login(case.officer)
    referral = Referral.objects.get(case=case, agency=service)
    url = reverse("referral", kwargs={"pk": case.pk, "referral_pk": referral.pk})
    client.post(
        url,
        {
            "action": "consent",
            "consent-lawful_basis": "consent",
            "consent-scope": ["contact"],
            "consent-method": "in_person",
        },
    )
    client.post(url, {"action": "send"})
    client.force_login(make_user(Role.AGENCY, agency=service))
    agency_url = reverse("agency-referral", kwargs={"pk": referral.pk})
    client.post(agency_url, {"action": "accept"})
    client.post(agency_url, {"action": "note", "note-note": "Spoke to Ruth; weekly calls agreed."})
    illegal = client.post(agency_url, {"action": "accept"})
    assert "cannot be accepted" in illegal.content.decode()
    client.force_login(case.officer)
    page = client.get(reverse("case-detail", kwargs={"pk": case.pk})).content.decode()
    assert "Accepted" in page


def test_withdrawn_consent_hides_everything_from_the_agency(client, service):
    case = CaseFactory(victim={"first_name": "Ruth", "last_name": "Ames"})
    client.force_login(case.officer)
    referral = Referral.objects.get(case=case, agency=service)
    url = reverse("referral", kwargs={"pk": case.pk, "referral_pk": referral.pk})
    client.post(
        url,
        {
            "action": "consent",
            "consent-lawful_basis": "consent",
            "consent-scope": ["contact"],
            "consent-method": "in_person",
        },
    )
    client.post(url, {"action": "send"})
    client.post(url, {"action": "withdraw_consent", "withdraw_consent-how": "Rang to say no"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WITHDRAWN
    client.force_login(make_user(Role.AGENCY, agency=service))
    page = client.get(reverse("agency-referral", kwargs={"pk": referral.pk})).content.decode()
    assert "has been withdrawn" in page and "Ruth" not in main_of(page)


def test_an_unknown_action_is_a_bad_request(client, service):
    case = CaseFactory()
    referral = Referral.objects.get(case=case, agency=service)
    client.force_login(case.officer)
    url = reverse("referral", kwargs={"pk": case.pk, "referral_pk": referral.pk})
    assert client.post(url, {"action": "teleport"}).status_code == 400


def test_an_agency_that_needs_explicit_consent_gets_it(client):
    idva = AgencyFactory(name="IDVA", kind=AgencyKind.IDVA, consent_basis="explicit_consent")
    case = CaseFactory()
    client.force_login(case.officer)
    response = _refer(client, case, idva)
    assert "needs the victim&#x27;s explicit consent" in response.content.decode()
    assert _refer(client, case, idva, lawful_basis="explicit_consent").status_code == 302


def test_a_marac_referral_does_not_count_as_referral_to_support(client):
    from referrals import services as referral_services

    marac = AgencyFactory(name="MARAC", kind=AgencyKind.MARAC)
    case = CaseFactory()
    referral = referral_services.create_referral(
        party=victim_of(case),
        agency=marac,
        by=case.officer,
        support_requested="Safety",
        lawful_basis="public_task",
        scope=["contact"],
        method="",
        sharing_exception=sharing_exception("risk_to_life"),
        sharing_reason="Threats to kill at the last incident",
    )
    referral_services.send_referral(referral=referral, by=case.officer)
    assert Duty.objects.get(party=victim_of(case), rule__code="R4").status == DutyStatus.DUE
