"""The new-sample form: its default dates fill the date boxes, and a draw that finds fewer cases
than asked for says so on the sample page."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from assurance.models import Sample

from .conftest import make_case

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC)


def date_value(page: str, name: str) -> str:
    [tag] = re.findall(rf'<input type="date" name="{name}"[^>]*>', page)
    return re.search(r'value="([^"]*)"', tag).group(1)


@time_machine.travel(NOW, tick=False)
def test_the_default_dates_are_written_as_a_date_box_reads_them(client, team_supervisor, team):
    client.force_login(team_supervisor)
    page = client.get(reverse("assurance-sample-create")).content.decode()
    # The last 90 days to today, as yyyy-mm-dd (a date box shows 07/12/2026 as empty).
    assert date_value(page, "period_start") == "2026-09-08"
    assert date_value(page, "period_end") == "2026-12-07"


def test_dates_sent_back_with_an_error_are_kept_as_typed(client, team_supervisor, team):
    client.force_login(team_supervisor)
    response = client.post(
        reverse("assurance-sample-create"),
        {"team": team.pk, "period_start": "2026-06-01", "period_end": "2026-06-30", "size": 500},
    )
    page = response.content.decode()
    assert response.context["form"].errors.keys() == {"size"}
    assert date_value(page, "period_start") == "2026-06-01"
    assert date_value(page, "period_end") == "2026-06-30"


def _draw(client, team, size, officer=""):
    return client.post(
        reverse("assurance-sample-create"),
        {
            "team": team.pk,
            "officer": officer,
            "period_start": "2026-06-01",
            "period_end": "2026-06-30",
            "size": size,
        },
        follow=True,
    )


def _messages(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def test_asking_for_more_cases_than_there_are_says_how_many_were_drawn(
    client, team_supervisor, team, team_cases
):
    client.force_login(team_supervisor)

    response = _draw(client, team, 50)

    sample = Sample.objects.get()
    assert sample.sample_cases.count() == 12 and sample.size == 50
    assert response.redirect_chain == [(reverse("assurance-sample", args=[sample.pk]), 302)]
    message = (
        "You asked for 50 cases, but only 12 that you can see were reported in that period, so "
        "the sample has all 12. To review more, choose a longer period."
    )
    assert _messages(response) == [("warning", message)]
    assert message in response.content.decode()


def test_one_officers_single_case_is_named_as_that_one(client, team_supervisor, team, team_cases):
    officer = team_cases[0].officer
    loner = make_case(team=team, officer=officer)
    for case in team_cases:
        if case.officer == officer:
            case.delete()
    client.force_login(team_supervisor)

    response = _draw(client, team, 10, officer=officer.pk)

    assert list(Sample.objects.get().sample_cases.values_list("case", flat=True)) == [loner.pk]
    assert _messages(response) == [
        (
            "warning",
            "You asked for 10 cases, but only 1 that you can see was reported in that period, so "
            "the sample has that one. To review more, choose a longer period or the whole team.",
        )
    ]


def test_a_full_draw_says_how_many_were_drawn(client, team_supervisor, team, team_cases):
    client.force_login(team_supervisor)
    response = _draw(client, team, 12)
    assert _messages(response) == [("success", "12 cases drawn.")]
