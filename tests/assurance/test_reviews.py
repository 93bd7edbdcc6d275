"""Reviewing sampled cases against the checklist, the results per area and officer, and the
figures the compliance dashboard shows."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import Role
from assurance import services
from assurance.forms import ReviewForm
from assurance.models import Answer, ChecklistItem, ChecklistVersion, Result, Review
from cases.models import Case
from cases.services import EditConflict
from counting.periods import Period
from tests.factories import make_user

from .conftest import JUNE, UTC, make_case

pytestmark = pytest.mark.django_db

MET, NOT_MET, NA = Result.MET, Result.NOT_MET, Result.NOT_APPLICABLE
IN_JUNE = datetime.datetime(2026, 6, 20, 9, 0, tzinfo=UTC)
IN_JULY = datetime.datetime(2026, 7, 2, 9, 0, tzinfo=UTC)


def answers(sample, default, **by_code) -> dict[int, str]:
    """Every question answered `default`, except those named by code (RISK_1 for RISK-1)."""
    by_code = {code.replace("_", "-"): result for code, result in by_code.items()}
    return {item.pk: by_code.get(item.code, default) for item in services.checklist(sample)}


@pytest.fixture
def officers(team):
    ash, bea = make_user(Role.OFFICER, last_name="Ash"), make_user(Role.OFFICER, last_name="Bea")
    for officer in (ash, bea):
        accounts_services.add_to_team(team=team, user=officer)
    return ash, bea


@pytest.fixture
def reviewed(team_supervisor, team, officers):
    """Three cases, two of Ash's and one of Bea's, reviewed by hand-chosen answers."""
    ash, bea = officers
    cases = [make_case(team=team, officer=o) for o in (ash, ash, bea)]
    sample = services.create_sample(
        by=team_supervisor, team=team, officer=None, period=JUNE, size=3, seed="s"
    )
    by_case = {sc.case_id: sc for sc in sample.sample_cases.all()}
    plans = [
        (answers(sample, MET, RISK_1=NOT_MET, SM_1=NA), IN_JUNE),
        (answers(sample, MET, RISK_1=NOT_MET, RISK_2=NOT_MET, ENT_1=NA), IN_JUNE),
        (answers(sample, NOT_MET, RISK_2=MET), IN_JULY),
    ]
    for case, (plan, when) in zip(cases, plans, strict=True):
        services.save_review(
            sample_case=by_case[case.pk], by=team_supervisor, answers=plan, area_notes={}, now=when
        )
    return sample, cases


def by_area(rows) -> dict[str, dict]:
    return {row["area"]: row for row in rows}


def test_results_give_percent_met_per_area_leaving_out_not_applicable(reviewed):
    sample, _ = reviewed
    areas = by_area(services.sample_results(sample)["areas"])
    assert areas["risk"] | {"label": None} == {
        "area": "risk",
        "label": None,
        "reviews": 3,
        "met": 2,
        "not_met": 4,
        "not_applicable": 0,
        "percent_met": 33.3,
    }
    assert (areas["special_measures"]["met"], areas["special_measures"]["not_met"]) == (1, 1)
    assert areas["special_measures"]["not_applicable"] == 1
    assert areas["special_measures"]["percent_met"] == 50.0
    assert (areas["entitlements"]["met"], areas["entitlements"]["not_met"]) == (5, 3)
    assert areas["entitlements"]["percent_met"] == 62.5
    assert next(iter(areas)) == "initial_engagement"


def test_results_per_officer(reviewed, officers):
    sample, _ = reviewed
    ash, bea = officers
    results = services.sample_results(sample)
    per_officer = {e["officer"]: by_area(e["areas"]) for e in results["officers"]}
    assert per_officer[ash]["risk"]["percent_met"] == 25.0
    assert per_officer[ash]["risk"]["reviews"] == 2
    assert per_officer[bea]["risk"]["percent_met"] == 50.0
    assert per_officer[ash]["special_measures"]["percent_met"] == 100.0
    assert per_officer[bea]["special_measures"]["percent_met"] == 0.0
    assert [e["officer"] for e in results["officers"]] == [ash, bea]


def test_an_area_where_nothing_applied_has_no_percentage():
    assert services.percent_met(0, 0) is None
    assert services.percent_met(1, 2) == 33.3


def test_dashboard_figures_count_reviews_completed_in_the_period_on_the_given_cases(
    reviewed, django_assert_num_queries
):
    _, cases = reviewed
    with django_assert_num_queries(1):
        rows = by_area(services.dashboard_figures(Case.objects.all(), JUNE))
    # Only the two June reviews (both of Ash's cases) count.
    assert rows["risk"]["reviews"] == 2
    assert (rows["risk"]["met"], rows["risk"]["not_met"], rows["risk"]["percent_met"]) == (
        1,
        3,
        25.0,
    )
    assert rows["entitlements"]["met"] == 5 and rows["entitlements"]["not_applicable"] == 1
    assert rows["entitlements"]["percent_met"] == 100.0
    assert next(iter(rows)) == "initial_engagement"

    first_only = by_area(services.dashboard_figures(Case.objects.filter(pk=cases[0].pk), JUNE))
    assert first_only["risk"]["reviews"] == 1
    assert (first_only["risk"]["met"], first_only["risk"]["not_met"]) == (1, 1)

    one_day = Period(IN_JULY.date(), IN_JULY.date())
    july = by_area(services.dashboard_figures(Case.objects.all(), one_day))["risk"]
    assert july == july | {"reviews": 1, "met": 1, "not_met": 1, "percent_met": 50.0}


def test_dashboard_figures_use_london_days(team_supervisor, team, officers):
    make_case(team=team, officer=officers[0])
    sample = services.create_sample(
        by=team_supervisor, team=team, officer=None, period=JUNE, size=1, seed="s"
    )
    # 23:30 UTC on 30 June is 00:30 on 1 July in London.
    services.save_review(
        sample_case=sample.sample_cases.get(),
        by=team_supervisor,
        answers=answers(sample, MET),
        area_notes={},
        now=datetime.datetime(2026, 6, 30, 23, 30, tzinfo=UTC),
    )
    assert services.dashboard_figures(Case.objects.all(), JUNE) == []
    july = Period(datetime.date(2026, 7, 1), datetime.date(2026, 7, 1))
    assert by_area(services.dashboard_figures(Case.objects.all(), july))["risk"]["met"] == 2


def test_every_question_must_be_answered(team_supervisor, team, officers):
    make_case(team=team, officer=officers[0])
    sample = services.create_sample(
        by=team_supervisor, team=team, officer=None, period=JUNE, size=1, seed="s"
    )
    plan = answers(sample, MET)
    plan.pop(next(iter(plan)))
    with pytest.raises(ValidationError, match="Not answered: IE-1"):
        services.save_review(
            sample_case=sample.sample_cases.get(), by=team_supervisor, answers=plan, area_notes={}
        )
    assert not Review.objects.exists()


def test_a_review_can_be_changed_until_the_sample_is_closed(team_supervisor, team, officers):
    make_case(team=team, officer=officers[0])
    sample = services.create_sample(
        by=team_supervisor, team=team, officer=None, period=JUNE, size=1, seed="s"
    )
    sample_case = sample.sample_cases.get()
    review = services.save_review(
        sample_case=sample_case,
        by=team_supervisor,
        answers=answers(sample, MET),
        area_notes={"risk": " Good DASH ", "not_an_area": "dropped"},
        overall_note="Fine",
        now=IN_JUNE,
    )
    assert review.area_notes == {"risk": "Good DASH"}
    colleague = make_user(Role.SUPERVISOR)
    changed = services.save_review(
        sample_case=sample_case,
        by=colleague,
        answers=answers(sample, NOT_MET),
        area_notes={},
        expected_version=review.version,
        now=IN_JULY,
    )
    assert (changed.pk, changed.version) == (review.pk, 2)
    assert (changed.reviewer, changed.reviewed_at) == (team_supervisor, IN_JUNE)
    assert (changed.updated_by, changed.updated_at) == (colleague, IN_JULY)
    assert set(Answer.objects.values_list("result", flat=True)) == {NOT_MET}
    assert Answer.objects.count() == 16

    services.close_sample(sample=sample, by=team_supervisor)
    with pytest.raises(ValidationError, match="closed"):
        services.save_review(
            sample_case=sample_case,
            by=team_supervisor,
            answers=answers(sample, MET),
            area_notes={},
            expected_version=2,
        )
    assert set(Answer.objects.values_list("result", flat=True)) == {NOT_MET}


def test_a_stale_edit_does_not_overwrite_a_newer_review(team_supervisor, team, officers):
    make_case(team=team, officer=officers[0])
    sample = services.create_sample(
        by=team_supervisor, team=team, officer=None, period=JUNE, size=1, seed="s"
    )
    sample_case = sample.sample_cases.get()
    services.save_review(
        sample_case=sample_case, by=team_supervisor, answers=answers(sample, MET), area_notes={}
    )
    with pytest.raises(EditConflict):
        services.save_review(
            sample_case=sample_case,
            by=team_supervisor,
            answers=answers(sample, NOT_MET),
            area_notes={},
            expected_version=None,  # opened before the first save
        )
    assert set(Answer.objects.values_list("result", flat=True)) == {MET}


def test_a_review_keeps_its_checklist_version_after_a_new_one_is_added(
    team_supervisor, team, officers
):
    make_case(team=team, officer=officers[0])
    first = ChecklistVersion.objects.get()
    sample = services.create_sample(
        by=team_supervisor, team=team, officer=None, period=JUNE, size=1, seed="s"
    )
    sample_case = sample.sample_cases.get()
    review = services.save_review(
        sample_case=sample_case, by=team_supervisor, answers=answers(sample, MET), area_notes={}
    )
    # The force replaces the checklist from today: the old version ends, a new one starts.
    today = timezone.localdate()
    first.effective_to = today - datetime.timedelta(days=1)
    first.save()
    second = ChecklistVersion.objects.create(name="Second", effective_from=today, source="Test")
    ChecklistItem.objects.create(version=second, area="risk", code="NEW-1", question="New?")
    assert ChecklistVersion.objects.in_force(today) == second

    sample.refresh_from_db()
    assert sample.checklist_version == first
    assert {i.version_id for i in services.checklist(sample)} == {first.pk}
    form = ReviewForm(items=services.checklist(sample))
    assert len([name for name in form.fields if name.startswith("item_")]) == 16
    services.save_review(
        sample_case=sample_case,
        by=team_supervisor,
        answers=answers(sample, NOT_MET),
        area_notes={},
        expected_version=review.version,
    )
    assert set(Answer.objects.values_list("item__version", flat=True)) == {first.pk}


def test_the_compliance_dashboard_shows_the_reviews_of_the_period(
    reviewed, team_supervisor, client
):
    client.force_login(team_supervisor)
    response = client.get("/compliance/", {"start": "2026-06-01", "end": "2026-06-30"})
    assert response.status_code == 200
    qa = by_area(response.context["qa"])
    assert (qa["risk"]["met"], qa["risk"]["not_met"]) == (1, 3)
    assert "Quality assurance reviews" in response.content.decode()
