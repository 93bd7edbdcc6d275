"""Who may change a case of another team is policy data. By default the officer in the case,
their team and supervisors change it; other officers read it; a change across teams is audited."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as accounts_services
from accounts.models import Role, TeamKind
from audit.models import AuditAction, AuditEvent
from cases import services
from cases.models import Case, CaseEditPolicy, Contact, OtherTeams
from cases.permissions import access_case, may_change_case
from entitlements.models import Duty, DutyStatus
from tests.factories import TeamFactory, make_user

from .factories import CaseFactory, victim_of

pytestmark = pytest.mark.django_db

CROSS_TEAM = "allowed by the case edit policy"


def _join(user, team, *, supervisor=False):
    accounts_services.add_to_team(team=team, user=user, is_supervisor=supervisor)
    return user


@pytest.fixture
def world():
    team, other_team = TeamFactory(), TeamFactory()
    officer = _join(make_user(Role.OFFICER), team)
    case = CaseFactory(officer=officer, team=team, offence_summary="Original")
    return {
        "case": case,
        "officer_in_case": officer,
        "teammate": _join(make_user(Role.OFFICER), team),
        "team_supervisor": _join(make_user(Role.SUPERVISOR), team, supervisor=True),
        "other_supervisor": _join(make_user(Role.SUPERVISOR), other_team, supervisor=True),
        "other_officer": _join(make_user(Role.OFFICER), other_team),
    }


def _api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def _edit(client, case, summary):
    case.refresh_from_db()
    data = {
        "offence": case.offence.pk,
        "team": case.team.pk,
        "officer": case.officer.pk,
        "thrive_grade": case.thrive_grade,
        "occurred_at": timezone.localtime(case.occurred_at).strftime("%Y-%m-%dT%H:%M"),
        "reported_at": timezone.localtime(case.reported_at).strftime("%Y-%m-%dT%H:%M"),
        "offence_summary": summary,
        "version": case.version,
    }
    return client.post(reverse("case-edit", kwargs={"pk": case.pk}), data)


def _cross_team_events(case):
    return AuditEvent.objects.filter(
        action=AuditAction.CHANGE, case_id=case.pk, detail__contains=CROSS_TEAM
    )


def test_the_default_policy_is_seeded_with_its_source():
    policy = CaseEditPolicy.objects.in_force(timezone.localdate())
    assert policy.other_teams_may_change == OtherTeams.SUPERVISORS
    assert policy.source and policy.effective_from <= timezone.localdate()


@pytest.mark.parametrize("who", ["officer_in_case", "teammate", "team_supervisor"])
def test_the_officer_in_the_case_and_their_team_change_it_without_a_cross_team_entry(
    client, world, who
):
    case = world["case"]
    client.force_login(world[who])
    page = client.get(reverse("case-detail", kwargs={"pk": case.pk})).content.decode()
    assert "Edit case details" in page and "Log a contact" in page
    assert _edit(client, case, f"Changed by {who}").status_code == 302
    case.refresh_from_db()
    assert case.offence_summary == f"Changed by {who}"
    assert not _cross_team_events(case).exists()


def test_a_supervisor_of_another_team_may_change_it_and_the_change_is_audited(client, world):
    case, supervisor = world["case"], world["other_supervisor"]
    client.force_login(supervisor)
    assert client.get(reverse("case-edit", kwargs={"pk": case.pk})).status_code == 200
    assert not _cross_team_events(case).exists()  # opening the form changes nothing

    assert _edit(client, case, "Reviewed by the duty inspector").status_code == 302

    case.refresh_from_db()
    assert case.offence_summary == "Reviewed by the duty inspector"
    # The change's own entry in the trail says it came from another team, and under which policy.
    [event] = _cross_team_events(case)
    assert event.user == supervisor and event.method == "POST"
    assert event.history_id is not None and {"field": "offence summary"} in event.changes
    assert f"({case.team})" in event.detail and "Case ownership" in event.detail


def test_a_person_changed_through_another_teams_case_is_audited_as_such(client, world):
    case, supervisor = world["case"], world["other_supervisor"]
    person = victim_of(case).person
    url = reverse("api-person-detail", args=[person.pk])
    body = {"phone": "07700 900123", "version": person.version}
    assert _api(supervisor).patch(url, body, format="json").status_code == 200
    [event] = AuditEvent.objects.filter(detail__contains=CROSS_TEAM)
    assert event.object_label == f"Person {person.pk}" and event.user == supervisor


def test_a_refused_form_from_another_team_leaves_no_change_in_the_trail(client, world):
    case = world["case"]
    client.force_login(world["other_supervisor"])
    response = client.post(reverse("case-edit", kwargs={"pk": case.pk}), {"version": 1})
    assert response.status_code == 200 and response.context["form"].errors
    assert not _cross_team_events(case).exists()


def test_a_change_made_outside_a_request_is_audited_at_the_door(world):
    case, supervisor = world["case"], world["other_supervisor"]
    access_case(supervisor, case.pk, "cases.edit")
    [event] = _cross_team_events(case)
    assert event.user == supervisor and event.method == ""


def test_an_officer_of_another_team_reads_the_case_but_sees_no_way_to_change_it(client, world):
    case = world["case"]
    client.force_login(world["other_officer"])
    response = client.get(reverse("case-detail", kwargs={"pk": case.pk}))
    page = response.content.decode()
    assert response.status_code == 200 and case.crime_reference in page
    assert "Edit case details" not in page and "Log a contact" not in page
    assert reverse("case-edit", kwargs={"pk": case.pk}) not in page
    duty = Duty.objects.filter(case=case).first()
    assert reverse("duty", kwargs={"pk": case.pk, "duty_pk": duty.pk}) not in page


@pytest.mark.parametrize(
    ("url_name", "per_person"),
    [
        ("case-edit", False),
        ("contact-create", False),
        ("event-create", False),
        ("party-add", False),
        ("case-close", False),
        ("person-edit", True),
        ("safe-contact", True),
        ("needs-assessment", True),
        ("vps", True),
    ],
)
def test_an_officer_of_another_team_is_refused_every_change_page(
    client, world, url_name, per_person
):
    case = world["case"]
    kwargs = {"pk": case.pk, **({"party_pk": victim_of(case).pk} if per_person else {})}
    client.force_login(world["other_officer"])
    url = reverse(url_name, kwargs=kwargs)
    assert client.get(url).status_code == 403
    assert client.post(url, {"offence_summary": "Mine now", "summary": "x"}).status_code == 403


def test_an_officer_of_another_team_cannot_change_it_by_post(client, world):
    case = world["case"]
    client.force_login(world["other_officer"])
    assert _edit(client, case, "Mine now").status_code == 403
    duty = Duty.objects.filter(case=case, status=DutyStatus.DUE).first()
    url = reverse("duty", kwargs={"pk": case.pk, "duty_pk": duty.pk})
    assert client.post(url, {"action": "meet", "note": "Phoned"}).status_code == 403
    case.refresh_from_db()
    duty.refresh_from_db()
    assert case.offence_summary == "Original" and duty.status == DutyStatus.DUE
    assert not _cross_team_events(case).exists()


def test_the_api_gives_an_officer_of_another_team_403_on_every_write(world):
    case, api = world["case"], _api(world["other_officer"])
    party = victim_of(case)
    duty = Duty.objects.filter(case=case, status=DutyStatus.DUE).first()
    assert api.get(reverse("api-case-detail", args=[case.pk])).status_code == 200
    writes = [
        ("patch", reverse("api-case-detail", args=[case.pk]), {"version": case.version}),
        (
            "post",
            reverse("api-case-contacts", args=[case.pk]),
            {
                "party": party.pk,
                "occurred_at": timezone.now().isoformat(),
                "method": "phone",
                "purpose": "update",
                "outcome": "reached",
                "summary": "Called",
            },
        ),
        ("post", reverse("api-case-events", args=[case.pk]), {"kind": "arrest"}),
        ("post", reverse("api-obligation-meet", args=[duty.pk]), {"note": "Phoned"}),
        (
            "patch",
            reverse("api-person-detail", args=[party.person.pk]),
            {"first_name": "X", "version": party.person.version},
        ),
    ]
    for method, url, body in writes:
        assert getattr(api, method)(url, body, format="json").status_code == 403, url
    assert not Contact.objects.exists()
    duty.refresh_from_db()
    assert duty.status == DutyStatus.DUE


def test_the_api_audits_a_change_by_a_supervisor_of_another_team(world):
    case, supervisor = world["case"], world["other_supervisor"]
    url = reverse("api-case-detail", args=[case.pk])
    response = _api(supervisor).patch(
        url, {"offence_summary": "Reviewed", "version": case.version}, format="json"
    )
    assert response.status_code == 200
    [event] = _cross_team_events(case)
    assert event.user == supervisor and event.method == "PATCH"


def test_a_force_may_leave_supervisors_of_other_teams_to_read_only(client, world):
    CaseEditPolicy.objects.create(
        name="Owning team only",
        effective_from=timezone.localdate(),
        source="Local decision",
        other_teams_may_change=OtherTeams.NOBODY,
    )
    case = world["case"]
    client.force_login(world["other_supervisor"])
    assert _edit(client, case, "Reviewed").status_code == 403
    assert may_change_case(world["teammate"], case)


def test_a_force_may_let_any_officer_change_any_case_and_each_change_is_audited(client, world):
    CaseEditPolicy.objects.create(
        name="Force-wide",
        effective_from=timezone.localdate(),
        source="Local decision",
        other_teams_may_change=OtherTeams.OFFICERS,
    )
    case = world["case"]
    client.force_login(world["other_officer"])
    assert _edit(client, case, "Helped out").status_code == 302
    assert _cross_team_events(case).get().user == world["other_officer"]


def test_a_policy_takes_effect_from_its_date_not_before(world):
    CaseEditPolicy.objects.create(
        name="Next year",
        effective_from=timezone.localdate() + datetime.timedelta(days=365),
        source="Local decision",
        other_teams_may_change=OtherTeams.OFFICERS,
    )
    assert not may_change_case(world["other_officer"], world["case"])


def test_without_any_policy_only_the_case_teams_may_change_it(world):
    CaseEditPolicy.objects.all().delete()
    assert not may_change_case(world["other_supervisor"], world["case"])
    assert may_change_case(world["officer_in_case"], world["case"])


def test_the_witness_care_unit_holding_the_case_records_on_it(client, world):
    case = world["case"]
    unit = TeamFactory(kind=TeamKind.WITNESS_CARE_UNIT)
    services.record_event(
        case=case, by=case.officer, kind="passed_to_wcu", occurred_at=timezone.now(), wcu_team=unit
    )
    unit_officer = _join(make_user(Role.WITNESS_CARE), unit)
    assert may_change_case(unit_officer, Case.objects.get(pk=case.pk))
