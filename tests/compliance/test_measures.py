"""Each measure's arithmetic on a small hand-built set of duties, with London period edges."""

import datetime

import pytest
from django.urls import reverse

from accounts import services as accounts_services
from accounts.models import Role
from compliance import duty_figures, duty_lists, service_figures
from compliance.outcomes import on_time_percent
from compliance.sources import LiveFigures
from counting.periods import Period
from entitlements.models import Duty, DutyRule, DutyStatus
from tests.cases.factories import CaseFactory, victim_of
from tests.factories import make_user

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
JUNE = Period(datetime.date(2026, 6, 1), datetime.date(2026, 6, 30))
NOW = datetime.datetime(2026, 7, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def duties():
    case = CaseFactory()
    Duty.objects.filter(case=case).delete()  # only the hand-built duties below
    party = victim_of(case)
    r7 = DutyRule.objects.get(code="R7")

    def make(due_at, status, *, enhanced=False, key):
        return Duty.objects.create(
            case=case,
            party=party,
            rule=r7,
            trigger_key=key,
            trigger_at=due_at,
            trigger_label="test",
            enhanced=enhanced,
            due_at=due_at,
            explanation="test",
            owner="officer",
            status=status,
        )

    june = datetime.datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
    make(june, DutyStatus.MET, key="met")
    make(june, DutyStatus.MET_LATE, key="late")
    make(june, DutyStatus.MISSED, key="missed")
    make(june, DutyStatus.DUE, key="open-past-due")  # past its deadline: counts as missed
    make(june, DutyStatus.DECLINED, key="declined")
    make(june, DutyStatus.WAIVED, key="waived")
    make(june, DutyStatus.WITHDRAWN, key="withdrawn")  # never counted
    make(june, DutyStatus.MET, enhanced=True, key="enhanced-met")
    # 23:30 UTC on 31 May is 00:30 on 1 June in London (BST): June.
    make(datetime.datetime(2026, 5, 31, 23, 30, tzinfo=UTC), DutyStatus.MET, key="edge-in")
    # 23:30 UTC on 30 June is 00:30 on 1 July in London: not June.
    make(datetime.datetime(2026, 6, 30, 23, 30, tzinfo=UTC), DutyStatus.MISSED, key="edge-out")
    return case


def test_duties_are_counted_by_outcome_with_period_edges_in_london_time(duties):
    [row] = duty_figures.by_rule(LiveFigures(Duty.objects.all()), JUNE, now=NOW)
    standard = row["standard"]
    assert (standard["total"], standard["met"], standard["met_late"]) == (7, 2, 1)
    assert (standard["missed"], standard["declined"], standard["waived"]) == (2, 1, 1)
    # 2 on time out of 2 + 1 late + 2 missed; declined and waived do not count against.
    assert standard["on_time"] == 40.0
    assert row["enhanced"]["total"] == 1 and row["enhanced"]["on_time"] == 100.0


def test_a_period_with_no_duties_has_no_percentage(duties):
    empty = Period(datetime.date(2025, 1, 1), datetime.date(2025, 1, 31))
    assert duty_figures.by_rule(LiveFigures(Duty.objects.all()), empty, now=NOW) == []
    assert on_time_percent({"met": 0, "met_late": 0, "missed": 0}) is None


def test_the_previous_period_is_as_long_and_just_before():
    assert JUNE.previous() == Period(datetime.date(2026, 5, 2), datetime.date(2026, 5, 31))


def test_drill_down_lists_the_duties_behind_a_figure(duties):
    missed = duty_lists.drill_down(
        Duty.objects.all(), JUNE, code="R7", outcome="missed", enhanced=False, now=NOW
    )
    assert sorted(missed.values_list("trigger_key", flat=True)) == ["missed", "open-past-due"]


def test_key_entitlements_report_release_notice_as_not_held(duties):
    key = duty_figures.key_entitlements(LiveFigures(Duty.objects.all()), JUNE, now=NOW)
    assert [k["label"] for k in key][-1] == "Advance notice of the offender's release"
    assert key[-1]["not_held"] is True


def test_the_dashboard_is_for_supervisors_and_drills_down_to_cases(client, duties):
    supervisor = make_user(Role.SUPERVISOR)
    accounts_services.add_to_team(team=duties.team, user=supervisor, is_supervisor=True)
    client.force_login(make_user(Role.OFFICER))
    assert client.get(reverse("compliance-dashboard")).status_code == 403
    client.force_login(supervisor)
    page = client.get(reverse("compliance-dashboard"), {"start": "2026-06-01", "end": "2026-06-30"})
    assert page.status_code == 200 and "R7" in page.content.decode()
    drill = client.get(
        reverse("compliance-drill-down"),
        {
            "start": "2026-06-01",
            "end": "2026-06-30",
            "rule": "R7",
            "outcome": "missed",
            "enhanced": "0",
        },
    )
    assert duties.crime_reference in drill.content.decode()


def test_the_overdue_worklist_reassigns_cases_to_another_officer(client):
    case = CaseFactory()
    supervisor = make_user(Role.SUPERVISOR)
    accounts_services.add_to_team(team=case.team, user=supervisor, is_supervisor=True)
    Duty.objects.filter(case=case, rule__code="R2").update(
        due_at=datetime.datetime(2026, 1, 5, 12, 0, tzinfo=UTC), status=DutyStatus.MISSED
    )
    newcomer = make_user(Role.OFFICER)
    client.force_login(supervisor)
    url = reverse("compliance-overdue")
    assert case.crime_reference in client.get(url).content.decode()
    assert "Tick at least one case" in client.post(url, {"officer": newcomer.pk}).content.decode()
    agency = make_user(Role.AGENCY)
    refused = client.post(url, {"officer": agency.pk, "case": [case.pk]})
    assert refused.status_code == 200
    client.post(url, {"officer": newcomer.pk, "case": [case.pk]})
    case.refresh_from_db()
    assert case.officer == newcomer
    # The change of officer is in the case's history and the audit trail, with who made it.
    from audit.models import AuditEvent

    assert case.history.first().officer_id == newcomer.pk
    assert AuditEvent.objects.filter(action="change", case_id=case.pk, user=supervisor).exists()


def test_service_measures_on_a_small_set():
    from cases import services as case_services
    from cases.models import Case
    from tests.cases.factories import offence

    reported = datetime.datetime(2026, 6, 10, 9, 0, tzinfo=UTC)
    burglary = CaseFactory(
        occurred_at=reported - datetime.timedelta(hours=2), reported_at=reported, now=reported
    )
    abuse = CaseFactory(
        offence=offence("abh_domestic"),
        occurred_at=reported,
        reported_at=reported + datetime.timedelta(hours=1),
        now=reported + datetime.timedelta(hours=1),
    )
    case_services.record_needs_assessment(
        party=victim_of(burglary), by=burglary.officer, now=reported + datetime.timedelta(hours=6)
    )
    Case.objects.filter(pk=abuse.pk).update(mental_health_demand=True)
    figures = service_figures.live_service_measures(Case.objects.all(), JUNE)
    assert figures["cases"] == 2 and figures["victims"] == 2
    assert figures["needs_assessed"] == 50.0 and figures["needs_median_hours"] == 6.0
    assert figures["enhanced"] == 50.0  # the domestic abuse victim
    assert figures["da_victims"] == 1 and figures["da_risk_assessed"] == 0.0
    assert figures["mental_health_demand"] == 50.0
    assert figures["referrals_sent"] == 0 and figures["referrals_accepted"] is None


def test_the_dashboard_reads_the_summary_once_built_and_shows_the_same_figures(client, duties):
    from compliance import summary
    from compliance.models import DutyOutcomeDay

    supervisor = make_user(Role.SUPERVISOR)
    accounts_services.add_to_team(team=duties.team, user=supervisor, is_supervisor=True)
    client.force_login(supervisor)
    june = {"start": "2026-06-01", "end": "2026-06-30"}
    live = client.get(reverse("compliance-dashboard"), june).context
    summary.refresh()
    assert DutyOutcomeDay.objects.exists()
    # Change the duty rows behind the summary's back: the page must now read the summary.
    Duty.objects.filter(case=duties).delete()
    built = client.get(reverse("compliance-dashboard"), june).context
    assert built["rows"] == live["rows"] and built["key"] == live["key"]
    assert built["teams"] == live["teams"]
