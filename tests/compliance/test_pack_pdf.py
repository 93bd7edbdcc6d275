"""The monthly pack as PDF, and the quality assurance reviews of the month in the pack, its CSV and
its PDF: the page's figures read back out of the file, for supervisors only, recorded as an
export."""

import csv
import datetime
import html
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts import services as accounts_services
from accounts.models import Role
from assurance import services as assurance_services
from assurance.models import Result
from audit import pdf
from audit.models import AuditAction, AuditEvent
from counting.periods import Period
from tests.compliance.builders import UTC, S, case_with, duty
from tests.factories import TeamFactory, make_user

pytestmark = pytest.mark.django_db

MARCH = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
MET, NOT_MET, NA = Result.MET, Result.NOT_MET, Result.NOT_APPLICABLE


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def _review(supervisor, team, case, plan: dict[str, str], *, when, default=MET):
    """A one-case sample of `case`, reviewed at `when`: every question `default`, except those
    named by code in `plan`."""
    sample = assurance_services.create_sample(
        by=supervisor,
        team=team,
        officer=None,
        period=Period(case.reported_at.date(), case.reported_at.date()),
        size=1,
        seed=f"seed-{case.pk}",
        today=when.date(),
    )
    items = assurance_services.checklist(sample)
    [sample_case] = sample.sample_cases.all()
    assert sample_case.case_id == case.pk
    assurance_services.save_review(
        sample_case=sample_case,
        by=supervisor,
        answers={item.pk: plan.get(item.code, default) for item in items},
        area_notes={},
        now=when,
    )


@pytest.fixture
def force():
    """North (supervised): R7 in March met, met late, missed; one review in March with Risk
    1 met and 1 not met, and one in April. South: R7 met, and a review in March, all not met."""
    north, south = TeamFactory(name="North Hub"), TeamFactory(name="South")
    supervisor = make_user(Role.SUPERVISOR)
    south_supervisor = make_user(Role.SUPERVISOR)
    accounts_services.add_to_team(team=north, user=supervisor, is_supervisor=True)
    accounts_services.add_to_team(team=south, user=south_supervisor, is_supervisor=True)
    north_case = case_with(reported_at=at(2026, 3, 2, 9), team=north)
    north_later = case_with(reported_at=at(2026, 3, 3, 9), team=north)
    south_case = case_with(reported_at=at(2026, 3, 2, 9), team=south)
    duty(north_case, S.MET, due_at=at(2026, 3, 5, 12))
    duty(north_case, S.MET_LATE, due_at=at(2026, 3, 6, 12))
    duty(north_case, S.MISSED, due_at=at(2026, 3, 7, 12))
    duty(south_case, S.MET, due_at=at(2026, 3, 9, 12))
    _review(supervisor, north, north_case, {"RISK-2": NOT_MET, "SM-1": NA}, when=at(2026, 3, 20))
    _review(supervisor, north, north_later, {"RISK-1": NOT_MET}, when=at(2026, 4, 2))
    _review(south_supervisor, south, south_case, {}, when=at(2026, 3, 20), default=NOT_MET)
    return {"north": north, "south": south, "supervisor": supervisor}


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def html_rows(response) -> list[str]:
    """Each table row of the page as its cells' text, one space apart."""
    page = response.content.decode()
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        text = [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells]
        rows.append(" ".join(t for t in text if t))
    return rows


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def _get(client, name, **params):
    return client.get(reverse(name), {"month": "2026-03", **params})


def _qa(response) -> dict[str, tuple]:
    return {
        row["area"]: (row["reviews"], row["met"], row["not_met"], row["percent_met"])
        for row in response.context["qa"]
    }


def test_the_team_pack_shows_the_reviews_completed_in_its_month_on_its_cases(client, force):
    client.force_login(force["supervisor"])

    response = _get(client, "compliance-pack", team=force["north"].pk)

    assert response.status_code == 200
    qa = _qa(response)
    # North's March review only: not South's, not North's in April.
    assert qa["risk"] == (1, 1, 1, 50.0)
    assert qa["special_measures"] == (1, 0, 0, None)
    assert qa["initial_engagement"] == (1, 2, 0, 100.0)
    rows = html_rows(response)
    assert "Quality assurance reviews" in response.content.decode()
    assert "Risk 1 1 1 0 50.0%" in rows and "Special measures 1 0 0 1 -" in rows


def test_the_force_wide_pack_counts_every_team_the_user_can_see(client, force):
    client.force_login(force["supervisor"])
    qa = _qa(_get(client, "compliance-pack"))
    assert qa["risk"] == (2, 1, 3, 25.0)
    april = _qa(client.get(reverse("compliance-pack"), {"month": "2026-04"}))
    assert april["risk"] == (1, 1, 1, 50.0)


def test_a_month_without_reviews_says_so(client, force):
    client.force_login(force["supervisor"])
    response = client.get(reverse("compliance-pack"), {"month": "2026-02"})
    assert response.context["qa"] == []
    assert "No reviews were completed in this period." in response.content.decode()


def test_the_csv_has_the_months_reviews_by_area(client, force):
    client.force_login(force["supervisor"])
    rows = _csv(_get(client, "compliance-pack-csv", team=force["north"].pk))
    qa = [row for row in rows if row[0] == "Quality assurance"]
    risk = {row[3]: row[4] for row in qa if row[1] == "Risk"}
    assert risk == {
        "reviews": "1",
        "met": "1",
        "not met": "1",
        "not applicable": "0",
        "% met": "50.0",
    }
    special = {row[3]: row[4] for row in qa if row[1] == "Special measures"}
    assert special["% met"] == "" and special["not applicable"] == "1"
    assert all(row[2] == "all" and row[5] == row[6] == "" for row in qa)
    assert len(qa) == 9 * 5  # every area, five measures each


def test_the_pdf_has_the_pages_figures(client, force):
    client.force_login(force["supervisor"])
    team = force["north"].pk
    page = _get(client, "compliance-pack", team=team)

    response = _get(client, "compliance-pack-pdf", team=team)

    assert response.status_code == 200
    text = pdf_text(response)
    assert "Victims' Code monthly performance pack: March 2026, North Hub" in text
    assert "compared with February 2026, for the cases of North Hub that you may see" in text
    # Every row of every table on the page (key entitlements, service, duties by rule, quality
    # assurance) reads the same in the PDF.
    rows = html_rows(page)
    assert (
        "Right 6: Tell them the suspect was arrested (rule R7) 3 1 0 / 0 33.3% no comparison"
        in (" ".join(rows))
    )
    assert len(rows) > 30
    for row in rows:
        assert row in text, row
    # Not the screen's controls.
    assert "Download these figures" not in text and "Back to compliance" not in text
    assert f"{reverse('compliance-pack-pdf')}?month=2026-03&amp;team={team}" in (
        page.content.decode()
    )


def test_the_pdf_file_name_names_the_month_and_team(client, force):
    client.force_login(force["supervisor"])
    team = _get(client, "compliance-pack-pdf", team=force["north"].pk)["Content-Disposition"]
    everyone = _get(client, "compliance-pack-pdf")["Content-Disposition"]
    assert team == 'attachment; filename="victims-code-pack-2026-03-north-hub.pdf"'
    assert everyone == 'attachment; filename="victims-code-pack-2026-03.pdf"'


@pytest.mark.parametrize("role", [Role.OFFICER, Role.AGENCY, Role.WITNESS_CARE, Role.AUDITOR])
def test_the_pdf_is_for_supervisors_only(client, force, role):
    client.force_login(make_user(role))
    response = _get(client, "compliance-pack-pdf")
    assert response.status_code == 403 and response["Content-Type"] != "application/pdf"


def test_a_team_the_user_does_not_supervise_gets_no_pdf(client, force):
    client.force_login(force["supervisor"])
    response = _get(client, "compliance-pack-pdf", team=force["south"].pk)
    assert response.status_code == 400
    assert response.content.decode().startswith("team: Choose one of the teams listed")
    bad_month = client.get(reverse("compliance-pack-pdf"), {"month": "2026-13"})
    assert bad_month.status_code == 400 and b"for example 2026-03" in bad_month.content


def test_the_pdf_is_recorded_as_an_export_with_its_month_and_team(client, force):
    client.force_login(force["supervisor"])
    team = force["north"].pk
    assert _get(client, "compliance-pack-pdf", team=team).status_code == 200
    [event] = AuditEvent.objects.filter(action=AuditAction.EXPORT)
    assert event.user == force["supervisor"] and event.path == reverse("compliance-pack-pdf")
    assert event.detail == f"month=2026-03; team={team}"


def test_the_packs_query_count_is_bounded(client, force, django_assert_max_num_queries):
    client.force_login(force["supervisor"])
    for name in ("compliance-pack", "compliance-pack-csv", "compliance-pack-pdf"):
        with django_assert_max_num_queries(40):
            assert _get(client, name).status_code == 200


def _right_edges(box, edges: list[float]) -> list[float]:
    x, width = getattr(box, "position_x", None), getattr(box, "width", None)
    if isinstance(x, int | float) and isinstance(width, int | float):
        edges.append(x + width)
    for child in getattr(box, "children", []):
        _right_edges(child, edges)
    return edges


def test_the_packs_widest_table_fits_inside_the_page_margins(client, force, monkeypatch):
    """Eleven columns of duties by rule on A4 portrait: nothing runs into the margin."""
    drawn = []
    html_class = pdf.HTML

    def keep(**kwargs):
        drawn.append(html_class(**kwargs))
        return drawn[-1]

    monkeypatch.setattr(pdf, "HTML", keep)
    client.force_login(force["supervisor"])
    assert _get(client, "compliance-pack-pdf").status_code == 200

    for page in drawn[0].render().pages:
        box = page._page_box
        inside = box.margin_width() - box.margin_right
        assert max(_right_edges(box, [])) <= inside + 0.5
