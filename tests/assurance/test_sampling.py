"""Drawing a dip sample: reproducible, scoped to the supervisor's teams and to what they may see."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts import services as accounts_services
from accounts.models import Role
from assurance import services
from assurance.forms import SampleForm
from assurance.models import ChecklistVersion, SampleCase
from cases.models import Case
from counting.periods import Period
from tests.factories import TeamFactory, make_user

from .conftest import JUNE, UTC, make_case

pytestmark = pytest.mark.django_db


def drawn_ids(sample) -> list[int]:
    return list(SampleCase.objects.filter(sample=sample).values_list("case_id", flat=True))


def test_same_seed_over_the_same_cases_draws_the_same_cases_in_md5_order(
    team_supervisor, team, team_cases
):
    first = services.create_sample(
        by=team_supervisor, team=team, officer=None, period=JUNE, size=5, seed="audit-1"
    )
    again = services.create_sample(
        by=team_supervisor, team=team, officer=None, period=JUNE, size=5, seed="audit-1"
    )
    expected = sorted((c.pk for c in team_cases), key=lambda pk: services.draw_key("audit-1", pk))
    assert drawn_ids(first) == expected[:5]
    assert drawn_ids(again) == expected[:5]
    assert first.seed == "audit-1"
    positions = list(first.sample_cases.values_list("position", flat=True))
    assert positions == [1, 2, 3, 4, 5]


def test_another_seed_draws_in_its_own_order(team_supervisor, team, team_cases):
    sample = services.create_sample(
        by=team_supervisor, team=team, officer=None, period=JUNE, size=12, seed="other"
    )
    expected = sorted((c.pk for c in team_cases), key=lambda pk: services.draw_key("other", pk))
    assert drawn_ids(sample) == expected


def test_a_sample_without_a_seed_gets_a_random_one_and_keeps_it(team_supervisor, team, team_cases):
    sample = services.create_sample(
        by=team_supervisor, team=team, officer=None, period=JUNE, size=5
    )
    assert len(sample.seed) == 16
    expected = sorted((c.pk for c in team_cases), key=lambda pk: services.draw_key(sample.seed, pk))
    assert drawn_ids(sample) == expected[:5]


def test_sample_records_the_officer_whose_work_was_drawn(team_supervisor, team, team_cases):
    sample = services.create_sample(
        by=team_supervisor, team=team, officer=None, period=JUNE, size=12, seed="s"
    )
    for sample_case in sample.sample_cases.select_related("case"):
        assert sample_case.officer_id == sample_case.case.officer_id


def test_an_officers_sample_draws_only_their_cases_in_the_team(
    team_supervisor, team, team_officers, team_cases
):
    officer = team_officers[0]
    elsewhere = TeamFactory()
    accounts_services.add_to_team(team=elsewhere, user=officer)
    make_case(team=elsewhere, officer=officer)  # not this team's case
    sample = services.create_sample(
        by=team_supervisor, team=team, officer=officer, period=JUNE, size=20, seed="s"
    )
    expected = {c.pk for c in team_cases if c.officer_id == officer.pk}
    assert set(drawn_ids(sample)) == expected
    assert len(expected) == 4


def test_only_cases_reported_in_the_period_in_london_time_are_drawn(
    team_supervisor, team, team_officers
):
    officer = team_officers[0]
    # 23:30 UTC on 31 May is 00:30 on 1 June in London (BST): in June.
    inside = make_case(
        team=team, officer=officer, reported_at=datetime.datetime(2026, 5, 31, 23, 30, tzinfo=UTC)
    )
    # 23:30 UTC on 30 June is 00:30 on 1 July in London: not in June.
    make_case(
        team=team, officer=officer, reported_at=datetime.datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    )
    make_case(
        team=team, officer=officer, reported_at=datetime.datetime(2026, 5, 31, 22, 30, tzinfo=UTC)
    )
    sample = services.create_sample(
        by=team_supervisor, team=team, officer=None, period=JUNE, size=10, seed="s"
    )
    assert drawn_ids(sample) == [inside.pk]


def test_restricted_cases_the_supervisor_cannot_see_are_never_candidates(team, team_officers):
    """Candidates start from Case.objects.visible_to: a supervisor of another team sees a team's
    ordinary cases but never its restricted ones."""
    open_case = make_case(team=team, officer=team_officers[0])
    make_case(team=team, officer=team_officers[0], restricted=True)
    outsider = make_user(Role.SUPERVISOR)
    accounts_services.add_to_team(team=TeamFactory(), user=outsider, is_supervisor=True)
    candidates = services.candidate_cases(by=outsider, team=team, officer=None, period=JUNE)
    assert list(candidates.values_list("pk", flat=True)) == [open_case.pk]
    assert services.draw(candidates, seed="s", size=20) == [(open_case.pk, team_officers[0].pk)]


def test_the_teams_own_supervisor_draws_its_restricted_cases(team_supervisor, team, team_officers):
    restricted = make_case(team=team, officer=team_officers[0], restricted=True)
    sample = services.create_sample(
        by=team_supervisor, team=team, officer=None, period=JUNE, size=5, seed="s"
    )
    assert drawn_ids(sample) == [restricted.pk]


def test_a_supervisor_cannot_sample_a_team_they_do_not_supervise(team, team_cases):
    outsider = make_user(Role.SUPERVISOR)
    accounts_services.add_to_team(team=team, user=outsider)  # a member, not its supervisor
    with pytest.raises(ValidationError) as error:
        services.create_sample(by=outsider, team=team, officer=None, period=JUNE, size=5)
    assert "team" in error.value.error_dict


def test_the_officer_must_be_in_the_chosen_team(team_supervisor, team, team_cases):
    stranger = make_user(Role.OFFICER)
    make_case(team=team, officer=stranger)
    with pytest.raises(ValidationError) as error:
        services.create_sample(by=team_supervisor, team=team, officer=stranger, period=JUNE, size=5)
    assert "officer" in error.value.error_dict


def test_the_form_offers_only_supervised_teams_and_their_officers(
    team_supervisor, team, team_officers
):
    other_team = TeamFactory()
    other_officer = make_user(Role.OFFICER)
    accounts_services.add_to_team(team=other_team, user=other_officer)
    form = SampleForm(user=team_supervisor)
    assert list(form.fields["team"].queryset) == [team]
    offered = set(form.fields["officer"].queryset)
    assert set(team_officers) <= offered
    assert other_officer not in offered


@pytest.mark.parametrize("size", [0, 51])
def test_sample_size_is_bounded(team_supervisor, team, team_cases, size):
    with pytest.raises(ValidationError):
        services.create_sample(by=team_supervisor, team=team, officer=None, period=JUNE, size=size)


def test_a_period_without_cases_is_refused_with_a_clear_message(team_supervisor, team):
    with pytest.raises(ValidationError, match="No cases"):
        services.create_sample(by=team_supervisor, team=team, officer=None, period=JUNE, size=5)


def test_a_sample_keeps_the_checklist_in_force_on_the_day_it_was_drawn(
    team_supervisor, team, team_cases
):
    first = ChecklistVersion.objects.get()
    later = ChecklistVersion.objects.create(
        name="Second version", effective_from=datetime.date(2026, 7, 1), source="Test"
    )
    june = services.create_sample(
        by=team_supervisor,
        team=team,
        officer=None,
        period=JUNE,
        size=5,
        today=datetime.date(2026, 6, 30),
    )
    july = services.create_sample(
        by=team_supervisor,
        team=team,
        officer=None,
        period=JUNE,
        size=5,
        today=datetime.date(2026, 7, 1),
    )
    assert june.checklist_version == first
    assert july.checklist_version == later
    assert Case.objects.count() == 12


@pytest.mark.parametrize(
    ("period", "field"),
    [
        (Period(datetime.date(2026, 6, 1), datetime.date(2026, 7, 1)), "period_end"),
        (Period(datetime.date(1899, 12, 31), datetime.date(2026, 6, 30)), "period_start"),
    ],
)
def test_a_period_ending_ahead_or_starting_before_1900_is_a_field_error(
    team_supervisor, team, team_cases, period, field
):
    with pytest.raises(ValidationError) as refused:
        services.create_sample(
            by=team_supervisor,
            team=team,
            officer=None,
            period=period,
            size=5,
            today=datetime.date(2026, 6, 30),
        )
    assert list(refused.value.message_dict) == [field]


def test_a_period_ending_today_is_drawn(team_supervisor, team, team_cases):
    sample = services.create_sample(
        by=team_supervisor,
        team=team,
        officer=None,
        period=JUNE,
        size=5,
        today=datetime.date(2026, 6, 30),
    )
    assert sample.period_end == datetime.date(2026, 6, 30)
