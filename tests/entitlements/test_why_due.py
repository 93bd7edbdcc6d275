"""'Why is this due' says why the person has enhanced rights (which basis, recorded by whom) and,
for a re-timed duty, its old deadline and what changed it (issue 19)."""

import re

import pytest
import time_machine
from django.urls import reverse

from cases import services
from cases.models import Basis
from tests.cases.factories import victim_of

from .test_engine import FRIDAY, arrest, duty, london, make_case

pytestmark = pytest.mark.django_db


def _page(client, case, the_duty) -> str:
    client.force_login(case.officer)
    return client.get(reverse("duty", args=[case.pk, the_duty.pk])).content.decode()


def test_a_re_timed_duty_says_its_old_deadline_and_what_moved_it():
    case = make_case()
    victim = victim_of(case)
    arrest(case)
    services.record_basis(
        party=victim,
        basis=Basis.PERSISTENTLY_TARGETED,
        applies=True,
        evidence="Third incident this month",
        by=case.officer,
        now=london(2026, 3, 16, 9, 0),
    )
    explanation = duty(victim, "R7").explanation
    assert "Re-timed on Monday 16 March 2026 at 09:00" in explanation
    assert "it was due by Friday 20 March 2026 at 23:59" in explanation
    assert f"They gained enhanced rights: eligibility assessed by {case.officer}." in explanation


def test_losing_enhanced_rights_says_so_in_the_re_timed_duty():
    case = make_case()
    victim = victim_of(case)
    arrest(case)
    for applies, hour in ((True, 9), (False, 10)):
        services.record_basis(
            party=victim,
            basis=Basis.PERSISTENTLY_TARGETED,
            applies=applies,
            evidence="Recorded in error" if not applies else "Repeat victim",
            by=case.officer,
            now=london(2026, 3, 16, hour, 0),
        )
    explanation = duty(victim, "R7").explanation
    assert "it was due by Monday 16 March 2026 at 23:59" in explanation
    assert "Their enhanced rights ended: eligibility assessed by" in explanation


def test_the_duty_page_says_which_basis_makes_them_enhanced_and_who_recorded_it(client):
    case = make_case()
    victim = victim_of(case)
    arrest(case)
    services.record_basis(
        party=victim,
        basis=Basis.PERSISTENTLY_TARGETED,
        applies=True,
        evidence="Third incident this month",
        by=case.officer,
        now=london(2026, 3, 16, 9, 0),
    )
    page = _page(client, case, duty(victim, "R7"))
    assert "has enhanced rights because:" in page
    assert (
        f"Persistently targeted: Third incident this month (recorded by {case.officer} on "
        "16 March 2026)." in page
    )


def test_a_basis_the_record_shows_is_said_to_be_worked_out_from_it(client):
    case = make_case("abh_domestic", reported_at=FRIDAY)
    victim = victim_of(case)
    arrest(case, at=FRIDAY)
    page = _page(client, case, duty(victim, "R7"))
    assert "Victim of the most serious crime: Offence flagged: domestic abuse (worked out" in page
    assert "(automatic for this offence)." in page


def test_a_person_with_standard_rights_is_given_no_enhanced_reasons(client):
    case = make_case()
    arrest(case)
    page = _page(client, case, duty(victim_of(case), "R7"))
    assert "has enhanced rights because" not in page


def _flip(victim, officer, *hours_applies):
    """Record the persistently targeted basis as applying or not, at each (hour, applies)."""
    for hour, applies in hours_applies:
        services.record_basis(
            party=victim,
            basis=Basis.PERSISTENTLY_TARGETED,
            applies=applies,
            evidence="Repeat victim" if applies else "Recorded in error",
            by=officer,
            now=london(2026, 3, 16, hour, 0),
        )


def test_the_duty_page_lists_every_re_timing_in_order_with_what_moved_it_and_who(client):
    case = make_case()
    victim = victim_of(case)
    arrest(case)
    _flip(victim, case.officer, (9, True), (10, False), (11, True))

    with time_machine.travel(london(2026, 3, 16, 12, 0), tick=False):
        page = _page(client, case, duty(victim, "R7"))

    assert "Its deadline moved 3 times, oldest first:" in page
    assert "Re-timed on" not in page  # the latest move is listed once, not also in the reason
    moves = re.findall(r"<li>On <time[^>]*>([^<]*)</time>: ([^<]*)</li>", page)
    who = f"(by {case.officer})."
    assert moves == [
        (
            "Monday 16 March 2026, 09:00",
            "from Friday 20 March 2026, 23:59 to Monday 16 March 2026, 23:59. They gained "
            f"enhanced rights: eligibility assessed {who}",
        ),
        (
            "Monday 16 March 2026, 10:00",
            "from Monday 16 March 2026, 23:59 to Friday 20 March 2026, 23:59. Their enhanced "
            f"rights ended: eligibility assessed {who}",
        ),
        (
            "Monday 16 March 2026, 11:00",
            "from Friday 20 March 2026, 23:59 to Monday 16 March 2026, 23:59. They gained "
            f"enhanced rights: eligibility assessed {who}",
        ),
    ]


def test_a_duty_never_re_timed_lists_no_moves(client):
    case = make_case()
    arrest(case)
    with time_machine.travel(london(2026, 3, 16, 12, 0), tick=False):
        page = _page(client, case, duty(victim_of(case), "R7"))
    assert "Its deadline moved" not in page


def test_the_duty_page_costs_the_same_queries_for_one_or_many_re_timings(
    client, django_assert_max_num_queries
):
    case = make_case()
    victim = victim_of(case)
    arrest(case)
    _flip(victim, case.officer, (9, True))
    the_duty = duty(victim, "R7")
    client.force_login(case.officer)
    url = reverse("duty", args=[case.pk, the_duty.pk])
    with time_machine.travel(london(2026, 3, 16, 12, 0), tick=False):
        client.get(url)
        with django_assert_max_num_queries(25) as one:
            client.get(url)
        _flip(victim, case.officer, (10, False), (11, True), (12, False), (13, True))
        with django_assert_max_num_queries(len(one.captured_queries)):
            assert "Its deadline moved 5 times" in client.get(url).content.decode()
