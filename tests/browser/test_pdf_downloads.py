"""Letters and the monthly pack downloaded as PDF from their pages, in the browser."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts import services as accounts_services
from accounts.models import Role
from tests.cases.factories import CaseFactory, victim_of
from tests.factories import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, user) -> None:
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _download(page, link_name: str) -> tuple[str, str]:
    """Click the link; the file's suggested name and its text."""
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    download = info.value
    with open(download.path(), "rb") as file:
        reader = PdfReader(io.BytesIO(file.read()))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    return download.suggested_filename, text


def test_an_officer_downloads_the_letters_and_a_supervisor_the_pack(
    page, live_server, assert_accessible
):
    case = CaseFactory(victim={"first_name": "Ana", "last_name": "Lee"})
    victim = victim_of(case)
    _sign_in(page, live_server, case.officer)

    page.goto(live_server.url + reverse("acknowledgement", args=[case.pk, victim.pk]))
    assert_accessible(page)
    name, text = _download(page, "Download the acknowledgement (PDF)")
    assert name.startswith("written-acknowledgement-") and name.endswith(".pdf")
    assert "Dear Ana," in text and f"Crime reference: {case.crime_reference}" in text

    page.goto(live_server.url + reverse("your-rights", args=[case.pk, victim.pk]))
    assert_accessible(page)
    name, text = _download(page, "Download this summary (PDF)")
    assert name.startswith("your-rights-") and "Lee" not in name
    assert "Your rights as a victim of crime" in text and case.crime_reference in text

    supervisor = make_user(Role.SUPERVISOR)
    accounts_services.add_to_team(team=case.team, user=supervisor, is_supervisor=True)
    page.context.clear_cookies()
    _sign_in(page, live_server, supervisor)
    month = case.reported_at.strftime("%Y-%m")
    page.goto(live_server.url + reverse("compliance-pack") + f"?month={month}")
    assert_accessible(page)
    name, text = _download(page, "Download the pack (PDF)")
    assert name == f"victims-code-pack-{month}.pdf"
    assert "Victims' Code monthly performance pack" in text
    assert "Quality assurance reviews" in text and "Cases reported 1" in text
