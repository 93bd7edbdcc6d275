"""A supervisor reads the duties behind a figure and the overdue worklist: who each duty is owed
to, what its deadline says, whose cases and how many, and takes them away as CSV; by keyboard,
the date fields show where focus is."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import Role
from audit.models import AuditAction, AuditEvent
from cases.models import PartyRole
from entitlements.models import Duty, DutyStatus
from tests.cases.factories import CaseFactory, PartyFactory, PersonFactory, victim_of
from tests.factories import TEST_PASSWORD, TeamFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, user):
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _rows(download) -> list[list[str]]:
    with open(download.path(), encoding="utf-8") as file:
        return list(csv.reader(io.StringIO(file.read())))


@pytest.fixture
def scene():
    """A case on the supervisor's team with two duties two days past their deadline, still
    "due" in the database (the sweep has not run): one to the victim, one to a witness."""
    team = TeamFactory(name="Victim Based Crime Team")
    supervisor = make_user(Role.SUPERVISOR)
    accounts_services.add_to_team(team=team, user=supervisor, is_supervisor=True)
    case = CaseFactory(
        team=team,
        crime_reference="NS/081001/26",
        victim={"first_name": "Amira", "last_name": "Haddad"},
    )
    witness = PartyFactory(
        case=case,
        person=PersonFactory(first_name="Tom", last_name="Baker"),
        role=PartyRole.WITNESS,
    )
    past = timezone.now() - datetime.timedelta(days=2)
    Duty.objects.filter(case=case).exclude(rule__code="R2").delete()
    victims = Duty.objects.filter(case=case, party=victim_of(case))
    victims.update(status=DutyStatus.DUE, due_at=past)
    kept = victims.first()
    Duty.objects.create(
        **{
            field.name: getattr(kept, field.name)
            for field in Duty._meta.concrete_fields
            if field.name not in ("id", "party", "history")
        },
        party=witness,
    )
    return supervisor, case


def test_supervisor_tells_two_duties_of_one_case_apart_and_downloads_them(
    page, live_server, assert_accessible, scene
):
    supervisor, case = scene
    _sign_in(page, live_server, supervisor)
    page.goto(live_server.url + reverse("compliance-dashboard"))
    page.get_by_role("link", name="2 missed, show the cases").first.click()
    page.wait_for_url("**/compliance/duties/**")
    assert_accessible(page)

    summary = page.locator("#list-summary").inner_text()
    assert "Scope\nAll teams" in summary and "Total\n2 duties" in summary
    table = page.get_by_role("table", name="The duties behind the figure")
    rows = table.locator("tbody tr")
    assert rows.count() == 2
    people = sorted(rows.nth(i).locator("td").nth(2).inner_text() for i in range(2))
    assert people == ["Amira Haddad (victim)", "Tom Baker (witness)"]
    for i in range(2):
        assert rows.nth(i).locator("td").nth(4).inner_text() == "Missed"

    with page.expect_download() as download:
        page.get_by_role("link", name="Download these duties as CSV").click()
    csv_rows = _rows(download.value)
    assert download.value.suggested_filename.startswith("duties-behind-figure-")
    assert sorted(row[6] for row in csv_rows[1:]) == ["Amira Haddad", "Tom Baker"]
    assert {row[4] for row in csv_rows[1:]} == {"Missed"}
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, user=supervisor).count() == 1

    rows.filter(has_text="Tom Baker").get_by_role("link").first.click()
    page.wait_for_url(f"**/cases/{case.pk}/duties/*/")
    assert "Tom Baker" in page.locator("main").inner_text()
    assert_accessible(page)


def test_the_overdue_worklist_says_its_team_and_total_and_downloads(
    page, live_server, assert_accessible, scene
):
    supervisor, case = scene
    _sign_in(page, live_server, supervisor)
    page.goto(live_server.url + reverse("compliance-overdue"))
    summary = page.locator("#list-summary").inner_text()
    assert "Scope\nVictim Based Crime Team" in summary
    assert "Total\n2 overdue duties" in summary
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the overdue duties as CSV").click()
    csv_rows = _rows(download.value)
    assert [row[5] for row in csv_rows[1:]] == [case.crime_reference] * 2


def test_keyboard_focus_on_a_date_field_rings_it_and_its_calendar_button(page, live_server, scene):
    supervisor, _case = scene
    _sign_in(page, live_server, supervisor)
    page.goto(live_server.url + reverse("compliance-dashboard"))
    start = page.get_by_label("From")
    start.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # by keyboard, so the browser shows focus
    assert page.evaluate("document.activeElement.id") == "id_start"
    ring = start.evaluate(
        "el => { const s = getComputedStyle(el); return [s.outlineStyle, s.outlineWidth]; }"
    )
    assert ring == ["solid", "3px"]
    # The calendar button is drawn inside the field, out of reach of getComputedStyle: look.
    assert _yellow_in_right_end(start.screenshot()) > 20
    page.get_by_role("button", name="Show").focus()
    assert _yellow_in_right_end(start.screenshot()) == 0


def _yellow_in_right_end(png: bytes) -> int:
    """Pixels of the focus yellow (#fd0) in the right-hand quarter of a field's picture, where
    its calendar button is."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = image.size
    return sum(
        1
        for x in range(width * 3 // 4, width)
        for y in range(height)
        if _near(image.getpixel((x, y)), (255, 221, 0))
    )


def _near(colour, target) -> bool:
    return all(abs(a - b) <= 24 for a, b in zip(colour, target, strict=True))
