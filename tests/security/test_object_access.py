"""Object-level rules, everywhere a record can surface: a restricted case is visible only to its
officer and its team's supervisors (and the witness care unit it was passed to), and appears in no
list, search, count, export or API answer for anyone else; an agency reaches only its own
referrals; a witness care officer only the cases passed to their unit."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role, TeamKind
from assurance import services as assurance_services
from cases import services as case_services
from cases.models import Case, PartyRole, SafeContact
from cases.permissions import PERSON_ON_HIDDEN_CASE
from counting.periods import Period
from entitlements.models import Duty
from notifications.models import Kind, Notification
from referrals import tokens
from retention import services as retention_services
from retention.models import CaseRetention, RetentionStatus
from surveys.models import Answer, InvitationStatus
from tests.cases.factories import CaseFactory, PartyFactory, victim_of
from tests.factories import AgencyFactory, TeamFactory, make_user
from tests.surveys.test_services import make_invitation, questions

from .world import join, pass_to_unit, refer

pytestmark = pytest.mark.django_db

REF = "NS/777001/26"
SURNAME = "Quillfeather"


@pytest.fixture
def force():
    """A restricted case on `team`, with overdue duties, passed to `wcu`; and the people around
    it who are not named on it."""
    team, other_team = TeamFactory(), TeamFactory()
    wcu = TeamFactory(kind=TeamKind.WITNESS_CARE_UNIT)
    other_wcu = TeamFactory(kind=TeamKind.WITNESS_CARE_UNIT)
    owner = join(make_user(Role.OFFICER), team)
    long_ago = timezone.now() - datetime.timedelta(days=20)
    case = CaseFactory(
        crime_reference=REF,
        officer=owner,
        team=team,
        restricted=True,
        occurred_at=long_ago - datetime.timedelta(hours=2),
        reported_at=long_ago,
        now=long_ago,
        victim={"first_name": "Rowan", "last_name": SURNAME},
    )
    pass_to_unit(case, wcu, owner)
    people = {
        "owner": owner,
        "team_supervisor": join(make_user(Role.SUPERVISOR), team, supervisor=True),
        "teammate": join(make_user(Role.OFFICER), team),
        # A supervisor by role, and a member of the team, but not one of its supervisors.
        "member_supervisor": join(make_user(Role.SUPERVISOR), team),
        "other_supervisor": join(make_user(Role.SUPERVISOR), other_team, supervisor=True),
        "unit_officer": join(make_user(Role.WITNESS_CARE), wcu),
        "other_unit_officer": join(make_user(Role.WITNESS_CARE), other_wcu),
    }
    return {"case": case, "team": team, "other_team": other_team, **people}


NAMED = ["owner", "team_supervisor", "unit_officer"]
UNNAMED = ["teammate", "member_supervisor", "other_supervisor", "other_unit_officer"]


def as_user(client, user):
    client.force_login(user)
    return client


def test_the_fixture_hides_what_it_should(force):
    assert force["case"].restricted
    for name in NAMED:
        assert Case.objects.visible_to(force[name]).filter(pk=force["case"].pk).exists(), name
    for name in UNNAMED:
        assert not Case.objects.visible_to(force[name]).filter(pk=force["case"].pk).exists(), name


# --- pages: lists, search and counts ----------------------------------------------------------


def search(client, scope: str, q: str = ""):
    """The case list after a search (a POST, so that names never reach a URL)."""
    return client.post(reverse("case-list"), {"scope": scope, "q": q}, follow=True)


def opens(response) -> bool:
    """The case page, or first the question why a restricted case is being opened."""
    if response.status_code == 302:
        return not response.url.startswith(reverse("login"))
    return response.status_code == 200


@pytest.mark.parametrize("name", UNNAMED)
@pytest.mark.parametrize("scope", ["mine", "team", "all"])
@pytest.mark.parametrize("q", ["", SURNAME, REF])
def test_case_list_and_search_leave_out_a_restricted_case(client, force, name, scope, q):
    response = search(as_user(client, force[name]), scope, q)
    assert response.status_code == 200
    assert force["case"] not in response.context["page"].object_list
    page = response.content.decode()
    # The page repeats what was searched for, but shows nothing of the case.
    assert reverse("case-detail", args=[force["case"].pk]) not in page
    assert (REF in page) is (q == REF) and (SURNAME in page) is (q == SURNAME)


@pytest.mark.parametrize("name", ["owner", "team_supervisor"])
def test_the_named_find_it_by_search(client, force, name):
    response = search(as_user(client, force[name]), "all", SURNAME)
    assert list(response.context["page"].object_list) == [force["case"]]
    assert REF in response.content.decode()


@pytest.mark.parametrize("name", UNNAMED)
def test_a_restricted_case_page_is_not_found_for_the_unnamed(client, force, name):
    case = force["case"]
    assert (
        as_user(client, force[name]).get(reverse("case-detail", args=[case.pk])).status_code == 404
    )


@pytest.mark.parametrize("name", NAMED)
def test_a_restricted_case_page_opens_for_the_named(client, force, name):
    case = force["case"]
    assert opens(as_user(client, force[name]).get(reverse("case-detail", args=[case.pk])))


@pytest.mark.parametrize("name", ["teammate", "member_supervisor", "other_supervisor"])
def test_reminders_about_a_case_the_user_cannot_see_are_not_counted_or_listed(client, force, name):
    user = force[name]
    Notification.objects.create(
        recipient=user,
        kind=Kind.OVERDUE,
        key="duty:hidden",
        case=force["case"],
        title=f"Overdue on {REF}",
        created_at=timezone.now(),
    )
    Notification.objects.create(
        recipient=user, kind=Kind.DIGEST, key="digest:x", title="Today", created_at=timezone.now()
    )
    client = as_user(client, user)
    page = client.get(reverse("notification-list"))
    assert REF not in page.content.decode()
    assert page.context["unread_notifications"] == 1
    # Restore their sight of the case, and the reminder is back.
    Case.objects.filter(pk=force["case"].pk).update(restricted=False)
    page = client.get(reverse("notification-list"))
    assert REF in page.content.decode()
    assert page.context["unread_notifications"] == 2


def test_home_worklists_leave_out_a_restricted_case(client, force):
    for name, url in [
        ("teammate", "home-officer"),
        ("member_supervisor", "home-supervisor"),
        ("other_supervisor", "home-supervisor"),
        ("other_unit_officer", "home-witness-care"),
    ]:
        page = as_user(client, force[name]).get(reverse(url)).content.decode()
        assert REF not in page and SURNAME not in page, name


# --- compliance: dashboard figures, drill-down, overdue worklist --------------------------------


def _compliance_pages(client, case):
    duties = Duty.objects.filter(case=case)
    month = timezone.localtime(duties.order_by("due_at").first().due_at).strftime("%Y-%m")
    drill = {"rule": list(duties.values_list("rule__code", flat=True)), "outcome": "total"}
    return {
        "dashboard": client.get(reverse("compliance-dashboard")),
        "drill-down": client.get(reverse("compliance-drill-down"), drill),
        "overdue": client.get(reverse("compliance-overdue")),
        "pack": client.get(reverse("compliance-pack"), {"month": month}),
        "pack.csv": client.get(reverse("compliance-pack-csv"), {"month": month}),
    }


@pytest.mark.parametrize("name", ["member_supervisor", "other_supervisor"])
def test_compliance_figures_lists_and_pack_leave_out_a_restricted_case(client, force, name):
    case = force["case"]
    assert Duty.objects.filter(case=case, due_at__lt=timezone.now()).exists()
    client = as_user(client, force[name])
    hidden = _compliance_pages(client, case)
    for page, response in hidden.items():
        assert response.status_code == 200, page
        assert REF not in response.content.decode(), page
    # The same pages once the case is no longer restricted: its duties now count.
    Case.objects.filter(pk=case.pk).update(restricted=False)
    shown = _compliance_pages(client, case)
    assert shown["dashboard"].content != hidden["dashboard"].content
    assert shown["pack.csv"].content != hidden["pack.csv"].content
    assert REF in shown["drill-down"].content.decode()


def test_the_team_supervisor_sees_the_restricted_case_overdue(client, force):
    page = as_user(client, force["team_supervisor"]).get(reverse("compliance-overdue"))
    assert REF in page.content.decode()


# --- exports ------------------------------------------------------------------------------------


def _csv_ids(response) -> set[str]:
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return {row[0] for row in rows[1:]}


@pytest.mark.parametrize("name", ["member_supervisor", "other_supervisor"])
def test_survey_exports_leave_out_a_restricted_case(client, force, name):
    hidden = make_invitation(
        force["case"],
        status=InvitationStatus.COMPLETED,
        completed_at=timezone.now(),
        contact_consent=True,
    )
    Answer.objects.create(invitation=hidden, question=questions()["text"], text="Kind officer")
    client = as_user(client, force[name])
    answers = client.get(reverse("survey-results"), {"format": "csv"})
    sample = client.post(reverse("survey-sample"), {"size": "200"})
    results = client.get(reverse("survey-results"))
    assert str(hidden.pk) not in _csv_ids(answers)
    assert str(hidden.pk) not in _csv_ids(sample)
    assert SURNAME not in sample.content.decode()
    assert "Kind officer" not in results.content.decode()
    # The named supervisor gets both.
    client = as_user(client, force["team_supervisor"])
    assert str(hidden.pk) in _csv_ids(client.get(reverse("survey-results"), {"format": "csv"}))
    assert str(hidden.pk) in _csv_ids(client.post(reverse("survey-sample"), {"size": "200"}))


# --- the API ------------------------------------------------------------------------------------


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("name", UNNAMED)
def test_the_api_lists_and_details_leave_out_a_restricted_case(force, name):
    case = force["case"]
    duty = Duty.objects.filter(case=case).first()
    person = victim_of(case).person
    api = _api(force[name])
    for url in [
        reverse("api-case-list"),
        reverse("api-case-list") + f"?search={SURNAME}",
        reverse("api-obligation-list"),
        reverse("api-referral-list"),
    ]:
        response = api.get(url)
        assert response.status_code == 200, url
        assert REF not in response.content.decode() and SURNAME not in response.content.decode()
    for url in [
        reverse("api-case-detail", args=[case.pk]),
        reverse("api-case-obligations", args=[case.pk]),
        reverse("api-case-parties", args=[case.pk]),
        reverse("api-case-events", args=[case.pk]),
        reverse("api-obligation-detail", args=[duty.pk]),
        reverse("api-person-detail", args=[person.pk]),
    ]:
        assert api.get(url).status_code == 404, url


@pytest.mark.parametrize("name", NAMED)
def test_the_api_gives_the_named_the_restricted_case(force, name):
    api = _api(force[name])
    assert REF in api.get(reverse("api-case-list")).content.decode()
    assert api.get(reverse("api-case-detail", args=[force["case"].pk])).status_code == 200


# --- agencies: their own referrals only ----------------------------------------------------------


@pytest.fixture
def two_agencies():
    mine, theirs = AgencyFactory(), AgencyFactory()
    case = CaseFactory(victim={"first_name": "Ash", "last_name": SURNAME})
    referral = refer(victim_of(case), theirs, case.officer)
    return {
        "mine": mine,
        "theirs": theirs,
        "referral": referral,
        "me": make_user(Role.AGENCY, agency=mine),
        "them": make_user(Role.AGENCY, agency=theirs),
    }


def test_an_agency_user_reaches_only_its_own_referrals_in_pages(client, two_agencies):
    referral = two_agencies["referral"]
    client = as_user(client, two_agencies["me"])
    assert SURNAME not in client.get(reverse("agency-referrals")).content.decode()
    assert client.get(reverse("agency-referral", args=[referral.pk])).status_code == 404
    assert client.get(reverse("home-agency")).context["open_referrals"] == 0
    client = as_user(client, two_agencies["them"])
    assert SURNAME in client.get(reverse("agency-referrals")).content.decode()
    assert client.get(reverse("agency-referral", args=[referral.pk])).status_code == 200


@pytest.mark.parametrize("how", ["session", "token"])
def test_an_agency_reaches_only_its_own_referrals_in_the_api(two_agencies, how):
    referral = two_agencies["referral"]

    def api_for(side):
        client = APIClient()
        if how == "session":
            client.force_authenticate(two_agencies["me" if side == "mine" else "them"])
        else:
            _token, raw = tokens.issue_token(agency=two_agencies[side], name="Case system", by=None)
            client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
        return client

    mine = api_for("mine")
    assert mine.get(reverse("api-referral-list")).json()["results"] == []
    assert mine.get(reverse("api-referral-detail", args=[referral.pk])).status_code == 404
    response = mine.post(reverse("api-referral-accept", args=[referral.pk]), {"note": "Ours now"})
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == "sent"
    assert mine.get(reverse("api-case-list")).status_code == 403
    theirs = api_for("theirs")
    listed = theirs.get(reverse("api-referral-list")).json()["results"]
    assert [row["id"] for row in listed] == [referral.pk]
    assert theirs.get(reverse("api-referral-detail", args=[referral.pk])).status_code == 200


# --- witness care: the cases passed to their unit ------------------------------------------------


def test_a_witness_care_officer_reaches_only_cases_passed_to_their_unit(client):
    unit, other_unit = (TeamFactory(kind=TeamKind.WITNESS_CARE_UNIT) for _ in range(2))
    officer = join(make_user(Role.WITNESS_CARE), unit)
    passed = CaseFactory(victim={"first_name": "Pat", "last_name": "Passedon"})
    pass_to_unit(passed, unit, passed.officer)
    elsewhere = CaseFactory(victim={"first_name": "Els", "last_name": "Elsewhereton"})
    pass_to_unit(elsewhere, other_unit, elsewhere.officer)
    never = CaseFactory(victim={"first_name": "Nev", "last_name": "Neverpassed"})
    client = as_user(client, officer)
    listing = search(client, "all").content.decode()
    assert "Passedon" in listing
    assert "Elsewhereton" not in listing and "Neverpassed" not in listing
    assert opens(client.get(reverse("case-detail", args=[passed.pk])))
    for case in (elsewhere, never):
        assert client.get(reverse("case-detail", args=[case.pk])).status_code == 404
        api = _api(officer)
        assert api.get(reverse("api-case-detail", args=[case.pk])).status_code == 404
        assert not api.get(reverse("api-obligation-list") + f"?case={case.pk}").json()["results"]
    listed = {row["id"] for row in _api(officer).get(reverse("api-case-list")).json()["results"]}
    assert listed == {passed.pk}


# --- a person on several cases ------------------------------------------------------------------


@pytest.fixture
def shared_person(force):
    """The restricted case's victim is also a witness on an open case of another team."""
    person = victim_of(force["case"]).person
    open_case = CaseFactory(team=force["other_team"])
    party = PartyFactory(case=open_case, person=person, role=PartyRole.WITNESS)
    safe = SafeContact.objects.get(person=person)
    case_services.save_safe_contact(
        person=person,
        by=force["owner"],
        expected_version=safe.version,
        notes=f"Hiding from the suspect in {REF}",
        phone_safe=False,
    )
    return {"person": person, "open_case": open_case, "party": party}


@pytest.mark.parametrize("url_name", ["person-edit", "safe-contact"])
def test_a_person_on_a_hidden_case_cannot_be_changed_from_a_visible_one(
    client, force, shared_person, url_name
):
    open_case, party, person = (shared_person[k] for k in ("open_case", "party", "person"))
    client = as_user(client, open_case.officer)
    url = reverse(url_name, kwargs={"pk": open_case.pk, "party_pk": party.pk})
    page = client.get(url)
    assert page.status_code == 403
    text = page.content.decode()
    assert PERSON_ON_HIDDEN_CASE in text.replace("&#x27;", "'")
    assert REF not in text and "Hiding from the suspect" not in text
    version = person.version
    response = client.post(
        url, {"first_name": "Changed", "last_name": SURNAME, "notes": "", "version": version}
    )
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.first_name == "Rowan"
    assert SafeContact.objects.get(person=person).notes.startswith("Hiding")


def test_the_named_officer_may_still_change_the_shared_person(client, force, shared_person):
    # The owner sees both cases (the open one like everyone), so may change the person through
    # their own case; the open case is another team's, which the edit policy leaves them to read.
    client = as_user(client, force["owner"])
    own = victim_of(force["case"])
    client.post(reverse("audit-reason", args=[force["case"].pk]), {"reason": "Updating details"})
    open_case, party = shared_person["open_case"], shared_person["party"]
    for url_name in ("person-edit", "safe-contact"):
        url = reverse(url_name, kwargs={"pk": force["case"].pk, "party_pk": own.pk})
        assert client.get(url).status_code == 200
        url = reverse(url_name, kwargs={"pk": open_case.pk, "party_pk": party.pk})
        assert client.get(url).status_code == 403


def test_the_api_hides_safe_contact_notes_and_refuses_changes_for_a_shared_person(
    force, shared_person
):
    person = shared_person["person"]
    api = _api(shared_person["open_case"].officer)
    url = reverse("api-person-detail", args=[person.pk])
    data = api.get(url).json()
    assert data["safe_contact"]["notes"] == ""
    assert data["safe_contact"]["phone_safe"] is False  # what keeps them safe is still shown
    response = api.patch(url, {"first_name": "Changed", "version": person.version}, format="json")
    assert response.status_code == 403
    assert REF not in response.content.decode()
    person.refresh_from_db()
    assert person.first_name == "Rowan"
    owner_view = _api(force["owner"]).get(url).json()
    assert owner_view["safe_contact"]["notes"].startswith("Hiding")


def test_the_person_page_and_subject_access_hide_safe_contact_notes_for_a_shared_person(
    client, force, shared_person
):
    # The supervisor of the open case's team sees it, not the restricted one: the notes are
    # withheld, the flags stay (tests/retention/test_person_wide.py has the rest).
    person = shared_person["person"]
    client = as_user(client, force["other_supervisor"])
    page = client.get(reverse("person-record", args=[person.pk])).content.decode()
    export = client.post(reverse("subject-access", args=[person.pk]), {"format": "json"})
    for text in (page, export.content.decode()):
        assert "Hiding from the suspect" not in text and REF not in text
    assert retention_services.WITHHELD in page
    assert export.json()["safe_contact"]["phone_safe"] is False
    owner = as_user(client, force["owner"])
    owner_page = owner.get(reverse("person-record", args=[person.pk])).content.decode()
    assert "Hiding from the suspect" in owner_page


# --- retention review and quality assurance ----------------------------------------------------
# Covered elsewhere: a supervisor of no team (worklist and the review page's 404) in
# tests/retention/test_views.py, test_worklist_shows_due_cases_the_supervisor_can_see_and_no_
# restricted_one; a supervisor of another team drawing from this team in
# tests/assurance/test_sampling.py, test_restricted_cases_the_supervisor_cannot_see_are_never_
# candidates; a sample's creator who stops supervising in tests/assurance/test_views.py,
# test_restricted_case_is_hidden_once_the_creator_stops_supervising.
# Here: the fixture's unnamed supervisors, including a member of the case's own team.

UNNAMED_SUPERVISORS = ["member_supervisor", "other_supervisor"]


def _due_for_review(*cases):
    retention_services.assign_retention()
    CaseRetention.objects.filter(case__in=cases).update(
        status=RetentionStatus.DUE, review_due=timezone.localdate()
    )


@pytest.mark.parametrize("name", UNNAMED_SUPERVISORS)
def test_the_retention_worklist_leaves_out_a_restricted_case(client, force, name):
    case = force["case"]
    _due_for_review(case)
    client = as_user(client, force[name])
    page = client.get(reverse("retention-worklist"))
    assert page.status_code == 200
    assert REF not in page.content.decode()
    assert client.get(reverse("retention-review", args=[case.pk])).status_code == 404
    # Once the case is no longer restricted, it is on their worklist.
    Case.objects.filter(pk=case.pk).update(restricted=False)
    assert REF in client.get(reverse("retention-worklist")).content.decode()


def test_the_team_supervisor_has_the_restricted_case_to_review(client, force):
    _due_for_review(force["case"])
    client = as_user(client, force["team_supervisor"])
    assert REF in client.get(reverse("retention-worklist")).content.decode()
    assert client.get(reverse("retention-review", args=[force["case"].pk])).status_code == 200


def _qa_period() -> Period:
    today = timezone.localdate()
    return Period(today - datetime.timedelta(days=30), today)


@pytest.mark.parametrize("name", UNNAMED_SUPERVISORS)
def test_a_qa_draw_leaves_out_a_restricted_case(force, name):
    ordinary = CaseFactory(team=force["team"], officer=force["teammate"])
    candidates = assurance_services.candidate_cases(
        by=force[name], team=force["team"], officer=None, period=_qa_period()
    )
    drawn = assurance_services.draw(candidates, seed="s", size=50)
    assert [case_id for case_id, _ in drawn] == [ordinary.pk]
    # Neither supervises the case's team, so neither may draw a sample of it at all.
    with pytest.raises(ValidationError):
        assurance_services.create_sample(
            by=force[name], team=force["team"], officer=None, period=_qa_period(), size=5
        )


def test_the_team_supervisors_sample_holds_the_restricted_case_and_stays_theirs(client, force):
    sample = assurance_services.create_sample(
        by=force["team_supervisor"], team=force["team"], officer=None, period=_qa_period(), size=5
    )
    assert list(sample.sample_cases.values_list("case_id", flat=True)) == [force["case"].pk]
    for name in UNNAMED_SUPERVISORS:
        other = as_user(client, force[name])
        assert other.get(reverse("assurance-sample", args=[sample.pk])).status_code == 404, name
        assert REF not in other.get(reverse("assurance-samples")).content.decode(), name


# --- the admin site -----------------------------------------------------------------------------


@pytest.fixture
def superuser_client(client):
    from accounts.models import User

    client.force_login(User.objects.create_superuser("root", "root@example.police.uk", "x"))
    return client


def test_the_notification_admin_shows_no_reminder_about_a_restricted_case(superuser_client, force):
    hidden = Notification.objects.create(
        recipient=force["owner"],
        kind=Kind.OVERDUE,
        key="duty:restricted",
        case=force["case"],
        title=f"Overdue on {REF}",
        body=f"{SURNAME} is waiting",
        created_at=timezone.now(),
    )
    open_case = CaseFactory()
    shown = Notification.objects.create(
        recipient=open_case.officer,
        kind=Kind.OVERDUE,
        key="duty:open",
        case=open_case,
        title=f"Overdue on {open_case.crime_reference}",
        created_at=timezone.now(),
    )
    changelist = superuser_client.get(reverse("admin:notifications_notification_changelist"))
    assert changelist.status_code == 200
    listed = list(changelist.context["cl"].result_list)
    assert shown in listed and hidden not in listed
    page = changelist.content.decode()
    assert REF not in page and open_case.crime_reference not in page  # titles are not listed
    url = reverse("admin:notifications_notification_change", args=[hidden.pk])
    assert superuser_client.get(url).status_code == 302  # "does not exist", back to the list
    detail = superuser_client.get(
        reverse("admin:notifications_notification_change", args=[shown.pk])
    ).content.decode()
    assert open_case.crime_reference not in detail


def test_the_preference_admin_masks_mobile_numbers_and_cannot_search_them(superuser_client):
    from notifications.models import Preference

    user = make_user(Role.OFFICER)
    Preference.objects.create(user=user, sms=True, mobile_number="07700 900123")
    url = reverse("admin:notifications_preference_changelist")
    page = superuser_client.get(url).content.decode()
    assert "07700" not in page and "900123" not in page
    assert "ends 23" in page
    assert superuser_client.get(url, {"q": "07700900123"}).context["cl"].result_count == 0
    assert superuser_client.get(url, {"o": "6"}).status_code == 200  # not sortable by number
    pref = Preference.objects.get(user=user)
    change = superuser_client.get(reverse("admin:notifications_preference_change", args=[pref.pk]))
    assert "900123" not in change.content.decode()


def _user_change(client, user, *, agency, roles):
    """Post the admin's change form for `user` with these roles (replacing those held)."""
    url = reverse("admin:accounts_user_change", args=[user.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        {
            "agency": agency.pk if agency else "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
            "last_login_0": "",
            "last_login_1": "",
            "is_active": "on",
            "groups": [],
            "user_permissions": [],
        }
    )
    held = list(user.role_grants.all())
    data.update(
        {
            "role_grants-TOTAL_FORMS": str(len(held) + len(roles)),
            "role_grants-INITIAL_FORMS": str(len(held)),
            "role_grants-MIN_NUM_FORMS": "0",
            "role_grants-MAX_NUM_FORMS": "1000",
        }
    )
    for i, grant in enumerate(held):
        data.update(
            {
                f"role_grants-{i}-id": grant.pk,
                f"role_grants-{i}-user": user.pk,
                f"role_grants-{i}-role": grant.role,
                f"role_grants-{i}-DELETE": "on",
            }
        )
    for j, role in enumerate(roles, start=len(held)):
        data.update({f"role_grants-{j}-user": user.pk, f"role_grants-{j}-role": role})
    return client.post(url, data)


@pytest.mark.parametrize(
    ("start", "agency", "roles", "error"),
    [
        (Role.OFFICER, True, [Role.OFFICER], "can hold only the support agency role"),
        (Role.OFFICER, True, [Role.AGENCY, Role.OFFICER], "can hold only the support agency role"),
        (Role.OFFICER, True, [], "give the support agency role"),
        (Role.OFFICER, False, [Role.AGENCY], "must belong to an agency"),
    ],
)
def test_the_user_admin_keeps_agencies_and_police_roles_apart(
    superuser_client, start, agency, roles, error
):
    user = make_user(start)
    response = _user_change(
        superuser_client, user, agency=AgencyFactory() if agency else None, roles=roles
    )
    assert response.status_code == 200
    assert error in response.content.decode().replace("&#x27;", "'")
    user.refresh_from_db()
    assert user.agency_id is None
    assert set(user.role_grants.values_list("role", flat=True)) == {start}


def test_the_user_admin_turns_an_officer_into_an_agency_user_in_one_change(superuser_client):
    user, agency = make_user(Role.OFFICER), AgencyFactory()
    response = _user_change(superuser_client, user, agency=agency, roles=[Role.AGENCY])
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    user.refresh_from_db()
    assert user.agency == agency
    assert set(user.role_grants.values_list("role", flat=True)) == {Role.AGENCY}
