"""What reports count by, read in force on a date the caller passes (counting/models.py): the age
bands, the key entitlements and the bases that count as vulnerable or intimidated. A figure of a
period counts by the edition in force on its last day, so a past period keeps the rules that
applied to it. Each read is one query."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet, Subquery
from django.db.models.functions import Coalesce

from .models import (
    AgeBand,
    AgeBandEdition,
    KeyEntitlement,
    KeyEntitlementEdition,
    VulnerableBasis,
    VulnerableBasisEdition,
)


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    from_age: int
    below_age: int | None  # None: no upper bound

    def holds(self, age: int) -> bool:
        return self.from_age <= age and (self.below_age is None or age < self.below_age)


@dataclass(frozen=True)
class Entitlement:
    label: str
    codes: tuple[str, ...]
    held_by_force: bool


def _in_force(editions: QuerySet, on: datetime.date):
    """The id of the edition in force on `on` (EditionQuerySet.in_force), as an expression, so
    that the rows are read in the same query."""
    latest = editions.filter(effective_from__lte=on).order_by("-effective_from", "-id")
    first = editions.order_by("effective_from", "id")
    return Coalesce(Subquery(latest.values("pk")[:1]), Subquery(first.values("pk")[:1]))


def age_bands(on: datetime.date) -> list[Band]:
    """The age bands in force on `on`, youngest first."""
    rows = AgeBand.objects.filter(edition=_in_force(AgeBandEdition.objects, on)).order_by(
        "from_age"
    )
    return [Band(r.code, r.label, r.from_age, r.below_age) for r in rows]


def age_band_of(
    age: int | None, *, on: datetime.date, bands: list[Band] | None = None
) -> Band | None:
    """The band, in force on `on` (or among `bands` already read for that day), of someone
    `age` years old; None without an age."""
    if age is None:
        return None
    return next((band for band in bands or age_bands(on) if band.holds(age)), None)


def key_entitlements(on: datetime.date) -> list[Entitlement]:
    """The key entitlements in force on `on`, in the order reports show them."""
    rows = KeyEntitlement.objects.filter(
        edition=_in_force(KeyEntitlementEdition.objects, on)
    ).order_by("order", "id")
    return [Entitlement(r.label, tuple(r.codes), r.held_by_force) for r in rows]


def vulnerable_bases(on: datetime.date) -> list[str]:
    """The bases for enhanced rights that count a person as vulnerable or intimidated on `on`."""
    return sorted(
        VulnerableBasis.objects.filter(
            edition=_in_force(VulnerableBasisEdition.objects, on)
        ).values_list("basis", flat=True)
    )
