"""Right 3's written acknowledgement and the 'your rights' summary as PDF: the page's own words
read back out of the file, the page's permission, recorded as an export, a file name without the
person in it, and nothing fetched from the network while it is drawn."""

import datetime
import io
import re
import socket

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import Role
from audit import pdf
from audit.models import AuditAction, AuditEvent
from entitlements.models import Duty, DutyStatus, Right
from entitlements.plain_words import RIGHTS
from tests.cases.factories import CaseFactory, offence, victim_of
from tests.factories import make_user

pytestmark = pytest.mark.django_db

LONDON_NOON = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)


def pdf_text(response) -> str:
    """The PDF's text, with runs of white space made one space (lines break differently)."""
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def page_text(response) -> str:
    """The page's text as a reader sees it: words in <strong> or a link run on."""
    html = re.sub(r"</?(strong|em|a|span)\b[^>]*>", "", response.content.decode())
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _urls(case, party, name):
    kwargs = {"pk": case.pk, "party_pk": party.pk}
    return reverse(name, kwargs=kwargs), reverse(f"{name}-pdf", kwargs=kwargs)


@pytest.fixture
def case():
    with time_machine.travel(LONDON_NOON, tick=False):
        return CaseFactory(
            victim={"first_name": "Ana", "last_name": "Lee", "email": "ana@example.com"},
            reported_at=LONDON_NOON,
            occurred_at=LONDON_NOON - datetime.timedelta(hours=3),
        )


@time_machine.travel(datetime.datetime(2026, 3, 3, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_the_acknowledgement_pdf_is_the_letter_on_the_page(client, case):
    victim = victim_of(case)
    client.force_login(case.officer)
    page_url, pdf_url = _urls(case, victim, "acknowledgement")

    page = client.get(page_url)
    response = client.get(pdf_url)

    assert response.status_code == 200
    text = pdf_text(response)
    for line in (
        "Dear Ana,",
        f"Crime reference: {case.crime_reference}",
        f"What was reported: {case.offence.name}",
        "Reported on: Monday 2 March 2026",
        f"The officer dealing with it: {case.officer.get_full_name()}",
        "If you are in danger, call 999.",
    ):
        assert line in page_text(page), line
        assert line in text, line
    # The letter only: not the form that records how it was given.
    assert "Record it as given" in page_text(page) and "Record it as given" not in text
    assert "How was it given?" not in text
    assert pdf_url in page.content.decode()
    # Printing it is not giving it: Right 3's duty stays due until the officer records it.
    assert Duty.objects.get(party=victim, rule__code="R2").status == DutyStatus.DUE


@time_machine.travel(datetime.datetime(2026, 3, 3, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_the_letter_file_name_names_the_letter_and_the_day_not_the_person(client, case):
    victim = victim_of(case)
    client.force_login(case.officer)
    _page, ack_url = _urls(case, victim, "acknowledgement")
    _page, rights_url = _urls(case, victim, "your-rights")

    ack = client.get(ack_url)["Content-Disposition"]
    rights = client.get(rights_url)["Content-Disposition"]

    assert ack == 'attachment; filename="written-acknowledgement-2026-03-03.pdf"'
    assert rights == 'attachment; filename="your-rights-2026-03-03.pdf"'
    for disposition in (ack, rights):
        assert "Lee" not in disposition and case.crime_reference not in disposition


def test_the_your_rights_pdf_lists_every_right_with_this_persons_timescales(client):
    case = CaseFactory(
        offence=offence("abh_domestic"), victim={"first_name": "Ana", "last_name": "Lee"}
    )
    client.force_login(case.officer)
    page_url, pdf_url = _urls(case, victim_of(case), "your-rights")

    page = page_text(client.get(page_url))
    response = client.get(pdf_url)

    assert response.status_code == 200
    text = pdf_text(response)
    rights = Right.objects.filter(scheme=Right.Scheme.VICTIMS_CODE)
    assert rights.count() == 12
    for right in rights:
        # The public pages' plain words for each Right (entitlements.plain_words).
        title = str(RIGHTS[(right.scheme, right.number)][0])
        assert f"{title}." in page and f"{title}." in text, right.number
    for words in (
        f"For Ana Lee, crime reference {case.crime_reference}.",
        "You are entitled to enhanced rights.",
        "within 1 working day.",
        "If you are in danger, call 999.",
    ):
        assert words in page, words
        assert words in text, words
    assert "Back to case" in page and "Back to case" not in text
    assert "Download this summary (PDF)" in page and "Download this summary" not in text


def test_a_standard_victim_is_told_the_standard_timescale(client):
    case = CaseFactory()
    client.force_login(case.officer)
    _page, pdf_url = _urls(case, victim_of(case), "your-rights")
    text = pdf_text(client.get(pdf_url))
    assert "These are your rights under the Victims' Code." in text
    assert "within 5 working days." in text and "enhanced rights" not in text


@pytest.mark.parametrize("name", ["acknowledgement", "your-rights"])
@pytest.mark.parametrize("role", [Role.AGENCY, Role.AUDITOR, Role.ADMIN])
def test_roles_without_the_pages_permission_get_no_letter(client, case, name, role):
    client.force_login(make_user(role))
    _page, pdf_url = _urls(case, victim_of(case), name)
    response = client.get(pdf_url)
    assert response.status_code == 403
    assert response["Content-Type"] != "application/pdf"


@pytest.mark.parametrize("name", ["acknowledgement", "your-rights"])
def test_an_officer_who_cannot_see_the_case_gets_no_letter(client, name):
    case = CaseFactory(restricted=True)
    client.force_login(make_user(Role.OFFICER))
    _page, pdf_url = _urls(case, victim_of(case), name)
    assert client.get(pdf_url).status_code == 404


def test_a_party_of_another_case_is_not_found(client, case):
    other = CaseFactory(officer=case.officer)
    client.force_login(case.officer)
    url = reverse("your-rights-pdf", kwargs={"pk": case.pk, "party_pk": victim_of(other).pk})
    assert client.get(url).status_code == 404


def test_the_pdf_cannot_record_the_letter_as_given(client, case):
    victim = victim_of(case)
    client.force_login(case.officer)
    _page, pdf_url = _urls(case, victim, "acknowledgement")
    assert client.post(pdf_url, {"delivery": "in_person"}).status_code == 405
    assert Duty.objects.get(party=victim, rule__code="R2").status == DutyStatus.DUE


@pytest.mark.parametrize(
    ("name", "detail"),
    [
        ("acknowledgement", "written acknowledgement (PDF)"),
        ("your-rights", "your rights summary (PDF)"),
    ],
)
def test_downloading_a_letter_is_recorded_as_an_export_of_that_persons_record(
    client, case, name, detail
):
    victim = victim_of(case)
    client.force_login(case.officer)
    _page, pdf_url = _urls(case, victim, name)
    assert client.get(pdf_url).status_code == 200
    [event] = AuditEvent.objects.filter(action=AuditAction.EXPORT)
    assert event.case_id == case.pk and event.user == case.officer
    assert event.detail == detail and event.path == pdf_url
    assert list(event.people.values_list("person_id", flat=True)) == [victim.person_id]


def test_a_refused_letter_is_recorded_as_access_denied(client):
    case = CaseFactory(restricted=True)
    intruder = make_user(Role.OFFICER)
    client.force_login(intruder)
    _page, pdf_url = _urls(case, victim_of(case), "acknowledgement")
    client.get(pdf_url)
    [event] = AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED)
    assert event.user == intruder and not AuditEvent.objects.filter(action="export").exists()


def test_a_restricted_cases_letter_asks_why_first_and_keeps_the_reason(client):
    case = CaseFactory(restricted=True)
    client.force_login(case.officer)
    _page, pdf_url = _urls(case, victim_of(case), "your-rights")

    asked = client.get(pdf_url)
    reason_url = reverse("audit-reason", args=[case.pk])
    assert asked.status_code == 302 and asked["Location"].startswith(reason_url)
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()

    client.post(reason_url, {"reason": "Posting the summary to her", "next": pdf_url})
    response = client.get(pdf_url)

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    [event] = AuditEvent.objects.filter(action=AuditAction.EXPORT)
    assert event.reason == "Posting the summary to her"


def test_a_letter_is_never_kept_by_a_cache(client, case):
    client.force_login(case.officer)
    _page, pdf_url = _urls(case, victim_of(case), "acknowledgement")
    cache_control = client.get(pdf_url)["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control


# --- drawing a PDF reaches only the portal's own static files --------------------------------


def test_the_fetcher_serves_the_print_stylesheet_from_disk():
    url = f"{pdf.BASE_URL}static/css/print.css"
    response = pdf.StaticFilesOnly().fetch(url)
    assert b"@page" in response.read() and response.content_type == "text/css"


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/static/css/print.css",
        "https://victimcare.invalid/media/secret.txt",
        "https://victimcare.invalid/static/../victimcare/settings.py",
        "https://victimcare.invalid/static/%2e%2e/victimcare/settings.py",
        "file:///etc/passwd",
        "ftp://example.com/x.css",
    ],
)
def test_the_fetcher_refuses_anything_but_a_static_file(url):
    with pytest.raises(ValueError, match="Only the portal's own static files"):
        pdf.StaticFilesOnly().fetch(url)


def test_drawing_a_pdf_never_opens_a_connection(rf, monkeypatch, settings, tmp_path):
    """An address outside the portal in the page is refused, not fetched."""
    connections = []

    def refuse(*args, **kwargs):
        connections.append(args)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    template = tmp_path / "outside.html"
    template.write_text(
        '{% extends layout %}{% block content %}<p>Hello</p><img src="http://example.com/a.png">'
        '<link rel="stylesheet" href="https://example.com/x.css">{% endblock %}'
    )
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], tmp_path]}]
    request = rf.get("/")
    request.user = AnonymousUser()

    document = pdf.render_pdf(request, "outside.html", {})

    assert connections == []
    assert "Hello" in PdfReader(io.BytesIO(document)).pages[0].extract_text()
