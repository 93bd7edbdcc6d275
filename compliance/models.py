"""Summary tables for the compliance dashboards: duty outcome counts per London due date,
refreshed together by set-based statements (compliance.summary.refresh, run by beat). They hold
counts only: no person, no case.

One detailed table and two roll-ups of it, so that a force-wide figure adds up a few hundred
rows a day, not one row per team, rule and offence group:
- DutyOutcomeDay: day x team x rule x enhanced x offence group x restricted (read with a team);
- DutyOutcomeForceDay: day x rule x enhanced x offence group, unrestricted cases (force-wide);
- DutyOutcomeTeamDay: day x team x enhanced x restricted (force-wide, by team).
"""

from django.db import models


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


class SummaryRefresh(models.Model):
    """When a summary table was last rebuilt, so a page can say how fresh its figures are."""

    name = models.CharField(max_length=50, unique=True)
    refreshed_at = models.DateTimeField()
    rows = models.PositiveIntegerField()
    seconds = models.FloatField()

    def __str__(self) -> str:
        return f"{self.name} at {self.refreshed_at}"
