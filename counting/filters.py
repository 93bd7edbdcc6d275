"""Which duties, cases and people a figure counts, besides its period: `Filters` (team, officer,
offence group, rights, and the victim's age band, sex and ethnicity), applied by `filter_duties`,
`filter_cases` and `filter_parties` only, so every report narrows the same way. An age band is
chosen by its code, read in the bands in force on the date the caller passes (counting.policy)."""

import datetime
from dataclasses import dataclass, fields

from django.core.cache import cache
from django.db.models import Case, CharField, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear

from cases.models import Party, PartyRole, Person
from entitlements import calendar
from entitlements.models import Duty

from .policy import age_bands

LONDON = calendar.LONDON
NOT_RECORDED = "not-recorded"
NOT_RECORDED_LABEL = "Not recorded"


@dataclass(frozen=True)
class Filters:
    """Which duties and cases a figure counts, besides the period. Ids, never names: these go
    into URLs. Empty values mean "all"."""

    team: int | None = None
    officer: int | None = None
    offence_group: str = ""
    enhanced: bool | None = None  # Duty.enhanced for duties, Party.enhanced for victims
    age_band: str = ""  # an age band's code (counting.policy.age_bands) or NOT_RECORDED
    sex: str = ""  # a recorded value or NOT_RECORDED
    ethnicity: str = ""  # a recorded value or NOT_RECORDED

    @property
    def is_empty(self) -> bool:
        return all(getattr(self, f.name) in (None, "") for f in fields(self))

    @property
    def about_people(self) -> bool:
        return bool(self.age_band or self.sex or self.ethnicity)


NO_FILTERS = Filters()


def _age_key(date_of_birth: str, reported_at: str):
    """YYYYMMDD of the report (London) less YYYYMMDD of birth: at least N * 10000 exactly when
    the person was N or older on the day the crime was reported."""

    def stamp(year, month, day):
        return year * 10000 + month * 100 + day

    reported = stamp(
        ExtractYear(reported_at, tzinfo=LONDON),
        ExtractMonth(reported_at, tzinfo=LONDON),
        ExtractDay(reported_at, tzinfo=LONDON),
    )
    born = stamp(ExtractYear(date_of_birth), ExtractMonth(date_of_birth), ExtractDay(date_of_birth))
    return reported - born


def age_band_of(person: str, reported_at: str, bands) -> tuple[dict, Case]:
    """The code of the band (one of `bands`) the person at `person` was in on the day the crime
    was reported, NOT_RECORDED with no date of birth, "" in none: as an alias to add to the
    queryset (the first value) and the expression over it (the second). The summary counts by
    it (compliance.summary); `_person_filtered` selects by the same rule."""
    alias = {"age_key": _age_key(f"{person}__date_of_birth", reported_at)}
    whens = [When(**{f"{person}__date_of_birth__isnull": True}, then=Value(NOT_RECORDED))]
    for band in bands:
        within = {"age_key__gte": band.from_age * 10000}
        if band.below_age is not None:
            within["age_key__lt"] = band.below_age * 10000
        whens.append(When(**within, then=Value(band.code)))
    return alias, Case(*whens, default=Value(""), output_field=CharField())


def _recorded(path: str, value: str) -> Q:
    if value == NOT_RECORDED:
        return Q(**{path: ""})
    return Q(**{path: value})


def _person_filtered(
    qs: QuerySet, filters: Filters, *, person: str, reported_at: str, on: datetime.date
):
    """Age band (at the report date, in the bands in force on `on`), sex and ethnicity of the
    person at `person`."""
    if filters.sex:
        qs = qs.filter(_recorded(f"{person}__sex", filters.sex))
    if filters.ethnicity:
        qs = qs.filter(_recorded(f"{person}__ethnicity", filters.ethnicity))
    if filters.age_band == NOT_RECORDED:
        qs = qs.filter(**{f"{person}__date_of_birth__isnull": True})
    elif filters.age_band:
        band = next((b for b in age_bands(on) if b.code == filters.age_band), None)
        if band is None:  # not a band on that day: nobody is in it
            return qs.none()
        qs = qs.alias(age_key=_age_key(f"{person}__date_of_birth", reported_at)).filter(
            age_key__gte=band.from_age * 10000
        )
        if band.below_age is not None:
            qs = qs.filter(age_key__lt=band.below_age * 10000)
    return qs


def _case_filtered(qs: QuerySet, filters: Filters, *, case: str) -> QuerySet:
    prefix = f"{case}__" if case else ""
    if filters.team:
        qs = qs.filter(**{f"{prefix}team_id": filters.team})
    if filters.officer:
        qs = qs.filter(**{f"{prefix}officer_id": filters.officer})
    if filters.offence_group:
        qs = qs.filter(**{f"{prefix}offence__offence_group": filters.offence_group})
    return qs


def filter_duties(duties: QuerySet[Duty], filters: Filters, *, on: datetime.date) -> QuerySet[Duty]:
    """Duties of the chosen cases, timed for the chosen rights, owed to the chosen people (the
    equality filters are about the person the duty is owed to, at the case's report date)."""
    duties = _case_filtered(duties, filters, case="case")
    if filters.enhanced is not None:
        duties = duties.filter(enhanced=filters.enhanced)
    return _person_filtered(
        duties, filters, person="party__person", reported_at="case__reported_at", on=on
    )


def filter_parties(
    parties: QuerySet[Party], filters: Filters, *, on: datetime.date
) -> QuerySet[Party]:
    """People in cases (victims, witnesses) with the chosen rights status and characteristics."""
    if filters.enhanced is not None:
        parties = parties.filter(enhanced=filters.enhanced)
    return _person_filtered(
        parties, filters, person="person", reported_at="case__reported_at", on=on
    )


def filter_cases(cases: QuerySet, filters: Filters, *, on: datetime.date) -> QuerySet:
    """The chosen cases: by team, officer and offence group, and, when a filter is about
    people, cases with at least one victim who matches it."""
    cases = _case_filtered(cases, filters, case="")
    if filters.enhanced is not None or filters.about_people:
        victims = filter_parties(
            Party.objects.filter(case=OuterRef("pk"), role=PartyRole.VICTIM), filters, on=on
        )
        cases = cases.filter(Exists(victims))
    return cases


def recorded_values(field: str) -> list[str]:
    """The distinct values recorded for a person's sex or ethnicity (free text), for the
    equality filters. Not personal data on their own; cached briefly, as they change rarely."""
    if field not in ("sex", "ethnicity"):
        raise ValueError(field)

    def load() -> list[str]:
        return list(
            Person.objects.exclude(**{field: ""})
            .order_by(field)
            .values_list(field, flat=True)
            .distinct()
        )

    return cache.get_or_set(f"compliance:recorded:{field}", load, timeout=600)
