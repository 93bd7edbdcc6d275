"""The victim personal statement page of the compliance dashboard: offers and statements made by
stage and by equality group, out of the people owed an offer, and who was never offered one."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services as accounts_services
from accounts.models import Role
from cases import services
from cases.models import EventKind, VpsStage, VpsStatus
from compliance import vps_figures
from counting.filters import NO_FILTERS, Filters, filter_duties
from counting.periods import Period
from entitlements.models import Duty
from tests.cases.factories import CaseFactory, offence, victim_of
from tests.factories import make_user

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
JUNE = Period(datetime.date(2026, 6, 1), datetime.date(2026, 6, 30))
JUNE_QUERY = {"start": "2026-06-01", "end": "2026-06-30"}
NOW = datetime.datetime(2026, 7, 1, 9, tzinfo=UTC)


def at(day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(2026, 6, day, hour, tzinfo=UTC)


def reported_case(*, sex: str, ethnicity: str, **fields):
    return CaseFactory(
        offence=offence("theft_other"),
        occurred_at=at(1, 8),
        reported_at=at(1, 9),
        now=at(1, 9),
        victim={
            "first_name": "Vic",
            "last_name": "Timson",
            "sex": sex,
            "ethnicity": ethnicity,
            "date_of_birth": datetime.date(1990, 1, 1),
        },
        **fields,
    )


def event(case, kind, day):
    extra = {"received_at": at(day), "outcome": "Guilty"} if kind == EventKind.VERDICT else {}
    services.record_event(
        case=case, by=case.officer, kind=kind, occurred_at=at(day), now=at(day), **extra
    )


def offer(case, stage, status, day=11):
    services.record_vps(
        party=victim_of(case), by=case.officer, stage=stage, status=status, now=at(day)
    )


@pytest.fixture
def supervisor():
    return make_user(Role.SUPERVISOR)


@pytest.fixture
def three_victims():
    """Ann (female, White British): declined when the statement was taken, made one at charge,
    not offered before sentence. Ben (male, Black Caribbean): charged, never offered. Cat
    (female, ethnicity not recorded): wants to make one later."""
    ann = reported_case(sex="Female", ethnicity="White British")
    event(ann, EventKind.CHARGE, 3)
    event(ann, EventKind.VERDICT, 10)
    offer(ann, VpsStage.STATEMENT, VpsStatus.DECLINED, day=2)
    offer(ann, VpsStage.CHARGE, VpsStatus.TAKEN, day=4)
    ben = reported_case(sex="Male", ethnicity="Black Caribbean")
    event(ben, EventKind.CHARGE, 3)
    cat = reported_case(sex="Female", ethnicity="")
    offer(cat, VpsStage.STATEMENT, VpsStatus.LATER, day=2)
    return ann, ben, cat


def figures_for(user, filters: Filters = NO_FILTERS):
    duties = filter_duties(Duty.objects.visible_to(user), filters, on=JUNE.end)
    return vps_figures.vps_figures(duties, JUNE, now=NOW, on=JUNE.end)


def counts(stage) -> tuple:
    return (stage.owed, stage.offered, stage.made, stage.declined, stage.later, stage.not_offered)


def test_offers_and_statements_by_stage_out_of_the_people_owed_one(supervisor, three_victims):
    figures = figures_for(supervisor)
    statement, charge, sentence = figures.stages
    assert (statement.label, charge.label, sentence.label) == (
        "When the statement was taken",
        "At charge",
        "Before sentence",
    )
    assert counts(statement) == (3, 2, 0, 1, 1, 1)
    assert counts(charge) == (2, 1, 1, 0, 0, 1)
    assert counts(sentence) == (1, 0, 0, 0, 0, 1)
    assert (charge.offered_percent, charge.made_percent) == (50.0, 50.0)
    people = figures.people
    assert (people.people, people.never_offered, people.follow_up) == (3, 1, 1)
    assert people.never_offered_percent == 33.3


def test_each_equality_group_shows_who_was_never_offered_one(supervisor, three_victims):
    breakdowns = dict(figures_for(supervisor).breakdowns)
    assert list(breakdowns) == ["Sex", "Ethnicity", "Age band"]
    by_sex = {group.label: group for group in breakdowns["Sex"]}
    assert list(by_sex) == ["Female", "Male"]
    female, male = by_sex["Female"], by_sex["Male"]
    assert [counts(s) for s in female.stages] == [
        (2, 2, 0, 1, 1, 0),
        (1, 1, 1, 0, 0, 0),
        (1, 0, 0, 0, 0, 1),
    ]
    assert (female.people.people, female.people.never_offered, female.people.follow_up) == (2, 0, 1)
    assert [counts(s) for s in male.stages] == [
        (1, 0, 0, 0, 0, 1),
        (1, 0, 0, 0, 0, 1),
        (0, 0, 0, 0, 0, 0),
    ]
    assert (male.people.people, male.people.never_offered) == (1, 1)
    assert male.stages[2].offered_percent is None  # nobody owed: no percentage
    ethnicities = [group.label for group in breakdowns["Ethnicity"]]
    assert ethnicities == ["Black Caribbean", "White British", "Not recorded"]
    [band] = breakdowns["Age band"]
    assert band.people.people == 3 and band.label != "Not recorded"


def test_the_equality_filters_narrow_the_people_counted(supervisor, three_victims):
    figures = figures_for(supervisor, Filters(sex="Male"))
    assert (figures.people.people, figures.people.never_offered) == (1, 1)
    assert [s.owed for s in figures.stages] == [1, 1, 0]


def test_an_offer_not_due_in_the_period_and_withdrawn_duties_are_not_counted(supervisor):
    case = reported_case(sex="Female", ethnicity="White British")
    event(case, EventKind.CHARGE, 3)
    charge = case.events.get(kind=EventKind.CHARGE)
    services.withdraw_event(event=charge, by=case.officer, reason="Wrong case", now=at(4))
    figures = figures_for(supervisor)
    assert [s.owed for s in figures.stages] == [1, 0, 0]
    july = vps_figures.vps_figures(
        Duty.objects.visible_to(supervisor),
        Period(datetime.date(2026, 7, 1), datetime.date(2026, 7, 31)),
        now=NOW,
        on=datetime.date(2026, 7, 31),
    )
    assert july.people.people == 0


def test_a_restricted_case_is_never_counted_for_a_supervisor_who_cannot_see_it(supervisor):
    hidden = reported_case(sex="Female", ethnicity="White British", restricted=True)
    assert figures_for(supervisor).people.people == 0
    accounts_services.add_to_team(team=hidden.team, user=supervisor, is_supervisor=True)
    assert figures_for(supervisor).people.people == 1


def test_the_page_shows_counts_behind_percentages_and_the_never_offered(
    client, supervisor, three_victims
):
    client.force_login(supervisor)
    response = client.get(reverse("compliance-vps"), JUNE_QUERY)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1" in page and "Victim personal statement offers" in page
    assert "<strong>1</strong> of 3 people" in page and "(33.3%)" in page
    assert '<th scope="row">At charge</th>' in page
    assert "<td>1 (50.0%)</td>" in page
    assert '<th scope="rowgroup" rowspan="4">Black Caribbean</th>' in page
    assert "Timson" not in page  # counts only, never a name
    dashboard = client.get(reverse("compliance-dashboard"), JUNE_QUERY).content.decode()
    assert reverse("compliance-vps") in dashboard


def test_the_page_is_for_those_who_may_see_compliance(client, three_victims):
    client.force_login(make_user(Role.OFFICER))
    assert client.get(reverse("compliance-vps"), JUNE_QUERY).status_code == 403
    client.logout()
    assert client.get(reverse("compliance-vps")).status_code == 302


def test_the_page_refuses_a_bad_period_on_its_field(client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("compliance-vps"), {"start": "2026-06-30", "end": "2026-06-01"})
    assert response.status_code == 400


def _page_queries(client) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("compliance-vps"), {**JUNE_QUERY, "sex": "Female"})
    assert response.status_code == 200
    return len(queries)


def test_the_page_query_count_does_not_grow_with_the_people(
    client, supervisor, django_assert_max_num_queries
):
    client.force_login(supervisor)
    reported_case(sex="Female", ethnicity="White British")
    with_one = _page_queries(client)
    for n in range(6):
        case = reported_case(sex="Female", ethnicity=f"Group {n}")
        event(case, EventKind.CHARGE, 3)
        offer(case, VpsStage.CHARGE, VpsStatus.TAKEN, day=4)
    assert _page_queries(client) == with_one, with_one
    cache.clear()
    with django_assert_max_num_queries(16):
        client.get(reverse("compliance-vps"), JUNE_QUERY)
