"""From a point of the dashboard's charts, or a figure of the tables behind them, to exactly the
duties behind it: by month (the London month) and by team, under the dashboard's filters."""

import datetime
import html
import re

import pytest
from django.urls import reverse

from accounts import services as accounts_services
from accounts.models import Role
from compliance import summary
from tests.compliance.builders import UTC, S, case_with, duty
from tests.factories import TeamFactory, make_user

pytestmark = pytest.mark.django_db

JUNE = {"start": "2026-06-01", "end": "2026-06-30"}
SVG_LINK = re.compile(r'<a href="([^"]+)" aria-label="([^"]*)">')


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.fixture
def force():
    """North: in June met, met late, missed (one enhanced), declined; in May met only.
    South: in June met, missed. April has no duties."""
    north, south = TeamFactory(name="North"), TeamFactory(name="South")
    north_case = case_with(reported_at=at(2026, 4, 20, 9), team=north)
    south_case = case_with(reported_at=at(2026, 4, 20, 9), team=south)
    duties = {
        "north_met": duty(north_case, S.MET, due_at=at(2026, 6, 3, 12)),
        "north_late": duty(north_case, S.MET_LATE, due_at=at(2026, 6, 4, 12)),
        "north_missed": duty(north_case, S.MISSED, due_at=at(2026, 6, 5, 12), enhanced=True),
        "north_declined": duty(north_case, S.DECLINED, due_at=at(2026, 6, 6, 12)),
        # 23:30 on 31 May UTC is 00:30 on 1 June in London: a June duty.
        "north_june_first": duty(north_case, S.MISSED, rule="R2", due_at=at(2026, 5, 31, 23, 30)),
        "north_may": duty(north_case, S.MET, due_at=at(2026, 5, 10, 12)),
        "south_met": duty(south_case, S.MET, due_at=at(2026, 6, 7, 12)),
        "south_missed": duty(south_case, S.DUE, due_at=at(2026, 6, 8, 12)),
    }
    supervisor = make_user(Role.SUPERVISOR)
    accounts_services.add_to_team(team=north, user=supervisor, is_supervisor=True)
    return {"north": north, "south": south, "supervisor": supervisor, **duties}


def _svg(page: str, chart_id: str) -> str:
    start = page.index(f'id="{chart_id}"')
    return page[start : page.index("</svg>", start)]


def _links(fragment: str) -> dict[str, str]:
    """Accessible name -> href of each link in an SVG fragment."""
    return {html.unescape(name): html.unescape(href) for href, name in SVG_LINK.findall(fragment)}


def _listed(client, href: str) -> set[int]:
    response = client.get(href)
    assert response.status_code == 200, href
    assert not response.context["page"].has_next  # every duty is on the first page
    return {duty.pk for duty in response.context["page"]}


def _dashboard(client, query=JUNE) -> str:
    response = client.get(reverse("compliance-dashboard"), query)
    assert response.status_code == 200
    return response.content.decode()


def test_a_months_point_opens_the_duties_not_met_on_time_that_month(client, force):
    client.force_login(force["supervisor"])
    links = _links(_svg(_dashboard(client), "trend-chart"))
    # June: met 2, late 1, missed 3 (one due 00:30 on 1 June in London), declined 1: 33.3%.
    june = links["June 2026: 33.3% on time, 4 of 6 not met on time, open those duties"]
    assert "start=2026-06-01" in june and "end=2026-06-30" in june
    behind = ("north_late", "north_missed", "north_june_first", "south_missed")
    assert _listed(client, june) == {force[name].pk for name in behind}


def test_a_month_met_in_full_opens_every_duty_that_fell_due(client, force):
    client.force_login(force["supervisor"])
    links = _links(_svg(_dashboard(client), "trend-chart"))
    may = links["May 2026: 100% on time, open the duty that fell due"]
    assert _listed(client, may) == {force["north_may"].pk}


def test_a_month_with_no_duties_has_no_link(client, force):
    client.force_login(force["supervisor"])
    links = _links(_svg(_dashboard(client), "trend-chart"))
    assert not [name for name in links if name.startswith("April 2026")]
    assert len(links) == 2  # May and June; the other ten months have no duties


def test_the_last_months_point_stops_where_the_period_does(client, force):
    client.force_login(force["supervisor"])
    page = _dashboard(client, {"start": "2026-05-16", "end": "2026-06-05"})
    june = next(
        href
        for name, href in _links(_svg(page, "trend-chart")).items()
        if name.startswith("June 2026")
    )
    assert "start=2026-06-01" in june and "end=2026-06-05" in june
    assert _listed(client, june) == {
        force[name].pk for name in ("north_late", "north_missed", "north_june_first")
    }


def test_a_teams_bar_opens_that_teams_duties_not_met_on_time(client, force):
    client.force_login(force["supervisor"])
    links = _links(_svg(_dashboard(client), "team-chart"))
    assert set(links) == {
        "North: 25% on time, 3 of 4 not met on time, open those duties",
        "South: 50% on time, 1 of 2 not met on time, open those duties",
    }
    north = links["North: 25% on time, 3 of 4 not met on time, open those duties"]
    assert f"team={force['north'].pk}" in north and "start=2026-06-01" in north
    assert _listed(client, north) == {
        force[name].pk for name in ("north_late", "north_missed", "north_june_first")
    }
    south = links["South: 50% on time, 1 of 2 not met on time, open those duties"]
    assert _listed(client, south) == {force["south_missed"].pk}


def test_the_links_keep_the_dashboards_filters(client, force):
    client.force_login(force["supervisor"])
    page = _dashboard(client, {**JUNE, "rights": "enhanced"})
    links = _links(_svg(page, "trend-chart")) | _links(_svg(page, "team-chart"))
    assert links and all("rights=enhanced" in href for href in links.values())
    for href in links.values():
        assert _listed(client, href) == {force["north_missed"].pk}


def test_a_team_chosen_on_the_dashboard_gives_way_to_the_bars_team(client, force):
    client.force_login(force["supervisor"])
    page = _dashboard(client, {**JUNE, "team": force["north"].pk})
    bar = next(iter(_links(_svg(page, "team-chart")).values()))
    assert bar.count("team=") == 1


def test_the_tables_behind_the_charts_link_each_figure_to_its_duties(client, force):
    client.force_login(force["supervisor"])
    page = _dashboard(client)
    figures = re.findall(
        r'<a (?:class="[^"]*" )?href="([^"]+)">(\d+)<span class="visually-hidden"> ([^<]+)</span>',
        page,
    )
    by_name = {f"{n} {what}": html.unescape(href) for href, n, what in figures}
    expected = {
        "7 fell due in Jun 2026, show the duties": 7,
        "2 met on time in Jun 2026, show the duties": 2,
        "1 met late in Jun 2026, show the duties": 1,
        "3 missed in Jun 2026, show the duties": 3,
        "1 met on time in May 2026, show the duties": 1,
        "5 fell due in North, show the duties": 5,
        "2 missed in North, show the duties": 2,
        "1 missed in South, show the duties": 1,
    }
    for name, count in expected.items():
        assert len(_listed(client, by_name[name])) == count, name
    june_missed = _listed(client, by_name["3 missed in Jun 2026, show the duties"])
    assert june_missed == {
        force[name].pk for name in ("north_missed", "north_june_first", "south_missed")
    }


def test_the_points_agree_with_the_drill_down_when_the_summary_serves_the_figures(client, force):
    summary.refresh()
    client.force_login(force["supervisor"])
    page = _dashboard(client)
    links = _links(_svg(page, "trend-chart")) | _links(_svg(page, "team-chart"))
    checked = 0
    for name, href in links.items():
        late = re.search(r"(\d+) of \d+ not met on time", name)
        if late:
            assert len(_listed(client, href)) == int(late.group(1)), name
            checked += 1
    assert checked


def test_every_chart_link_has_an_accessible_name(client, force):
    client.force_login(force["supervisor"])
    page = _dashboard(client)
    for chart in ("trend-chart", "team-chart"):
        svg = _svg(page, chart)
        anchors = re.findall(r"<a\b[^>]*>", svg)
        assert anchors and len(anchors) == len(SVG_LINK.findall(svg))
        assert all(name.strip() for _, name in SVG_LINK.findall(svg))
        # The links are not inside the drawing (an image hides its children from assistive
        # technology): the drawing's group closes before the first link.
        assert svg.index("</g>", svg.index('role="img"')) < svg.index("<a ")
    # Every link on the page is named by its text or its aria-label.
    for anchor in re.findall(r"<a\b[^>]*>.*?</a>", page, re.S):
        text = re.sub(r"<[^>]+>", "", anchor).strip()
        assert text or re.search(r'aria-label="[^"]+"', anchor), anchor


def test_the_drill_down_refuses_a_team_that_does_not_exist(client, force):
    client.force_login(force["supervisor"])
    response = client.get(
        reverse("compliance-drill-down"), {**JUNE, "team": 999999, "outcome": "not_on_time"}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_the_drill_down_never_lists_a_restricted_case_the_user_cannot_see(client, force):
    hidden = case_with(reported_at=at(2026, 4, 20, 9), team=force["south"], restricted=True)
    duty(hidden, S.MISSED, due_at=at(2026, 6, 9, 12))
    client.force_login(force["supervisor"])
    links = _links(_svg(_dashboard(client), "team-chart"))
    south = next(href for name, href in links.items() if name.startswith("South"))
    assert _listed(client, south) == {force["south_missed"].pk}
    assert hidden.crime_reference not in client.get(south).content.decode()
