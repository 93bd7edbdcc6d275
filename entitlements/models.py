"""The Victims' Code and Witness Charter as data, and the duties they place on each case.

A rule row says what triggers a duty, whom it is owed to, how long the force has (standard and
enhanced), who owns it and where the rule comes from. A case is judged by the rules in force on the
date of each trigger: changing a rule means closing the old row and adding a new one.

Rule rows, the Rights with their guidance and the reach policy belong to an `Edition` of the Code.
A new edition is made as a draft copy of one in force, edited, then scheduled from a start date
(entitlements/editions.py): its rows take effect on that date and the previous edition's rows end
the day before, so editions never overlap nor leave a gap. A draft's rows have no effective_from,
so `in_force` never finds them.
"""

import datetime
from collections.abc import Iterable
from itertools import pairwise

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from audit.history import CaseHistory
from cases.models import Case, OffenceFlag, PartyRole

from . import guidance

ONE_DAY = datetime.timedelta(days=1)


def _long(day: datetime.date) -> str:
    return f"{day:%-d %B %Y}"


def timeline_errors(editions: Iterable["Edition"]) -> list[str]:
    """What is wrong with these editions' dates, in sentences (empty: nothing). Drafts have no
    dates and are left out."""
    dated = sorted((e for e in editions if e.starts_on is not None), key=lambda e: e.starts_on)
    errors = []
    for edition in dated:
        if edition.ends_on is not None and edition.ends_on < edition.starts_on:
            errors.append(
                f"{edition} cannot end on {_long(edition.ends_on)}, before it starts on "
                f"{_long(edition.starts_on)}."
            )
    for before, after in pairwise(dated):
        day_before = after.starts_on - ONE_DAY
        if before.starts_on == after.starts_on:
            errors.append(
                f"{before} and {after} both start on {_long(after.starts_on)}: only one edition "
                "can be in force on a day."
            )
        elif before.ends_on is None or before.ends_on > day_before:
            errors.append(
                f"{before} would overlap {after}: it must end on {_long(day_before)}, the day "
                f"before {after} starts."
            )
        elif before.ends_on < day_before:
            errors.append(
                f"No edition would be in force from {_long(before.ends_on + ONE_DAY)} to "
                f"{_long(day_before)}: {before} must end on {_long(day_before)}, the day before "
                f"{after} starts."
            )
    if dated and dated[-1].ends_on is not None:
        errors.append(
            f"{dated[-1]} is the latest edition, so it cannot end ({_long(dated[-1].ends_on)}): "
            "no edition would be in force after that day."
        )
    return errors


class EditionQuerySet(models.QuerySet):
    def in_force(self, on: datetime.date) -> "EditionQuerySet":
        return self.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__isnull=False, starts_on__lte=on
        )

    def dated(self) -> "EditionQuerySet":
        """Editions scheduled or in force, past ones included: every one but drafts."""
        return self.filter(starts_on__isnull=False)


class EditionManager(models.Manager.from_queryset(EditionQuerySet)):
    def get_by_natural_key(self, name: str) -> "Edition":
        return self.get(name=name)


class Edition(models.Model):
    """One edition of the Code (and the Witness Charter) as the force applies it: a draft while
    it has no start date, scheduled until that date, then in force until the day before the
    next edition starts. `ends_on` is inclusive and set only by the service that schedules the
    next edition (entitlements/editions.py), so the dates always follow on from each other."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        IN_FORCE = "in_force", "In force"
        ENDED = "ended", "No longer in force"

    name = models.CharField(
        max_length=100, unique=True, help_text="For example: Victims' Code 2026."
    )
    source = models.CharField(max_length=400, help_text="Where this edition comes from.")
    starts_on = models.DateField(
        null=True, blank=True, help_text="The first day in force; empty while a draft."
    )
    ends_on = models.DateField(
        null=True, blank=True, help_text="The last day in force (inclusive); empty if open-ended."
    )
    copied_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="copies"
    )
    # A default rather than auto_now_add, so an edition loaded from another force's fixture
    # (which carries no such date) gets one too.
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    objects = EditionManager()

    class Meta:
        ordering = [models.F("starts_on").desc(nulls_first=True), "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["starts_on"],
                name="one_edition_starts_a_day",
                violation_error_message="Another edition already starts on that day.",
            ),
            models.UniqueConstraint(
                fields=["ends_on"],
                name="one_edition_ends_a_day",
                violation_error_message="Another edition already ends on that day.",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=False, ends_on__gte=models.F("starts_on")),
                name="edition_ends_after_it_starts",
                violation_error_message="An edition cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.name,)

    def status_on(self, today: datetime.date) -> str:
        if self.starts_on is None:
            return self.Status.DRAFT
        if self.starts_on > today:
            return self.Status.SCHEDULED
        if self.ends_on is not None and self.ends_on < today:
            return self.Status.ENDED
        return self.Status.IN_FORCE

    def status_label(self, today: datetime.date) -> str:
        return self.Status(self.status_on(today)).label

    @property
    def is_draft(self) -> bool:
        return self.starts_on is None

    @property
    def period(self) -> str:
        """The dates in words, both ends inclusive."""
        if self.starts_on is None:
            return "Draft: not scheduled"
        if self.ends_on is None:
            return f"In force from {_long(self.starts_on)} (no end date)"
        return f"In force from {_long(self.starts_on)} to {_long(self.ends_on)} (inclusive)"

    def clean(self) -> None:
        # The timeline as a whole is checked here too, so an edit in /admin/ that would make two
        # editions overlap or leave days with no edition is refused in words.
        others = Edition.objects.dated().exclude(pk=self.pk)
        errors = timeline_errors([*others, self])
        if errors:
            raise ValidationError({"starts_on": errors})


class RightQuerySet(models.QuerySet):
    def in_force(self, on: datetime.date) -> "RightQuerySet":
        """The Rights of the edition in force on a day (a right kept outside any edition too)."""
        return self.filter(
            Q(code_edition__isnull=True)
            | Q(code_edition__in=Edition.objects.in_force(on).values("pk"))
        )


class RightManager(models.Manager.from_queryset(RightQuerySet)):
    def get_by_natural_key(self, edition: str, scheme: str, number: int) -> "Right":
        return self.get(code_edition__name=edition, scheme=scheme, number=number)


class Right(models.Model):
    """One of the Victims' Code's 12 Rights, or a Witness Charter standard, with guidance."""

    class Scheme(models.TextChoices):
        VICTIMS_CODE = "victims_code", "Victims' Code"
        WITNESS_CHARTER = "witness_charter", "Witness Charter"

    scheme = models.CharField(max_length=20, choices=Scheme.choices)
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    victim_summary = models.TextField(help_text="Plain English, for the victim or witness.")
    what_to_do = models.TextField(help_text="Guidance for officers.")
    what_to_say = models.TextField(blank=True)
    what_to_record = models.TextField(blank=True)
    code_edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, null=True, related_name="rights", verbose_name="edition"
    )
    history = HistoricalRecords()

    objects = RightManager()

    class Meta:
        ordering = ["scheme", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["code_edition", "scheme", "number"],
                name="unique_right_number",
                violation_error_message="This edition already has a right with that number.",
            ),
        ]

    def __str__(self) -> str:
        prefix = "Right" if self.scheme == self.Scheme.VICTIMS_CODE else "Standard"
        return f"{prefix} {self.number}: {self.title}"

    def natural_key(self) -> tuple:
        return (self.code_edition.name if self.code_edition else None, self.scheme, self.number)

    natural_key.dependencies = ["entitlements.edition"]

    def clean(self) -> None:
        """Refuse, on its field, a placeholder that names no rule of the edition or nothing a
        rule can show: the guidance's numbers come from the rules (entitlements/guidance.py)."""
        rules = self.code_edition.rules.all() if self.code_edition_id else DutyRule.objects.all()
        codes = set(rules.values_list("code", flat=True))
        problems = {}
        for name in guidance.FIELDS:
            found = guidance.errors(getattr(self, name), codes)
            if found:
                problems[name] = found
        if problems:
            raise ValidationError(problems)

    def shown(self, rules: dict[str, "DutyRule"]) -> dict[str, str]:
        """The guidance fields with their placeholders in words, from these rules by code."""
        return {name: guidance.render(getattr(self, name), rules) for name in guidance.FIELDS}


class Trigger(models.TextChoices):
    """What starts a duty's clock: an event kind (same codes as cases.EventKind) or a milestone."""

    CRIME_REPORTED = "crime_reported", "Crime reported"
    CRIME_RECORDED = "crime_recorded", "Crime recorded"
    PERSON_ADDED = "person_added", "Person added to the case"
    NEEDS_ASSESSED = "needs_assessed", "Needs assessment completed"
    SPECIAL_MEASURES_NEEDED = "special_measures_needed", "Special measures need identified"
    UPDATE_AGREED = "update_agreed", "Update agreement made"
    CASE_CLOSED = "case_closed", "Case closed"
    CASE_REOPENED = "case_reopened", "Case reopened"
    NOT_INVESTIGATED = "not_investigated", "Decision not to investigate"
    ARREST = "arrest", "Suspect arrested"
    INTERVIEW = "interview", "Suspect interviewed under caution"
    RELEASED_NO_CHARGE = "released_no_charge", "Suspect released without charge"
    BAIL = "bail", "Suspect released on bail"
    RUI = "rui", "Suspect released under investigation"
    BAIL_CHANGED = "bail_changed", "Bail conditions changed or cancelled"
    ESCAPE = "escape", "Suspect escaped or absconded"
    CHARGE = "charge", "Suspect charged"
    OUT_OF_COURT = "out_of_court", "Out-of-court disposal"
    NO_PROSECUTION = "no_prosecution", "Decision not to prosecute"
    PASSED_TO_WCU = "passed_to_wcu", "Passed to the Witness Care Unit"
    HEARING_LISTED = "hearing_listed", "Hearing listed"
    HEARING_OUTCOME = "hearing_outcome", "Hearing outcome"
    HEARING_MOVED = "hearing_moved", "Hearing moved at short notice"
    REQUIRED_TO_GIVE_EVIDENCE = "required_to_give_evidence", "Witness required to give evidence"
    SPECIAL_MEASURES_DECISION = "special_measures_decision", "Special measures decision"
    VERDICT = "verdict", "Verdict"
    SENTENCE = "sentence", "Sentence"
    APPEAL = "appeal", "Appeal"
    VRR_REQUEST = "vrr_request", "Victims' Right to Review request"
    COMPLAINT = "complaint", "Complaint received"


class Owner(models.TextChoices):
    OFFICER = "officer", "Officer in the case"
    WCU = "wcu", "Witness Care Unit"
    SUPERVISOR = "supervisor", "Supervisor"


class MetBy(models.TextChoices):
    """A record whose creation meets the duty by itself, besides a contact the officer picks."""

    CONTACT = "contact", "A contact with the person"
    CASE_RECORDED = "case_recorded", "The case being recorded"
    NEEDS_ASSESSMENT = "needs_assessment", "A needs assessment"
    UPDATE_AGREEMENT = "update_agreement", "An update agreement"
    UPDATE_CONTACT = "update_contact", "An update given to the person"
    VPS_OFFERED = "vps_offered", "A victim personal statement offered"
    VPS_OFFERED_AT_CHARGE = "vps_offered_at_charge", "A victim personal statement offered at charge"
    VPS_OFFERED_BEFORE_SENTENCE = (
        "vps_offered_before_sentence",
        "A victim personal statement offered before sentence",
    )
    RISK_ASSESSMENT = "risk_assessment", "A risk assessment"
    MG2_SUBMITTED = "mg2_submitted", "An MG2 submitted"
    REFERRAL_SENT = "referral_sent", "A referral sent"
    ACKNOWLEDGEMENT_SENT = "acknowledgement_sent", "The written acknowledgement sent"
    WCO_ASSIGNED = "wco_assigned", "A witness care officer assigned"


class RuleQuerySet(models.QuerySet):
    def in_force(self, on):
        # effective_to is the first day a row is no longer in force (the next edition's start);
        # a draft's rows have no effective_from, so they are never in force.
        return self.filter(
            Q(effective_to__isnull=True) | Q(effective_to__gt=on), effective_from__lte=on
        )


class RuleManager(models.Manager.from_queryset(RuleQuerySet)):
    def get_by_natural_key(self, edition: str, code: str, effective_from: str | None) -> "DutyRule":
        return self.get(code_edition__name=edition, code=code, effective_from=effective_from)


ROLE_CHOICES = PartyRole.choices
FLAG_CHOICES = OffenceFlag.choices


def _unknown(values, choices, what: str) -> str | None:
    """A plain sentence naming the values that are not among the choices, or None."""
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        return f"Give the {what} as a list of codes."
    known = {code for code, _ in choices}
    unknown = [v for v in values if v not in known]
    if not unknown:
        return None
    names = ", ".join(f'"{v}"' for v in unknown)
    return (
        f"{names} {'is not a known' if len(unknown) == 1 else 'are not known'} "
        f"{what[:-1] if len(unknown) == 1 else what}. Choose from: "
        + ", ".join(label.lower() for _, label in choices)
        + "."
    )


class DutyRule(models.Model):
    code = models.CharField(max_length=20, help_text="e.g. R7, as in DOMAIN.md section 16.")
    right = models.ForeignKey(Right, on_delete=models.PROTECT, related_name="rules")
    title = models.CharField(max_length=200, help_text="What the force must do, in a few words.")
    trigger = models.CharField(max_length=40, choices=Trigger.choices)
    clock_from_receipt = models.BooleanField(
        default=False, help_text="Count from when the Witness Care Unit received the information."
    )
    roles = models.JSONField(help_text="Roles in the case the duty is owed to.")
    offence_flags = models.JSONField(
        default=list,
        blank=True,
        help_text="Only for offences with any of these flags (empty: all).",
    )
    min_custody_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Only for a sentence of at least this many months."
    )
    # An age band, as data (the new Code's provisions for children): the person's age on the
    # trigger's day, from their date of birth. With no date of birth recorded the rule applies
    # and the duty says why (services._age_note): a duty owed and missed is a breach of the
    # Code, one not owed is closed by the officer as not applicable, in a minute.
    min_age = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        verbose_name="minimum age",
        help_text="Only for a person at least this old on the trigger's day (empty: any age).",
    )
    max_age = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        verbose_name="maximum age",
        help_text="Only for a person at most this old on the trigger's day (empty: any age).",
    )
    standard_working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    enhanced_working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    calendar_hours = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="A clock in hours instead of working days."
    )
    recurring = models.BooleanField(
        default=False, help_text="Generated again, one at a time, each time it is met."
    )
    met_by = models.CharField(max_length=30, choices=MetBy.choices, default=MetBy.CONTACT)
    # Nullable, no default: SQLite adds the column without rebuilding the table. Empty is no.
    incoming_contact_meets = models.BooleanField(
        null=True,
        blank=True,
        help_text="A contact the person made themselves (a message through Track my case) "
        "meets this duty. Empty or no: only a contact the force made does.",
    )
    owner = models.CharField(max_length=20, choices=Owner.choices, default=Owner.OFFICER)
    edition = models.CharField(
        max_length=100,
        default="Victims' Code 2020",
        help_text="The Code's name as officers read it in a duty's explanation.",
    )
    code_edition = models.ForeignKey(
        Edition,
        on_delete=models.CASCADE,
        null=True,
        related_name="rules",
        verbose_name="edition of the rules",
    )
    effective_from = models.DateField(
        null=True, blank=True, help_text="Set when the edition is scheduled; empty in a draft."
    )
    effective_to = models.DateField(
        null=True, blank=True, help_text="The first day no longer in force (exclusive)."
    )
    source = models.CharField(max_length=400)
    history = HistoricalRecords()

    objects = RuleManager()

    class Meta:
        ordering = ["right__scheme", "right__number", "code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "effective_from"],
                name="unique_rule_edition",
                violation_error_message="A rule with this code already starts on that day.",
            ),
            models.UniqueConstraint(
                fields=["code_edition", "code"],
                condition=Q(effective_from__isnull=True),
                name="one_draft_rule_per_code",
                violation_error_message="This draft already has a rule with this code.",
            ),
            models.CheckConstraint(
                condition=Q(calendar_hours__isnull=False)
                | Q(standard_working_days__isnull=False, enhanced_working_days__isnull=False)
                | Q(recurring=True),
                name="rule_has_a_clock",
                violation_error_message=(
                    "Give the working days for standard and enhanced rights, or a clock in hours."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    def natural_key(self) -> tuple:
        edition = self.code_edition.name if self.code_edition else None
        return (
            edition,
            self.code,
            self.effective_from.isoformat() if self.effective_from else None,
        )

    natural_key.dependencies = ["entitlements.edition", "entitlements.right"]

    def clean(self) -> None:
        """Refuse in plain words what would break the engine later: an unknown role or offence
        flag (a typo would match nobody, or fail every later trigger) or a rule with no clock."""
        errors: dict[str, str] = {}
        if (message := _unknown(self.roles, ROLE_CHOICES, "roles")) is not None:
            errors["roles"] = message
        elif not self.roles:
            errors["roles"] = "Choose at least one role the duty is owed to."
        if (message := _unknown(self.offence_flags, FLAG_CHOICES, "offence flags")) is not None:
            errors["offence_flags"] = message
        if not self.recurring and self.calendar_hours is None:
            if self.standard_working_days is None:
                errors["standard_working_days"] = (
                    "Give the number of working days for standard rights, or a clock in hours."
                )
            if self.enhanced_working_days is None:
                errors["enhanced_working_days"] = (
                    "Give the number of working days for enhanced rights, or a clock in hours."
                )
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            errors["max_age"] = (
                f"The maximum age ({self.max_age}) is below the minimum age ({self.min_age}): "
                "give a maximum of at least the minimum, or leave one empty."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def age_band(self) -> str:
        """The ages the rule is for, in words (empty: any age)."""
        if self.min_age is not None and self.max_age is not None:
            return f"aged {self.min_age} to {self.max_age}"
        if self.min_age is not None:
            return f"aged {self.min_age} or over"
        if self.max_age is not None:
            return f"aged {self.max_age} or under"
        return ""


class DutyStatus(models.TextChoices):
    DUE = "due", "Due"
    MET = "met", "Met"
    MET_LATE = "met_late", "Met late"
    MISSED = "missed", "Missed"
    NOT_APPLICABLE = "not_applicable", "Not applicable"
    DECLINED = "declined", "Declined by the person"
    WAIVED = "waived", "Waived by a supervisor"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_STATUSES = (DutyStatus.DUE, DutyStatus.MISSED)


class DutyQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, *, on):
        return self.open().filter(due_at__lt=on)

    def visible_to(self, user):
        # A semi-join on the visible cases: at force scale PostgreSQL counts millions of duties
        # faster this way than through an OR of conditions on the joined case.
        return self.filter(case__in=Case.objects.visible_to(user))


class Duty(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="duties")
    party = models.ForeignKey("cases.Party", on_delete=models.CASCADE, related_name="duties")
    rule = models.ForeignKey(DutyRule, on_delete=models.PROTECT, related_name="duties")
    trigger_key = models.CharField(
        max_length=80, help_text="What triggered it, so the same trigger never makes two duties."
    )
    trigger_event = models.ForeignKey(
        "cases.CaseEvent", on_delete=models.CASCADE, null=True, blank=True, related_name="duties"
    )
    trigger_at = models.DateTimeField()
    trigger_label = models.CharField(max_length=300, help_text="The trigger, in words.")
    sequence = models.PositiveIntegerField(default=1)
    enhanced = models.BooleanField(help_text="Timed for enhanced rights.")
    due_at = models.DateTimeField()
    explanation = models.TextField()
    owner = models.CharField(max_length=20, choices=Owner.choices)
    status = models.CharField(max_length=20, choices=DutyStatus.choices, default=DutyStatus.DUE)
    met_at = models.DateTimeField(null=True, blank=True)
    met_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    met_contact = models.ForeignKey(
        "cases.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="duties_met"
    )
    met_record = models.CharField(max_length=100, blank=True, help_text="The record that met it.")
    reason = models.TextField(
        blank=True, help_text="Why declined, waived, not applicable or withdrawn."
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    # Flagged by the reach sweep (services.flag_not_reachable) under the ReachPolicy in force:
    # the person could not be reached, so the officer is prompted to try another safe way and
    # the team's supervisors see it on their "cannot reach" list. Kept once set, as history.
    # Nullable with no default, both: SQLite can then add them with ALTER TABLE ADD COLUMN, where
    # a default would rebuild the table, which the summary's triggers on it do not survive.
    not_reachable_at = models.DateTimeField(null=True, blank=True)
    not_reachable_reason = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    # The closing that withdrew it (an agreed update not yet due when the case was closed), kept
    # as the trace by which reopening the case brings it back. Nullable, for SQLite as above.
    withdrawn_by_closure = models.ForeignKey(
        "cases.CaseClosure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="withdrawn_duties",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = CaseHistory()

    objects = DutyQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name_plural = "duties"
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "party", "trigger_key", "sequence"], name="one_duty_per_trigger"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["case", "status"]),
            # Open duties (a few percent of all), for the overdue worklist: in due order, so the
            # most overdue page of a large team is read from the front of it; and by case, so a
            # small team's are found from its cases without reading each duty's row.
            models.Index(
                fields=["due_at", "id"],
                condition=Q(status__in=OPEN_STATUSES),
                name="duty_open_by_due",
            ),
            models.Index(
                fields=["case", "due_at", "id"],
                condition=Q(status__in=OPEN_STATUSES),
                name="duty_open_by_case",
            ),
            # The obligations API pages through every duty the user can see in deadline order.
            models.Index(fields=["due_at", "id"], name="duty_due_idx"),
            # Open duties whose person could not be reached (a handful): the "cannot reach"
            # lists, and the rows one run of the sweep flagged.
            models.Index(
                fields=["not_reachable_at", "id"],
                condition=Q(status__in=OPEN_STATUSES, not_reachable_at__isnull=False),
                name="duty_open_not_reachable",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule.title} for {self.party_id}"

    # Where a re-timing's sentence starts in the explanation (services.on_enhanced_changed).
    RETIMED = " Re-timed on "

    @property
    def explanation_before_retiming(self) -> str:
        """The explanation without its latest re-timing's sentence: the duty page lists every
        re-timing from its rows, so it would otherwise say the latest one twice."""
        return self.explanation.split(self.RETIMED, 1)[0]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class DutyAttempt(models.Model):
    """A contact that tried to deliver a duty and did not reach the person: kept on the duty as
    evidence of effort, never as met (the duty stays due)."""

    duty = models.ForeignKey(Duty, on_delete=models.CASCADE, related_name="attempts")
    contact = models.ForeignKey("cases.Contact", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["duty", "contact__occurred_at", "contact_id"]
        constraints = [
            models.UniqueConstraint(fields=["duty", "contact"], name="one_attempt_per_contact"),
        ]

    def __str__(self) -> str:
        return f"Attempt {self.contact_id} on duty {self.duty_id}"


class DutyRetiming(models.Model):
    """A duty's deadline moved after it was made (the person gained or lost enhanced rights):
    from when to when, what moved it, who and when. One row each time, so "why is this due" lists
    every re-timing in order, not only the latest."""

    duty = models.ForeignKey(Duty, on_delete=models.CASCADE, related_name="retimings")
    was_due_at = models.DateTimeField()
    due_at = models.DateTimeField()
    at = models.DateTimeField(help_text="When it was re-timed.")
    reason = models.CharField(max_length=300, help_text="What moved it, in words.")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["duty", "at", "id"]
        indexes = [models.Index(fields=["duty", "at", "id"], name="duty_retiming_in_order")]

    def __str__(self) -> str:
        return f"Re-timing of duty {self.duty_id} at {self.at:%Y-%m-%d %H:%M}"


class ReachPolicyManager(models.Manager.from_queryset(RuleQuerySet)):
    def get_by_natural_key(self, edition: str, effective_from: str | None) -> "ReachPolicy":
        return self.get(code_edition__name=edition, effective_from=effective_from)


class ReachPolicy(models.Model):
    """When a duty's person counts as not reachable: after `failed_attempts` attempts that did
    not reach them, or when `working_days` working days have passed with nobody reached, counted
    from when the duty arose (its clock started) or from its deadline, as `days_counted_from`
    says; duties nobody tried to deliver only if `flag_untried` says so. Force policy, versioned
    like the rules: close a row (effective_to) and add the next, never edit one in force."""

    class CountFrom(models.TextChoices):
        ARISEN = "arisen", "When the duty arose (its clock started)"
        DEADLINE = "deadline", "The duty's deadline"

    failed_attempts = models.PositiveSmallIntegerField(
        help_text="Flag a duty after this many attempts that did not reach the person."
    )
    working_days = models.PositiveSmallIntegerField(
        help_text=(
            "Or flag it when the person has not been reached this many working days after the "
            "moment chosen in 'Days counted from', if an attempt was recorded (or even if none "
            "was, with 'Flag untried')."
        )
    )
    days_counted_from = models.CharField(
        max_length=10,
        choices=CountFrom.choices,
        default=CountFrom.ARISEN,
        help_text=(
            "What the working days are counted from. When the duty arose: with 2 working days, a "
            "duty that arose on a Monday is flagged after Wednesday, even if it is not due yet. "
            "The duty's deadline: the days begin once the time to deliver it has run out, so it "
            "is flagged 2 working days after it became overdue."
        ),
    )
    flag_untried = models.BooleanField(
        default=False,
        help_text=(
            "Also flag a duty nobody tried to deliver once those working days have passed. Off "
            "(the default): such a duty stays overdue and is not called 'not reachable', so a "
            "supervisor can tell neglect from a person who could not be reached. On: only duties "
            "that arose on or after this policy took effect, so older ones do not all flag at once."
        ),
    )
    code_edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, null=True, related_name="reach_policies"
    )
    effective_from = models.DateField(
        null=True, blank=True, help_text="Set when the edition is scheduled; empty in a draft."
    )
    effective_to = models.DateField(
        null=True, blank=True, help_text="The first day no longer in force (exclusive)."
    )
    source = models.CharField(max_length=400)
    history = HistoricalRecords()

    objects = ReachPolicyManager()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name_plural = "reach policies"
        constraints = [
            models.UniqueConstraint(fields=["effective_from"], name="one_reach_policy_a_day"),
            models.CheckConstraint(
                condition=Q(failed_attempts__gte=1, working_days__gte=1),
                name="reach_policy_positive",
            ),
        ]

    def __str__(self) -> str:
        arisen = self.days_counted_from == self.CountFrom.ARISEN
        after = "after it arose" if arisen else "after its deadline"
        since = f"from {_long(self.effective_from)}" if self.effective_from else "draft"
        return (
            f"Not reachable after {self.failed_attempts} attempts or {self.working_days} working "
            f"days {after} ({since})"
        )

    def natural_key(self) -> tuple:
        edition = self.code_edition.name if self.code_edition else None
        return (edition, self.effective_from.isoformat() if self.effective_from else None)

    natural_key.dependencies = ["entitlements.edition"]
