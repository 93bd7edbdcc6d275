"""Each filter's arithmetic on a small hand-built force: team, officer, offence group, rights, and
the victim's age band (at the report date, in London), sex and ethnicity, "not recorded" too."""

import datetime
import re

import pytest
from django.urls import reverse

from accounts import services as accounts_services
from accounts.models import Role
from cases.models import Case
from compliance import service_figures
from compliance.forms import MonthForm, PeriodForm
from compliance.outcomes import outcome_counts
from counting.filters import NOT_RECORDED, Filters, filter_cases, filter_duties
from counting.periods import Period
from entitlements.models import Duty
from tests.compliance.builders import UTC, S, case_with, duty
from tests.factories import TeamFactory, make_user

pytestmark = pytest.mark.django_db

JUNE = Period(datetime.date(2026, 6, 1), datetime.date(2026, 6, 30))
NOW = datetime.datetime(2026, 7, 15, 12, 0, tzinfo=UTC)
DUE = datetime.datetime(2026, 6, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def force():
    """Four cases, six duties (all R7, due 20 June):

    minor  team 1, officer 1, Theft, 17 at report, no sex/ethnicity: met (enhanced), missed
    adult  team 1, officer 1, Theft, 18 at report (London date), Male, Asian British: met
    abuse  team 2, officer 2, Violence, no date of birth, Female, White British: late, met (both
           enhanced)
    elder  team 1, officer 2, Burglary, 76, nothing else recorded: missed
    """
    team1, team2 = TeamFactory(name="North"), TeamFactory(name="South")
    officer1, officer2 = make_user(Role.OFFICER), make_user(Role.OFFICER)
    june10 = datetime.datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
    minor = case_with(
        reported_at=june10,
        team=team1,
        officer=officer1,
        enhanced=True,
        victim={"date_of_birth": datetime.date(2008, 6, 11)},  # 18 the day after
    )
    # 23:30 UTC on 10 June is 00:30 on 11 June in London: the 18th birthday.
    adult = case_with(
        reported_at=datetime.datetime(2026, 6, 10, 23, 30, tzinfo=UTC),
        team=team1,
        officer=officer1,
        victim={
            "date_of_birth": datetime.date(2008, 6, 11),
            "sex": "Male",
            "ethnicity": "Asian British",
        },
    )
    abuse = case_with(
        reported_at=june10,
        offence_code="abh_domestic",
        team=team2,
        officer=officer2,
        enhanced=True,
        victim={"sex": "Female", "ethnicity": "White British"},
    )
    elder = case_with(
        reported_at=june10,
        offence_code="burglary_residential",
        team=team1,
        officer=officer2,
        victim={"date_of_birth": datetime.date(1950, 1, 1)},
    )
    duty(minor, S.MET, due_at=DUE, enhanced=True)
    duty(minor, S.MISSED, due_at=DUE)
    duty(adult, S.MET, due_at=DUE)
    duty(abuse, S.MET_LATE, due_at=DUE, enhanced=True)
    duty(abuse, S.MET, due_at=DUE, enhanced=True)
    duty(elder, S.MISSED, due_at=DUE)
    return {
        "team1": team1, "team2": team2, "officer1": officer1, "officer2": officer2,
        "minor": minor, "adult": adult, "abuse": abuse, "elder": elder,
    }  # fmt: skip


def counted(filters: Filters) -> tuple[int, int, float | None]:
    duties = filter_duties(Duty.objects.all(), filters, on=JUNE.end)
    [row] = outcome_counts(duties, JUNE, now=NOW)
    return row["total"], row["met"], row["on_time"]


def cases_for(filters: Filters) -> set[int]:
    return set(filter_cases(Case.objects.all(), filters, on=JUNE.end).values_list("pk", flat=True))


def test_no_filter_counts_every_duty(force):
    assert counted(Filters()) == (6, 3, 50.0)


def test_team_filter(force):
    assert counted(Filters(team=force["team1"].pk)) == (4, 2, 50.0)
    assert counted(Filters(team=force["team2"].pk)) == (2, 1, 50.0)
    assert cases_for(Filters(team=force["team2"].pk)) == {force["abuse"].pk}


def test_officer_filter_by_id(force):
    assert counted(Filters(officer=force["officer2"].pk)) == (3, 1, 33.3)
    assert cases_for(Filters(officer=force["officer1"].pk)) == {
        force["minor"].pk,
        force["adult"].pk,
    }


def test_offence_group_filter(force):
    assert counted(Filters(offence_group="Theft")) == (3, 2, 66.7)
    assert counted(Filters(offence_group="Violence against the person")) == (2, 1, 50.0)
    assert counted(Filters(offence_group="Fraud")) == (0, 0, None)


def test_enhanced_filter_uses_the_duty_timing_and_the_victims_status(force):
    assert counted(Filters(enhanced=True)) == (3, 2, 66.7)
    assert counted(Filters(enhanced=False)) == (3, 1, 33.3)
    assert cases_for(Filters(enhanced=True)) == {force["minor"].pk, force["abuse"].pk}
    assert cases_for(Filters(enhanced=False)) == {force["adult"].pk, force["elder"].pk}


@pytest.mark.parametrize(
    ("band", "expected", "case_names"),
    [
        ("under-18", (2, 1, 50.0), {"minor"}),  # 17 on the report date, 18 today
        ("18-24", (1, 1, 100.0), {"adult"}),  # 18 on the London date of the report
        ("25-34", (0, 0, None), set()),
        ("65-plus", (1, 0, 0.0), {"elder"}),
        (NOT_RECORDED, (2, 1, 50.0), {"abuse"}),
    ],
)
def test_age_band_is_worked_out_at_the_report_date(force, band, expected, case_names):
    assert counted(Filters(age_band=band)) == expected
    assert cases_for(Filters(age_band=band)) == {force[name].pk for name in case_names}


def test_sex_and_ethnicity_filters_with_not_recorded(force):
    assert counted(Filters(sex="Female")) == (2, 1, 50.0)
    assert counted(Filters(sex="Male")) == (1, 1, 100.0)
    assert counted(Filters(sex=NOT_RECORDED)) == (3, 1, 33.3)
    assert counted(Filters(ethnicity="White British")) == (2, 1, 50.0)
    assert counted(Filters(ethnicity=NOT_RECORDED)) == (3, 1, 33.3)
    assert cases_for(Filters(sex=NOT_RECORDED)) == {
        force["minor"].pk,
        force["elder"].pk,
    }


def test_filters_combine(force):
    both = Filters(team=force["team1"].pk, enhanced=False, sex=NOT_RECORDED)
    assert counted(both) == (2, 0, 0.0)  # the minor's missed duty and the elder's


def test_service_measures_count_only_the_chosen_victims(force):
    def victims(filters):
        cases = filter_cases(Case.objects.all(), filters, on=JUNE.end)
        return service_figures.live_service_measures(cases, JUNE, filters=filters)["victims"]

    assert victims(Filters()) == 4
    assert victims(Filters(sex="Female")) == 1
    assert victims(Filters(age_band="under-18")) == 1
    assert victims(Filters(enhanced=False, team=force["team1"].pk)) == 2


def test_the_recorded_values_are_offered_with_not_recorded(force, client):
    supervisor = make_user(Role.SUPERVISOR)
    client.force_login(supervisor)
    page = client.get(reverse("compliance-dashboard")).content.decode()
    for value in ("Female", "Male", "White British", "Asian British", "Not recorded"):
        assert f">{value}</option>" in page


def test_filter_links_carry_ids_never_names(force, client):
    supervisor = make_user(Role.SUPERVISOR)
    accounts_services.add_to_team(team=force["team1"], user=supervisor, is_supervisor=True)
    client.force_login(supervisor)
    officer = force["officer2"]
    # The officer filter offers only officers of the supervisor's teams.
    accounts_services.add_to_team(team=force["team1"], user=officer)
    response = client.get(
        reverse("compliance-dashboard"),
        {"start": "2026-06-01", "end": "2026-06-30", "officer": officer.pk, "sex": "Female"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    hrefs = re.findall(r'href="([^"]*)"', page)
    drill = [h for h in hrefs if h.startswith(reverse("compliance-drill-down"))]
    assert drill and all(f"officer={officer.pk}" in h for h in drill)
    assert not any(officer.first_name in h or officer.last_name in h for h in hrefs)
    # The figures are the filtered ones: officer 2's Female victim has 2 duties due, 1 late.
    assert response.context["rows"][0]["enhanced"]["total"] == 2


def test_drill_down_applies_the_filters(force, client):
    client.force_login(make_user(Role.SUPERVISOR))
    common = {"start": "2026-06-01", "end": "2026-06-30", "rule": "R7", "outcome": "missed"}
    everyone = client.get(reverse("compliance-drill-down"), common).content.decode()
    assert force["minor"].crime_reference in everyone and force["elder"].crime_reference in everyone
    elderly = client.get(
        reverse("compliance-drill-down"), {**common, "age_band": "65-plus"}
    ).content.decode()
    assert force["elder"].crime_reference in elderly
    assert force["minor"].crime_reference not in elderly


def test_bad_filters_get_a_clear_error(client):
    client.force_login(make_user(Role.SUPERVISOR))
    response = client.get(
        reverse("compliance-dashboard"), {"start": "2026-06-30", "end": "2026-06-01"}
    )
    assert response.status_code == 400
    assert "must be on or before its end" in response.content.decode()
    too_long = client.get(
        reverse("compliance-dashboard"), {"start": "2020-01-01", "end": "2026-06-01"}
    )
    assert too_long.status_code == 400 and "three years or less" in too_long.content.decode()
    unknown = client.get(reverse("compliance-dashboard"), {"officer": "999999", "sex": "nobody"})
    assert unknown.status_code == 400
    assert "Select a valid choice" in unknown.content.decode()


def test_the_forms_count_from_the_day_the_view_passes():
    day = datetime.date(2026, 3, 31)
    assert PeriodForm(today=day).period() == Period(datetime.date(2026, 3, 2), day)
    month = MonthForm({"month": ""}, today=day)
    assert month.is_valid()
    assert month.cleaned_data["month"] == Period.month(2026, 2)
