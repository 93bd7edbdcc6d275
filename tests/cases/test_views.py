"""The officer's pages: My cases, a new case, the case page and its forms."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import Role
from cases import services
from cases.models import Case, CaseEvent, CaseStatus, Contact, EventKind, PartyRole
from tests.factories import TeamFactory, make_user

from .factories import CaseFactory, PartyFactory, offence, outcome

pytestmark = pytest.mark.django_db


def _local(dt: datetime.datetime) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def officer_in_team():
    officer = make_user(Role.OFFICER)
    team = TeamFactory(name="Victim Based Crime Team")
    accounts_services.add_to_team(team=team, user=officer)
    return officer, team


def _new_case_post(team, officer, **overrides):
    now = timezone.now()
    data = {
        "crime_reference": "NS/054321/26",
        "offence": offence("burglary_residential").pk,
        "offence_summary": "Back door forced, laptop taken",
        "occurred_at": _local(now - datetime.timedelta(hours=5)),
        "reported_at": _local(now - datetime.timedelta(hours=3)),
        "team": team.pk,
        "officer": officer.pk,
        "thrive_grade": "scheduled",
        "victim_role": PartyRole.VICTIM,
        "vulnerable": "no",
        "victim-first_name": "Amira",
        "victim-last_name": "Haddad",
        "victim-date_of_birth": "1990-04-12",
        "victim-preferred_language": "English",
    }
    data.update(overrides)
    return data


def test_officer_creates_a_case_with_its_first_victim_in_one_step(client, officer_in_team):
    officer, team = officer_in_team
    client.force_login(officer)
    response = client.post(reverse("case-create"), _new_case_post(team, officer))
    case = Case.objects.get(crime_reference="NS/054321/26")
    assert response.status_code == 302
    assert response.url == reverse("case-detail", kwargs={"pk": case.pk})
    victim = case.parties.get()
    assert (victim.person.first_name, victim.role) == ("Amira", PartyRole.VICTIM)
    page = client.get(response.url).content.decode()
    assert "Amira Haddad" in page and "Standard rights" in page


def test_a_bad_crime_reference_is_explained_and_nothing_typed_is_lost(client, officer_in_team):
    officer, team = officer_in_team
    client.force_login(officer)
    response = client.post(
        reverse("case-create"), _new_case_post(team, officer, crime_reference="12345")
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Enter the crime reference in the format NS/012345/26." in content
    assert 'value="Amira"' in content and "Back door forced, laptop taken" in content
    assert not Case.objects.exists()


def test_my_cases_lists_only_my_open_cases_and_finds_by_name(client, officer_in_team):
    officer, team = officer_in_team
    mine = CaseFactory(officer=officer, team=team, victim={"first_name": "Jo", "last_name": "Reid"})
    CaseFactory(team=team, victim={"first_name": "Sam", "last_name": "Reid"})
    client.force_login(officer)
    content = client.get(reverse("case-list")).content.decode()
    assert mine.crime_reference in content and content.count("Reid") == 1
    # The search is a POST (names never in a URL), its terms kept for the results page.
    found = client.post(reverse("case-list"), {"q": "jo reid", "scope": "all"}, follow=True)
    found = found.content.decode()
    assert mine.crime_reference in found and "Sam" not in found


def test_a_restricted_case_is_hidden_from_other_officers(client, officer_in_team):
    officer, _team = officer_in_team
    secret = CaseFactory(restricted=True, victim={"first_name": "Kit", "last_name": "Vale"})
    client.force_login(officer)
    listing = client.post(reverse("case-list"), {"scope": "all", "q": "Vale"}, follow=True)
    listing = listing.content.decode()
    assert secret.crime_reference not in listing
    assert client.get(reverse("case-detail", kwargs={"pk": secret.pk})).status_code == 404
    url = reverse("contact-create", kwargs={"pk": secret.pk})
    assert client.post(url, {}).status_code == 404


def test_agency_and_admin_users_cannot_reach_cases(client):
    case = CaseFactory()
    for role in (Role.AGENCY, Role.ADMIN):
        client.force_login(make_user(role))
        assert client.get(reverse("case-list")).status_code == 403
        assert client.get(reverse("case-detail", kwargs={"pk": case.pk})).status_code in (403, 404)


def test_witness_care_officer_sees_only_cases_passed_to_their_unit(client):
    wco = make_user(Role.WITNESS_CARE)
    unit = TeamFactory(name="Witness Care Unit", kind="witness_care_unit")
    accounts_services.add_to_team(team=unit, user=wco)
    passed, kept = CaseFactory(), CaseFactory()
    services.record_event(
        case=passed,
        by=passed.officer,
        kind=EventKind.PASSED_TO_WCU,
        occurred_at=timezone.now(),
        wcu_team=unit,
    )
    client.force_login(wco)
    assert client.get(reverse("case-detail", kwargs={"pk": passed.pk})).status_code == 200
    assert client.get(reverse("case-detail", kwargs={"pk": kept.pk})).status_code == 404


def _fill(case, n: int) -> None:
    victim = case.parties.get(role=PartyRole.VICTIM)
    witness = case.parties.filter(role=PartyRole.WITNESS).first() or PartyFactory(case=case)
    for i in range(n):
        services.record_contact(
            case=case,
            party=victim if i % 2 else witness,
            by=case.officer,
            occurred_at=timezone.now() - datetime.timedelta(hours=i),
            method="phone",
            purpose="update",
            summary=f"Update {i}",
        )
        services.record_event(
            case=case,
            by=case.officer,
            kind=EventKind.INTERVIEW,
            occurred_at=timezone.now() - datetime.timedelta(hours=i),
        )


def test_case_page_takes_the_same_queries_for_2_or_20_records(client, django_assert_num_queries):
    case = CaseFactory()
    services.agree_updates(
        party=case.parties.get(), by=case.officer, frequency_days=14, method="phone"
    )
    client.force_login(case.officer)
    url = reverse("case-detail", kwargs={"pk": case.pk})
    _fill(case, 2)
    client.get(url)
    # 23 for the page (two of them the referral policy in force and the exception to consent
    # its automatic Right 4 referrals rely on), and 3 for the audit trail: is it restricted and
    # who is in it (one query), the view event, and the people it names.
    # 26, and one for the contact outcomes the contact form offers, and one for the crime
    # recording rule that tells a duty "due now" from one recorded late.
    with django_assert_num_queries(28) as small:
        assert client.get(url).status_code == 200
    _fill(case, 18)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_my_cases_takes_the_same_queries_for_2_or_20_cases(client, django_assert_num_queries):
    officer = make_user(Role.OFFICER)
    team = TeamFactory()
    CaseFactory.create_batch(2, officer=officer, team=team)
    client.force_login(officer)
    client.get(reverse("case-list"))
    with django_assert_num_queries(10) as small:
        assert client.get(reverse("case-list")).status_code == 200
    CaseFactory.create_batch(18, officer=officer, team=team)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(reverse("case-list")).status_code == 200


def test_logging_a_contact_from_the_case_page_refreshes_the_timeline(client):
    case = CaseFactory()
    victim = case.parties.get()
    client.force_login(case.officer)
    response = client.post(
        reverse("contact-create", kwargs={"pk": case.pk}),
        {
            "party": victim.pk,
            "occurred_at": _local(timezone.now()),
            "method": "phone",
            "direction": "outgoing",
            "outcome": outcome().pk,
            "purpose": "update",
            "summary": "Told her about the arrest",
        },
        HTTP_HX_REQUEST="true",
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="quick-contact"' in content and "Contact logged." in content
    assert 'hx-swap-oob="true"' in content and "Told her about the arrest" in content
    assert Contact.objects.filter(case=case).count() == 1


def test_a_contact_with_missing_fields_keeps_what_was_typed(client):
    case = CaseFactory()
    client.force_login(case.officer)
    response = client.post(
        reverse("contact-create", kwargs={"pk": case.pk}),
        {"summary": "Half-written note", "method": "phone"},
        HTTP_HX_REQUEST="true",
    )
    content = response.content.decode()
    assert "This field is required." in content and "Half-written note" in content
    assert not Contact.objects.exists()


def test_recording_an_arrest_and_passing_to_the_wcu(client):
    case = CaseFactory()
    unit = TeamFactory(kind="witness_care_unit")
    client.force_login(case.officer)
    url = reverse("event-create", kwargs={"pk": case.pk})
    now = _local(timezone.now())
    assert client.post(url, {"kind": "arrest", "occurred_at": now}).status_code == 302
    client.post(url, {"kind": "passed_to_wcu", "occurred_at": now, "wcu_team": unit.pk})
    case.refresh_from_db()
    assert case.status == CaseStatus.WITH_WCU and case.wcu_team == unit
    assert CaseEvent.objects.filter(case=case).count() == 2


def test_a_hearing_without_its_receipt_time_is_refused_on_the_field(client):
    case = CaseFactory()
    client.force_login(case.officer)
    response = client.post(
        reverse("event-create", kwargs={"pk": case.pk}),
        {"kind": "hearing_listed", "occurred_at": _local(timezone.now()), "venue": "Northtown"},
    )
    assert "Say when the Witness Care Unit received this" in response.content.decode()
    assert not CaseEvent.objects.exists()


def test_two_officers_editing_a_case_the_second_is_refused_and_keeps_their_input(client):
    case = CaseFactory(offence_summary="Original")
    first, second = case.officer, make_user(Role.OFFICER)
    accounts_services.add_to_team(team=case.team, user=second)
    url = reverse("case-edit", kwargs={"pk": case.pk})
    client.force_login(first)
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        offence=case.offence.pk,
        team=case.team.pk,
        officer=case.officer.pk,
        occurred_at=_local(case.occurred_at),
        reported_at=_local(case.reported_at),
    )
    assert client.post(url, {**data, "offence_summary": "First edit"}).status_code == 302
    client.force_login(second)
    response = client.post(url, {**data, "offence_summary": "Second edit"})
    content = response.content.decode()
    assert "Someone else saved this record" in content and "Second edit" in content
    case.refresh_from_db()
    assert case.offence_summary == "First edit"
    # Having seen the refusal, the second officer may now save deliberately.
    resubmit = {**data, "offence_summary": "Second edit", "version": case.version}
    assert client.post(url, resubmit).status_code == 302


def test_dash_with_14_yes_answers_is_high_risk_and_meets_marac(client):
    case = CaseFactory(offence=offence("abh_domestic"))
    victim = case.parties.get()
    client.force_login(case.officer)
    answers = {f"q{n}": "yes" if n <= 14 else "no" for n in range(1, 28)}
    response = client.post(
        reverse("risk-assessment", kwargs={"pk": case.pk, "party_pk": victim.pk}),
        answers,
        follow=True,
    )
    content = response.content.decode()
    assert "14 yes answers, high risk" in content and "MARAC referral criteria" in content


def test_dash_judgement_cannot_lower_the_grade(client):
    case = CaseFactory(offence=offence("abh_domestic"))
    victim = case.parties.get()
    client.force_login(case.officer)
    answers = {f"q{n}": "yes" for n in range(1, 28)}
    response = client.post(
        reverse("risk-assessment", kwargs={"pk": case.pk, "party_pk": victim.pk}),
        {**answers, "judgement_grade": "standard", "judgement_reason": "Seems fine"},
    )
    assert "can raise the grade but not lower it" in response.content.decode()


@pytest.mark.parametrize(
    "url_name",
    [
        "person-edit",
        "safe-contact",
        "basis-record",
        "needs-assessment",
        "update-agreement",
        "risk-assessment",
        "special-measures",
        "vps",
        "witness-care",
    ],
)
def test_every_record_form_opens_for_the_officer(client, url_name):
    case = CaseFactory()
    client.force_login(case.officer)
    url = reverse(url_name, kwargs={"pk": case.pk, "party_pk": case.parties.get().pk})
    assert client.get(url).status_code == 200


def test_safe_contact_warning_shows_at_the_top_of_the_case(client):
    case = CaseFactory()
    person = case.parties.get().person
    services.save_safe_contact(
        person=person,
        by=case.officer,
        expected_version=person.safe_contact.version,
        phone_safe=False,
        letter_safe=False,
        safe_times="Weekdays 10:00 to 14:00",
    )
    client.force_login(case.officer)
    content = client.get(reverse("case-detail", kwargs={"pk": case.pk})).content.decode()
    assert "do not use phone, letter" in content and "Weekdays 10:00 to 14:00" in content


def test_witness_care_unit_assigns_a_named_officer_from_the_unit(client):
    unit = TeamFactory(kind="witness_care_unit", name="Witness Care Unit")
    wco, outsider = make_user(Role.WITNESS_CARE), make_user(Role.WITNESS_CARE)
    accounts_services.add_to_team(team=unit, user=wco)
    case = CaseFactory()
    services.record_event(
        case=case,
        by=case.officer,
        kind=EventKind.PASSED_TO_WCU,
        occurred_at=timezone.now(),
        wcu_team=unit,
    )
    client.force_login(wco)
    url = reverse("assign-wco", kwargs={"pk": case.pk})
    refused = client.post(url, {"officer": outsider.pk})
    assert "Select a valid choice" in refused.content.decode()
    assert client.post(url, {"officer": wco.pk}).status_code == 302
    case.refresh_from_db()
    assert case.witness_care_officer == wco


def test_a_time_in_the_hour_repeated_when_the_clocks_go_back_is_accepted():
    from cases.forms import LocalDateTimeField

    field = LocalDateTimeField()
    repeated = field.clean("2027-10-31T01:30")  # happens twice in London that night
    assert repeated == datetime.datetime(2027, 10, 31, 0, 30, tzinfo=datetime.UTC)  # first: BST
    skipped = field.clean("2027-03-28T01:30")  # never happens: clocks jump from 01:00 to 02:00
    assert skipped.utcoffset() is not None
    with pytest.raises(Exception, match="valid date"):
        field.clean("not a time")


@pytest.mark.parametrize("path", ["/cases/{}/", "/cases/{}/edit/"])
def test_an_id_past_64_bits_in_a_page_address_is_not_found_not_an_error(
    client, officer_in_team, path
):
    client.force_login(officer_in_team[0])
    assert client.get(path.format(10**30)).status_code == 404
