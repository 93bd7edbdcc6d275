"""Summary tables for the compliance dashboards: duty outcome counts per London due date,
written by set-based statements: whole, nightly (compliance.summary.refresh), and every minute
for the (day, team) rows whose records changed, as the change log (SummaryChange, written by
database triggers) names them (compliance.summary.update). They hold counts only: no person,
no case.

One detailed table and four roll-ups of it, so that a figure adds up a few dozen rows a day, not
one row per team, rule and offence group:
- DutyOutcomeDay: day x team x rule x enhanced x offence group x restricted (an offence group
  chosen, with a team or by team);
- DutyOutcomeForceDay: day x rule x enhanced x offence group, unrestricted cases (force-wide, an
  offence group chosen);
- DutyOutcomeForceRuleDay: day x rule x enhanced, unrestricted cases (force-wide);
- DutyOutcomeTeamDay: day x team x enhanced x restricted (force-wide, by team);
- DutyOutcomeTeamRuleDay: day x team x rule x enhanced x restricted (one team, or by team and
  rule).

The service measures (needs assessments, vulnerability, risk, referrals, surveys, demand) have
three tables of their own, refreshed in the same transaction, each keyed by London day x team x
offence group x restricted. Their rows with no team are the force-wide roll-up: every team's
unrestricted cases added up (restricted cases are only ever in the rows of their own team), per
offence group and, with no offence group, for them all.
- ServiceDay: counts, by the day a case was reported, a referral sent or an invitation made;
- ServiceHoursDay: how many hours things took, as a histogram for the medians;
- ServiceSurveyStageDay: survey answers by stage, by the day the invitation was made.
"""

from django.db import models

from counting.models import Edition
from surveys.models import Stage


class OutcomeCounts(models.Model):
    """Duties that fell due on one London day (deadline after 23:59:59 the day before, up to
    23:59:59 that day), counted by status. Withdrawn and not-applicable duties are left out,
    as the dashboard leaves them out."""

    day = models.DateField()
    enhanced = models.BooleanField()
    total = models.PositiveIntegerField()
    met = models.PositiveIntegerField()
    met_late = models.PositiveIntegerField()
    missed = models.PositiveIntegerField(help_text="Status missed (past the deadline, still open).")
    due = models.PositiveIntegerField(help_text="Status due (still open).")
    declined = models.PositiveIntegerField()
    waived = models.PositiveIntegerField()
    # Of `due` and `missed`, those whose deadline had passed when the table was rebuilt: with
    # the duties whose deadline passed since (few, read live), they split a day that was not
    # over at the rebuild into overdue and still open, as the live figures do.
    due_passed = models.PositiveIntegerField(default=0)
    missed_passed = models.PositiveIntegerField(default=0)
    # Of those, the ones with an attempt to reach the person recorded in their window.
    missed_attempted = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class DutyOutcomeDay(OutcomeCounts):
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    rule = models.ForeignKey(
        "entitlements.DutyRule", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    offence_group = models.CharField(max_length=100)
    restricted = models.BooleanField()

    class Meta:
        indexes = [models.Index(fields=["team", "day"])]

    def __str__(self) -> str:
        return f"{self.day} team {self.team_id} rule {self.rule_id}"


class DutyOutcomeForceDay(OutcomeCounts):
    rule = models.ForeignKey(
        "entitlements.DutyRule", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    offence_group = models.CharField(max_length=100)

    class Meta:
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.day} rule {self.rule_id}"


class DutyOutcomeTeamDay(OutcomeCounts):
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    restricted = models.BooleanField()

    class Meta:
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.day} team {self.team_id}"


class DutyOutcomeForceRuleDay(OutcomeCounts):
    """Day x rule x enhanced, unrestricted cases: the force-wide figures when no offence group is
    chosen, a few dozen rows a day."""

    rule = models.ForeignKey(
        "entitlements.DutyRule", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )

    class Meta:
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.day} rule {self.rule_id}"


class DutyOutcomeTeamRuleDay(OutcomeCounts):
    """Day x team x rule x enhanced x restricted: one team's figures by rule, or by team and rule,
    without reading every offence group's row."""

    team = models.ForeignKey(
        "accounts.Team", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    rule = models.ForeignKey(
        "entitlements.DutyRule", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    restricted = models.BooleanField()

    class Meta:
        indexes = [models.Index(fields=["team", "restricted", "day"])]

    def __str__(self) -> str:
        return f"{self.day} team {self.team_id} rule {self.rule_id}"


class FacetKind(models.TextChoices):
    """What a dashboard filter narrows by, beyond team, offence group and rights: the officer in
    the case, and the person's sex, ethnicity and age band (at the report, in the bands in force
    when the row was written)."""

    OFFICER = "officer", "Officer in the case"
    SEX = "sex", "Sex"
    ETHNICITY = "ethnicity", "Ethnicity"
    AGE_BAND = "age_band", "Age band"
    ENHANCED = "enhanced", "Enhanced rights (the service measures only)"


class Facet(OutcomeCounts):
    """A facet's value: the officer's id, or the person's recorded value ("" not recorded; an
    age band's code, or "not-recorded" with no date of birth)."""

    kind = models.CharField(max_length=12, choices=FacetKind.choices)
    value = models.CharField(max_length=100)

    class Meta:
        abstract = True


class DutyFacetRuleDay(Facet):
    """Day x rule x enhanced x facet value, unrestricted cases, force-wide: the dashboard under
    one officer, sex, ethnicity or age band, by rule and by month."""

    rule = models.ForeignKey(
        "entitlements.DutyRule", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )

    class Meta:
        indexes = [models.Index(fields=["kind", "value", "day"]), models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.day} rule {self.rule_id} {self.kind} {self.value}"


class DutyFacetTeamDay(Facet):
    """Day x team x enhanced x restricted x facet value: the same, by team."""

    team = models.ForeignKey(
        "accounts.Team", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    restricted = models.BooleanField()

    class Meta:
        indexes = [
            models.Index(fields=["kind", "value", "day"]),
            models.Index(fields=["team", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.day} team {self.team_id} {self.kind} {self.value}"


class ServiceRow(models.Model):
    """Day x team x offence group x restricted. A row with no team adds up every team's
    unrestricted cases (restricted is then false): what a force-wide figure reads; with no
    offence group either, it adds up every offence group too."""

    day = models.DateField()
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        null=True,
        help_text="Empty: all teams, unrestricted cases only.",
    )
    # NULL, not "": the roll-up of every group must not be mistaken for a group's own rows.
    offence_group = models.CharField(  # noqa: DJ001
        max_length=100, null=True, help_text="Empty (with no team): every offence group."
    )
    restricted = models.BooleanField()

    class Meta:
        abstract = True


class ServiceCounts(models.Model):
    """What the service measures count, per row."""

    cases = models.PositiveIntegerField(default=0)
    mental_health = models.PositiveIntegerField(default=0)
    victims = models.PositiveIntegerField(default=0)
    victims_assessed = models.PositiveIntegerField(
        default=0, help_text="Victims with at least one needs assessment."
    )
    victims_enhanced = models.PositiveIntegerField(default=0)
    vulnerable = models.PositiveIntegerField(
        default=0, help_text="People (any role) with a vulnerable or intimidated basis."
    )
    vulnerable_considered = models.PositiveIntegerField(
        default=0, help_text="Of those, people with a special measures record."
    )
    da_victims = models.PositiveIntegerField(default=0)
    da_risk_assessed = models.PositiveIntegerField(default=0)
    marac_flagged = models.PositiveIntegerField(
        default=0, help_text="Domestic abuse victims with a risk assessment meeting MARAC."
    )
    referrals_sent = models.PositiveIntegerField(default=0)
    referrals_marac = models.PositiveIntegerField(default=0)
    referrals_answered = models.PositiveIntegerField(default=0)
    referrals_accepted = models.PositiveIntegerField(default=0)
    invited = models.PositiveIntegerField(
        default=0, help_text="Invitations that reached the person (sent, started or completed)."
    )
    completed = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class ServiceDay(ServiceRow, ServiceCounts):
    """What the service measures count. The case and people columns are for cases reported on
    the day; referrals are those sent on the day, invitations those made on the day, whenever
    their case was reported (as compliance.service_figures.live_service_measures counts them)."""

    class Meta:
        indexes = [models.Index(fields=["team", "restricted", "offence_group", "day"])]

    def __str__(self) -> str:
        return f"{self.day} team {self.team_id} {self.offence_group}"


class HoursMeasure(models.TextChoices):
    NEEDS = "needs", "Report to first needs assessment (victims, by report day)"
    AGENCY = "agency", "Referral sent to answered (by the day it was sent)"


class ServiceHoursDay(ServiceRow):
    """How many victims (needs) or referrals (agency) took about `hours`: whole hours below
    two days, whole days (as hours) beyond, everything from 90 days on counted at 90 days.
    compliance.summary.hours_bucket is the rule."""

    measure = models.CharField(max_length=10, choices=HoursMeasure.choices)
    hours = models.IntegerField()
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["team", "restricted", "offence_group", "day"])]

    def __str__(self) -> str:
        return f"{self.day} team {self.team_id} {self.measure} {self.hours} h"


class ServiceSurveyStageDay(ServiceRow):
    """Scale answers of completed surveys, by stage, for invitations made on the day."""

    stage = models.CharField(max_length=20)
    answers = models.PositiveIntegerField()
    satisfied = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["team", "restricted", "offence_group", "day"])]

    def __str__(self) -> str:
        return f"{self.day} team {self.team_id} {self.stage}"


class ServiceFacetRow(models.Model):
    """Day x team x restricted x facet value, for the service measures under a facet: cases
    (and their referrals and invitations) with at least one victim of that value, or the
    officer's; people of that value in them. A row with no team adds up every team's
    unrestricted cases. No offence group: a facet with an offence group is counted live."""

    day = models.DateField()
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        null=True,
        help_text="Empty: all teams, unrestricted cases only.",
    )
    restricted = models.BooleanField()
    kind = models.CharField(max_length=12, choices=FacetKind.choices)
    value = models.CharField(max_length=100)

    class Meta:
        abstract = True


class ServiceFacetDay(ServiceFacetRow, ServiceCounts):
    """ServiceDay's counts under a facet."""

    class Meta:
        indexes = [
            models.Index(fields=["kind", "value", "team", "day"]),
            models.Index(fields=["team", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.day} team {self.team_id} {self.kind} {self.value}"


class ServiceFacetHoursDay(ServiceFacetRow):
    """ServiceHoursDay under a facet."""

    measure = models.CharField(max_length=10, choices=HoursMeasure.choices)
    hours = models.IntegerField()
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["kind", "value", "team", "day"]),
            models.Index(fields=["team", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.day} team {self.team_id} {self.kind} {self.value} {self.hours} h"


class ServiceFacetStageDay(ServiceFacetRow):
    """ServiceSurveyStageDay under a facet."""

    stage = models.CharField(max_length=20)
    answers = models.PositiveIntegerField()
    satisfied = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["kind", "value", "team", "day"]),
            models.Index(fields=["team", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.day} team {self.team_id} {self.kind} {self.value} {self.stage}"


class SummaryRefresh(models.Model):
    """When a summary table was last rebuilt, so a page can say how fresh its figures are."""

    name = models.CharField(max_length=50, unique=True)
    refreshed_at = models.DateTimeField()
    rows = models.PositiveIntegerField()
    seconds = models.FloatField()

    def __str__(self) -> str:
        return f"{self.name} at {self.refreshed_at}"


class SummaryChange(models.Model):
    """What changed since the summary was last brought up to date: a team and a moment whose
    London day's rows must be counted again. Written only by database triggers on the tables the
    summary counts (compliance/migrations/0008_summary_change_log.py), so no write can forget it,
    bulk updates and raw SQL included; read and emptied by compliance.summary.update."""

    id = models.BigAutoField(primary_key=True)
    team_id = models.IntegerField(null=True)
    at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"team {self.team_id} at {self.at}"


# --- the quarterly compliance return -------------------------------------------------------------


class MeasureKey(models.TextChoices):
    """The measures the return can hold, each computed in code (compliance/returns.py: MEASURES)
    under this stable key; which of them a return holds, in what order and worded how, is data
    (ReturnTemplate)."""

    ACKNOWLEDGEMENT_ON_TIME = "acknowledgement_on_time", "Written acknowledgement sent in time"
    REFERRAL_ON_TIME = "referral_on_time", "Referral to support services made in time"
    UPDATES_ON_TIME = "updates_on_time", "Agreed updates given in time"
    VPS_OFFER_ON_TIME = "vps_offer_on_time", "Victim Personal Statement offered in time"
    VPS_OFFERED = "vps_offered", "Victims offered a Victim Personal Statement"


class ReturnTemplate(Edition):
    """Which measures the quarterly compliance return holds: a quarter is reported by the
    template in force on its last day, so a new template changes later quarters only. The
    information ministers may prescribe under the Victims and Prisoners Act 2024 (s. 6) is not
    yet published: when it is, it becomes a new template, not new code."""

    name = models.CharField(max_length=150)

    class Meta(Edition.Meta):
        verbose_name = "compliance return template"

    def __str__(self) -> str:
        return f"{self.name} (from {self.effective_from})"


class ReturnMeasure(models.Model):
    template = models.ForeignKey(ReturnTemplate, on_delete=models.CASCADE, related_name="measures")
    order = models.PositiveSmallIntegerField(default=0)
    key = models.CharField(max_length=40, choices=MeasureKey.choices)
    label = models.CharField(max_length=150, help_text="How the return names the measure.")
    survey_stage = models.CharField(
        max_length=20,
        choices=Stage.choices,
        blank=True,
        help_text="The survey questions whose answers speak to this measure (by stage); "
        "empty for none.",
    )

    class Meta:
        ordering = ["template", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="unique_return_measure"),
        ]

    def __str__(self) -> str:
        return self.label
