"""Reference data the API takes by id or code: offence categories, support agencies, case
outcomes and event kinds. Read-only, for the roles that record cases, paged by number, with a
bounded number of queries however many rows there are."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from cases.api.serializers import EventSerializer
from cases.models import CaseOutcome, EventKind, OffenceCategory
from referrals.api.serializers import ReferralCreateSerializer
from referrals.models import AgencyKind, SupportAgency
from tests.factories import AgencyFactory, make_user

pytestmark = pytest.mark.django_db

# Each request reads the session, the user and their role grants and writes the session back
# (a savepoint, the update and its release): 6 queries before the list's own count and page.
LIST_QUERIES = 8
DETAIL_QUERIES = 7
LISTS = [
    "api-offence-list",
    "api-agency-list",
    "api-outcome-list",
    "api-event-kind-list",
    "api-contact-outcome-list",
]


def _api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def as_officer(officer) -> APIClient:
    return _api(officer)


def _all(client: APIClient, url_name: str, **query) -> list[dict]:
    """Every row of a numbered list, following `next`."""
    response = client.get(reverse(url_name), query)
    assert response.status_code == 200, response.content
    body = response.json()
    rows = list(body["results"])
    while body["next"]:
        body = client.get(body["next"]).json()
        rows += body["results"]
    assert len(rows) == response.json()["count"]
    return rows


# --- who may read it ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SUPERVISOR, Role.WITNESS_CARE])
def test_the_roles_that_record_cases_read_every_reference_list(role):
    client = _api(make_user(role))
    for name in LISTS:
        assert client.get(reverse(name)).status_code == 200, name


@pytest.mark.parametrize("role", [Role.AGENCY, Role.ADMIN, Role.AUDITOR])
def test_other_roles_are_refused(role):
    client = _api(make_user(role))
    agency = AgencyFactory()
    urls = [reverse(name) for name in LISTS] + [
        reverse("api-agency-detail", args=[agency.pk]),
        reverse("api-offence-detail", args=[OffenceCategory.objects.first().pk]),
        reverse("api-event-kind-detail", args=["arrest"]),
        reverse("api-outcome-detail", args=["charged"]),
        reverse("api-contact-outcome-detail", args=["reached"]),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url


def test_nobody_signed_out_reads_them():
    for name in LISTS:
        assert APIClient().get(reverse(name)).status_code in (401, 403)


# --- offence categories -------------------------------------------------------------------------


def test_offences_list_every_category_with_its_id_group_and_flags_in_words(as_officer):
    rows = _all(as_officer, "api-offence-list")

    assert {r["id"] for r in rows} == set(OffenceCategory.objects.values_list("pk", flat=True))
    domestic = next(r for r in rows if r["code"] == "abh_domestic")
    assert {"code": "domestic_abuse", "label": "Domestic abuse"} in domestic["flags"]
    assert domestic["offence_group"] and domestic["name"]
    detail = as_officer.get(reverse("api-offence-detail", args=[domestic["id"]]))
    assert detail.status_code == 200 and detail.json() == domestic


def test_offences_filter_to_those_a_new_case_may_take(as_officer):
    retired = OffenceCategory.objects.create(
        code="retired_x", name="Retired offence", offence_group="Other", is_active=False
    )

    active = _all(as_officer, "api-offence-list", is_active="true")
    every = _all(as_officer, "api-offence-list")

    assert retired.pk not in {r["id"] for r in active}
    assert retired.pk in {r["id"] for r in every}
    assert all(r["is_active"] for r in active)


def test_an_offence_listed_is_one_a_new_case_accepts(as_officer, officer):
    from tests.factories import TeamFactory

    team, now = TeamFactory(), timezone.now()
    offence_id = _all(as_officer, "api-offence-list", is_active="true")[0]["id"]
    response = as_officer.post(
        reverse("api-case-list"),
        {
            "crime_reference": "NS/100001/26",
            "offence": offence_id,
            "offence_summary": "Taken from a shed",
            "occurred_at": (now - datetime.timedelta(days=1, hours=2)).isoformat(),
            "reported_at": (now - datetime.timedelta(days=1)).isoformat(),
            "thrive_grade": "scheduled",
            "team": team.pk,
            "officer": officer.pk,
            "victim": {"person": {"first_name": "Ada", "last_name": "Lowe"}},
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["offence"] == offence_id


def test_an_unknown_offence_is_not_found(as_officer):
    assert as_officer.get(reverse("api-offence-detail", args=[10**12])).status_code == 404


# --- support agencies ---------------------------------------------------------------------------


def test_agencies_are_a_directory_without_their_contact_details(as_officer):
    agency = AgencyFactory(
        name="Northshire IDVA",
        kind=AgencyKind.IDVA,
        contact_email="duty.idva@example.org",
        contact_phone="07700 900111",
        contact_route="Secure email to the duty IDVA",
        accepts_offence_flags=["domestic_abuse"],
        accepts_risk_levels=["high"],
        response_target_working_days=1,
    )

    response = as_officer.get(reverse("api-agency-detail", args=[agency.pk]))

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Northshire IDVA" and body["kind"] == "idva"
    assert body["kind_label"] == "Independent domestic violence adviser (IDVA)"
    assert body["accepts_offence_flags"] == ["domestic_abuse"]
    assert body["accepts_risk_levels"] == ["high"]
    assert body["response_target_working_days"] == 1
    text = response.content.decode()
    for internal in ("duty.idva@example.org", "07700 900111", "Secure email"):
        assert internal not in text
    assert not {"contact_email", "contact_phone", "contact_route"} & set(body)


def test_agencies_filter_by_kind_and_their_ids_are_what_a_referral_takes(as_officer):
    idva = AgencyFactory(name="IDVA one", kind=AgencyKind.IDVA)
    AgencyFactory(name="Victim service one", kind=AgencyKind.VICTIM_SERVICE)

    rows = _all(as_officer, "api-agency-list", kind="idva")

    assert [r["id"] for r in rows] == [idva.pk]
    field = ReferralCreateSerializer().fields["agency"]
    assert {r["id"] for r in _all(as_officer, "api-agency-list")} == set(
        field.get_queryset().values_list("pk", flat=True)
    )


def test_a_list_kept_wrongly_in_the_admin_reads_as_any_not_an_error(as_officer):
    agency = AgencyFactory(accepts_offence_flags={"not": "a list"}, accepts_risk_levels="high")
    body = as_officer.get(reverse("api-agency-detail", args=[agency.pk])).json()
    assert (body["accepts_offence_flags"], body["accepts_risk_levels"]) == ([], [])


# --- outcomes and event kinds -------------------------------------------------------------------


def test_event_kinds_are_exactly_the_codes_an_event_takes_with_their_labels(as_officer):
    rows = _all(as_officer, "api-event-kind-list")

    accepted = set(EventSerializer().fields["kind"].choices)
    assert {r["code"] for r in rows} == accepted == set(EventKind.values)
    verdict = next(r for r in rows if r["code"] == "verdict")
    assert verdict == {"code": "verdict", "label": "Verdict", "received_from_court": True}
    arrest = as_officer.get(reverse("api-event-kind-detail", args=["arrest"])).json()
    assert arrest == {"code": "arrest", "label": "Suspect arrested", "received_from_court": False}


def test_outcomes_are_every_way_a_case_can_close(as_officer):
    rows = _all(as_officer, "api-outcome-list")

    assert [(r["code"], r["label"]) for r in rows] == list(CaseOutcome.choices)
    charged = as_officer.get(reverse("api-outcome-detail", args=["charged"]))
    assert charged.json() == {"code": "charged", "label": "Charged or summonsed"}


@pytest.mark.parametrize("name", ["api-event-kind-detail", "api-outcome-detail"])
def test_an_unknown_code_is_not_found(as_officer, name):
    assert as_officer.get(reverse(name, args=["no_such_code"])).status_code == 404


# --- bounded queries ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", LISTS)
def test_a_reference_list_costs_the_same_queries_however_many_rows(
    as_officer, name, django_assert_max_num_queries
):
    for i in range(30):
        AgencyFactory(name=f"Bounded agency {i}")
        OffenceCategory.objects.create(code=f"bounded_{i}", name=f"Bounded {i}", offence_group="X")
    with django_assert_max_num_queries(LIST_QUERIES):
        assert as_officer.get(reverse(name)).status_code == 200


def test_a_reference_record_is_one_query(as_officer, django_assert_max_num_queries):
    agency = AgencyFactory()
    offence_id = OffenceCategory.objects.values_list("pk", flat=True).first()
    for url in (
        reverse("api-agency-detail", args=[agency.pk]),
        reverse("api-offence-detail", args=[offence_id]),
        reverse("api-contact-outcome-detail", args=["no_answer"]),
    ):
        with django_assert_max_num_queries(DETAIL_QUERIES):
            assert as_officer.get(url).status_code == 200


def test_the_reference_lists_are_paged_with_a_count(as_officer):
    for i in range(55):
        SupportAgency.objects.create(name=f"Paged agency {i:02d}", kind=AgencyKind.OTHER)

    first = as_officer.get(reverse("api-agency-list")).json()

    assert first["count"] == SupportAgency.objects.count() and len(first["results"]) == 50
    assert first["next"] and first["previous"] is None
