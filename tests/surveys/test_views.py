"""Survey pages: the public link (no sign-in, says nothing of the case), the staff results, the
CSV export without names, the contact sample and the supervisor's allowance for restricted cases.

The public page runs on the real clock, so invitations here are made relative to now."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.services import add_to_team
from surveys import services
from surveys.models import (
    Answer,
    Invitation,
    InvitationStatus,
    RestrictedSurveyAllowance,
    SurveyOptOut,
)
from tests.cases.factories import CaseFactory, offence, victim_of
from tests.factories import TeamFactory, make_user

from .test_services import (
    NOW,
    answer,
    make_invitation,
    questions,
    reported_case,
    set_safe,
    victim_rule,
)

pytestmark = pytest.mark.django_db


def _url(invitation) -> str:
    return reverse("survey", args=[services.link_token(invitation)])


def _text(response) -> str:
    return response.content.decode()


def _rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


# --- the public page --------------------------------------------------------------------------


def test_the_survey_needs_no_sign_in_and_shows_nothing_of_the_case(client):
    officer = make_user(Role.OFFICER, first_name="Oswin", last_name="Thackeray")
    case = CaseFactory(
        officer=officer,
        offence=offence("abh_domestic"),
        offence_summary="Punched in the kitchen",
        victim={"first_name": "Marigold", "last_name": "Fenwick", "email": "m@example.org"},
    )
    invitation = make_invitation(case)
    response = client.get(_url(invitation))
    assert response.status_code == 200
    page = _text(response)
    for q in questions().values():
        assert q.text.replace("'", "&#x27;") in page
    for secret in [
        case.crime_reference,
        case.offence.name,
        case.offence.offence_group,
        "domestic",
        "Punched",
        "Oswin",
        "Thackeray",
        "Marigold",
        "Fenwick",
        case.team.name,
    ]:
        assert secret not in page, secret
    assert "noindex" in page
    assert "no-store" in response["Cache-Control"]


def test_an_unknown_or_tampered_link_gets_a_kind_page(client):
    invitation = make_invitation()
    token = services.link_token(invitation)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for path in ["/s/nonsense/", f"/s/{tampered}/", f"/s/{invitation.pk}/"]:
        response = client.get(path)
        assert response.status_code == 200
        assert "We could not find this survey" in _text(response)
        response = client.post(path, {"finish": "1"})
        assert "We could not find this survey" in _text(response)
    # A new nonce makes the old link unknown.
    Invitation.objects.filter(pk=invitation.pk).update(nonce="another")
    assert "We could not find this survey" in _text(client.get(f"/s/{token}/"))


def test_an_expired_link_gets_a_kind_page_and_cannot_save(client):
    invitation = make_invitation(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = client.get(_url(invitation))
    assert response.status_code == 200 and "This link has expired" in _text(response)
    q = questions()["treatment"]
    response = client.post(_url(invitation), {f"q{q.pk}": "1", "finish": "1"})
    assert response.status_code == 200 and "This link has expired" in _text(response)
    assert not Answer.objects.exists()
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.SENT


def test_a_used_link_says_you_have_already_answered_and_cannot_save_again(client):
    invitation = make_invitation()
    qs = questions()
    url = _url(invitation)
    response = client.post(url, {f"q{qs['treatment'].pk}": "2", "finish": "1"})
    assert "Thank you for telling us how we did" in _text(response)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.COMPLETED
    response = client.get(url)
    assert response.status_code == 200 and "You have already answered" in _text(response)
    response = client.post(url, {f"q{qs['treatment'].pk}": "7", "finish": "1"})
    assert "You have already answered" in _text(response)
    assert list(invitation.answers.values_list("scale_value", flat=True)) == [2]


def test_saving_and_resuming_with_answers_filled_in(client):
    invitation = make_invitation()
    qs = questions()
    url = _url(invitation)
    ease, follow, text = qs["ease_of_contact"], qs["follow_up"], qs["text"]
    response = client.post(url, {f"q{ease.pk}": "2", f"q{text.pk}": "Kept waiting", "save": "1"})
    assert response.status_code == 200 and "Your answers are saved" in _text(response)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.STARTED and invitation.completed_at is None
    # Reopening the link shows what was saved.
    page = _text(client.get(url))
    assert re.search(rf'name="q{ease.pk}" value="2"[^>]*\bchecked', page)
    assert not re.search(rf'name="q{ease.pk}" value="1"[^>]*\bchecked', page)
    assert re.search(rf'<textarea name="q{text.pk}"[^>]*>\s*Kept waiting</textarea>', page)
    # Finishing later, as the browser sends the page back with the saved answers in it.
    response = client.post(
        url,
        {f"q{ease.pk}": "2", f"q{text.pk}": "Kept waiting", f"q{follow.pk}": "5", "finish": "1"},
    )
    assert "Thank you for telling us how we did" in _text(response)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.COMPLETED
    assert {a.question_id: (a.scale_value, a.text) for a in invitation.answers.all()} == {
        ease.pk: (2, ""),
        follow.pk: (5, ""),
        text.pk: (None, "Kept waiting"),
    }


def test_a_value_off_the_scale_is_refused(client):
    invitation = make_invitation()
    q = questions()["treatment"]
    response = client.post(_url(invitation), {f"q{q.pk}": "9", "finish": "1"})
    assert response.status_code == 200 and "Please check your answers" in _text(response)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SENT and not invitation.answers.exists()


def test_contact_consent_is_recorded_from_the_page(client):
    invitation = make_invitation()
    consent = questions()["consent"]
    client.post(_url(invitation), {f"q{consent.pk}": "Yes", "finish": "1"})
    assert Invitation.objects.get(pk=invitation.pk).contact_consent is True


def test_declining_takes_one_click_and_asks_again_another_time(client):
    invitation = make_invitation()
    response = client.post(_url(invitation), {"decline": "1"})
    assert response.status_code == 200 and "That is fine" in _text(response)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED and invitation.declined_at
    assert not SurveyOptOut.objects.exists()
    assert "This survey is closed" in _text(client.get(_url(invitation)))
    # Another case, another time: asked again.
    victim_rule(sampling_rate=1)
    later = reported_case(45, victim=victim_of(invitation.case).person)
    services.invite_due(now=NOW)
    assert Invitation.objects.filter(case=later).exists()


def test_never_again_records_an_opt_out_that_stops_future_invitations(client):
    invitation = make_invitation()
    person = victim_of(invitation.case).person
    response = client.post(_url(invitation), {"never": "1"})
    assert response.status_code == 200
    assert "will not send you any more surveys" in _text(response)
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.DECLINED
    opt_out = SurveyOptOut.objects.get(person=person)
    assert opt_out.recorded_by is None
    victim_rule(sampling_rate=1)
    later = reported_case(45, victim=person, offence=offence("abh_domestic"))
    assert services.invite_due(now=NOW) == []
    assert not Invitation.objects.filter(case=later).exists()


# --- results ----------------------------------------------------------------------------------


@pytest.fixture
def answered():
    """Two teams' completed surveys, one started and one sent but not answered."""
    north, south = TeamFactory(name="North Investigation"), TeamFactory(name="South Response")
    burglary = reported_case(
        50,
        now=timezone.now(),
        team=north,
        offence=offence("burglary_residential"),
        victim={"first_name": "Hester", "last_name": "Quigley", "email": "h@example.org"},
    )
    assault = reported_case(
        50,
        now=timezone.now(),
        team=south,
        offence=offence("abh"),
        victim={"first_name": "Ivor", "last_name": "Penhallow", "email": "i@example.org"},
    )
    now = timezone.now()
    a = make_invitation(burglary, status=InvitationStatus.COMPLETED, completed_at=now)
    b = make_invitation(assault, status=InvitationStatus.COMPLETED, completed_at=now)
    started = make_invitation(status=InvitationStatus.STARTED)
    make_invitation(status=InvitationStatus.SENT)
    answer(a, {"ease_of_contact": 1, "whole_experience": 2})
    answer(b, {"ease_of_contact": 5, "whole_experience": 3})
    answer(started, {"ease_of_contact": 7})
    text = questions()["text"]
    Answer.objects.create(invitation=a, question=text, text="The officer was kind")
    Answer.objects.create(invitation=started, question=text, text="Half-written draft")
    return {"north": north, "south": south, "burglary": burglary, "assault": assault, "a": a}


def test_results_are_for_supervisors(client, answered):
    url = reverse("survey-results")
    # Administrators keep the survey data, not the answers: they see no cases.
    for role in [Role.OFFICER, Role.WITNESS_CARE, Role.AGENCY, Role.ADMIN]:
        client.force_login(make_user(role))
        assert client.get(url).status_code == 403, role
        assert client.get(url, {"format": "csv"}).status_code == 403, role
    client.logout()
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(make_user(Role.SUPERVISOR))
    assert client.get(url).status_code == 200


def test_results_page_shows_the_response_rate_and_percent_satisfied_by_stage(
    client, supervisor, answered
):
    client.force_login(supervisor)
    response = client.get(reverse("survey-results"))
    result = response.context["results"]
    assert (result["invited"], result["completed"], result["response_rate"]) == (4, 2, 50.0)
    assert result["stages"] == {
        "Ease of contact": {"answers": 2, "satisfied": 50.0},
        "Whole experience": {"answers": 2, "satisfied": 100.0},
    }
    page = _text(response)
    assert "50.0% response rate" in page and "100.0%" in page
    # Comments come from finished surveys only, never with a name.
    assert "The officer was kind" in page and "Half-written draft" not in page
    assert "Hester" not in page and "Quigley" not in page


def test_results_filter_by_team_and_offence_group(client, supervisor, answered):
    client.force_login(supervisor)
    url = reverse("survey-results")
    by_team = client.get(url, {"team": answered["north"].pk}).context["results"]
    assert by_team["completed"] == 1
    assert by_team["stages"]["Ease of contact"] == {"answers": 1, "satisfied": 100.0}
    by_group = client.get(url, {"offence_group": "Violence against the person"}).context["results"]
    assert by_group["completed"] == 1
    assert by_group["stages"]["Ease of contact"] == {"answers": 1, "satisfied": 0.0}
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert client.get(url, {"start": tomorrow}).context["results"]["invited"] == 0


def test_the_csv_export_has_team_and_offence_group_and_no_names(client, supervisor, answered):
    client.force_login(supervisor)
    response = client.get(reverse("survey-results"), {"format": "csv"})
    rows = _rows(response)
    header, body = rows[0], rows[1:]
    assert "team" in header and "offence group" in header
    assert not {"name", "email", "phone", "crime reference"} & set(header)
    team, group = header.index("team"), header.index("offence group")
    assert {(r[team], r[group]) for r in body} == {
        ("North Investigation", "Burglary"),
        ("South Response", "Violence against the person"),
    }
    assert len(body) == 5  # completed answers only: 3 for one, 2 for the other
    content = response.content.decode()
    for secret in [
        "Hester",
        "Quigley",
        "Ivor",
        "Penhallow",
        "h@example.org",
        answered["burglary"].crime_reference,
        answered["assault"].crime_reference,
        "Half-written draft",
    ]:
        assert secret not in content, secret
    filtered = _rows(
        client.get(reverse("survey-results"), {"format": "csv", "team": answered["south"].pk})
    )
    assert {r[team] for r in filtered[1:]} == {"South Response"}


def test_the_csv_export_cannot_smuggle_a_spreadsheet_formula(client, supervisor):
    invitation = make_invitation(status=InvitationStatus.COMPLETED, completed_at=timezone.now())
    Answer.objects.create(
        invitation=invitation, question=questions()["text"], text='=HYPERLINK("http://x","y")'
    )
    client.force_login(supervisor)
    rows = _rows(client.get(reverse("survey-results"), {"format": "csv"}))
    text = rows[0].index("text")
    assert rows[1][text] == '\'=HYPERLINK("http://x","y")'


# --- the contact sample -----------------------------------------------------------------------


def _consenting(n: int, *, team=None) -> list[Invitation]:
    made = []
    for i in range(n):
        case = reported_case(
            50,
            now=timezone.now(),
            **({"team": team} if team else {}),
            victim={
                "first_name": f"Respondent{i}",
                "last_name": "Okafor",
                "email": f"r{i}@example.org",
                "phone": f"0770090{i:04d}",
            },
        )
        made.append(
            make_invitation(
                case,
                status=InvitationStatus.COMPLETED,
                completed_at=timezone.now(),
                contact_consent=True,
            )
        )
    return made


def test_the_sample_is_for_supervisors_only(client, administrator, officer):
    url = reverse("survey-sample")
    for user in [administrator, officer, make_user(Role.WITNESS_CARE)]:
        client.force_login(user)
        assert client.post(url).status_code == 403
    client.logout()
    assert client.post(url).status_code == 302


def test_the_sample_is_reproducible_and_only_of_consenting_respondents(client, supervisor):
    consenting = _consenting(6)
    refused = make_invitation(
        status=InvitationStatus.COMPLETED, completed_at=timezone.now(), contact_consent=False
    )
    client.force_login(supervisor)
    url = reverse("survey-sample")
    first = client.post(url, {"seed": "2025-Q2", "size": "3"})
    assert first.content == client.post(url, {"seed": "2025-Q2", "size": "3"}).content
    rows = _rows(first)
    assert rows[0] == ["response", "name", "email", "phone", "team"]
    assert len(rows) == 4
    assert {int(r[0]) for r in rows[1:]} <= {i.pk for i in consenting}
    everyone = _rows(client.post(url, {"seed": "2025-Q2", "size": "50"}))
    assert {int(r[0]) for r in everyone[1:]} == {i.pk for i in consenting}
    assert str(refused.pk) not in {r[0] for r in everyone[1:]}
    assert all(r[1].endswith("Okafor") for r in everyone[1:])


@pytest.mark.parametrize("size", ["abc", "-3", "0", ""])
def test_the_sample_size_is_checked(client, supervisor, size):
    _consenting(4)
    client.force_login(supervisor)
    response = client.post(reverse("survey-sample"), {"seed": "s", "size": size})
    assert response.status_code == 200
    rows = _rows(response)[1:]
    assert len(rows) <= 4
    if size in {"-3", "0"}:
        assert rows == []


def test_the_sample_leaves_out_unsafe_contact_details(client, supervisor):
    [kept, no_email, no_phone] = _consenting(3)
    set_safe(no_email.party.person, email_safe=False)
    set_safe(no_phone.party.person, phone_safe=False, text_safe=False)
    client.force_login(supervisor)
    rows = {int(r[0]): r for r in _rows(client.post(reverse("survey-sample"), {"size": "9"}))[1:]}
    assert rows[kept.pk][2] and rows[kept.pk][3]
    assert rows[no_email.pk][2] == "" and rows[no_email.pk][3]
    assert rows[no_phone.pk][2] and rows[no_phone.pk][3] == ""


def test_the_sample_never_names_people_in_a_restricted_case_the_supervisor_cannot_see(client):
    own_team, other_team = TeamFactory(), TeamFactory()
    supervisor = make_user(Role.SUPERVISOR)
    add_to_team(team=own_team, user=supervisor, is_supervisor=True)
    [hidden] = _consenting(1, team=other_team)
    [visible] = _consenting(1, team=own_team)
    for inv in (hidden, visible):
        type(inv.case).objects.filter(pk=inv.case_id).update(restricted=True)
    [open_case] = _consenting(1)
    client.force_login(supervisor)
    rows = _rows(client.post(reverse("survey-sample"), {"size": "9"}))[1:]
    assert {int(r[0]) for r in rows} == {visible.pk, open_case.pk}


# --- restricted cases and opting out ----------------------------------------------------------


def test_only_a_supervisor_who_can_see_a_restricted_case_may_allow_it(client):
    team = TeamFactory()
    case = reported_case(45, team=team, restricted=True)
    url = reverse("survey-allow-restricted", kwargs={"pk": case.pk})
    for user in [case.officer, make_user(Role.ADMIN), make_user(Role.WITNESS_CARE)]:
        client.force_login(user)
        assert client.post(url, {"reason": "x"}).status_code == 403
    stranger = make_user(Role.SUPERVISOR)
    client.force_login(stranger)
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert not RestrictedSurveyAllowance.objects.exists()
    victim_rule(sampling_rate=1)
    assert services.invite_due(now=NOW) == []

    supervisor = make_user(Role.SUPERVISOR)
    add_to_team(team=team, user=supervisor, is_supervisor=True)
    client.force_login(supervisor)
    assert client.get(url).status_code == 405
    response = client.post(url, {"reason": "Victim asked to give feedback"})
    assert response.status_code == 302
    assert response["Location"] == reverse("case-detail", kwargs={"pk": case.pk})
    allowance = RestrictedSurveyAllowance.objects.get(case=case)
    assert allowance.allowed_by == supervisor
    assert allowance.reason == "Victim asked to give feedback"
    assert len(services.invite_due(now=NOW)) == 1


def test_an_officer_records_that_a_person_wants_no_surveys(client):
    case = reported_case(45)
    party = victim_of(case)
    url = reverse("survey-opt-out", kwargs={"pk": case.pk, "party_pk": party.pk})
    client.force_login(make_user(Role.AGENCY))
    assert client.post(url).status_code == 403
    client.force_login(case.officer)
    response = client.post(url)
    assert response.status_code == 302
    opt_out = SurveyOptOut.objects.get(person=party.person)
    assert opt_out.recorded_by == case.officer
    victim_rule(sampling_rate=1)
    assert services.invite_due(now=NOW) == []


def test_opting_out_someone_not_in_the_case_is_not_found(client):
    case = reported_case(45)
    other = victim_of(reported_case(45))
    client.force_login(case.officer)
    url = reverse("survey-opt-out", kwargs={"pk": case.pk, "party_pk": other.pk})
    assert client.post(url).status_code == 404
    assert not SurveyOptOut.objects.exists()


def test_the_sample_is_a_post_with_a_csrf_token_from_the_results_page(supervisor):
    from django.test import Client

    _consenting(2)
    client = Client(enforce_csrf_checks=True)
    client.force_login(supervisor)
    url = reverse("survey-sample")
    assert client.get(url).status_code == 405
    assert client.post(url, {"size": "9"}).status_code == 403  # no CSRF token
    page = client.get(reverse("survey-results"), {"team": ""})
    html = page.content.decode()
    assert f'action="{url}"' in html and 'name="csrfmiddlewaretoken"' in html
    token = client.cookies["csrftoken"].value
    response = client.post(url, {"size": "9", "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert len(_rows(response)) == 3


def test_a_typed_seed_cannot_break_the_download_header(client, supervisor):
    client.force_login(supervisor)
    response = client.post(reverse("survey-sample"), {"seed": 'a"b\r\nX-Evil: 1'})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="survey-sample-abX-Evil1.csv"'
