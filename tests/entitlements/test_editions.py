"""Editions of the Code as a workflow: the timeline never overlaps nor leaves a gap, a draft is a
copy of everything in an edition, typed rules refuse unknown values in words, scheduling moves
only triggers from the start date, the preview counts in a fixed number of queries, and the
administrator's pages and export."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditAction, AuditEvent
from entitlements import editions
from entitlements.forms import DraftRuleForm
from entitlements.letters import rights_summary
from entitlements.models import Duty, DutyRule, DutyStatus, Edition, ReachPolicy, Right
from tests.cases.factories import victim_of
from tests.entitlements.test_engine import arrest, duty, end_of, london, make_case
from tests.factories import make_user

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 1, 11)
START = datetime.date(2027, 2, 1)  # a Monday
NOW = london(2027, 1, 11, 12, 0)


@pytest.fixture
def admin_user():
    return make_user(Role.ADMIN)


@pytest.fixture
def current():
    return Edition.objects.get(starts_on__isnull=False, ends_on__isnull=True)


@pytest.fixture
def draft(current, admin_user):
    return editions.copy_edition(
        current, by=admin_user, name="Victims' Code 2026", source="CP 1502, test", now=NOW
    )


def rule_data(rule, **changes):
    data = {
        "title": rule.title,
        "trigger": rule.trigger,
        "clock_from_receipt": rule.clock_from_receipt,
        "roles": list(rule.roles),
        "offence_flags": list(rule.offence_flags),
        "min_custody_months": rule.min_custody_months or "",
        "standard_working_days": rule.standard_working_days,
        "enhanced_working_days": rule.enhanced_working_days,
        "calendar_hours": rule.calendar_hours or "",
        "met_by": rule.met_by,
        "owner": rule.owner,
        "source": rule.source,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


def change_r7(draft, admin_user, days=3):
    rule = draft.rules.get(code="R7")
    rule.standard_working_days = days
    return editions.save_draft_rule(rule, by=admin_user)


# --- the edition in force today ----------------------------------------------------------------


def test_todays_rows_are_grouped_into_the_edition_in_force(current):
    assert current.status_on(TODAY) == Edition.Status.IN_FORCE
    assert current.period == "In force from 1 April 2021 (no end date)"
    assert not DutyRule.objects.filter(code_edition__isnull=True).exists()
    assert not Right.objects.filter(code_edition__isnull=True).exists()
    assert not ReachPolicy.objects.filter(code_edition__isnull=True).exists()
    assert current.rules.count() == DutyRule.objects.count() > 30


# --- the timeline: no overlap, no gap ----------------------------------------------------------


def test_an_edition_that_overlaps_the_next_is_refused_in_words(current):
    later = Edition(name="Later", source="test", starts_on=START)
    errors = editions.timeline_errors([current, later])
    assert errors == [
        "Victims' Code 2020 and Witness Charter 2013 would overlap Later: it must end on "
        "31 January 2027, the day before Later starts."
    ]
    with pytest.raises(ValidationError) as refused:
        later.full_clean()
    assert "would overlap Later" in str(refused.value)


def test_an_edition_that_leaves_a_gap_is_refused_in_words(current):
    current.ends_on = datetime.date(2027, 1, 20)
    later = Edition(name="Later", source="test", starts_on=START)
    assert editions.timeline_errors([current, later]) == [
        "No edition would be in force from 21 January 2027 to 31 January 2027: Victims' Code 2020 "
        "and Witness Charter 2013 must end on 31 January 2027, the day before Later starts."
    ]
    current.ends_on = START - datetime.timedelta(days=1)
    assert editions.timeline_errors([current, later]) == []


def test_two_editions_on_one_day_and_an_end_before_the_start_are_refused(current):
    same = Edition(name="Same day", source="test", starts_on=current.starts_on)
    assert "both start on 1 April 2021" in editions.timeline_errors([current, same])[0]
    backwards = Edition(name="Backwards", source="t", starts_on=START, ends_on=TODAY)
    assert "cannot end on 11 January 2027, before it starts" in " ".join(
        editions.timeline_errors([backwards])
    )


def test_the_latest_edition_cannot_end(current):
    current.ends_on = START
    assert "no edition would be in force after that day" in editions.timeline_errors([current])[0]


@pytest.mark.postgresql
def test_postgresql_itself_refuses_overlapping_editions(current):
    if connection.vendor != "postgresql":
        pytest.skip("The exclusion constraint is PostgreSQL's.")
    with pytest.raises(IntegrityError), transaction.atomic():
        Edition.objects.create(name="Overlapping", source="t", starts_on=START)


# --- typed rules: unknown values and a missing clock, in words ---------------------------------


def test_unknown_roles_and_offence_flags_are_refused_in_plain_words(draft):
    rule = draft.rules.get(code="R7")
    rule.roles = ["victm"]
    rule.offence_flags = ["domestic_abuse", "hate"]
    with pytest.raises(ValidationError) as refused:
        rule.full_clean()
    errors = refused.value.message_dict
    assert errors["roles"][0].startswith('"victm" is not a known role. Choose from: victim,')
    assert errors["offence_flags"][0].startswith('"hate" is not a known offence flag.')
    rule.roles = "victim"  # a string, not a list: once a 500 on every later arrest
    with pytest.raises(ValidationError) as refused:
        rule.full_clean()
    assert refused.value.message_dict["roles"] == ["Give the roles as a list of codes."]


def test_the_form_offers_choices_and_refuses_an_unknown_one_on_its_field(draft):
    rule = draft.rules.get(code="R7")
    form = DraftRuleForm(
        rule_data(rule, roles=["victm"], offence_flags=["hate"], trigger="arest"), instance=rule
    )
    assert not form.is_valid()
    assert form.errors["roles"] == ["victm is not a known role: choose from the list."]
    assert form.errors["offence_flags"] == [
        "hate is not a known offence flag: choose from the list."
    ]
    assert form.errors["trigger"] == ["arest is not a known event: choose from the list."]


def test_a_missing_clock_is_refused_on_its_fields_without_a_constraint_name(draft):
    rule = draft.rules.get(code="R7")
    form = DraftRuleForm(
        rule_data(rule, standard_working_days="", enhanced_working_days=""), instance=rule
    )
    assert not form.is_valid()
    assert form.errors["standard_working_days"] == [
        "Give the number of working days for standard rights, or a clock in hours."
    ]
    assert form.errors["enhanced_working_days"] == [
        "Give the number of working days for enhanced rights, or a clock in hours."
    ]
    assert "rule_has_a_clock" not in str(form.errors)
    assert "constraint" not in str(form.errors).lower()


def test_only_a_draft_rule_can_be_changed(current, admin_user):
    rule = current.rules.get(code="R7")
    rule.standard_working_days = 3
    with pytest.raises(ValidationError, match="only a draft can be changed"):
        editions.save_draft_rule(rule, by=admin_user)


# --- copy --------------------------------------------------------------------------------------


def test_copy_takes_every_rule_right_guidance_and_policy_row_and_is_not_in_force(
    current, draft, admin_user
):
    assert draft.is_draft and draft.copied_from == current
    assert draft.rules.count() == current.rules.filter(effective_to__isnull=True).count()
    assert draft.rights.count() == current.rights.count()
    assert draft.reach_policies.count() == current.reach_policies.count() == 1
    old_right = current.rights.get(scheme="victims_code", number=6)
    new_right = draft.rights.get(scheme="victims_code", number=6)
    assert new_right.what_to_do == old_right.what_to_do and new_right.pk != old_right.pk
    # The copy's rules point at the copy's rights, and have no dates yet.
    assert not draft.rules.exclude(right__code_edition=draft).exists()
    assert not draft.rules.filter(effective_from__isnull=False).exists()
    # Nothing of the draft is in force: rules, rights and the policy read as before.
    assert not DutyRule.objects.in_force(START).filter(code_edition=draft).exists()
    assert not Right.objects.in_force(START).filter(code_edition=draft).exists()
    assert ReachPolicy.objects.in_force(START).get().code_edition == current
    # Kept in the rows' history and in the audit trail.
    assert DutyRule.history.filter(code_edition=draft, history_type="+").count() == (
        draft.rules.count()
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE,
        object_id=str(draft.pk),
        detail__startswith="Copied Victims' Code 2020 and Witness Charter 2013 as a draft: ",
    ).exists()


def test_a_copy_needs_a_new_name(current, draft, admin_user):
    with pytest.raises(ValidationError) as refused:
        editions.copy_edition(current, by=admin_user, name=draft.name, source="x", now=NOW)
    assert refused.value.message_dict["name"] == [
        "An edition called Victims' Code 2026 already exists; choose another name."
    ]


# --- schedule ----------------------------------------------------------------------------------


def test_the_start_date_must_be_in_the_future_and_after_the_latest(draft, admin_user):
    for day, message in [
        (None, "Give the date the new edition starts."),
        (TODAY, "The start date must be in the future: after 11 January 2027."),
    ]:
        with pytest.raises(ValidationError) as refused:
            editions.schedule_edition(draft, starts_on=day, by=admin_user, today=TODAY)
        assert refused.value.message_dict["starts_on"] == [message]
    assert draft.rules.filter(effective_from__isnull=False).count() == 0


def test_scheduling_ends_the_edition_in_force_the_day_before(current, draft, admin_user):
    change_r7(draft, admin_user)
    editions.schedule_edition(draft, starts_on=START, by=admin_user, today=TODAY)
    current.refresh_from_db()
    draft.refresh_from_db()
    assert current.ends_on == datetime.date(2027, 1, 31)
    assert current.period == "In force from 1 April 2021 to 31 January 2027 (inclusive)"
    assert draft.period == "In force from 1 February 2027 (no end date)"
    assert draft.status_on(TODAY) == Edition.Status.SCHEDULED
    assert draft.status_on(START) == Edition.Status.IN_FORCE
    assert current.status_on(START) == Edition.Status.ENDED
    assert editions.timeline_errors(Edition.objects.all()) == []
    # On any day, one rule per code (and one reach policy) is in force.
    for day in (START - datetime.timedelta(days=1), START):
        codes = list(DutyRule.objects.in_force(day).values_list("code", flat=True))
        assert len(codes) == len(set(codes))
        assert ReachPolicy.objects.in_force(day).count() == 1
    assert DutyRule.objects.in_force(START).get(code="R7").standard_working_days == 3
    assert DutyRule.objects.in_force(START - datetime.timedelta(days=1)).get(
        code="R7"
    ).standard_working_days == (5)
    assert AuditEvent.objects.filter(
        action=AuditAction.CHANGE, object_id=str(draft.pk), detail__startswith="Scheduled from"
    ).exists()
    # A second edition cannot start on or before it.
    other = editions.copy_edition(draft, by=admin_user, name="Another", source="t", now=NOW)
    with pytest.raises(ValidationError) as refused:
        editions.schedule_edition(other, starts_on=START, by=admin_user, today=TODAY)
    assert "a new edition must start after it" in refused.value.message_dict["starts_on"][0]


def test_a_start_before_a_later_row_of_the_edition_in_force_is_refused(current, draft, admin_user):
    ReachPolicy.objects.filter(code_edition=current).update(effective_from=START)
    with pytest.raises(ValidationError) as refused:
        editions.schedule_edition(draft, starts_on=START, by=admin_user, today=TODAY)
    assert refused.value.message_dict["starts_on"][0].startswith(
        "Victims' Code 2020 and Witness Charter 2013 has a row that takes effect on 1 February 2027"
    )


def test_a_draft_rule_the_checks_would_refuse_stops_the_schedule(draft, admin_user):
    # As if written past the form (a raw update): scheduling checks every rule again.
    DutyRule.objects.filter(code_edition=draft, code="R7").update(roles=["victm"])
    with pytest.raises(ValidationError) as refused:
        editions.schedule_edition(draft, starts_on=START, by=admin_user, today=TODAY)
    assert refused.value.messages[0].startswith('Rule R7: "victm" is not a known role.')
    draft.refresh_from_db()
    assert draft.is_draft


def test_the_database_refuses_a_rule_with_no_clock_too(draft):
    with pytest.raises(IntegrityError), transaction.atomic():
        DutyRule.objects.filter(code_edition=draft, code="R7").update(standard_working_days=None)


def test_a_withdrawn_schedule_puts_both_editions_back(current, draft, admin_user):
    editions.schedule_edition(draft, starts_on=START, by=admin_user, today=TODAY)
    editions.withdraw_schedule(draft, by=admin_user, today=TODAY)
    current.refresh_from_db()
    draft.refresh_from_db()
    assert draft.is_draft and current.ends_on is None
    assert not current.rules.filter(effective_to=START).exists()
    assert DutyRule.objects.in_force(START).get(code="R7").code_edition == current


# --- what a duty gets: before the start date the old rule, from it the new one -----------------


def test_a_trigger_before_the_start_keeps_the_old_rule_and_from_it_gets_the_new(
    current, draft, admin_user
):
    change_r7(draft, admin_user)
    editions.schedule_edition(draft, starts_on=START, by=admin_user, today=TODAY)
    case = make_case()
    victim = victim_of(case)
    before = arrest(case, at=london(2027, 1, 31, 23, 30))  # the last day of the old edition
    after = arrest(case, at=london(2027, 2, 1, 0, 30))  # the first of the new, London time
    old_duty = duty(victim, "R7", trigger_event=before)
    new_duty = duty(victim, "R7", trigger_event=after)
    assert old_duty.rule.code_edition == current
    assert new_duty.rule.code_edition == draft
    # Old: 5 working days from Sunday 31 January: Monday 1 to Friday 5 February.
    assert old_duty.due_at == end_of(2027, 2, 5)
    # New: 3 working days from Monday 1 February: Tuesday 2 to Thursday 4 February.
    assert new_duty.due_at == end_of(2027, 2, 4)
    assert "Rule R7 of Victims' Code 2026, in force from 1 February 2027" in new_duty.explanation
    # The letter reads the rights of the edition in force on its day, once each.
    assert len(rights_summary(victim, on=START)) == 12
    assert "within 3 working days" in rights_summary(victim, on=START)[5]["extra"]
    assert "within 5 working days" in rights_summary(victim, on=TODAY)[5]["extra"]


# --- the preview -------------------------------------------------------------------------------


def test_the_preview_lists_each_changed_rule_with_counts_and_examples(
    draft, admin_user, django_assert_num_queries
):
    case = make_case(reported_at=london(2027, 1, 4, 10))
    arrest(case, at=london(2027, 1, 5, 10))
    met = arrest(case, at=london(2027, 1, 6, 10))
    duty(victim_of(case), "R7", trigger_event=met)
    Duty.objects.filter(trigger_event=met).update(status=DutyStatus.MET)
    change_r7(draft, admin_user)
    with django_assert_num_queries(5):
        preview = editions.preview(draft, starts_on=START, now=NOW)
    assert [c.code for c in preview.changes] == ["R7"]
    change = preview.changes[0]
    assert change.fields == [("standard working days", "5", "3")]
    assert change.open_duties == 1
    assert change.recent_triggers == 2
    day_before, _, first_day, _ = change.examples
    assert day_before.label == "Sunday 31 January 2027 at 10:00, standard rights"
    assert (day_before.before, day_before.after) == (
        "Friday 5 February 2027, 23:59",
        "Wednesday 3 February 2027, 23:59",
    )
    assert day_before.applies == "The rule in force now"
    assert (first_day.before, first_day.after) == (
        "Monday 8 February 2027, 23:59",
        "Thursday 4 February 2027, 23:59",
    )
    assert first_day.applies == "The draft's rule"
    assert preview.unchanged == draft.rules.count() - 1
    assert preview.previous_ends_on == datetime.date(2027, 1, 31)


def test_the_preview_costs_the_same_for_more_changed_rules(
    draft, admin_user, django_assert_num_queries
):
    DutyRule.objects.filter(code_edition=draft, recurring=False).update(source="Changed")
    with django_assert_num_queries(5):
        preview = editions.preview(draft, starts_on=START, now=NOW)
    assert len(preview.changes) > 20


# --- export ------------------------------------------------------------------------------------


def test_an_edition_exports_as_a_fixture_another_force_can_load(draft, admin_user, tmp_path):
    change_r7(draft, admin_user, days=4)
    body = editions.export_fixture(draft, by=admin_user)
    items = json.loads(body)
    assert all("pk" not in item for item in items)
    models = {item["model"] for item in items}
    assert models == {
        "entitlements.edition",
        "entitlements.right",
        "entitlements.dutyrule",
        "entitlements.reachpolicy",
    }
    count = draft.rules.count()
    editions.discard_draft(draft, by=admin_user)  # as if in another force's database
    assert not DutyRule.objects.filter(code_edition__name="Victims' Code 2026").exists()
    path = tmp_path / "edition.json"
    path.write_text(body)
    call_command("loaddata", str(path), verbosity=0)
    loaded = Edition.objects.get(name="Victims' Code 2026")
    assert loaded.is_draft and loaded.rules.count() == count
    assert loaded.rules.get(code="R7").standard_working_days == 4
    assert loaded.rules.get(code="R7").right.code_edition == loaded


# --- the administrator's pages -----------------------------------------------------------------


def test_only_the_administrator_reaches_the_editions(client, current):
    client.force_login(make_user(Role.OFFICER))
    assert client.get(reverse("editions")).status_code == 403
    client.force_login(make_user(Role.SUPERVISOR))
    assert client.post(reverse("edition-copy", args=[current.pk])).status_code == 403
    client.force_login(make_user(Role.ADMIN))
    response = client.get(reverse("editions"))
    assert response.status_code == 200
    assert "In force from 1 April 2021 (no end date)" in response.content.decode()


def test_the_administrator_copies_changes_previews_and_schedules(
    client, current, admin_user, time_machine
):
    time_machine.move_to(NOW)
    client.force_login(admin_user)
    response = client.post(
        reverse("edition-copy", args=[current.pk]),
        {"name": "Victims' Code 2026", "source": "CP 1502"},
    )
    draft = Edition.objects.get(name="Victims' Code 2026")
    assert response.url == reverse("edition", args=[draft.pk])
    rule = draft.rules.get(code="R7")
    url = reverse("edition-rule", args=[draft.pk, rule.pk])
    page = client.get(reverse("edition", args=[draft.pk])).content.decode()
    assert url in page and "Draft: not scheduled" in page
    refused = client.post(url, rule_data(rule, roles=["victm"], standard_working_days=""))
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "victm is not a known role: choose from the list." in text
    assert "Give the number of working days for standard rights, or a clock in hours." in text
    assert client.post(url, rule_data(rule, standard_working_days=3)).status_code == 302
    schedule = reverse("edition-schedule", args=[draft.pk])
    past = client.get(schedule, {"starts_on": "2027-01-11"}).content.decode()
    assert "The start date must be in the future: after 11 January 2027." in past
    preview = client.get(schedule, {"starts_on": "2027-02-01"}).content.decode()
    assert "What would change from 1 February 2027" in preview
    assert "Thursday 4 February 2027, 23:59" in preview
    assert client.post(schedule, {"starts_on": "2027-02-01"}).status_code == 302
    draft.refresh_from_db()
    assert draft.starts_on == START
    # The history of the change is in the audit trail, field by field.
    assert AuditEvent.objects.filter(action=AuditAction.CHANGE, object_id=str(rule.pk)).exists()
    export = client.get(reverse("edition-export", args=[draft.pk]))
    assert export["Content-Type"] == "application/json"


def test_a_drafts_rule_titles_are_not_the_dashboards_labels(draft, admin_user):
    from compliance.duty_figures import _rule_labels

    rule = draft.rules.get(code="R7")
    rule.title = "A title still in draft"
    editions.save_draft_rule(rule, by=admin_user)
    assert _rule_labels({"R7"})["R7"]["title"] == "Tell them the suspect was arrested"


def test_the_edition_pages_read_a_fixed_number_of_queries(
    client, current, draft, admin_user, django_assert_max_num_queries
):
    client.force_login(admin_user)
    # Session, user and roles, the navigation's counts, then the page's own reads.
    with django_assert_max_num_queries(12):
        assert client.get(reverse("editions")).status_code == 200
    for edition in (current, draft):
        with django_assert_max_num_queries(14):
            page = client.get(reverse("edition", args=[edition.pk]))
        assert page.status_code == 200
    with django_assert_max_num_queries(16):
        preview = client.get(
            reverse("edition-schedule", args=[draft.pk]), {"starts_on": "2099-02-02"}
        )
    assert "What would change from 2 February 2099" in preview.content.decode()


def test_a_draft_can_be_discarded_and_an_edition_in_force_cannot(
    client, current, draft, admin_user
):
    client.force_login(admin_user)
    refused = client.post(reverse("edition-discard", args=[current.pk]), follow=True)
    assert "only a draft can be changed" in refused.content.decode()
    assert Edition.objects.filter(pk=current.pk).exists()
    response = client.post(reverse("edition-discard", args=[draft.pk]))
    assert response.url == reverse("editions")
    assert not Edition.objects.filter(pk=draft.pk).exists()
    assert not DutyRule.objects.filter(code_edition_id=draft.pk).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.DELETE, detail="Draft Victims' Code 2026 discarded."
    ).exists()
