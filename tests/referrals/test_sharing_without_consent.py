"""Sharing with agencies without the victim's consent: a named exception in force for the agency's
kind and a reason, or nothing; labels that never claim the victim agreed; the supervisor's review
list; and one representation of what the agency sees, for its page, its API and the preview."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.services import add_to_team
from referrals import services
from referrals.models import (
    AgencyKind,
    LawfulBasis,
    Referral,
    ReferralEvent,
    ReferralStatus,
    SharingException,
)
from tests.cases.factories import CaseFactory, victim_of
from tests.factories import AgencyFactory, TeamFactory, make_user, sharing_exception

pytestmark = pytest.mark.django_db

REASON = "Threats to kill at the last incident; she could not be reached"


def main_of(page: str) -> str:
    return page.split("<main", 1)[1].split("</main>", 1)[0]


def refer(case, agency, *, basis=LawfulBasis.PUBLIC_TASK, code="risk_to_life", **overrides):
    kwargs = {
        "party": victim_of(case),
        "agency": agency,
        "by": case.officer,
        "support_requested": "Safety planning",
        "lawful_basis": basis,
        "scope": ["contact"],
        "method": "" if basis not in ("consent", "explicit_consent") else "phone",
        "sharing_exception": sharing_exception(code) if code else None,
        "sharing_reason": REASON,
    }
    kwargs.update(overrides)
    return services.create_referral(**kwargs)


@pytest.fixture
def marac():
    return AgencyFactory(name="Northshire MARAC", kind=AgencyKind.MARAC)


@pytest.fixture
def sarc():
    return AgencyFactory(name="Northshire SARC", kind=AgencyKind.SARC)


# --- the policy: seeded, dated, per agency kind ---------------------------------------------------


def test_the_four_exceptions_are_seeded_with_a_source_and_a_date():
    seeded = SharingException.objects.in_force(timezone.localdate())
    assert {e.code for e in seeded} == {
        "safeguarding_child",
        "safeguarding_adult",
        "risk_to_life",
        "legal_duty",
    }
    assert all(e.source and e.effective_from for e in seeded)


@pytest.mark.parametrize(
    "kind, code, allowed",
    [
        (AgencyKind.SARC, "risk_to_life", True),
        (AgencyKind.SARC, "legal_duty", False),
        (AgencyKind.SARC, "safeguarding_adult", False),
        (AgencyKind.ISVA, "safeguarding_child", False),
        (AgencyKind.ISVA, "risk_to_life", True),
        (AgencyKind.CHILDRENS_SOCIAL_CARE, "safeguarding_child", True),
        (AgencyKind.ADULT_SOCIAL_CARE, "safeguarding_adult", True),
        (AgencyKind.VICTIM_SERVICE, "legal_duty", True),
        (AgencyKind.VICTIM_SERVICE, "risk_to_life", False),
        (AgencyKind.RESTORATIVE_JUSTICE, "risk_to_life", False),
        (AgencyKind.WITNESS_SERVICE, "legal_duty", False),
    ],
)
def test_an_exception_is_allowed_only_for_the_agency_kinds_the_policy_names(kind, code, allowed):
    agency = AgencyFactory(kind=kind)
    case = CaseFactory()
    Referral.objects.filter(case=case).delete()  # the proposals the case made
    if allowed:
        referral = refer(case, agency, code=code)
        assert referral.sharing_exception.code == code
        assert referral.sharing_reason == REASON
        return
    with pytest.raises(ValidationError) as refused:
        refer(case, agency, code=code)
    assert set(refused.value.message_dict) == {"sharing_exception"}
    assert not Referral.objects.filter(case=case, agency=agency).exists()


@pytest.mark.parametrize("basis", [LawfulBasis.PUBLIC_TASK, LawfulBasis.LEGAL_OBLIGATION])
def test_without_consent_an_exception_and_a_reason_are_required(basis, marac):
    case = CaseFactory()
    with pytest.raises(ValidationError) as refused:
        refer(case, marac, basis=basis, code=None, sharing_reason="   ")
    assert set(refused.value.message_dict) == {"sharing_exception", "sharing_reason"}
    assert not Referral.objects.filter(case=case, agency=marac).exists()


def test_an_exception_not_yet_or_no_longer_in_force_is_refused(marac):
    case = CaseFactory()
    risk = sharing_exception("risk_to_life")
    today = timezone.localdate()
    SharingException.objects.filter(pk=risk.pk).update(effective_to=today)
    with pytest.raises(ValidationError) as ended:
        refer(case, marac)
    assert "sharing_exception" in ended.value.message_dict
    SharingException.objects.filter(pk=risk.pk).update(
        effective_from=today + datetime.timedelta(days=1), effective_to=None
    )
    with pytest.raises(ValidationError):
        refer(case, marac)


def test_a_force_changes_the_policy_as_data(sarc):
    """Allowing safeguarding an adult for a SARC is a row edit, no deploy."""
    case = CaseFactory()
    with pytest.raises(ValidationError):
        refer(case, sarc, code="safeguarding_adult")
    adult = sharing_exception("safeguarding_adult")
    adult.agency_kinds = [*adult.agency_kinds, AgencyKind.SARC]
    adult.save()
    assert refer(case, sarc, code="safeguarding_adult").sharing_exception == adult


def test_on_consent_no_exception_or_reason_is_kept(marac):
    referral = refer(CaseFactory(), marac, basis=LawfulBasis.CONSENT)
    fresh = Referral.objects.get(pk=referral.pk)
    assert (fresh.sharing_exception, fresh.sharing_reason) == (None, "")
    assert not fresh.shared_without_consent


def test_the_history_records_sharing_without_consent_never_as_consent(marac):
    referral = refer(CaseFactory(), marac)
    event = ReferralEvent.objects.get(referral=referral, kind="no_consent")
    assert "Risk to life" in event.note and REASON in event.note
    assert not ReferralEvent.objects.filter(referral=referral, kind="consent").exists()
    assert Referral.objects.get(pk=referral.pk).consent_method == ""


def test_sending_checks_the_exception_again(marac):
    referral = refer(CaseFactory(), marac)
    SharingException.objects.filter(code="risk_to_life").update(effective_to=timezone.localdate())
    referral = Referral.objects.get(pk=referral.pk)  # as the next page or API call reads it
    with pytest.raises(ValidationError) as refused:
        services.send_referral(referral=referral, by=referral.case.officer)
    assert "lawful_basis" in refused.value.message_dict
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.DRAFT


def test_a_referral_recorded_without_consent_before_exceptions_existed_is_not_sent(marac):
    case = CaseFactory()
    referral = refer(case, marac, basis=LawfulBasis.CONSENT)
    Referral.objects.filter(pk=referral.pk).update(lawful_basis=LawfulBasis.PUBLIC_TASK)
    referral.refresh_from_db()
    with pytest.raises(ValidationError):
        services.send_referral(referral=referral, by=case.officer)


def test_the_database_refuses_an_exception_on_consent_or_without_a_reason(marac):
    referral = refer(CaseFactory(), marac)
    for fields in ({"lawful_basis": LawfulBasis.CONSENT}, {"sharing_reason": ""}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Referral.objects.filter(pk=referral.pk).update(**fields)


# --- the pages: field errors, labels, the preview ----------------------------------------------


def _new(client, case, agency, **overrides):
    data = {
        "agency": agency.pk,
        "support_requested": "Safety planning",
        "lawful_basis": "public_task",
        "scope": ["contact"],
        "method": "",
    }
    data.update(overrides)
    url = reverse("referral-new", kwargs={"pk": case.pk, "party_pk": victim_of(case).pk})
    return client.post(url, data)


def test_the_form_asks_for_the_exception_and_the_reason(client, sarc):
    case = CaseFactory()
    client.force_login(case.officer)
    page = _new(client, case, sarc).content.decode()
    assert "choose the exception that allows sharing" in page
    assert "Say why the details must be shared without consent." in page
    legal = sharing_exception("legal_duty")
    page = _new(
        client, case, sarc, sharing_exception=legal.pk, sharing_reason=REASON
    ).content.decode()
    assert "does not allow sharing with a Sexual assault referral centre (SARC)" in page
    assert REASON in page  # what the officer wrote is kept
    assert not Referral.objects.filter(case=case, agency=sarc).exists()


def test_the_pages_never_claim_the_victim_agreed_when_shared_without_consent(client, marac):
    case = CaseFactory(victim={"first_name": "Ruth", "last_name": "Ames"})
    client.force_login(case.officer)
    risk = sharing_exception("risk_to_life")
    response = _new(client, case, marac, sharing_exception=risk.pk, sharing_reason=REASON)
    assert response.status_code == 302
    referral = Referral.objects.get(case=case, agency=marac)
    url = reverse("referral", kwargs={"pk": case.pk, "referral_pk": referral.pk})
    officer_page = main_of(client.get(url).content.decode())
    assert "Shared without the victim&#x27;s consent: Risk to life" in officer_page
    assert f"reason: {REASON}" in officer_page
    assert "What will be shared" in officer_page
    for claim in ("no consent needed", "agreed may be shared", "consent recorded"):
        assert claim not in officer_page.lower()

    client.post(url, {"action": "send"})
    client.force_login(make_user(Role.AGENCY, agency=marac))
    agency_page = main_of(
        client.get(reverse("agency-referral", kwargs={"pk": referral.pk})).content.decode()
    )
    assert "Shared without the victim&#x27;s consent: Risk to life" in agency_page
    assert "What will be shared" in agency_page
    assert REASON not in agency_page  # the reason is for the police and the supervisor
    assert "agreed may be shared" not in agency_page.lower()


def test_on_consent_the_pages_still_say_what_the_victim_agreed(client, marac):
    case = CaseFactory()
    client.force_login(case.officer)
    _new(client, case, marac, lawful_basis="consent", method="phone")
    referral = Referral.objects.get(case=case, agency=marac)
    url = reverse("referral", kwargs={"pk": case.pk, "referral_pk": referral.pk})
    page = main_of(client.get(url).content.decode())
    assert "What the victim agreed may be shared" in page
    assert "Shared without the victim" not in page


def _shared_section(page: str, heading_id: str) -> str:
    section = page.split(f'id="{heading_id}"', 1)[1]
    return section.split("<dl", 1)[1].split("</dl>", 1)[0]


def test_the_preview_is_exactly_what_the_agency_then_sees_and_nothing_outside_the_scope(
    client, marac
):
    case = CaseFactory(
        victim={
            "first_name": "Ruth",
            "last_name": "Ames",
            "phone": "07700900111",
            "communication_needs": "Deaf: British Sign Language",
        }
    )
    referral = refer(case, marac, support_requested="Safety planning, please call first")
    Referral.objects.filter(pk=referral.pk).update(risk_level="high")
    client.force_login(case.officer)
    url = reverse("referral", kwargs={"pk": case.pk, "referral_pk": referral.pk})
    preview_page = client.get(url).content.decode()
    assert "word for word" in preview_page
    preview = _shared_section(preview_page, "sees-heading")
    services.send_referral(referral=referral, by=case.officer)

    client.force_login(make_user(Role.AGENCY, agency=marac))
    agency_page = client.get(reverse("agency-referral", kwargs={"pk": referral.pk}))
    seen = _shared_section(agency_page.content.decode(), "shared-heading")
    assert seen == preview
    assert "Ruth Ames" in seen and "07700900111" in seen and "call first" in seen
    for outside in ("Sign Language", case.offence.name, "High", REASON, case.crime_reference):
        assert outside not in main_of(agency_page.content.decode()), outside


# --- the API ----------------------------------------------------------------------------------


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_the_api_refuses_sharing_without_consent_with_field_errors(marac, sarc):
    case = CaseFactory()
    api = _api(case.officer)
    body = {
        "party": victim_of(case).pk,
        "agency": sarc.pk,
        "support_requested": "Crisis support",
        "lawful_basis": "public_task",
        "scope": ["contact"],
    }
    response = api.post(reverse("api-referral-list"), body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"sharing_exception", "sharing_reason"}
    body |= {"sharing_exception": sharing_exception("legal_duty").pk, "sharing_reason": REASON}
    response = api.post(reverse("api-referral-list"), body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"sharing_exception"}
    body |= {"sharing_exception": sharing_exception("risk_to_life").pk}
    response = api.post(reverse("api-referral-list"), body, format="json")
    assert response.status_code == 201
    made = response.json()
    assert made["consent"]["shared_without_consent"] is True
    assert made["consent"]["exception"] == "Risk to life"
    assert made["consent"]["method"] == ""
    assert made["sharing_reason"] == REASON


def test_the_agency_api_shows_only_the_agency_view(marac):
    case = CaseFactory(
        victim={
            "first_name": "Ruth",
            "last_name": "Ames",
            "phone": "07700900111",
            "communication_needs": "Deaf: British Sign Language",
        }
    )
    referral = refer(case, marac, support_requested="Safety planning, please call first")
    Referral.objects.filter(pk=referral.pk).update(risk_level="high")
    services.send_referral(referral=referral, by=case.officer)
    agency_user = make_user(Role.AGENCY, agency=marac)
    body = _api(agency_user).get(reverse("api-referral-detail", kwargs={"pk": referral.pk}))
    data = body.json()
    assert data["person"]["name"] == "Ruth Ames"
    assert data["person"]["contact"]["phone"] == "07700900111"
    assert data["person"]["communication"] is None
    assert (data["offence"], data["risk_level"]) == (None, None)
    assert data["support_requested"] == "Safety planning, please call first"
    assert data["sharing_reason"] is None and data["case"] is None
    assert data["consent"]["shared_without_consent"] is True
    assert data["consent"]["exception"] == "Risk to life"
    text = body.content.decode()
    for outside in ("Sign Language", case.offence.name, REASON, case.crime_reference):
        assert outside not in text, outside


# --- the supervisor's review list --------------------------------------------------------------


@pytest.fixture
def supervised():
    team = TeamFactory()
    supervisor = make_user(Role.SUPERVISOR)
    add_to_team(team=team, user=supervisor, is_supervisor=True)
    return team, supervisor


def test_a_supervisor_sees_referrals_shared_without_consent_on_their_teams_cases(
    client, marac, supervised
):
    team, supervisor = supervised
    mine = CaseFactory(team=team, victim={"first_name": "Ruth", "last_name": "Ames"})
    other = CaseFactory(victim={"first_name": "Olive", "last_name": "Elsewhere"})
    on_consent = CaseFactory(team=team, victim={"first_name": "Cora", "last_name": "Agreed"})
    referral = refer(mine, marac)
    refer(other, marac)
    refer(on_consent, marac, basis=LawfulBasis.CONSENT)
    client.force_login(supervisor)
    page = main_of(client.get(reverse("referrals-without-consent")).content.decode())
    assert "Ruth Ames" in page and "Risk to life" in page and REASON in page
    assert str(mine.officer) in page
    assert reverse("referral", kwargs={"pk": mine.pk, "referral_pk": referral.pk}) in page
    assert "Elsewhere" not in page and "Agreed" not in page
    home = main_of(client.get(reverse("home-supervisor")).content.decode())
    assert "Ruth Ames" in home and reverse("referrals-without-consent") in home


@pytest.mark.parametrize("role", [Role.OFFICER, Role.WITNESS_CARE, Role.AGENCY, Role.AUDITOR])
def test_only_supervisors_reach_the_review_list(client, role):
    client.force_login(make_user(role))
    assert client.get(reverse("referrals-without-consent")).status_code == 403


def test_the_review_list_takes_the_same_queries_for_2_or_12_referrals(
    client, marac, supervised, django_assert_max_num_queries
):
    team, supervisor = supervised
    client.force_login(supervisor)
    counts = []
    for n in (2, 12):
        while Referral.objects.filter(lawful_basis=LawfulBasis.PUBLIC_TASK).count() < n:
            refer(CaseFactory(team=team), marac)
        with django_assert_max_num_queries(12) as listed:
            assert client.get(reverse("referrals-without-consent")).status_code == 200
        with django_assert_max_num_queries(40) as home:
            assert client.get(reverse("home-supervisor")).status_code == 200
        counts.append((len(listed), len(home)))
    assert counts[0] == counts[1]


# --- the agency's home page --------------------------------------------------------------------


def test_the_agency_home_lists_its_own_open_referrals_each_a_link(client, marac):
    other = AgencyFactory(name="Elsewhere IDVA", kind=AgencyKind.IDVA)
    ours = refer(CaseFactory(victim={"first_name": "Ruth", "last_name": "Ames"}), marac)
    services.send_referral(referral=ours, by=ours.case.officer)
    draft = refer(CaseFactory(victim={"first_name": "Dora", "last_name": "Draft"}), marac)
    theirs = refer(CaseFactory(victim={"first_name": "Tess", "last_name": "Theirs"}), other)
    services.send_referral(referral=theirs, by=theirs.case.officer)
    client.force_login(make_user(Role.AGENCY, agency=marac))
    response = client.get(reverse("home-agency"))
    page = main_of(response.content.decode())
    assert reverse("agency-referral", kwargs={"pk": ours.pk}) in page and "Ruth Ames" in page
    assert "Draft" not in page and "Theirs" not in page
    assert reverse("agency-referral", kwargs={"pk": draft.pk}) not in page
    assert response.context["open_referrals"] == 1


def test_the_agency_home_is_paged_with_bounded_queries(
    client, marac, django_assert_max_num_queries
):
    agency_user = make_user(Role.AGENCY, agency=marac)
    client.force_login(agency_user)
    counts = []
    for n in (2, 23):
        while Referral.objects.filter(agency=marac, sent_at__isnull=False).count() < n:
            referral = refer(CaseFactory(), marac)
            services.send_referral(referral=referral, by=referral.case.officer)
        with django_assert_max_num_queries(15) as captured:
            response = client.get(reverse("home-agency"))
        counts.append(len(captured))
    assert counts[0] == counts[1]
    page = response.context["page"]
    assert (page.paginator.count, page.paginator.num_pages, len(page.object_list)) == (23, 2, 20)
    second = client.get(reverse("home-agency"), {"page": 2}).context["page"]
    assert len(second.object_list) == 3


def test_a_proposal_never_reads_as_consent_given_before_the_victim_is_asked():
    from referrals.selectors import sharing_basis

    AgencyFactory(kind=AgencyKind.VICTIM_SERVICE)
    case = CaseFactory()
    proposal = Referral.objects.get(case=case, agency__kind=AgencyKind.VICTIM_SERVICE)
    basis = sharing_basis(proposal)
    assert basis["label"] == "Consent not recorded yet"
    assert basis["items_heading"] == "What will be shared"


def test_the_referral_page_offers_only_the_exceptions_allowed_for_the_agency(client, sarc):
    case = CaseFactory()
    referral = refer(case, sarc, basis=LawfulBasis.CONSENT)
    client.force_login(case.officer)
    url = reverse("referral", kwargs={"pk": case.pk, "referral_pk": referral.pk})
    choices = client.get(url).context["forms"]["consent"].fields["sharing_exception"].queryset
    assert [e.code for e in choices] == ["risk_to_life"]
    response = client.post(
        url,
        {
            "action": "consent",
            "consent-lawful_basis": "public_task",
            "consent-scope": ["contact"],
            "consent-sharing_exception": sharing_exception("risk_to_life").pk,
            "consent-sharing_reason": REASON,
        },
    )
    assert response.status_code == 302
    assert Referral.objects.get(pk=referral.pk).sharing_exception.code == "risk_to_life"
