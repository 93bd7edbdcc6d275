"""The referrals REST API: agency tokens, who reaches which referral, every move and refusal,
what an agency is shown under the victim's consent (and nothing once it is withdrawn), the Right 4
duty, and bounded queries."""

import datetime
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role, User
from cases.api.pagination import KeysetPagination
from cases.models import PartyRole, SafeContact
from entitlements.models import Duty, DutyStatus
from referrals import services, tokens
from referrals.models import (
    AgencyKind,
    AgencyToken,
    ConsentMethod,
    LawfulBasis,
    Referral,
    ReferralStatus,
    ShareItem,
)
from tests.cases.factories import CaseFactory, PartyFactory, offence, victim_of
from tests.factories import AgencyFactory, TeamFactory, make_user

pytestmark = pytest.mark.django_db

S = ReferralStatus
EVERYTHING = [ShareItem.CONTACT, ShareItem.LANGUAGE, ShareItem.OFFENCE, ShareItem.RISK]

# Queries for one page of the list, the same for 2 referrals as for 20.
# An agency system with a token: the token with its user, the last-used stamp (one UPDATE), the
# user's role grants: 3 before the list's own.
AGENCY_LIST_QUERIES = 4  # + page of referrals with agency, case, offence, person, contact
# An officer signed in: the session, the user, their role grants, and the session written back (a
# savepoint, the update and its release): 6 before the list's own.
# + page of referrals (a cursor: no count), the page's Right 4 duties, the referral policy and
# the exception to consent its automatic referrals rely on.
POLICE_LIST_QUERIES = 10
# One referral, the same for 2 history lines as for 20: token, stamp, roles, the referral with
# everything it shows, its history with who wrote each line; and 3 for the audit trail (the
# referral's case and person, the view event, the person it names).
AGENCY_DETAIL_QUERIES = 8


# --- set-up ------------------------------------------------------------------------------------


@pytest.fixture
def small_pages(monkeypatch) -> int:
    """Pages of 5 on the cursor-paged lists, so that 20 referrals make several pages."""
    monkeypatch.setattr(KeysetPagination, "page_size", 5)
    return 5


def _ago(**delta) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**delta)


@pytest.fixture
def vs():
    """The commissioned victim service: made before any case, so each case proposes a draft."""
    return AgencyFactory(kind=AgencyKind.VICTIM_SERVICE, name="Northshire Victim Service")


@pytest.fixture
def elsewhere():
    """Another agency, which must never see the victim service's referrals."""
    return AgencyFactory(kind=AgencyKind.RESTORATIVE_JUSTICE, name="Restorative Northshire")


def token_client(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


@pytest.fixture
def vs_token(vs):
    token, raw = tokens.issue_token(agency=vs, name="Case system", by=None)
    return token, raw


@pytest.fixture
def vs_api(vs_token):
    return token_client(vs_token[1])


@pytest.fixture
def vs_system(vs_token) -> User:
    return vs_token[0].user


@pytest.fixture
def elsewhere_api(elsewhere):
    return token_client(tokens.issue_token(agency=elsewhere, name="Their system", by=None)[1])


@pytest.fixture
def api():
    def client_for(user) -> APIClient:
        client = APIClient()
        client.force_login(user)
        return client

    return client_for


def make_case(**kwargs):
    victim = {
        "first_name": "Imogen",
        "last_name": "Threlkeld",
        "date_of_birth": datetime.date(1990, 5, 17),
        "phone": "07700 900123",
        "email": "imogen@example.com",
        "address": "1 Quarry Lane, Northtown",
        "postcode": "NT1 1AA",
        "preferred_language": "Welsh",
        "interpreter_needed": True,
        "communication_needs": "Prefers written summaries",
    }
    return CaseFactory(victim=victim, **kwargs)


def proposed(case) -> Referral:
    return Referral.objects.get(party=victim_of(case), agency__kind=AgencyKind.VICTIM_SERVICE)


def with_consent(case, *, scope=(ShareItem.NEEDS,), support="Emotional support") -> Referral:
    return services.record_consent(
        referral=proposed(case),
        by=case.officer,
        lawful_basis=LawfulBasis.CONSENT,
        scope=scope,
        method=ConsentMethod.PHONE,
        support_requested=support,
    )


def sent(case=None, **kwargs) -> Referral:
    case = case or make_case()
    referral = with_consent(case, **kwargs)
    return services.send_referral(referral=referral, by=case.officer)


def url(name: str, referral: Referral | None = None) -> str:
    if referral is None:
        return reverse(f"api-referral-{name}")
    return reverse(f"api-referral-{name}", args=[referral.pk])


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.data
    return {row["id"] for row in response.data["results"]}


# --- agency tokens -----------------------------------------------------------------------------


def test_a_token_is_stored_only_as_its_hash_and_signs_in_as_the_agencys_service_user(
    vs, vs_token, vs_api
):
    token, raw = vs_token
    referral = sent()

    response = vs_api.get(url("detail", referral))

    assert response.status_code == 200, response.data
    stored = AgencyToken.objects.get(pk=token.pk)
    assert stored.key_hash == tokens.hash_token(raw) and raw not in stored.key_hash
    assert len(raw) >= 43 and len(stored.key_hash) == 64
    assert stored.last_used_at is not None
    user = stored.user
    assert (user.agency_id, user.roles, user.is_active) == (vs.pk, {Role.AGENCY}, True)
    assert not user.has_usable_password()


def test_a_revoked_token_is_refused_and_its_service_user_deactivated(vs_token, vs_api):
    token, _ = vs_token
    assert vs_api.get(url("list")).status_code == 200

    tokens.revoke_token(token=token, by=make_user(Role.ADMIN))

    response = vs_api.get(url("list"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "revoked" in str(response.data["detail"])
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert not token.user.is_active


@pytest.mark.parametrize(
    "header", ["Token not-a-real-token", "Token", "Token two parts", "token  "]
)
def test_an_unknown_or_malformed_token_is_refused(vs_token, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get(url("list"))

    assert response.status_code == 401
    assert vs_token[1] not in str(response.content)


def test_without_credentials_the_api_is_refused():
    assert APIClient().get(url("list")).status_code == 403


def test_issuing_a_token_needs_a_name_and_an_active_agency(vs):
    with pytest.raises(Exception, match="Say which system"):
        tokens.issue_token(agency=vs, name="  ", by=None)
    vs.is_active = False
    vs.save()
    with pytest.raises(Exception, match="no longer takes referrals"):
        tokens.issue_token(agency=vs, name="Case system", by=None)


def test_the_admin_shows_a_new_token_once_and_can_revoke_it(client, vs):
    admin_user = User.objects.create_superuser("root", "root@example.police.uk", "x")
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:referrals_agencytoken_add"), {"agency": vs.pk, "name": "Case system"}
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = AgencyToken.objects.get()
    raw = response.content.decode().split('class="issued-token">')[1].split("<")[0]
    assert token.key_hash == tokens.hash_token(raw)
    assert token.created_by == admin_user
    assert token_client(raw).get(url("list")).status_code == 200
    page = client.get(reverse("admin:referrals_agencytoken_change", args=[token.pk]))
    assert raw not in page.content.decode()

    client.post(
        reverse("admin:referrals_agencytoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )

    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == admin_user
    assert token_client(raw).get(url("list")).status_code == 401


# --- who reaches which referral ----------------------------------------------------------------


def test_an_agency_lists_only_its_own_referrals_and_never_drafts(vs, elsewhere, vs_api):
    mine = sent()
    draft = with_consent(make_case())
    theirs = sent()
    Referral.objects.filter(pk=theirs.pk).update(agency=elsewhere)

    assert _ids(vs_api.get(url("list"))) == {mine.pk}
    assert vs_api.get(url("detail", draft)).status_code == 404
    assert _ids(vs_api.get(url("list"), {"status": S.DRAFT})) == set()


def test_a_draft_withdrawn_before_it_was_sent_never_reaches_the_agency(vs, vs_api):
    referral = with_consent(make_case())
    services.withdraw(referral=referral, by=referral.case.officer, reason="Entered in error")

    assert vs_api.get(url("detail", referral)).status_code == 404
    assert _ids(vs_api.get(url("list"))) == set()
    assert vs_api.post(url("accept", referral), {}, format="json").status_code == 404


def test_another_agencys_referral_is_404_to_read_and_to_move(vs, elsewhere_api):
    referral = sent()

    assert elsewhere_api.get(url("detail", referral)).status_code == 404
    assert _ids(elsewhere_api.get(url("list"))) == set()
    assert elsewhere_api.post(url("accept", referral), {}, format="json").status_code == 404
    assert elsewhere_api.post(url("decline", referral), {}, format="json").status_code == 404
    assert Referral.objects.get(pk=referral.pk).status == S.SENT


def test_agency_staff_signed_in_reach_the_same_referrals_as_the_token(vs, api):
    referral = sent()
    staff = make_user(Role.AGENCY, agency=vs)

    assert _ids(api(staff).get(url("list"))) == {referral.pk}


def test_police_reach_referrals_on_the_cases_they_may_see(vs, api):
    team = TeamFactory()
    open_case = make_case(team=team)
    restricted = make_case(team=team, restricted=True)
    other_officer = make_user(Role.OFFICER)

    visible = _ids(api(other_officer).get(url("list")))

    assert proposed(open_case).pk in visible
    assert proposed(restricted).pk not in visible
    assert api(other_officer).get(url("detail", proposed(restricted))).status_code == 404
    assert api(restricted.officer).get(url("detail", proposed(restricted))).status_code == 200


def test_the_list_filters_narrow_what_the_user_sees(vs, vs_api, api):
    soon = sent()
    later = sent()
    Referral.objects.filter(pk=soon.pk).update(respond_by=_ago(hours=1))
    Referral.objects.filter(pk=later.pk).update(respond_by=_ago(days=-10))
    services.accept(referral=later, by=make_user(Role.AGENCY, agency=vs))

    assert _ids(vs_api.get(url("list"), {"status": S.SENT})) == {soon.pk}
    cutoff = timezone.now().isoformat()
    assert _ids(vs_api.get(url("list"), {"respond_by_before": cutoff})) == {soon.pk}
    assert _ids(vs_api.get(url("list"), {"case": later.case_id})) == {later.pk}
    officer = api(soon.case.officer)
    assert _ids(officer.get(url("list"), {"case": soon.case_id, "agency": vs.pk})) == {soon.pk}


# --- every move, by the right side and the wrong one -------------------------------------------

POLICE, AGENCY = "police", "agency"
# The endpoint that makes each move, the side that calls it, and a body it accepts.
ENDPOINT = {
    S.SENT: ("send", POLICE, {}),
    S.WITHDRAWN: ("withdraw", POLICE, {"reason": "No longer needed"}),
    S.ACCEPTED: ("accept", AGENCY, {"note": "We will phone on Tuesday"}),
    S.DECLINED: ("decline", AGENCY, {"reason": "Outside our area"}),
    S.RETURNED: ("return", AGENCY, {"reason": "Which language do they read?"}),
    S.IN_PROGRESS: ("start", AGENCY, {}),
    S.CLOSED: ("close", AGENCY, {"outcome": "Supported for six weeks"}),
}
# A legal route from the draft to each status.
ROUTE = {
    S.DRAFT: [],
    S.SENT: [S.SENT],
    S.RETURNED: [S.SENT, S.RETURNED],
    S.ACCEPTED: [S.SENT, S.ACCEPTED],
    S.DECLINED: [S.SENT, S.DECLINED],
    S.IN_PROGRESS: [S.SENT, S.ACCEPTED, S.IN_PROGRESS],
    S.CLOSED: [S.SENT, S.ACCEPTED, S.CLOSED],
    S.WITHDRAWN: [S.SENT, S.WITHDRAWN],
}
LEGAL = [(f, t) for f, moves in services.TRANSITIONS.items() for t in moves]
ILLEGAL = [
    (f, t)
    for f, t in itertools.product(S.values, ENDPOINT)
    if t not in services.TRANSITIONS.get(f, {})
]


def referral_at(status: str, agency_user: User) -> Referral:
    referral = with_consent(make_case())
    officer = referral.case.officer
    for step in ROUTE[status]:
        match step:
            case S.SENT:
                services.send_referral(referral=referral, by=officer)
            case S.WITHDRAWN:
                services.withdraw(referral=referral, by=officer, reason="Not needed")
            case S.ACCEPTED:
                services.accept(referral=referral, by=agency_user)
            case S.DECLINED:
                services.decline(referral=referral, by=agency_user, reason="Full")
            case S.RETURNED:
                services.return_for_information(referral=referral, by=agency_user, reason="?")
            case S.IN_PROGRESS:
                services.start(referral=referral, by=agency_user)
            case S.CLOSED:
                services.close(referral=referral, by=agency_user, outcome="Supported")
    referral.refresh_from_db()
    assert referral.status == status
    return referral


def client_for_side(side, referral, *, vs_api, api):
    return vs_api if side == AGENCY else api(referral.case.officer)


def test_the_endpoints_cover_every_move():
    assert {t for _, t in LEGAL} == set(ENDPOINT)
    assert len(LEGAL) + len(ILLEGAL) == len(S.values) * len(ENDPOINT)


@pytest.mark.parametrize(("from_status", "to_status"), LEGAL)
def test_every_legal_move_through_the_api(from_status, to_status, vs, vs_system, vs_api, api):
    referral = referral_at(from_status, vs_system)
    name, side, body = ENDPOINT[to_status]
    client = client_for_side(side, referral, vs_api=vs_api, api=api)

    response = client.post(url(name, referral), body, format="json")

    assert response.status_code == 200, response.data
    assert response.data["status"] == to_status
    last = response.data["history"][-1]
    assert (last["kind"], last["from_status"], last["to_status"]) == (
        "move",
        from_status,
        to_status,
    )
    expected_by = "Case system (API)" if side == AGENCY else str(referral.case.officer)
    assert last["by_name"] == expected_by
    assert Referral.objects.get(pk=referral.pk).status == to_status


@pytest.mark.parametrize(("from_status", "to_status"), ILLEGAL)
def test_every_illegal_move_is_400_with_the_reason(
    from_status, to_status, vs, vs_system, vs_api, api
):
    referral = referral_at(from_status, vs_system)
    name, side, body = ENDPOINT[to_status]
    client = client_for_side(side, referral, vs_api=vs_api, api=api)

    response = client.post(url(name, referral), body, format="json")

    if side == AGENCY and from_status == S.DRAFT:
        assert response.status_code == 404  # An agency never sees a draft.
    else:
        assert response.status_code == 400, response.data
        assert "cannot be" in response.data["status"][0]
    assert Referral.objects.get(pk=referral.pk).status == from_status


# An agency cannot see a draft at all (404, tested above), so its police moves are left out.
WRONG_SIDE = [(f, t) for f, t in LEGAL if f != S.DRAFT]


@pytest.mark.parametrize(("from_status", "to_status"), WRONG_SIDE)
def test_a_move_by_the_wrong_side_is_403(from_status, to_status, vs, vs_system, vs_api, api):
    referral = referral_at(from_status, vs_system)
    name, side, body = ENDPOINT[to_status]
    wrong = client_for_side(AGENCY if side == POLICE else POLICE, referral, vs_api=vs_api, api=api)

    response = wrong.post(url(name, referral), body, format="json")

    assert response.status_code == 403, response.data
    assert Referral.objects.get(pk=referral.pk).status == from_status


@pytest.mark.parametrize(
    ("name", "field"),
    [("decline", "reason"), ("return", "reason"), ("close", "outcome"), ("updates", "note")],
)
def test_an_agency_move_without_its_words_is_400_on_that_field(name, field, vs, vs_system, vs_api):
    referral = referral_at(S.ACCEPTED if name == "close" else S.SENT, vs_system)

    response = vs_api.post(url(name, referral), {field: "  "}, format="json")

    assert response.status_code == 400, response.data
    assert field in response.data


def test_the_agency_adds_updates_while_the_referral_is_open(vs, vs_system, vs_api):
    referral = referral_at(S.IN_PROGRESS, vs_system)

    response = vs_api.post(url("updates", referral), {"note": "First session held"}, format="json")

    assert response.status_code == 201, response.data
    last = response.data["history"][-1]
    assert (last["kind"], last["note"], last["by_name"]) == (
        "update",
        "First session held",
        "Case system (API)",
    )
    closed = referral_at(S.CLOSED, vs_system)
    refused = vs_api.post(url("updates", closed), {"note": "Late note"}, format="json")
    assert refused.status_code == 400
    assert "note" in refused.data


def test_an_agency_cannot_make_or_withdraw_consent_on_a_referral(vs, vs_system, vs_api):
    referral = referral_at(S.SENT, vs_system)
    body = {
        "party": referral.party_id,
        "agency": vs.pk,
        "lawful_basis": LawfulBasis.CONSENT,
        "scope": [ShareItem.NEEDS],
        "method": ConsentMethod.PHONE,
    }

    assert vs_api.post(url("list"), body, format="json").status_code == 403
    response = vs_api.post(url("withdraw-consent", referral), {"how": "Phoned"}, format="json")
    assert response.status_code == 403
    assert Referral.objects.get(pk=referral.pk).consent_active


# --- what the agency is shown ------------------------------------------------------------------


def _add_witness(case):
    PartyFactory(case=case, role=PartyRole.WITNESS, person__first_name="Bartholomew")


def test_the_agency_sees_only_the_name_and_the_request_under_a_narrow_consent(vs, vs_api, api):
    case = make_case()
    _add_witness(case)
    referral = sent(case, scope=[ShareItem.NEEDS], support="Help with a claim")
    Referral.objects.filter(pk=referral.pk).update(risk_level="high")

    response = vs_api.get(url("detail", referral))

    assert response.status_code == 200, response.data
    data = response.data
    assert data["person"] == {"name": "Imogen Threlkeld", "contact": None, "communication": None}
    assert data["support_requested"] == "Help with a claim"
    assert (data["risk_level"], data["offence"], data["case"], data["party"]) == (
        None,
        None,
        None,
        None,
    )
    assert data["consent"]["lawful_basis"] == LawfulBasis.CONSENT
    assert data["consent"]["scope"] == [ShareItem.NEEDS]
    assert data["consent"]["method"] == ConsentMethod.PHONE
    assert data["consent"]["active"] is True
    assert data["consent"]["recorded_at"].endswith(("+00:00", "+01:00"))
    assert data["respond_by"] is not None and data["status"] == S.SENT
    # The agency reads only what happened since it was sent: never the proposal's reasoning
    # or the consent notes, which can hold what the consent does not cover.
    assert [(line["kind"], line["to_status"]) for line in data["history"]] == [
        ("move", S.SENT),
    ]
    body = response.content.decode()
    for secret in (
        "1990",
        "Quarry Lane",
        "NT1",
        "07700",
        "imogen@",
        "Welsh",
        "Bartholomew",
        case.crime_reference,
        "high",
    ):
        assert secret not in body, secret


def test_the_agency_sees_contact_language_offence_and_risk_when_the_consent_covers_them(vs, vs_api):
    case = make_case(offence=offence("theft_other"))
    SafeContact.objects.filter(person=victim_of(case).person).update(
        phone_safe=False,
        text_safe=False,
        letter_safe=False,
        visit_safe=True,
        safe_times="Weekdays after 6pm",
        may_leave_message=False,
    )
    referral = sent(case, scope=EVERYTHING)
    Referral.objects.filter(pk=referral.pk).update(risk_level="medium")

    data = vs_api.get(url("detail", referral)).data

    contact = data["person"]["contact"]
    assert contact["safe_channels"] == {
        "phone": False,
        "text": False,
        "email": True,
        "letter": False,
        "visit": True,
    }
    assert (contact["safe_times"], contact["may_leave_message"]) == ("Weekdays after 6pm", False)
    # No number where neither a call nor a text is safe; the address, as a visit is.
    assert contact["phone"] is None
    assert (contact["email"], contact["address"], contact["postcode"]) == (
        "imogen@example.com",
        "1 Quarry Lane, Northtown",
        "NT1 1AA",
    )
    assert "date_of_birth" not in contact  # not part of "contact details and safe times"
    assert data["person"]["communication"] == {
        "preferred_language": "Welsh",
        "interpreter_needed": True,
        "communication_needs": "Prefers written summaries",
    }
    assert data["offence"]["name"] == case.offence.name
    assert data["risk_level"] == "medium"
    assert data["case"] is None


def test_the_police_see_the_same_referral_with_its_case(vs, api):
    referral = sent(scope=[ShareItem.NEEDS])
    case = referral.case

    data = api(case.officer).get(url("detail", referral)).data

    assert data["case"] == {"id": case.pk, "crime_reference": case.crime_reference}
    assert data["party"] == referral.party_id
    assert data["person"]["contact"] is None


def test_after_consent_is_withdrawn_the_agency_sees_nothing_personal(vs, vs_system, vs_api, api):
    case = make_case()
    referral = sent(case, scope=EVERYTHING, support="Imogen needs help at home")
    services.accept(referral=referral, by=vs_system, note="Spoke to Imogen")
    officer = api(case.officer)

    response = officer.post(
        url("withdraw-consent", referral), {"how": "Imogen phoned the officer"}, format="json"
    )

    assert response.status_code == 200, response.data
    assert response.data["status"] == S.WITHDRAWN
    assert response.data["consent"]["active"] is False
    detail = vs_api.get(url("detail", referral))
    listed = vs_api.get(url("list")).data["results"]
    assert detail.status_code == 200
    data = detail.data
    assert data["person"] is None and listed[0]["person"] is None
    assert (data["support_requested"], data["risk_level"], data["offence"]) == ("", None, None)
    assert data["consent"]["withdrawn_at"] is not None
    assert all(line["note"] == "" for line in data["history"])
    assert data["history"][-1]["to_status"] == S.WITHDRAWN
    for body in (detail.content.decode(), str(listed)):
        assert "Imogen" not in body and "Threlkeld" not in body
    # The police still read the notes on their own case.
    notes = [line["note"] for line in officer.get(url("detail", referral)).data["history"]]
    assert "Imogen phoned the officer" in notes


def test_withdrawing_consent_twice_is_400(vs, api):
    referral = sent()
    officer = api(referral.case.officer)
    assert officer.post(url("withdraw-consent", referral), {"how": "Letter"}).status_code == 200

    response = officer.post(url("withdraw-consent", referral), {"how": "Letter"}, format="json")

    assert response.status_code == 400
    assert "no consent in force" in response.data["non_field_errors"][0]


# --- the police make and send a referral -------------------------------------------------------


def test_the_police_make_and_send_a_referral_and_meet_the_right_4_duty(api):
    case = make_case()  # Before the agency exists: nothing is proposed.
    agency = AgencyFactory(kind=AgencyKind.VICTIM_SERVICE, name="Southshire Victim Service")
    party = victim_of(case)
    duty = Duty.objects.get(party=party, rule__code="R4")
    assert duty.status not in (DutyStatus.MET, DutyStatus.MET_LATE)
    officer = api(case.officer)
    agency_api = token_client(tokens.issue_token(agency=agency, name="CMS", by=None)[1])

    made = officer.post(
        url("list"),
        {
            "party": party.pk,
            "agency": agency.pk,
            "support_requested": "Practical help after a burglary",
            "lawful_basis": LawfulBasis.CONSENT,
            "scope": [ShareItem.CONTACT, ShareItem.NEEDS],
            "method": ConsentMethod.IN_PERSON,
        },
        format="json",
    )

    assert made.status_code == 201, made.data
    assert (made.data["status"], made.data["case"]["id"]) == (S.DRAFT, case.pk)
    referral = Referral.objects.get(pk=made.data["id"])
    assert agency_api.get(url("detail", referral)).status_code == 404  # A draft, still.

    response = officer.post(url("send", referral), {}, format="json")

    assert response.status_code == 200, response.data
    assert response.data["status"] == S.SENT
    duty.refresh_from_db()
    assert duty.status == DutyStatus.MET
    assert "Southshire Victim Service" in duty.met_record
    assert _ids(agency_api.get(url("list"))) == {referral.pk}


def test_making_a_referral_is_refused_with_field_errors(vs, api):
    case = make_case()
    officer = api(case.officer)
    body = {
        "party": victim_of(case).pk,
        "agency": vs.pk,
        "lawful_basis": LawfulBasis.CONSENT,
        "scope": [ShareItem.NEEDS],
        "method": ConsentMethod.PHONE,
    }

    duplicate = officer.post(url("list"), body, format="json")
    no_method = officer.post(
        url("list"), {**body, "agency": AgencyFactory().pk, "method": ""}, format="json"
    )
    unseen = officer.post(
        url("list"), {**body, "party": victim_of(make_case(restricted=True)).pk}, format="json"
    )

    assert duplicate.status_code == 400 and "open referral" in duplicate.data["agency"][0]
    assert no_method.status_code == 400 and "method" in no_method.data
    assert unseen.status_code == 400 and "party" in unseen.data


# --- bounded queries ---------------------------------------------------------------------------


def _all_pages(client, django_assert_num_queries, queries: int) -> tuple[list[dict], list[dict]]:
    """Every page of the referral list, each in `queries` queries: (first page's rows, all rows)."""
    with django_assert_num_queries(queries):
        pages = [client.get(url("list")).data]
    while pages[-1]["next"]:
        with django_assert_num_queries(queries):
            pages.append(client.get(pages[-1]["next"]).data)
    return pages[0]["results"], [row for page in pages for row in page["results"]]


@pytest.mark.parametrize("n", [2, 20])
def test_the_agency_list_takes_the_same_queries_for_2_or_20_referrals(
    vs, vs_api, django_assert_num_queries, small_pages, n
):
    for _ in range(n):
        sent(scope=EVERYTHING)

    first, rows = _all_pages(vs_api, django_assert_num_queries, AGENCY_LIST_QUERIES)

    assert len(first) == min(n, small_pages)
    assert len({row["id"] for row in rows}) == n
    assert all(row["person"]["contact"] for row in rows)


@pytest.mark.parametrize("n", [2, 20])
def test_the_police_list_takes_the_same_queries_for_2_or_20_referrals(
    vs, api, django_assert_num_queries, small_pages, n
):
    officer = make_user(Role.OFFICER)
    for _ in range(n):
        sent(scope=EVERYTHING)
    client = api(officer)

    first, rows = _all_pages(client, django_assert_num_queries, POLICE_LIST_QUERIES)

    assert len(first) == min(n, small_pages)
    assert len({row["id"] for row in rows}) == n
    assert all(row["case"] for row in rows)


@pytest.mark.parametrize("n", [2, 20])
def test_a_referral_takes_the_same_queries_for_2_or_20_history_lines(
    vs, vs_system, vs_api, django_assert_num_queries, n
):
    referral = referral_at(S.IN_PROGRESS, vs_system)
    writers = [vs_system, make_user(Role.AGENCY, agency=vs)]
    for i in range(n):
        services.add_update(referral=referral, by=writers[i % 2], note=f"Session {i}")

    with django_assert_num_queries(AGENCY_DETAIL_QUERIES):
        response = vs_api.get(url("detail", referral))

    assert sum(line["kind"] == "update" for line in response.data["history"]) == n
