"""The summary kept fresh from its change log: after any mix of changes, `update` leaves every
summary table exactly as a whole rebuild at the same moment would, counting again only the
(day, team) rows that changed, and the triggers log changes however they are written."""

import datetime

import pytest
import time_machine
from django.db import connection

from cases.models import Case, NeedsAssessment, Person
from compliance import summary, tasks
from compliance.models import (
    DutyFacetRuleDay,
    DutyFacetTeamDay,
    DutyOutcomeDay,
    DutyOutcomeForceDay,
    DutyOutcomeForceRuleDay,
    DutyOutcomeTeamDay,
    DutyOutcomeTeamRuleDay,
    ServiceDay,
    ServiceFacetDay,
    ServiceFacetHoursDay,
    ServiceFacetStageDay,
    ServiceHoursDay,
    ServiceSurveyStageDay,
    SummaryChange,
    SummaryRefresh,
)
from entitlements.models import Duty
from referrals.models import ReferralStatus
from surveys.models import InvitationStatus
from tests.cases.factories import victim_of
from tests.compliance.builders import UTC, S, case_with, duty
from tests.compliance.test_service_summary import HOUR, Records
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

TABLES = (
    DutyFacetRuleDay,
    DutyFacetTeamDay,
    DutyOutcomeDay,
    DutyOutcomeForceDay,
    DutyOutcomeForceRuleDay,
    DutyOutcomeTeamDay,
    DutyOutcomeTeamRuleDay,
    ServiceDay,
    ServiceFacetDay,
    ServiceFacetHoursDay,
    ServiceFacetStageDay,
    ServiceHoursDay,
    ServiceSurveyStageDay,
)
T0 = datetime.datetime(2026, 7, 15, 12, 0, tzinfo=UTC)
T1 = T0 + datetime.timedelta(minutes=1)


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def contents() -> dict:
    """Every summary table's rows, without their ids."""
    return {
        model.__name__: sorted(
            (tuple(row.values()) for row in model.objects.values(*_fields(model))),
            key=repr,
        )
        for model in TABLES
    }


def _fields(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if f.name != "id"]


@pytest.fixture
def world():
    teams = TeamFactory(), TeamFactory()
    records = Records()
    reported = at(2026, 7, 1, 9)
    cases = [
        records.case(teams[0], reported, needs=[3.0], victim={"sex": "Female"}),
        records.case(teams[1], at(2026, 7, 14, 22, 30), offence_code="abh_domestic"),
        records.case(teams[1], reported, restricted=True),
    ]
    for case in cases:
        duty(case, S.MET, due_at=case.reported_at + datetime.timedelta(days=1))
        duty(case, S.DUE, due_at=T0 + datetime.timedelta(seconds=30))  # passes before T1
        duty(case, S.DUE, due_at=at(2026, 7, 20, 22, 59, 59))
    records.referral(cases[0], reported + HOUR, answered_after=5)
    records.invitation(
        cases[0],
        reported + 2 * HOUR,
        status=InvitationStatus.COMPLETED,
        answers={"treatment": 5, "whole_experience": 4},
    )
    return teams, records, cases


def test_update_after_changes_leaves_what_a_whole_rebuild_would(world):
    teams, records, cases = world
    summary.refresh(now=T0)
    # Changes of every kind the summary counts, written in every way the code writes them.
    new = records.case(teams[0], at(2026, 7, 15, 11), needs=[1.0])
    duty(new, S.DUE, due_at=at(2026, 7, 17, 22, 59, 59))
    Duty.objects.filter(case=cases[0], status=S.DUE).update(status=S.MET, met_at=T0)
    moved = Duty.objects.filter(case=cases[1], status=S.DUE).order_by("due_at").last()
    moved.due_at = at(2026, 7, 22, 22, 59, 59)
    moved.save(update_fields=["due_at"])
    Case.objects.filter(pk=cases[1].pk).update(team=teams[0])  # moved to another team
    Case.objects.filter(pk=cases[0].pk).update(restricted=True)
    records.referral(cases[1], at(2026, 7, 14, 23, 30), marac=True)
    referral = cases[0].referrals.filter(agency=records.agency).latest("id")
    referral.status = ReferralStatus.DECLINED
    referral.save()
    records.invitation(cases[1], at(2026, 7, 15, 8), status=InvitationStatus.COMPLETED)
    NeedsAssessment.objects.filter(party=victim_of(cases[0])).delete()
    Case.objects.filter(pk=cases[2].pk).delete()
    Person.objects.filter(pk=victim_of(cases[1]).person_id).update(
        sex="Male", date_of_birth=datetime.date(2012, 1, 1)
    )
    Case.objects.filter(pk=new.pk).update(officer=cases[0].officer)
    assert SummaryChange.objects.exists()

    assert summary.update(now=T1) > 0
    updated = contents()
    assert not SummaryChange.objects.exists()
    summary.refresh(now=T1)
    assert updated == contents()
    assert any(updated.values())


def test_a_deadline_that_passes_moves_from_open_to_overdue_with_no_change_logged(world):
    summary.refresh(now=T0)
    SummaryChange.objects.all().delete()
    summary.update(now=T1)
    updated = contents()
    summary.refresh(now=T1)
    assert updated == contents()
    passed = DutyOutcomeForceRuleDay.objects.filter(day=T0.date())
    assert sum(row.due_passed for row in passed) == 2  # the unrestricted cases' duties


def test_update_is_idempotent_and_says_when(world):
    summary.refresh(now=T0)
    case_with(reported_at=at(2026, 7, 15, 10), team=world[0][1])
    summary.update(now=T1)
    once = contents()
    assert summary.update(now=T1) == 0
    assert contents() == once
    assert set(SummaryRefresh.objects.values_list("refreshed_at", flat=True)) == {T1}
    with time_machine.travel(T1, tick=False):
        assert tasks.update_summary() == 0  # the task updates (a rebuild would count rows)
    assert contents() == once


def test_before_anything_was_counted_update_rebuilds_whole(world):
    assert summary.update(now=T0) == DutyOutcomeDay.objects.count() > 0
    assert not SummaryChange.objects.exists()


def test_too_many_days_changed_is_done_as_a_whole_rebuild(world, monkeypatch):
    summary.refresh(now=T0)
    monkeypatch.setattr(summary, "MOST_DAYS", 1)
    duty(world[2][0], S.DUE, due_at=at(2026, 8, 1, 12))
    duty(world[2][0], S.DUE, due_at=at(2026, 8, 3, 12))
    assert summary.update(now=T1) == DutyOutcomeDay.objects.count()


def test_a_persons_details_changed_count_again_under_their_facets(world):
    cases = world[2]
    summary.refresh(now=T0)
    male = DutyFacetRuleDay.objects.filter(kind="sex", value="Male")
    assert not male.exists()
    Person.objects.filter(pk=victim_of(cases[0]).person_id).update(sex="Male")
    summary.update(now=T1)
    assert (
        sum(male.values_list("total", flat=True))
        == Duty.objects.filter(case=cases[0])
        .exclude(status__in=[S.WITHDRAWN, S.NOT_APPLICABLE])
        .count()
    )


def test_the_triggers_log_bulk_updates_and_deletions(world):
    SummaryChange.objects.all().delete()
    Duty.objects.filter(status=S.DUE).update(status=S.MISSED)
    logged = SummaryChange.objects.count()
    assert logged == 2 * Duty.objects.filter(status=S.MISSED).count()  # before and after
    Duty.objects.filter(status=S.MET).update(explanation="reworded")  # nothing counted changed
    assert SummaryChange.objects.count() == logged
    Case.objects.filter(pk=world[2][0].pk).delete()
    assert SummaryChange.objects.count() > logged


def test_every_table_the_summary_counts_has_its_change_log_triggers():
    """A later migration that rebuilds one of these tables (SQLite remakes a table to alter it)
    must not leave it without its triggers: its changes would then never reach the summary."""
    tables = [
        "entitlements_duty",
        "entitlements_dutyattempt",
        "cases_case",
        "cases_party",
        "cases_person",
        "cases_eligibilitybasis",
        "cases_needsassessment",
        "cases_riskassessment",
        "cases_specialmeasuresrecord",
        "referrals_referral",
        "surveys_invitation",
        "surveys_answer",
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname LIKE 'vc_summary_log_%%' AND t.tgenabled <> 'D'"
            )
            found = {table: 3 for (table,) in cursor.fetchall()}  # one trigger, three events
        else:
            cursor.execute(
                "SELECT tbl_name, count(*) FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'vc_summary_log_%' GROUP BY tbl_name"
            )
            found = dict(cursor.fetchall())
    assert {table: found.get(table) for table in tables} == dict.fromkeys(tables, 3)
