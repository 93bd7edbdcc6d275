"""The rows behind a figure, and the overdue worklist: each duty's status as its deadline says it
now (not the column the sweep has yet to update), the person it is owed to, a link to it, whose
cases the list covers and how many, and a CSV of the rows that the audit trail records."""

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse

from accounts import services as accounts_services
from accounts.models import Role
from audit.models import AuditAction, AuditEvent
from cases.models import PartyRole
from compliance import duty_lists, paging
from compliance.outcomes import outcome_counts
from counting.periods import Period
from entitlements.models import Duty, DutyRule
from tests.cases.factories import PartyFactory, PersonFactory
from tests.compliance.builders import UTC, S, case_with, duty
from tests.factories import TeamFactory, UserFactory, make_user

pytestmark = pytest.mark.django_db

# Mid-June: a duty due on 10 June is past its deadline, one due on 25 June is not.
NOW = datetime.datetime(2026, 6, 20, 12, tzinfo=UTC)
JUNE = {"start": "2026-06-01", "end": "2026-06-30"}
PAST = datetime.datetime(2026, 6, 10, 12, tzinfo=UTC)
LATER = datetime.datetime(2026, 6, 25, 12, tzinfo=UTC)
DRILL = reverse("compliance-drill-down")
DRILL_CSV = reverse("compliance-drill-down-csv")
OVERDUE = reverse("compliance-overdue")
OVERDUE_CSV = reverse("compliance-overdue-csv")


@pytest.fixture(autouse=True)
def _mid_june():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def team():
    return TeamFactory(name="Victim Based Crime Team")


@pytest.fixture
def supervisor(team):
    user = make_user(Role.SUPERVISOR, first_name="Dana", last_name="Reid")
    accounts_services.add_to_team(team=team, user=user, is_supervisor=True)
    return user


def _case(team, **fields):
    return case_with(
        reported_at=datetime.datetime(2026, 5, 1, 9, tzinfo=UTC),
        team=team,
        victim={"first_name": "Amira", "last_name": "Haddad"},
        **fields,
    )


def _witness_duty(case, status, *, due_at, first_name="Tom", last_name="Baker"):
    """A duty owed to a witness of the case (the case keeps no other duty of the witness)."""
    party = PartyFactory(
        case=case,
        person=PersonFactory(first_name=first_name, last_name=last_name),
        role=PartyRole.WITNESS,
    )
    Duty.objects.filter(party=party).delete()
    return Duty.objects.create(
        case=case,
        party=party,
        rule=DutyRule.objects.filter(code="R7").order_by("-effective_from").first(),
        trigger_key=f"witness-{due_at.isoformat()}",
        trigger_at=due_at,
        trigger_label="test",
        enhanced=False,
        due_at=due_at,
        explanation="test",
        owner="officer",
        status=status,
    )


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def _status_of(rows: list[list[str]], crime_reference: str, person: str) -> str:
    header = rows[0]
    for row in rows[1:]:
        cells = dict(zip(header, row, strict=False))
        if cells["Crime reference"] == crime_reference and cells["Person"] == person:
            return cells["Status"]
    raise AssertionError(f"no row for {person} in {crime_reference}")


# --- what the deadline says ----------------------------------------------------------------------


def test_a_duty_past_its_deadline_is_listed_as_missed_before_the_sweep_marks_it(
    client, supervisor, team
):
    case = _case(team)
    stale = duty(case, S.DUE, due_at=PAST)  # the sweep has not run: the column still says due
    client.force_login(supervisor)

    response = client.get(DRILL, {**JUNE, "outcome": "missed"})

    assert [d.pk for d in response.context["page"]] == [stale.pk]
    row = response.content.decode().split(case.crime_reference)[1].split("</tr>")[0]
    assert "<td>Missed</td>" in row and "Due" not in row
    rows = _csv(client.get(DRILL_CSV, {**JUNE, "outcome": "missed"}))
    assert _status_of(rows, case.crime_reference, "Amira Haddad") == "Missed"


def test_a_duty_before_its_deadline_is_due_and_a_met_one_keeps_its_status(client, supervisor, team):
    case = _case(team)
    duty(case, S.DUE, due_at=LATER)
    _witness_duty(case, S.MET_LATE, due_at=PAST)
    client.force_login(supervisor)

    rows = _csv(client.get(DRILL_CSV, {**JUNE, "outcome": "total"}))

    assert _status_of(rows, case.crime_reference, "Amira Haddad") == "Due"
    assert _status_of(rows, case.crime_reference, "Tom Baker") == "Met late"


def test_the_rows_behind_the_missed_figure_are_as_many_as_the_figure(supervisor, team):
    case = _case(team)
    duty(case, S.DUE, due_at=PAST)
    duty(case, S.MISSED, due_at=PAST + datetime.timedelta(hours=1))
    duty(case, S.DUE, due_at=LATER)
    duty(case, S.MET, due_at=PAST + datetime.timedelta(hours=2))
    period = Period(datetime.date(2026, 6, 1), datetime.date(2026, 6, 30))
    duties = Duty.objects.visible_to(supervisor)

    [figures] = outcome_counts(duties, period, now=NOW)
    behind = duty_lists.with_effective_status(
        duty_lists.drill_down(duties, period, code=[], outcome="total", enhanced=None, now=NOW),
        now=NOW,
    )
    statuses = sorted(behind.values_list("effective_status", flat=True))

    assert figures["missed"] == statuses.count(S.MISSED) == 2
    assert figures["open"] == statuses.count(S.DUE) == 1
    assert figures["met"] == statuses.count(S.MET) == 1


# --- telling rows apart --------------------------------------------------------------------------


def test_two_duties_of_one_case_show_each_person_and_link_each_duty(client, supervisor, team):
    case = _case(team)
    to_victim = duty(case, S.MISSED, due_at=PAST)
    to_witness = _witness_duty(case, S.MISSED, due_at=PAST)
    client.force_login(supervisor)

    page = client.get(DRILL, {**JUNE, "outcome": "missed"}).content.decode()

    assert 'Amira Haddad <span class="text-body-secondary">(victim)</span>' in page
    assert 'Tom Baker <span class="text-body-secondary">(witness)</span>' in page
    for made in (to_victim, to_witness):
        assert f'href="{reverse("duty", args=[case.pk, made.pk])}"' in page


def test_a_restricted_case_the_user_cannot_see_is_in_neither_the_page_nor_the_csv(
    client, supervisor, team
):
    hidden = _case(TeamFactory(), restricted=True, crime_reference="NS/555001/26")
    duty(hidden, S.MISSED, due_at=PAST)
    own = _case(team, restricted=True, crime_reference="NS/555002/26")
    duty(own, S.MISSED, due_at=PAST)
    client.force_login(supervisor)

    page = client.get(DRILL, {**JUNE, "outcome": "missed"})
    rows = _csv(client.get(DRILL_CSV, {**JUNE, "outcome": "missed"}))

    assert [d.case_id for d in page.context["page"]] == [own.pk]
    assert "NS/555001/26" not in page.content.decode()
    assert 'NS/555002/26</a> <span class="badge text-bg-dark">Restricted</span>' in (
        page.content.decode()
    )
    assert [row[5] for row in rows[1:]] == ["NS/555002/26"]
    assert rows[1][-1] == "yes"


# --- scope and total -----------------------------------------------------------------------------


def test_the_drill_down_says_whose_cases_and_how_many(client, supervisor, team):
    case = _case(team)
    for hour in range(3):
        duty(case, S.MISSED, due_at=PAST + datetime.timedelta(hours=hour))
    client.force_login(supervisor)

    everyone = client.get(DRILL, {**JUNE, "outcome": "missed"})
    one_team = client.get(DRILL, {**JUNE, "outcome": "missed", "team": team.pk})

    assert everyone.context["scope"] == "all teams"
    assert everyone.context["total"] == "3 duties"
    assert '<dd class="col-sm-10">All teams</dd>' in everyone.content.decode()
    assert '<dd class="col-sm-10">3 duties</dd>' in everyone.content.decode()
    assert one_team.context["scope"] == "Victim Based Crime Team"


def test_the_drill_down_says_your_cases_when_filtered_to_your_own(client, team):
    supervisor = UserFactory(roles=[Role.SUPERVISOR, Role.OFFICER])
    accounts_services.add_to_team(team=team, user=supervisor, is_supervisor=True)
    duty(_case(team, officer=supervisor), S.MISSED, due_at=PAST)
    client.force_login(supervisor)

    response = client.get(DRILL, {**JUNE, "outcome": "missed", "officer": supervisor.pk})

    assert response.context["scope"] == "your cases"
    assert response.context["total"] == "1 duty"


def test_a_total_past_the_cap_says_more_than(client, supervisor, team, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_UP_TO", 2)
    case = _case(team)
    for hour in range(3):
        duty(case, S.MISSED, due_at=PAST + datetime.timedelta(hours=hour))
    client.force_login(supervisor)

    response = client.get(DRILL, {**JUNE, "outcome": "missed"})

    assert response.context["total"] == "more than 2 duties"
    assert len(response.context["page"]) == 3


# --- the CSV -------------------------------------------------------------------------------------


def test_the_csv_holds_the_pages_rows_in_words_and_is_recorded_in_the_audit_trail(
    client, supervisor, team
):
    case = _case(team, crime_reference="NS/200001/26")
    duty(case, S.MISSED, due_at=PAST)
    _witness_duty(case, S.DUE, due_at=PAST + datetime.timedelta(hours=1))
    client.force_login(supervisor)

    response = client.get(DRILL_CSV, {**JUNE, "outcome": "missed", "rule": "R7"})
    rows = _csv(response)

    assert (
        'filename="duties-behind-figure-2026-06-01-to-2026-06-30.csv"'
        in (response["Content-Disposition"])
    )
    assert rows[0] == duty_lists.DUTY_COLUMNS
    rule = DutyRule.objects.filter(code="R7").order_by("-effective_from").first()
    assert rows[1] == [
        "2026-06-10 13:00",  # London time
        # The Right in words first; the rule's code in its own column, for supervisors.
        f"Right {rule.right.number}: {rule.title}",
        "R7",
        "standard",
        "Missed",
        "NS/200001/26",
        "Amira Haddad",
        "Victim",
        str(case.officer),
        "Victim Based Crime Team",
        "no",
    ]
    assert rows[2][4:8] == ["Missed", "NS/200001/26", "Tom Baker", "Witness"]
    [event] = AuditEvent.objects.filter(action=AuditAction.EXPORT)
    assert event.user == supervisor and event.path == DRILL_CSV
    assert event.detail.startswith(
        "Duties behind a compliance figure (CSV): 2 duties of 2 people; "
    )
    assert "outcome=missed" in event.detail and "rule=R7" in event.detail
    people = set(event.people.values_list("person_id", flat=True))
    assert people == {d.party.person_id for d in Duty.objects.filter(case=case)}


def test_a_csv_cell_a_spreadsheet_would_run_is_written_as_text(client, supervisor, team):
    case = _case(team)
    _witness_duty(case, S.MISSED, due_at=PAST, first_name="=HYPERLINK(1)", last_name="x")
    client.force_login(supervisor)

    rows = _csv(client.get(DRILL_CSV, {**JUNE, "outcome": "missed"}))

    assert rows[1][6] == "'=HYPERLINK(1) x"


def test_a_csv_longer_than_the_limit_is_cut_short_and_says_so(
    client, supervisor, team, monkeypatch
):
    monkeypatch.setattr(duty_lists, "EXPORT_LIMIT", 2)
    case = _case(team)
    for hour in range(3):
        duty(case, S.MISSED, due_at=PAST + datetime.timedelta(hours=hour))
    client.force_login(supervisor)

    rows = _csv(client.get(DRILL_CSV, {**JUNE, "outcome": "missed"}))

    assert len(rows) == 1 + 2 + 1
    assert rows[-1][0].startswith("More duties match than this file holds: these are the first 2")
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert "2 duties of 1 person, cut short at 2" in event.detail


@pytest.mark.parametrize("count", [2, 40])
def test_the_csv_takes_the_same_queries_whatever_its_length(
    client, supervisor, team, count, django_assert_num_queries
):
    case = _case(team)
    for minute in range(count):
        duty(case, S.MISSED, due_at=PAST + datetime.timedelta(minutes=minute))
    client.force_login(supervisor)
    client.get(DRILL_CSV, {**JUNE, "outcome": "missed"})  # warm: session, caches
    # The session, the user and their roles, the form's offence groups and age bands, the rows
    # (one query), the audit event and its people, and the session saved (3).
    with django_assert_num_queries(CSV_QUERIES):
        assert len(_csv(client.get(DRILL_CSV, {**JUNE, "outcome": "missed"}))) == count + 1


CSV_QUERIES = 11


def test_the_csv_refuses_bad_filters_and_anyone_but_a_supervisor(client, supervisor, team):
    client.force_login(supervisor)
    bad = client.get(DRILL_CSV, {"start": "2026-06-30", "end": "2026-06-01"})
    assert bad.status_code == 400
    assert "start of the period" in bad.content.decode()
    client.force_login(make_user(Role.OFFICER))
    assert client.get(DRILL_CSV, JUNE).status_code == 403
    assert client.get(OVERDUE_CSV).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


# --- the overdue worklist ------------------------------------------------------------------------


def test_the_worklist_says_its_teams_and_how_many_are_overdue(client, supervisor, team):
    other = TeamFactory(name="Safeguarding Hub")
    accounts_services.add_to_team(team=other, user=supervisor, is_supervisor=True)
    duty(_case(team), S.MISSED, due_at=PAST)
    duty(_case(other), S.DUE, due_at=PAST)  # past its deadline, not yet marked
    duty(_case(TeamFactory()), S.MISSED, due_at=PAST)  # not a team they supervise
    client.force_login(supervisor)

    response = client.get(OVERDUE)

    assert response.context["scope"] == "Safeguarding Hub and Victim Based Crime Team"
    assert response.context["total"] == "2 overdue duties"
    assert '<dd class="col-sm-10">2 overdue duties</dd>' in response.content.decode()


def test_the_worklist_csv_lists_its_teams_overdue_duties_and_is_recorded(client, supervisor, team):
    mine = _case(team, crime_reference="NS/300001/26")
    duty(mine, S.DUE, due_at=PAST)
    duty(mine, S.MET, due_at=PAST + datetime.timedelta(hours=1))  # done: not overdue
    duty(_case(TeamFactory(), crime_reference="NS/300002/26"), S.MISSED, due_at=PAST)
    client.force_login(supervisor)

    response = client.get(OVERDUE_CSV, {"sort": "team"})
    rows = _csv(response)

    assert 'filename="overdue-duties-2026-06-20.csv"' in response["Content-Disposition"]
    assert rows[0] == duty_lists.DUTY_COLUMNS
    assert [(row[4], row[5], row[6]) for row in rows[1:]] == [
        ("Missed", "NS/300001/26", "Amira Haddad")
    ]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.detail.startswith("Overdue worklist (CSV): 1 duty of 1 person; sort=team")
    assert list(event.people.values_list("person_id", flat=True)) == [mine.parties.get().person_id]


def test_the_worklist_csv_is_empty_for_someone_who_supervises_no_team(client):
    supervisor = make_user(Role.SUPERVISOR)
    duty(_case(TeamFactory()), S.MISSED, due_at=PAST)
    client.force_login(supervisor)

    assert _csv(client.get(OVERDUE_CSV)) == [duty_lists.DUTY_COLUMNS]
    assert client.get(OVERDUE).context["scope"] == "no team: you supervise none"
