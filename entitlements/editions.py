"""Editions of the Code as a workflow: copy one as a draft, edit the draft's rules, preview what
would change, schedule it from a start date.

The dates follow one rule: an edition ends the day before the next one starts, so on any day
exactly one edition is in force (from the first). Only `schedule_edition` and
`withdraw_schedule` set them, and `models.timeline_errors` says in words what would break the
rule (also used by `Edition.clean`, so /admin/ refuses it too). The rows of an edition take
effect on its start date and the previous edition's rows stop at it (`effective_to`,
exclusive), so a duty is still timed by the rules in force on its trigger's date
(`DutyRule.objects.in_force`): a trigger before the start date keeps the old rule, one on or
after it gets the new one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import User
from audit.models import AuditAction
from audit.services import record

from . import calendar, guidance
from .models import (
    FLAG_CHOICES,
    ONE_DAY,
    OPEN_STATUSES,
    ROLE_CHOICES,
    Duty,
    DutyRule,
    Edition,
    ReachPolicy,
    Right,
    timeline_errors,
)
from .services import deadline

ROLE_LABELS = dict(ROLE_CHOICES)
FLAG_LABELS = dict(FLAG_CHOICES)

# What a rule says, as the preview compares it (its code is how a draft's rule is matched).
COMPARED = (
    "title",
    "trigger",
    "roles",
    "offence_flags",
    "min_custody_months",
    "min_age",
    "max_age",
    "standard_working_days",
    "enhanced_working_days",
    "calendar_hours",
    "clock_from_receipt",
    "recurring",
    "met_by",
    "owner",
    "source",
)

# The window the preview reads a rule's rate of triggers from.
RATE_DAYS = 28


def _long(day: datetime.date) -> str:
    return f"{day:%-d %B %Y}"


# --- the timeline ------------------------------------------------------------------------------


def _check_timeline() -> None:
    errors = timeline_errors(Edition.objects.dated())
    if errors:
        raise ValidationError(errors)


def in_force(on: datetime.date) -> Edition | None:
    return Edition.objects.in_force(on).first()


def rows_at_end(edition: Edition, rows):
    """An edition's rows as they stand at its end (or now): those not closed within it."""
    if edition.is_draft:
        return rows
    if edition.ends_on is None:
        return rows.filter(effective_to__isnull=True)
    return rows.filter(Q(effective_to__isnull=True) | Q(effective_to__gt=edition.ends_on))


def _ensure_draft(edition: Edition) -> None:
    if not edition.is_draft:
        raise ValidationError(
            f"{edition} is {edition.status_label(timezone.localdate()).lower()}: only a draft "
            "can be changed. Copy it as a draft to make a new edition."
        )


# --- copy --------------------------------------------------------------------------------------


@transaction.atomic
def copy_edition(
    edition: Edition, *, by: User, name: str, source: str, now: datetime.datetime
) -> Edition:
    """A draft holding a copy of every right (with its guidance), rule and policy row of
    `edition`, as they stand at its end. Nothing of the draft is in force until scheduled."""
    name, source = name.strip(), source.strip()
    errors = {}
    if not name:
        errors["name"] = "Give the new edition a name."
    elif Edition.objects.filter(name=name).exists():
        errors["name"] = f"An edition called {name} already exists; choose another name."
    if not source:
        errors["source"] = "Say where the new edition comes from (for example, the Code's title)."
    if errors:
        raise ValidationError(errors)
    draft = Edition(name=name, source=source, copied_from=edition, created_by=by)
    draft._history_user = by
    draft.save()
    rights = []
    for right in edition.rights.all():
        right.pk = None
        right.code_edition = draft
        rights.append(right)
    made = bulk_create_with_history(rights, Right, default_user=by, default_date=now)
    # Matched by scheme and number: the copy's rules point at the copy's rights.
    by_number = {(r.scheme, r.number): r for r in made}
    rules = []
    for rule in rows_at_end(edition, edition.rules.select_related("right")):
        old_right = rule.right
        rule.pk = None
        rule.code_edition = draft
        rule.edition = draft.name
        rule.right = by_number.get((old_right.scheme, old_right.number), old_right)
        rule.effective_from = rule.effective_to = None
        rules.append(rule)
    bulk_create_with_history(rules, DutyRule, default_user=by, default_date=now)
    policies = []
    for policy in rows_at_end(edition, edition.reach_policies.all()):
        policy.pk = None
        policy.code_edition = draft
        policy.effective_from = policy.effective_to = None
        policies.append(policy)
    bulk_create_with_history(policies, ReachPolicy, default_user=by, default_date=now)
    record(
        by,
        AuditAction.CREATE,
        obj=draft,
        detail=(
            f"Copied {edition} as a draft: {len(rules)} rules, {len(made)} rights with their "
            f"guidance, {len(policies)} reach policy rows."
        ),
    )
    return draft


# --- editing a draft ---------------------------------------------------------------------------


@transaction.atomic
def save_draft_rule(rule: DutyRule, *, by: User) -> DutyRule:
    """Save a draft's rule after checking it whole (unknown roles or flags, a missing clock are
    refused in words, on their fields). Kept in the rule's history, hence the audit trail."""
    _ensure_draft(rule.code_edition)
    rule.full_clean()
    rule._history_user = by
    rule.save()
    return rule


@transaction.atomic
def save_draft_right(right: Right, *, by: User) -> Right:
    """Save a draft's Right with its guidance, after checking its placeholders name rules of
    the draft (refused in words on the field). Kept in the right's history."""
    _ensure_draft(right.code_edition)
    right.full_clean()
    right._history_user = by
    right.save()
    return right


@transaction.atomic
def add_draft_rule(edition: Edition, rule: DutyRule, *, by: User) -> DutyRule:
    """Add a new rule to a draft, checked whole like an edited one: its code must be new in the
    draft and its Right one of the draft's. Kept in the rule's history and the audit trail."""
    _ensure_draft(edition)
    rule.code = (rule.code or "").strip()
    rule.code_edition = edition
    rule.edition = edition.name
    rule.effective_from = rule.effective_to = None
    errors = {}
    if not rule.code:
        errors["code"] = "Give the rule a code, for example R31."
    elif edition.rules.filter(code=rule.code).exists():
        errors["code"] = (
            f"This draft already has a rule {rule.code}: choose another code, or change that rule."
        )
    if rule.right_id is not None and rule.right.code_edition_id != edition.pk:
        errors["right"] = "Choose one of this draft's rights."
    if errors:
        raise ValidationError(errors)
    rule.full_clean()
    rule._history_user = by
    rule.save()
    record(by, AuditAction.CREATE, obj=edition, detail=f"Rule {rule} added to the draft.")
    return rule


def guidance_naming(rule: DutyRule) -> list[Right]:
    """The draft's rights whose guidance names this rule's code in a placeholder."""
    return [
        right
        for right in rule.code_edition.rights.all()
        if any(rule.code in guidance.placeholders(getattr(right, f)) for f in guidance.FIELDS)
    ]


@transaction.atomic
def remove_draft_rule(rule: DutyRule, *, by: User) -> None:
    """Remove a rule from a draft. Refused while a right's guidance names it ({R7.standard}):
    the guidance would lose its number. A draft's rule never timed a duty, so nothing else
    depends on it. The deletion is kept in the rule's history and the audit trail."""
    _ensure_draft(rule.code_edition)
    naming = guidance_naming(rule)
    if naming:
        rights = ", ".join(str(right) for right in naming)
        raise ValidationError(
            f"The guidance of {rights} gives its numbers from rule {rule.code}: change that "
            "guidance first, then remove the rule."
        )
    label = str(rule)
    rule._history_user = by
    rule.delete()
    record(
        by,
        AuditAction.DELETE,
        obj=rule.code_edition,
        detail=f"Rule {label} removed from the draft.",
    )


# --- scheduling --------------------------------------------------------------------------------


def check_start(edition: Edition, starts_on: datetime.date | None, *, today: datetime.date):
    """The edition that would end the day before, after refusing a start date in words."""
    _ensure_draft(edition)
    if starts_on is None:
        raise ValidationError({"starts_on": "Give the date the new edition starts."})
    if starts_on <= today:
        raise ValidationError(
            {"starts_on": f"The start date must be in the future: after {_long(today)}."}
        )
    latest = Edition.objects.dated().order_by("-starts_on").first()
    if latest is not None and starts_on <= latest.starts_on:
        raise ValidationError(
            {
                "starts_on": (
                    f"{latest} starts on {_long(latest.starts_on)}: a new edition must start "
                    "after it. To start earlier, withdraw that edition's schedule first."
                )
            }
        )
    if latest is not None:
        # A row of the edition in force dated on or after the start (added in /admin/) would end
        # before it began.
        for model in (DutyRule, ReachPolicy):
            later = (
                model.objects.filter(code_edition=latest, effective_from__gte=starts_on)
                .order_by("-effective_from")
                .first()
            )
            if later is not None:
                raise ValidationError(
                    {
                        "starts_on": (
                            f"{latest} has a row that takes effect on "
                            f"{_long(later.effective_from)} ({later}): start the new edition "
                            "after that day."
                        )
                    }
                )
    problems = []
    for rule in edition.rules.all():
        try:
            # The checks in words (clean), not the constraints: those the database holds
            # already, and checking them would cost a query per rule.
            rule.full_clean(
                exclude=["code_edition", "right"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            problems.append(f"Rule {rule.code}: {' '.join(error.messages)}")
    if problems:
        raise ValidationError(problems)
    return latest


@transaction.atomic
def schedule_edition(
    edition: Edition, *, starts_on: datetime.date | None, by: User, today: datetime.date
) -> Edition:
    """Schedule a draft from `starts_on` (after today): the latest edition then ends the day
    before, its open rows stop at that date and the draft's rows start on it."""
    # One scheduling at a time: the timeline is read and written under the editions' locks.
    list(Edition.objects.select_for_update().order_by("pk"))
    edition.refresh_from_db()
    latest = check_start(edition, starts_on, today=today)
    if latest is not None:
        latest.ends_on = starts_on - ONE_DAY
        latest._history_user = by
        latest.save(update_fields=["ends_on"])
        for model in (DutyRule, ReachPolicy):
            closing = list(model.objects.filter(code_edition=latest, effective_to__isnull=True))
            for row in closing:
                row.effective_to = starts_on
            bulk_update_with_history(closing, model, ["effective_to"], default_user=by)
    for model in (DutyRule, ReachPolicy):
        opening = list(model.objects.filter(code_edition=edition))
        for row in opening:
            row.effective_from = starts_on
        bulk_update_with_history(opening, model, ["effective_from"], default_user=by)
    edition.starts_on = starts_on
    edition._history_user = by
    edition.save(update_fields=["starts_on"])
    _check_timeline()
    ended = f"; {latest} now ends on {_long(latest.ends_on)}" if latest is not None else ""
    record(by, AuditAction.CHANGE, obj=edition, detail=f"Scheduled from {_long(starts_on)}{ended}.")
    return edition


@transaction.atomic
def withdraw_schedule(edition: Edition, *, by: User, today: datetime.date) -> Edition:
    """Put a scheduled edition that has not started back to draft; the one before it is again
    open-ended. Only the latest can be withdrawn, so no gap opens."""
    list(Edition.objects.select_for_update().order_by("pk"))
    edition.refresh_from_db()
    if edition.is_draft or edition.starts_on <= today:
        raise ValidationError("Only an edition that has not started yet can be withdrawn.")
    if Edition.objects.dated().filter(starts_on__gt=edition.starts_on).exists():
        raise ValidationError("Withdraw the editions scheduled after this one first.")
    starts_on = edition.starts_on
    for model in (DutyRule, ReachPolicy):
        rows = list(model.objects.filter(code_edition=edition))
        for row in rows:
            row.effective_from = None
        bulk_update_with_history(rows, model, ["effective_from"], default_user=by)
    edition.starts_on = None
    edition._history_user = by
    edition.save(update_fields=["starts_on"])
    before = Edition.objects.filter(ends_on=starts_on - ONE_DAY).first()
    if before is not None:
        before.ends_on = None
        before._history_user = by
        before.save(update_fields=["ends_on"])
        for model in (DutyRule, ReachPolicy):
            rows = list(model.objects.filter(code_edition=before, effective_to=starts_on))
            for row in rows:
                row.effective_to = None
            bulk_update_with_history(rows, model, ["effective_to"], default_user=by)
    _check_timeline()
    record(
        by,
        AuditAction.CHANGE,
        obj=edition,
        detail=f"Schedule from {_long(starts_on)} withdrawn: a draft again.",
    )
    return edition


@transaction.atomic
def discard_draft(edition: Edition, *, by: User) -> None:
    """Delete a draft and its rows (each deletion kept in the rows' history)."""
    _ensure_draft(edition)
    name = str(edition)
    # Rules first: they protect the rights they point at.
    for row in edition.rules.all():
        row._history_user = by
        row.delete()
    edition._history_user = by
    record(by, AuditAction.DELETE, obj=edition, detail=f"Draft {name} discarded.")
    edition.delete()


# --- what would change -------------------------------------------------------------------------


@dataclass
class Example:
    label: str  # the trigger, in words
    before: str  # due under the rule in force now
    after: str  # due under the draft's rule
    applies: str  # which of the two the trigger gets


@dataclass
class RuleChange:
    code: str
    title: str
    kind: str  # "changed", "added" or "removed"
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # label, before, after
    open_duties: int = 0
    recent_triggers: int = 0
    examples: list[Example] = field(default_factory=list)


@dataclass
class Preview:
    starts_on: datetime.date
    replaces: Edition | None
    changes: list[RuleChange]
    unchanged: int

    @property
    def previous_ends_on(self) -> datetime.date:
        return self.starts_on - ONE_DAY


def _shown(rule: DutyRule, name: str) -> str:
    value = getattr(rule, name)
    if name == "roles":
        return ", ".join(ROLE_LABELS.get(v, v) for v in value) or "none"
    if name == "offence_flags":
        return ", ".join(FLAG_LABELS.get(v, v) for v in value) or "all offences"
    display = getattr(rule, f"get_{name}_display", None)
    if display is not None:
        return str(display())
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "none" if value is None else str(value)


def _due(rule: DutyRule, *, enhanced: bool, clock_at: datetime.datetime) -> str:
    if rule.recurring:
        return "when the person agreed"
    due_at, _ = deadline(rule, enhanced=enhanced, clock_at=clock_at)
    return f"{timezone.localtime(due_at):%A %-d %B %Y, %H:%M}"


def _examples(old: DutyRule, new: DutyRule, starts_on: datetime.date) -> list[Example]:
    """The same trigger at 10:00 on the day before the start and on the start date, under both
    rules, and which one it gets: the day before keeps the rule in force now."""
    examples = []
    for on in (starts_on - ONE_DAY, starts_on):
        clock_at = datetime.datetime.combine(on, datetime.time(10), tzinfo=calendar.LONDON)
        applies = "The draft's rule" if on >= starts_on else "The rule in force now"
        for enhanced in (False, True):
            rights = "enhanced" if enhanced else "standard"
            examples.append(
                Example(
                    label=f"{on:%A %-d %B %Y} at 10:00, {rights} rights",
                    before=_due(old, enhanced=enhanced, clock_at=clock_at),
                    after=_due(new, enhanced=enhanced, clock_at=clock_at),
                    applies=applies,
                )
            )
    return examples


def preview(edition: Edition, *, starts_on: datetime.date, now: datetime.datetime) -> Preview:
    """What scheduling the draft from `starts_on` would change, rule by rule, against the rules
    that would otherwise apply that day: for each rule that differs, its open duties now (they
    keep the old rule: triggered before the start date), how many duties it made in the last
    RATE_DAYS days (the rate of future triggers it would time) and example due dates. A constant
    number of queries whatever the number of rules or duties: two reads of rules, two counts."""
    new_rules = {r.code: r for r in edition.rules.select_related("right")}
    old_rules = {r.code: r for r in DutyRule.objects.in_force(starts_on).select_related("right")}
    changes: list[RuleChange] = []
    unchanged = 0
    for code in sorted(new_rules.keys() | old_rules.keys()):
        old, new = old_rules.get(code), new_rules.get(code)
        if old is None:
            changes.append(RuleChange(code=code, title=new.title, kind="added"))
            continue
        if new is None:
            changes.append(RuleChange(code=code, title=old.title, kind="removed"))
            continue
        differs = [
            (str(DutyRule._meta.get_field(name).verbose_name), _shown(old, name), _shown(new, name))
            for name in COMPARED
            if getattr(old, name) != getattr(new, name)
        ]
        if (old.right.scheme, old.right.number) != (new.right.scheme, new.right.number):
            differs.append(("right", str(old.right), str(new.right)))
        if not differs:
            unchanged += 1
            continue
        changes.append(
            RuleChange(
                code=code,
                title=new.title,
                kind="changed",
                fields=differs,
                examples=_examples(old, new, starts_on),
            )
        )
    old_ids = {old_rules[c.code].pk: c for c in changes if c.code in old_rules}
    if old_ids:
        # Open duties through their partial index; the rate from the rule's duties since.
        open_counts = (
            Duty.objects.filter(status__in=OPEN_STATUSES, rule_id__in=old_ids)
            .values("rule_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in open_counts:
            old_ids[row["rule_id"]].open_duties = row["n"]
        since = now - datetime.timedelta(days=RATE_DAYS)
        recent = (
            Duty.objects.filter(rule_id__in=old_ids, trigger_at__gte=since)
            .values("rule_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in recent:
            old_ids[row["rule_id"]].recent_triggers = row["n"]
    replaces = Edition.objects.in_force(starts_on).first()
    return Preview(starts_on=starts_on, replaces=replaces, changes=changes, unchanged=unchanged)


# --- export ------------------------------------------------------------------------------------


def export_fixture(edition: Edition, *, by: User | None = None) -> str:
    """The edition and its rights, rules and reach policy rows as a Django JSON fixture with
    natural keys (no database ids, no users), so another force can `loaddata` it."""
    parts = [
        serializers.serialize(
            "json",
            [edition],
            fields=["name", "source", "starts_on", "ends_on"],
            use_natural_primary_keys=True,
        ),
        serializers.serialize(
            "json",
            edition.rights.select_related("code_edition"),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        ),
        serializers.serialize(
            "json",
            edition.rules.select_related("code_edition", "right__code_edition"),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        ),
        serializers.serialize(
            "json",
            edition.reach_policies.select_related("code_edition"),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        ),
    ]
    if by is not None:
        record(by, AuditAction.EXPORT, obj=edition, detail="Exported as a JSON fixture.")
    # Each part is a JSON list: join their items into one list.
    items = [p.strip()[1:-1].strip() for p in parts]
    return "[\n" + ",\n".join(i for i in items if i) + "\n]\n"
