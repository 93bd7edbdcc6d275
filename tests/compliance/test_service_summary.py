"""The dashboard's service measures from the summary tables: the live figures (medians within
their bucket), under the filters the summary serves, for what each user may see, with the days
after the last refresh counted live and London day edges."""

import dataclasses
import datetime
import secrets

import pytest
from django.urls import reverse

from accounts.models import Role, TeamMembership
from accounts.services import grant_role
from cases.models import (
    Basis,
    BasisSource,
    Case,
    EligibilityBasis,
    NeedsAssessment,
    Party,
    PartyRole,
    Person,
    RiskAssessment,
    RiskQuestionSet,
    SpecialMeasuresRecord,
)
from compliance import service_figures, summary
from compliance.models import ServiceDay, ServiceHoursDay, ServiceSurveyStageDay
from compliance.sources import figures_for
from counting.filters import NO_FILTERS, NOT_RECORDED, Filters, filter_cases
from counting.periods import Period
from referrals.models import AgencyKind, Referral, ReferralStatus
from surveys.models import Answer, Invitation, InvitationStatus, QuestionKind, SurveyRule
from surveys.services import results
from tests.cases.factories import PartyFactory, PersonFactory, victim_of
from tests.compliance.builders import UTC, case_with
from tests.factories import AgencyFactory, TeamFactory, make_user

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 7, 15, 12, 0, tzinfo=UTC)  # 13:00 in London
TODAY = datetime.date(2026, 7, 15)
HOUR = datetime.timedelta(hours=1)
DOMESTIC = "abh_domestic"
P = Period
PERIODS = [
    P(datetime.date(2026, 5, 1), datetime.date(2026, 7, 31)),  # past, today and the future
    P(datetime.date(2026, 5, 31), datetime.date(2026, 6, 1)),  # the London day edge
    P(datetime.date(2026, 6, 1), datetime.date(2026, 7, 14)),  # all in the past
    P(TODAY, TODAY),  # today only: all live
    P(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)),  # in GMT
]
MEDIANS = ("needs_median_hours", "agency_median_response_hours")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


class Records:
    """Hand-made records around a case: needs assessments, bases, risk, referrals, surveys."""

    def __init__(self):
        self.agency = AgencyFactory(kind=AgencyKind.VICTIM_SERVICE, name="Northshire Victims")
        self.marac = AgencyFactory(kind=AgencyKind.MARAC, name="Northshire MARAC")
        self.rule = SurveyRule.objects.filter(template__audience="victim").first()
        self.scale = {
            q.stage: q for q in self.rule.template.questions.filter(kind=QuestionKind.SCALE)
        }

    def case(self, team, reported_at, *, needs=(), **fields) -> Case:
        """A case with a victim assessed `needs` hours after the report (first one counts)."""
        case = case_with(reported_at=reported_at, team=team, **fields)
        for version, hours in enumerate(needs, start=1):
            NeedsAssessment.objects.create(
                party=victim_of(case),
                version=version,
                assessed_at=reported_at + hours * HOUR,
                assessed_by=case.officer,
            )
        return case

    def vulnerable(self, case, *, considered: bool, role=PartyRole.WITNESS):
        party = PartyFactory(case=case, person=PersonFactory(), role=role, now=case.reported_at)
        EligibilityBasis.objects.update_or_create(
            party=party,
            basis=Basis.INTIMIDATED,
            defaults={
                "applies": True,
                "source": BasisSource.OFFICER,
                "assessed_at": case.reported_at,
            },
        )
        if considered:
            SpecialMeasuresRecord.objects.create(
                party=party,
                eligibility="intimidated",
                status="considered",
                considered_at=case.reported_at,
                recorded_by=case.officer,
            )
        return party

    def risk(self, case, *, marac: bool):
        RiskAssessment.objects.create(
            party=victim_of(case),
            question_set=RiskQuestionSet.objects.order_by("-effective_from").first(),
            assessed_at=case.reported_at + HOUR,
            assessed_by=case.officer,
            answers={},
            score=15 if marac else 2,
            actuarial_grade="high" if marac else "standard",
            grade="high" if marac else "standard",
            marac_referral=marac,
        )

    def referral(self, case, sent_at, *, answered_after=None, status=None, marac=False):
        answered = answered_after is not None
        return Referral.objects.create(
            case=case,
            party=victim_of(case),
            agency=self.marac if marac else self.agency,
            status=status or (ReferralStatus.ACCEPTED if answered else ReferralStatus.SENT),
            created_at=sent_at - HOUR,
            sent_at=sent_at,
            responded_at=sent_at + answered_after * HOUR if answered else None,
        )

    def invitation(self, case, created_at, *, status=InvitationStatus.SENT, answers=None):
        invitation = Invitation.objects.create(
            case=case,
            party=victim_of(case),
            template=self.rule.template,
            rule=self.rule,
            audience=self.rule.template.audience,
            nonce=secrets.token_urlsafe(16),
            channel="email",
            status=status,
            created_at=created_at,
            sent_at=None if status == InvitationStatus.PENDING else created_at + HOUR,
            expires_at=created_at + datetime.timedelta(days=28),
        )
        for stage, value in (answers or {}).items():
            Answer.objects.create(
                invitation=invitation, question=self.scale[stage], scale_value=value
            )
        return invitation


PEOPLE = [
    {"sex": "Female", "date_of_birth": datetime.date(2010, 3, 1)},
    {"sex": "Male", "ethnicity": "Asian", "date_of_birth": datetime.date(1980, 1, 1)},
    {},
    {"sex": "Female", "ethnicity": "Asian", "date_of_birth": datetime.date(2001, 6, 1)},
]


@pytest.fixture
def force():
    """A supervisor of team A (and the officer in one restricted case of team B), an officer
    with a restricted case of team B, a supervisor of team B; cases of both teams reported
    across the London day edges, in GMT and BST, today and in the days since the refresh, with
    every kind of record the service measures count."""
    team_a, team_b = TeamFactory(), TeamFactory()
    supervisor = make_user(Role.SUPERVISOR)
    grant_role(user=supervisor, role=Role.OFFICER)
    TeamMembership.objects.create(team=team_a, user=supervisor, is_supervisor=True)
    supervisor_b = make_user(Role.SUPERVISOR)
    TeamMembership.objects.create(team=team_b, user=supervisor_b, is_supervisor=True)
    officer = make_user(Role.OFFICER)
    r = Records()
    a_cases = [
        r.case(team_a, at(2026, 2, 10, 9), needs=[5.2]),  # GMT
        r.case(team_a, at(2026, 5, 31, 22, 59, 59), needs=[3.25, 1.0]),  # 23:59:59 31 May
        r.case(team_a, at(2026, 5, 31, 23, 0, 0), needs=[6.75]),  # midnight: 1 June
        r.case(team_a, at(2026, 6, 10, 9), needs=[30.2], offence_code=DOMESTIC),
        r.case(team_a, at(2026, 6, 12, 9), needs=[50.0], mental_health_demand=True),
        r.case(team_a, at(2026, 6, 20, 9), needs=[100.0], offence_code=DOMESTIC),
        r.case(team_a, at(2026, 7, 13, 9), needs=[2.4]),  # after the refresh below
        r.case(team_a, at(2026, 7, 15, 8), needs=[1.5]),  # today
        r.case(team_a, at(2026, 6, 5, 9), needs=[4.0], restricted=True),
    ]
    b_cases = [
        r.case(team_b, at(2026, 6, 3, 9), needs=[8.0], offence_code=DOMESTIC),
        r.case(team_b, at(2026, 6, 4, 9), needs=[12.6]),
        r.case(team_b, at(2026, 6, 6, 9), needs=[20.0], restricted=True),  # hidden from A
        r.case(team_b, at(2026, 6, 7, 9), needs=[2.0], restricted=True, officer=supervisor),
        r.case(team_b, at(2026, 6, 8, 9), needs=[9.0], restricted=True, officer=officer),
        r.case(team_b, at(2026, 7, 14, 9), needs=[40.0]),  # after the refresh below
    ]
    for case in a_cases[3:6] + b_cases[:3]:
        r.vulnerable(case, considered=case.pk % 2 == 0)
    r.vulnerable(a_cases[0], considered=True, role=PartyRole.VICTIM)
    r.risk(a_cases[3], marac=True)
    r.risk(a_cases[5], marac=False)
    r.risk(b_cases[0], marac=True)
    for index, case in enumerate(a_cases + b_cases):
        sent = case.reported_at + 2 * HOUR
        r.referral(case, sent, answered_after=[1.2, 7.0, 26.0, 60.0, None][index % 5])
        if index % 3 == 0:
            r.referral(case, sent + HOUR, answered_after=3.0, status=ReferralStatus.DECLINED)
        if index % 4 == 0:
            r.referral(case, sent + 2 * HOUR, marac=True)
        r.invitation(
            case,
            case.reported_at + 3 * HOUR,
            status=[InvitationStatus.COMPLETED, InvitationStatus.SENT, InvitationStatus.PENDING][
                index % 3
            ],
            answers={"treatment": 1 + index % 7, "whole_experience": 2} if index % 3 == 0 else None,
        )
    # A referral sent on the London day edge, of a case reported in the spring.
    r.referral(a_cases[0], at(2026, 5, 31, 23, 0, 0), answered_after=5.0)
    # The victims' sex, ethnicity, age and rights vary, for the facets; so do a witness's.
    for index, case in enumerate(a_cases + b_cases):
        victim = victim_of(case)
        Person.objects.filter(pk=victim.person_id).update(**PEOPLE[index % len(PEOPLE)])
        Party.objects.filter(pk=victim.pk).update(enhanced=index % 3 == 0)
    for case in (a_cases[3], b_cases[0]):  # a female victim, then a male one
        witness = r.vulnerable(case, considered=True)
        Person.objects.filter(pk=witness.person_id).update(sex="Female")
    return {
        "supervisor": supervisor,
        "supervisor_b": supervisor_b,
        "officer": officer,
        "team_a": team_a,
        "team_b": team_b,
        "records": r,
    }


def cases_of(user, filters=NO_FILTERS, on=None):
    return filter_cases(Case.objects.visible_to(user), filters, on=on or TODAY)


def live(user, period, filters=NO_FILTERS) -> dict:
    return service_figures.live_service_measures(
        cases_of(user, filters, period.end), period, filters=filters
    )


def from_summary(user, period, filters=NO_FILTERS, now=NOW) -> dict:
    return figures_for(user, filters, on=period.end).service_measures(period, now=now)


def assert_same(got: dict, expected: dict) -> None:
    """Every figure equal; the medians within half a bucket (an hour's, below two days)."""
    assert got.pop("medians_bucketed") is True
    for key in MEDIANS:
        value, exact = got.pop(key), expected.pop(key)
        assert (value is None) == (exact is None), key
        if exact is not None:
            # Below 23.75 h both middle values are below 47.5 h (hourly buckets: within half
            # an hour); above, one may be in the daily buckets (within 12 h, and so is the mean).
            assert abs(value - exact) <= (0.5 if exact < 23.75 else 12), (key, value, exact)
    assert got == expected


@pytest.mark.parametrize("period", PERIODS, ids=["spring", "edge", "past", "today", "gmt"])
def test_the_summary_gives_the_live_figures(force, period):
    summary.refresh(now=datetime.datetime(2026, 7, 12, 12, 0, tzinfo=UTC))
    for user in (force["supervisor"], force["supervisor_b"], force["officer"]):
        expected = live(user, period)
        got = from_summary(user, period)
        assert_same(got, expected)


@pytest.mark.parametrize(
    "filters",
    [
        Filters(team=0),  # team A, filled in below
        Filters(team=-1),  # team B
        Filters(offence_group="Violence against the person"),
        Filters(team=0, offence_group="Theft"),
    ],
    ids=["team A", "team B", "offence group", "team and offence group"],
)
def test_the_summary_gives_the_live_figures_under_the_filters_it_serves(force, filters):
    team = {0: force["team_a"].pk, -1: force["team_b"].pk}.get(filters.team)
    filters = Filters(team=team, offence_group=filters.offence_group)
    summary.refresh(now=NOW)
    for period in PERIODS:
        for user in (force["supervisor"], force["supervisor_b"], force["officer"]):
            assert_same(from_summary(user, period, filters), live(user, period, filters))


def test_the_figures_are_not_empty_and_medians_are_to_the_nearest_hour(force):
    summary.refresh(now=NOW)
    period = PERIODS[2]
    got = from_summary(force["supervisor"], period)
    exact = live(force["supervisor"], period)
    assert got["cases"] == exact["cases"] >= 8
    assert got["da_victims"] >= 2 and got["marac_flagged"] >= 1 and got["referrals_sent"] >= 8
    assert got["vulnerable_or_intimidated"] >= 3 and got["surveys"]["stages"]
    assert got["needs_median_hours"] == round(got["needs_median_hours"] * 2) / 2
    assert got["surveys"] == results(
        Invitation.objects.filter(
            case__in=cases_of(force["supervisor"]),
            created_at__gt=period.start_at,
            created_at__lte=period.end_at,
        )
    )


def test_a_restricted_case_is_counted_only_for_those_who_may_see_it(force):
    summary.refresh(now=NOW)
    period = PERIODS[2]
    everyone = service_figures.live_service_measures(Case.objects.all(), period)["cases"]
    hidden_from = {
        # team A's supervisor: not team B's two other restricted cases
        "supervisor": 2,
        # team B's supervisor: not team A's restricted case
        "supervisor_b": 1,
        # an officer: only their own restricted case
        "officer": 3,
    }
    for name, hidden in hidden_from.items():
        assert from_summary(force[name], period)["cases"] == everyone - hidden, name


def test_a_witness_care_officer_is_counted_live_from_their_units_cases(force):
    unit = TeamFactory()
    wcu = make_user(Role.WITNESS_CARE)
    TeamMembership.objects.create(team=unit, user=wcu)
    case = Case.objects.filter(team=force["team_b"], restricted=True).first()
    Case.objects.filter(pk=case.pk).update(wcu_team=unit)
    summary.refresh(now=NOW)
    assert not summary.serves(wcu, NO_FILTERS)
    for period in PERIODS:
        # The summary does not describe their view: their page counts every record, with
        # exact medians.
        assert from_summary(wcu, period) == live(wcu, period)
    assert from_summary(wcu, PERIODS[2])["cases"] == 1


def test_days_after_the_refresh_are_counted_live(force):
    summary.refresh(now=datetime.datetime(2026, 7, 12, 12, 0, tzinfo=UTC))
    period = P(datetime.date(2026, 7, 1), datetime.date(2026, 7, 14))
    user = force["supervisor"]
    before = from_summary(user, period)
    assert before["cases"] == 2  # reported on 13 and 14 July: counted live
    # A case reported on a day the summary holds is not seen until the next refresh; one
    # reported since is.
    force["records"].case(force["team_a"], at(2026, 7, 5, 9), needs=[3.0])
    force["records"].case(force["team_a"], at(2026, 7, 13, 20), needs=[3.0])
    assert from_summary(user, period)["cases"] == 3
    summary.refresh(now=NOW)
    assert from_summary(user, period)["cases"] == live(user, period)["cases"] == 4


def test_the_summary_is_read_for_the_days_it_holds(force):
    summary.refresh(now=NOW)
    period = PERIODS[2]
    user = force["supervisor_b"]  # who sees no restricted case outside their team
    built = from_summary(user, period)
    NeedsAssessment.objects.all().delete()
    Referral.objects.all().delete()
    assert from_summary(user, period) == built
    assert live(user, period)["needs_assessed"] == 0.0


def test_before_the_first_refresh_everything_is_counted_live(force):
    for period in PERIODS[:3]:
        assert_same(from_summary(force["supervisor"], period), live(force["supervisor"], period))


def summary_service(user, period, filters) -> dict:
    """The service figures from the summary whatever the duty figures' source (a facet with a
    team is read live for the duty figures, from the summary for these)."""
    tally = summary.service_tally(
        user,
        period,
        cases=cases_of(user, filters, period.end),
        filters=filters,
        now=NOW,
        on=period.end,
    )
    return service_figures.figures_from_tally(tally)


FACETS = {
    "officer": Filters(officer=0),  # the officer, filled in below
    "enhanced": Filters(enhanced=True),
    "standard": Filters(enhanced=False),
    "female": Filters(sex="Female"),
    "sex not recorded": Filters(sex=NOT_RECORDED),
    "ethnicity": Filters(ethnicity="Asian"),
    "under 18": Filters(age_band="under-18"),
    "25 to 34": Filters(age_band="25-34"),
    "age not recorded": Filters(age_band=NOT_RECORDED),
    "team and sex": Filters(team=-1, sex="Female"),  # team A
    "team and enhanced": Filters(team=-2, enhanced=True),  # team B
}


def test_the_service_summary_gives_the_live_figures_under_a_facet(force):
    # One force and one rebuild for every facet: building the force is most of the time.
    summary.refresh(now=datetime.datetime(2026, 7, 12, 12, 0, tzinfo=UTC))
    for name, filters in FACETS.items():
        fill = {
            "officer": force["officer"].pk if filters.officer == 0 else filters.officer,
            "team": {-1: force["team_a"].pk, -2: force["team_b"].pk}.get(filters.team),
        }
        filters = dataclasses.replace(filters, **fill)
        assert summary.can_serve_service(filters), name
        counted = 0
        # Every period as the supervisor, and every user over the first period: the periods'
        # edges are the same code under every facet; who sees which restricted case is not.
        users = (force["supervisor"], force["supervisor_b"], force["officer"])
        pairs = [(period, users[0]) for period in PERIODS]
        pairs += [(PERIODS[0], user) for user in users[1:]]
        for period, user in pairs:
            expected = live(user, period, filters)
            counted += expected["cases"] + expected["vulnerable_or_intimidated"]
            assert_same(summary_service(user, period, filters), expected)
        assert counted > 0, name


def test_two_facets_or_a_facet_with_an_offence_group_are_counted_live(force):
    for filters in (
        Filters(sex="Female", enhanced=True),
        Filters(officer=force["officer"].pk, age_band="under-18"),
        Filters(sex="Female", offence_group="Theft"),
    ):
        assert not summary.can_serve_service(filters)
        summary.refresh(now=NOW)
        got = from_summary(force["supervisor"], PERIODS[0], filters)
        assert "medians_bucketed" not in got
        assert got == live(force["supervisor"], PERIODS[0], filters)


def test_refresh_rolls_up_unrestricted_cases_and_is_idempotent(force):
    summary.refresh(now=NOW)

    def rows():
        return {
            model: sorted(
                model.objects.values_list(
                    *[f.attname for f in model._meta.concrete_fields if f.attname != "id"]
                ),
                key=repr,
            )
            for model in (ServiceDay, ServiceHoursDay, ServiceSurveyStageDay)
        }

    first = rows()
    summary.refresh(now=NOW)
    assert rows() == first
    teams = ServiceDay.objects.filter(team__isnull=False)
    assert sum(teams.values_list("cases", flat=True)) == Case.objects.count()
    unrestricted = sum(teams.filter(restricted=False).values_list("referrals_sent", flat=True))
    assert unrestricted == (
        Referral.objects.filter(sent_at__isnull=False, case__restricted=False).count()
    )
    force = ServiceDay.objects.filter(team__isnull=True)
    by_group = force.filter(offence_group__isnull=False).values_list("referrals_sent", flat=True)
    every_group = force.filter(offence_group__isnull=True).values_list("referrals_sent", flat=True)
    assert sum(by_group) == sum(every_group) == unrestricted
    assert not force.filter(restricted=True).exists()


def test_the_refresh_buckets_hours_as_hours_bucket_does(force):
    summary.refresh(now=NOW)
    expected: dict[int, int] = {}
    for case in Case.objects.all():
        first = NeedsAssessment.objects.filter(party=victim_of(case)).order_by("assessed_at")
        if first:
            hours = (first[0].assessed_at - case.reported_at).total_seconds() / 3600
            bucket = summary.hours_bucket(hours)
            expected[bucket] = expected.get(bucket, 0) + 1
    found: dict[int, int] = {}
    for hours, count in ServiceHoursDay.objects.filter(
        measure="needs", team__isnull=False
    ).values_list("hours", "count"):
        found[hours] = found.get(hours, 0) + count
    assert found == expected


@pytest.mark.parametrize(
    ("hours", "bucket"),
    [(0.49, 0), (0.5, 1), (-0.6, -1), (47.49, 47), (47.5, 48), (59.9, 48), (60, 72), (5000, 2160)],
)
def test_hours_are_bucketed_by_the_hour_then_by_the_day(hours, bucket):
    assert summary.hours_bucket(hours) == bucket


def test_the_median_of_a_histogram_is_the_median_of_its_buckets():
    assert service_figures.bucketed_median({}) is None
    assert service_figures.bucketed_median({3: 1, 5: 1, 9: 1}) == 5.0
    assert service_figures.bucketed_median({3: 2, 6: 2}) == 4.5
    assert service_figures.bucketed_median({1: 5, 48: 1, 72: 3}) == 1.0


def test_the_dashboard_says_its_medians_are_to_the_nearest_hour(force, client):
    summary.refresh(now=NOW)
    client.force_login(force["supervisor"])
    june = {"start": "2026-06-01", "end": "2026-06-30"}
    page = client.get(reverse("compliance-dashboard"), june)
    assert page.status_code == 200
    assert "Medians are to the nearest hour" in page.content.decode()
    by_officer = client.get(
        reverse("compliance-dashboard"), {**june, "officer": force["officer"].pk}
    )
    assert "Medians are to the nearest hour" not in by_officer.content.decode()
