"""The quality assurance pages: who reaches them, what they do, and how many queries they take."""

import pytest
from django.urls import reverse

from accounts import services as accounts_services
from accounts.models import Role, TeamMembership
from assurance import services
from assurance.models import Result, Review, Sample, SampleStatus
from tests.factories import make_user

from .conftest import JUNE, make_case

pytestmark = pytest.mark.django_db


def review_data(sample, result=Result.MET, **extra) -> dict:
    data = {f"item_{item.pk}": result for item in services.checklist(sample)}
    data.update(extra)
    return data


@pytest.fixture
def sample(team_supervisor, team, team_cases):
    return services.create_sample(
        by=team_supervisor, team=team, officer=None, period=JUNE, size=5, seed="s"
    )


def pages(sample) -> list[str]:
    case_id = sample.sample_cases.first().case_id
    return [
        reverse("assurance-sample", args=[sample.pk]),
        reverse("assurance-results", args=[sample.pk]),
        reverse("assurance-review", args=[sample.pk, case_id]),
    ]


def test_supervisor_draws_a_sample_from_the_form(client, team_supervisor, team, team_cases):
    client.force_login(team_supervisor)
    assert client.get(reverse("assurance-sample-create")).status_code == 200
    response = client.post(
        reverse("assurance-sample-create"),
        {
            "team": team.pk,
            "officer": "",
            "period_start": "2026-06-01",
            "period_end": "2026-06-30",
            "size": 5,
            "seed": "repeat-me",
        },
    )
    sample = Sample.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("assurance-sample", args=[sample.pk])
    assert (sample.seed, sample.created_by, sample.sample_cases.count()) == (
        "repeat-me",
        team_supervisor,
        5,
    )


def test_the_form_explains_bad_input(client, team_supervisor, team, team_cases):
    client.force_login(team_supervisor)
    response = client.post(
        reverse("assurance-sample-create"),
        {
            "team": team.pk,
            "period_start": "2026-06-30",
            "period_end": "2026-06-01",
            "size": 500,
            "seed": "no spaces!",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"period_end", "size", "seed"}
    assert not Sample.objects.exists()


def test_a_period_with_no_cases_is_a_form_error(client, team_supervisor, team):
    client.force_login(team_supervisor)
    response = client.post(
        reverse("assurance-sample-create"),
        {"team": team.pk, "period_start": "2026-06-01", "period_end": "2026-06-30", "size": 5},
    )
    assert response.status_code == 200
    assert b"No cases you can see" in response.content


def test_supervisor_reviews_a_case_and_sees_the_results(client, team_supervisor, sample):
    client.force_login(team_supervisor)
    sample_case = sample.sample_cases.first()
    url = reverse("assurance-review", args=[sample.pk, sample_case.case_id])
    page = client.get(url)
    assert reverse("case-detail", args=[sample_case.case_id]).encode() in page.content
    response = client.post(
        url, review_data(sample, note_risk="DASH done well", overall_note="Good work", version=0)
    )
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.reviewer, review.area_notes, review.overall_note) == (
        team_supervisor,
        {"risk": "DASH done well"},
        "Good work",
    )
    detail = client.get(reverse("assurance-sample", args=[sample.pk]))
    assert detail.context["reviewed"] == 1
    results = client.get(reverse("assurance-results", args=[sample.pk]))
    assert results.context["results"]["areas"][0]["percent_met"] == 100.0


def test_an_unanswered_question_is_shown_on_the_form(client, team_supervisor, sample):
    client.force_login(team_supervisor)
    case_id = sample.sample_cases.first().case_id
    data = review_data(sample)
    first_item = next(iter(data))
    del data[first_item]
    response = client.post(reverse("assurance-review", args=[sample.pk, case_id]), data)
    assert response.status_code == 200
    assert first_item in response.context["form"].errors
    assert not Review.objects.exists()


def test_a_stale_form_is_refused_and_the_next_save_overwrites(client, team_supervisor, sample):
    client.force_login(team_supervisor)
    sample_case = sample.sample_cases.first()
    services.save_review(
        sample_case=sample_case,
        by=team_supervisor,
        answers={int(k[5:]): v for k, v in review_data(sample).items()},
        area_notes={},
    )
    url = reverse("assurance-review", args=[sample.pk, sample_case.case_id])
    stale = client.post(url, review_data(sample, Result.NOT_MET, version=0))
    assert stale.status_code == 200
    assert b"Someone else saved" in stale.content
    assert stale.context["form"].data["version"] == "1"
    again = client.post(url, review_data(sample, Result.NOT_MET, version=1))
    assert again.status_code == 302
    assert Review.objects.get().version == 2


def test_closing_the_sample_makes_reviews_final(client, team_supervisor, sample):
    client.force_login(team_supervisor)
    response = client.post(reverse("assurance-sample-close", args=[sample.pk]))
    assert response.status_code == 302
    sample.refresh_from_db()
    assert sample.status == SampleStatus.CLOSED and sample.closed_by == team_supervisor
    case_id = sample.sample_cases.first().case_id
    refused = client.post(
        reverse("assurance-review", args=[sample.pk, case_id]), review_data(sample, version=0)
    )
    assert refused.status_code == 200
    assert b"sample is closed" in refused.content
    assert not Review.objects.exists()


def test_another_supervisor_of_the_team_may_review(client, team, sample):
    colleague = accounts_services.add_to_team(
        team=team, user=make_user(Role.SUPERVISOR), is_supervisor=True
    ).user
    client.force_login(colleague)
    for url in pages(sample):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("assurance-samples")).context["page"].object_list[0] == sample


def test_a_supervisor_of_another_team_gets_not_found(client, sample):
    outsider = make_user(Role.SUPERVISOR)
    client.force_login(outsider)
    for url in pages(sample):
        assert client.get(url).status_code == 404, url
    close = client.post(reverse("assurance-sample-close", args=[sample.pk]))
    assert close.status_code == 404
    sample.refresh_from_db()
    assert sample.status == SampleStatus.OPEN
    assert list(client.get(reverse("assurance-samples")).context["page"].object_list) == []


@pytest.mark.parametrize("role", [Role.OFFICER, Role.WITNESS_CARE, Role.AGENCY, Role.ADMIN])
def test_other_roles_are_refused(client, sample, role):
    client.force_login(make_user(role))
    assert client.get(reverse("assurance-samples")).status_code == 403
    assert client.get(reverse("assurance-sample-create")).status_code == 403
    for url in pages(sample):
        assert client.get(url).status_code == 403, url


def test_a_case_outside_the_sample_is_not_found(client, team_supervisor, team, sample):
    client.force_login(team_supervisor)
    drawn = set(sample.sample_cases.values_list("case_id", flat=True))
    other = next(c for c in team.cases.all() if c.pk not in drawn)
    assert client.get(reverse("assurance-review", args=[sample.pk, other.pk])).status_code == 404


def test_restricted_case_is_hidden_once_the_creator_stops_supervising(
    client, team_supervisor, team, team_officers
):
    restricted = make_case(team=team, officer=team_officers[0], restricted=True)
    ordinary = make_case(team=team, officer=team_officers[0])
    sample = services.create_sample(
        by=team_supervisor, team=team, officer=None, period=JUNE, size=5, seed="s"
    )
    TeamMembership.objects.filter(team=team, user=team_supervisor).update(is_supervisor=False)
    client.force_login(team_supervisor)
    detail = client.get(reverse("assurance-sample", args=[sample.pk]))
    assert [sc.case for sc, _ in detail.context["rows"]] == [ordinary]
    assert restricted.crime_reference.encode() not in detail.content
    review = client.get(reverse("assurance-review", args=[sample.pk, restricted.pk]))
    assert review.status_code == 404


def test_nav_shows_quality_assurance_to_supervisors_only(client, team_supervisor, team_officers):
    link = f'href="{reverse("assurance-samples")}"'.encode()
    client.force_login(team_supervisor)
    assert link in client.get(reverse("home"), follow=True).content
    client.force_login(team_officers[0])
    home = client.get(reverse("home"), follow=True)
    assert home.status_code == 200 and link not in home.content


# --- query counts -------------------------------------------------------------------------------


def _more_samples(supervisor, team, n):
    for i in range(n):
        services.create_sample(
            by=supervisor, team=team, officer=None, period=JUNE, size=5, seed=f"s{i}"
        )


@pytest.mark.parametrize("extra", [0, 6])
def test_sample_list_queries_are_bounded(
    client, team_supervisor, team, sample, extra, django_assert_num_queries
):
    _more_samples(team_supervisor, team, extra)
    client.force_login(team_supervisor)
    with django_assert_num_queries(9):
        assert client.get(reverse("assurance-samples")).status_code == 200


@pytest.mark.parametrize("reviews", [0, 4])
def test_sample_detail_and_results_queries_are_bounded(
    client, team_supervisor, sample, reviews, django_assert_num_queries
):
    for sample_case in list(sample.sample_cases.all())[:reviews]:
        services.save_review(
            sample_case=sample_case,
            by=team_supervisor,
            answers={int(k[5:]): v for k, v in review_data(sample).items()},
            area_notes={},
        )
    client.force_login(team_supervisor)
    with django_assert_num_queries(9):
        assert client.get(reverse("assurance-sample", args=[sample.pk])).status_code == 200
    with django_assert_num_queries(10 if reviews else 9):  # officers' names, once there are any
        assert client.get(reverse("assurance-results", args=[sample.pk])).status_code == 200


@pytest.mark.parametrize("reviewed", [False, True])
def test_review_page_queries_are_bounded(
    client, team_supervisor, sample, reviewed, django_assert_num_queries
):
    sample_case = sample.sample_cases.first()
    if reviewed:
        services.save_review(
            sample_case=sample_case,
            by=team_supervisor,
            answers={int(k[5:]): v for k, v in review_data(sample).items()},
            area_notes={"risk": "note"},
        )
    client.force_login(team_supervisor)
    url = reverse("assurance-review", args=[sample.pk, sample_case.case_id])
    # + the answers once there is a review; the audit trail records the case being looked at.
    with django_assert_num_queries(14 + reviewed):
        assert client.get(url).status_code == 200


def test_sample_list_is_paged(client, team_supervisor, team, sample):
    _more_samples(team_supervisor, team, 25)
    client.force_login(team_supervisor)
    response = client.get(reverse("assurance-samples"))
    assert len(response.context["page"].object_list) == 25
    assert response.context["page"].paginator.count == 26


def test_the_dashboard_partial_renders_the_figures_as_a_table_with_a_caption():
    from django.template.loader import render_to_string

    html = render_to_string(
        "assurance/_dashboard.html",
        {
            "qa": [
                {
                    "area": "risk",
                    "label": "Risk",
                    "reviews": 3,
                    "met": 2,
                    "not_met": 4,
                    "not_applicable": 0,
                    "percent_met": 33.3,
                }
            ]
        },
    )
    assert "<caption>" in html
    assert '<th scope="row" class="fw-normal">Risk</th>' in html
    assert "33.3%" in html
    assert "No reviews were completed" in render_to_string("assurance/_dashboard.html", {"qa": []})


def test_administrators_edit_the_checklist_in_the_admin(client):
    from assurance.models import ChecklistVersion

    client.force_login(make_user(Role.ADMIN, is_superuser=True, is_staff=True))
    version = ChecklistVersion.objects.get()
    response = client.get(reverse("admin:assurance_checklistversion_change", args=[version.pk]))
    assert response.status_code == 200
    assert b"Was the risk to the victim assessed and recorded?" in response.content
