"""Retention rules as data: which class a case gets, from which date, and the set-based
assignment that is safe to run again."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.models import OffenceCategory
from retention import services
from retention.models import CaseRetention, RetentionClass, RetentionRule, RetentionStatus
from tests.cases.factories import CaseFactory, offence

pytestmark = pytest.mark.django_db

S = RetentionStatus


def _in_force(on=None):
    return list(RetentionRule.objects.in_force(on or timezone.localdate()))


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("theft_other", "mopi_group_3"),
        ("burglary_residential", "mopi_group_3"),
        ("abh_domestic", "mopi_group_2"),
        ("rape", "mopi_group_2"),
        ("gbh_with_intent", "mopi_group_2"),
        ("murder", "mopi_group_1"),
        ("attempted_murder", "mopi_group_1"),
    ],
)
def test_seeded_rule_chosen_by_the_offence_flags(code, expected):
    rule = services.rule_for(OffenceCategory.objects.get(code=code), _in_force())
    assert rule.retention_class.code == expected


def test_default_class_is_six_years_then_review_from_the_mopi_source():
    rule = services.rule_for(offence("theft_other"), _in_force())
    assert (rule.minimum_years, rule.review_interval_years) == (6, 6)
    assert "Hansard" in rule.source
    # The MoPI groups are unconfirmed in DOMAIN.md section 14: held as configurable data.
    assert RetentionRule.objects.filter(unconfirmed=True).count() == 2


def test_rule_selected_by_effective_date():
    group3 = RetentionClass.objects.get(code="mopi_group_3")
    old = RetentionRule.objects.get(retention_class=group3)
    old.effective_to = datetime.date(2030, 1, 1)
    old.save()
    new = RetentionRule.objects.create(
        retention_class=group3,
        minimum_years=7,
        review_interval_years=5,
        effective_from=datetime.date(2030, 1, 1),
        source="Local policy 2030",
    )
    theft = offence("theft_other")
    assert services.rule_for(theft, _in_force(datetime.date(2029, 12, 31))) == old
    assert services.rule_for(theft, _in_force(datetime.date(2030, 1, 1))) == new


def test_offence_group_also_selects_a_rule():
    klass = RetentionClass.objects.create(code="fraud_local", name="Fraud (local policy)")
    rule = RetentionRule.objects.create(
        retention_class=klass,
        offence_groups=["Fraud"],
        priority=10,
        minimum_years=8,
        review_interval_years=4,
        effective_from=datetime.date(2000, 1, 1),
        source="Local",
    )
    assert services.rule_for(offence("fraud"), _in_force()) == rule
    assert services.rule_for(offence("theft_other"), _in_force()) != rule


def test_assignment_uses_closure_date_and_minimum_years_and_is_idempotent():
    closed = CaseFactory(offence=offence("theft_other"))
    CaseFactory.create_batch(2, offence=offence("rape"))
    closed_at = timezone.now() - datetime.timedelta(days=30)
    type(closed).objects.filter(pk=closed.pk).update(
        status="closed", outcome="no_suspect", closed_at=closed_at
    )
    first = services.assign_retention()
    assert first == {"created": 3, "moved": 0, "due": 0}
    row = CaseRetention.objects.get(case=closed)
    anchor = timezone.localdate(closed_at)
    assert row.anchor_date == anchor
    assert row.review_due == services.add_years(anchor, 6)
    assert row.retention_class.code == "mopi_group_3"
    assert CaseRetention.objects.filter(retention_class__code="mopi_group_2").count() == 2

    again = services.assign_retention()
    assert again == {"created": 0, "moved": 0, "due": 0}
    assert CaseRetention.objects.count() == 3


def test_assignment_is_a_fixed_number_of_queries_whatever_the_number_of_cases(
    django_assert_max_num_queries,
):
    CaseFactory.create_batch(6)
    with django_assert_max_num_queries(8):
        services.assign_retention()


def test_a_case_keeps_the_rule_it_was_assigned_when_the_rules_change():
    case = CaseFactory(offence=offence("theft_other"))
    services.assign_retention()
    kept = CaseRetention.objects.get(case=case).rule
    kept.effective_to = timezone.localdate()
    kept.save()
    RetentionRule.objects.create(
        retention_class=kept.retention_class,
        minimum_years=2,
        review_interval_years=2,
        effective_from=timezone.localdate(),
        source="Changed",
    )
    # The case closes later: its review date moves, by its own rule's years.
    type(case).objects.filter(pk=case.pk).update(
        status="closed",
        outcome="no_suspect",
        closed_at=timezone.now() + datetime.timedelta(days=3),
    )
    result = services.assign_retention()
    row = CaseRetention.objects.get(case=case)
    assert result["moved"] == 1
    assert row.rule == kept
    assert row.review_due == services.add_years(row.anchor_date, 6)


def test_due_rows_are_marked_in_one_sweep_including_retained_ones_whose_date_came():
    case = CaseFactory()
    services.assign_retention()
    later = timezone.now() + datetime.timedelta(days=366 * 7)
    result = services.assign_retention(now=later)
    assert result["due"] == 1
    assert CaseRetention.objects.get(case=case).status == S.DUE
    assert services.assign_retention(now=later)["due"] == 0


def test_management_command_reports_what_it_did(capsys):
    CaseFactory()
    call_command("assign_retention")
    assert "1 assigned" in capsys.readouterr().out


def test_leap_day_review_falls_on_28_february():
    assert services.add_years(datetime.date(2024, 2, 29), 6) == datetime.date(2030, 2, 28)


def test_beat_runs_the_task_nightly_and_the_task_calls_the_service():
    from django_celery_beat.models import PeriodicTask

    from retention import tasks

    task = PeriodicTask.objects.get(task="retention.assign")
    assert (task.crontab.hour, task.crontab.minute) == ("2", "30")
    CaseFactory()
    assert tasks.assign_retention() == {"created": 1, "moved": 0, "due": 0}
    assert tasks.assign_retention()["created"] == 0


def test_a_flag_the_officer_added_selects_the_rule_keyed_on_it():
    # A common assault the officer recorded as domestic abuse is kept as domestic abuse is.
    assault = offence("common_assault")
    assert "domestic_abuse" not in assault.flags
    rules = _in_force()
    assert services.rule_for(assault, rules).retention_class.code == "mopi_group_3"
    rule = services.rule_for(assault, rules, ["domestic_abuse"])
    assert rule.retention_class.code == "mopi_group_2"


def test_assignment_counts_the_flags_added_to_each_case():
    plain = CaseFactory(offence=offence("common_assault"))
    sexual = CaseFactory(offence=offence("common_assault"), added_flags=["sexual_offence"])
    hate = CaseFactory(offence=offence("common_assault"), added_flags=["hate_crime"])

    assert services.assign_retention()["created"] == 3

    def klass(case):
        return CaseRetention.objects.get(case=case).retention_class.code

    assert klass(plain) == "mopi_group_3"
    assert klass(sexual) == "mopi_group_2"
    # No seeded rule is keyed on hate crime: the default class, as for the offence alone.
    assert klass(hate) == "mopi_group_3"
