"""What reports count by, as data a force can change: the age bands, the key entitlements and
the bases that count as vulnerable or intimidated. Each is an edition with the date it takes
effect and its source, holding its rows; a new edition with a later date changes what is counted
from then on, and a past period keeps the edition in force at its end (counting/policy.py)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from cases.models import Basis


class EditionQuerySet(models.QuerySet):
    def in_force(self, on):
        """The edition in force on a date: the latest that took effect on or before it. Before
        the first edition, the first: a report of an earlier period counts by it rather than by
        nothing."""
        return (
            self.filter(effective_from__lte=on).order_by("-effective_from", "-id").first()
            or self.order_by("effective_from", "id").first()
        )


class Edition(models.Model):
    effective_from = models.DateField(unique=True)
    source = models.CharField(max_length=300, help_text="Where these rules come from.")

    objects = EditionQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-effective_from", "-id"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name.capitalize()} from {self.effective_from}"


class AgeBandEdition(Edition):
    """The age bands reports group people by (the equality filter on the dashboard, the
    anonymised statistics kept when a case is disposed), by age on the day the crime was
    reported."""

    class Meta(Edition.Meta):
        verbose_name = "age bands"
        verbose_name_plural = "age bands"


class AgeBand(models.Model):
    edition = models.ForeignKey(AgeBandEdition, on_delete=models.CASCADE, related_name="bands")
    code = models.SlugField(max_length=20, help_text="Goes into URLs, e.g. 18-24.")
    label = models.CharField(max_length=40)
    from_age = models.PositiveSmallIntegerField()
    below_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Up to but not including; empty for the last band."
    )

    class Meta:
        ordering = ["edition", "from_age"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="unique_age_band_code"),
            models.UniqueConstraint(fields=["edition", "from_age"], name="unique_age_band_start"),
            models.CheckConstraint(
                condition=Q(below_age__isnull=True) | Q(below_age__gt=models.F("from_age")),
                name="age_band_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class KeyEntitlementEdition(Edition):
    """The entitlements a force reports on quarterly, each with the rules that deliver it."""

    class Meta(Edition.Meta):
        verbose_name = "key entitlements"
        verbose_name_plural = "key entitlements"


class KeyEntitlement(models.Model):
    edition = models.ForeignKey(
        KeyEntitlementEdition, on_delete=models.CASCADE, related_name="entitlements"
    )
    order = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(max_length=150)
    rule_codes = models.CharField(
        max_length=200,
        blank=True,
        help_text="The duty rules that deliver it, by code, separated by commas (e.g. R2).",
    )
    held_by_force = models.BooleanField(
        default=True,
        help_text="Untick for an entitlement another agency delivers: reports say it is not "
        "held by the force.",
    )

    class Meta:
        ordering = ["edition", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "label"], name="unique_key_entitlement"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def codes(self) -> list[str]:
        return [code.strip() for code in self.rule_codes.split(",") if code.strip()]

    def clean(self) -> None:
        if self.held_by_force and not self.codes:
            raise ValidationError({"rule_codes": "Name the rules that deliver it."})


class VulnerableBasisEdition(Edition):
    """The bases for enhanced rights that count a person as vulnerable or intimidated (those
    for whom special measures should be considered)."""

    class Meta(Edition.Meta):
        verbose_name = "vulnerable or intimidated bases"
        verbose_name_plural = "vulnerable or intimidated bases"


class VulnerableBasis(models.Model):
    edition = models.ForeignKey(
        VulnerableBasisEdition, on_delete=models.CASCADE, related_name="bases"
    )
    basis = models.CharField(max_length=30, choices=Basis.choices)

    class Meta:
        ordering = ["edition", "basis"]
        verbose_name_plural = "vulnerable bases"
        constraints = [
            models.UniqueConstraint(fields=["edition", "basis"], name="unique_vulnerable_basis"),
        ]

    def __str__(self) -> str:
        return self.get_basis_display()
