"""Victim personal statement offers, by stage and by equality group (issue 21): of the people
owed an offer at each stage (a Right 7 duty that arose in the period: when the statement was
taken, at charge, before sentence), how many were offered one at that stage and what they
answered; and who was never offered one at any stage, so a force can see whom it leaves out.

Counted live from the duties and the offers (the summary tables hold neither), in two grouped
queries whatever the period: one by stage at the finest equality grain (sex, ethnicity, age
band), one by person at the same grain; every breakdown is summed from those rows. People are
counted once in a group and a stage, however many duties they had there.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, QuerySet, Value, When

from cases.events import RecordKind
from cases.models import VictimPersonalStatement, VpsStage, VpsStatus
from counting.filters import NOT_RECORDED, NOT_RECORDED_LABEL, age_band_of
from counting.periods import Period
from counting.policy import age_bands
from entitlements.models import Duty, DutyStatus

# The rule's met_by names the stage whose offer meets it (cases.services.VPS_RECORD_KIND).
STAGE_OF_KIND = {
    RecordKind.VPS_OFFERED: VpsStage.STATEMENT,
    RecordKind.VPS_OFFERED_AT_CHARGE: VpsStage.CHARGE,
    RecordKind.VPS_OFFERED_BEFORE_SENTENCE: VpsStage.BEFORE_SENTENCE,
}
# Not owed after all: withdrawn with its event, or found not to apply (a not guilty verdict).
NOT_OWED = (DutyStatus.WITHDRAWN, DutyStatus.NOT_APPLICABLE)
GRAIN = ("sex", "ethnicity", "age_band")
BREAKDOWNS = (("sex", "Sex"), ("ethnicity", "Ethnicity"), ("age_band", "Age band"))
ANSWERS = ("made", "declined", "later")


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class StageCounts:
    """People owed an offer at one stage, and of them how many were offered one there and what
    they answered (a person who answered twice is counted under each answer)."""

    label: str
    owed: int = 0
    offered: int = 0
    made: int = 0
    declined: int = 0
    later: int = 0

    @property
    def not_offered(self) -> int:
        return self.owed - self.offered

    def percent(self, name: str) -> float | None:
        return _percent(getattr(self, name), self.owed)

    @property
    def offered_percent(self) -> float | None:
        return self.percent("offered")

    @property
    def made_percent(self) -> float | None:
        return self.percent("made")

    @property
    def not_offered_percent(self) -> float | None:
        return self.percent("not_offered")


@dataclass
class PeopleCounts:
    """People owed an offer at any stage in the period: how many were never offered one, and
    how many said they would make one later and are still to be asked again."""

    people: int = 0
    never_offered: int = 0
    follow_up: int = 0

    @property
    def never_offered_percent(self) -> float | None:
        return _percent(self.never_offered, self.people)


@dataclass
class GroupFigures:
    label: str
    stages: list[StageCounts]
    people: PeopleCounts


@dataclass
class VpsFigures:
    stages: list[StageCounts]
    people: PeopleCounts
    # Each equality breakdown's name to its groups, in order.
    breakdowns: list[tuple[str, list[GroupFigures]]] = field(default_factory=list)


def _owed(duties: QuerySet[Duty], period: Period, bands) -> QuerySet[Duty]:
    """The Right 7 offer duties that arose in the period and are still owed, with the person's
    equality groups and the stage as columns."""
    alias, band = age_band_of("party__person", "case__reported_at", bands)
    return (
        duties.filter(
            rule__met_by__in=list(STAGE_OF_KIND),
            trigger_at__gt=period.start_at,
            trigger_at__lte=period.end_at,
        )
        .exclude(status__in=NOT_OWED)
        .alias(**alias)
        .annotate(
            sex=F("party__person__sex"),
            ethnicity=F("party__person__ethnicity"),
            age_band=band,
            stage=Case(
                *[
                    When(rule__met_by=kind, then=Value(stage))
                    for kind, stage in STAGE_OF_KIND.items()
                ],
                output_field=CharField(),
            ),
        )
    )


def _stage_rows(owed: QuerySet[Duty], now: datetime.datetime) -> list[dict]:
    offers = VictimPersonalStatement.objects.filter(
        party=OuterRef("party"), stage=OuterRef("stage"), offered_at__lte=now
    )
    answered = {
        "made": VpsStatus.TAKEN,
        "declined": VpsStatus.DECLINED,
        "later": VpsStatus.LATER,
    }
    rows = owed.annotate(
        was_offered=Exists(offers),
        **{f"was_{name}": Exists(offers.filter(status=code)) for name, code in answered.items()},
    )
    person = "party_id"
    return list(
        rows.values("stage", *GRAIN)
        .annotate(
            owed_n=Count(person, distinct=True),
            offered_n=Count(person, distinct=True, filter=Q(was_offered=True)),
            **{
                f"{name}_n": Count(person, distinct=True, filter=Q(**{f"was_{name}": True}))
                for name in answered
            },
        )
        .order_by()
    )


def _people_rows(owed: QuerySet[Duty], now: datetime.datetime) -> list[dict]:
    offers = VictimPersonalStatement.objects.filter(party=OuterRef("party"), offered_at__lte=now)
    # Their latest answer was "later": an offer answered so, with none after it.
    later_since = VictimPersonalStatement.objects.filter(
        party=OuterRef("party"), offered_at__gt=OuterRef("offered_at"), offered_at__lte=now
    )
    rows = owed.annotate(
        ever_offered=Exists(offers),
        still_later=Exists(offers.filter(status=VpsStatus.LATER).exclude(Exists(later_since))),
    )
    person = "party_id"
    return list(
        rows.values(*GRAIN)
        .annotate(
            people_n=Count(person, distinct=True),
            never_n=Count(person, distinct=True, filter=Q(ever_offered=False)),
            follow_up_n=Count(person, distinct=True, filter=Q(still_later=True)),
        )
        .order_by()
    )


def _group_label(dimension: str, value: str, band_labels: dict[str, str]) -> str:
    if dimension == "age_band":
        if value == NOT_RECORDED:
            return NOT_RECORDED_LABEL
        return band_labels.get(value, "Outside the age bands")
    return value or NOT_RECORDED_LABEL


def _stage_counts(rows: Iterable[dict]) -> list[StageCounts]:
    by_stage = {stage: StageCounts(label) for stage, label in VpsStage.choices}
    for row in rows:
        counts = by_stage[row["stage"]]
        counts.owed += row["owed_n"]
        counts.offered += row["offered_n"]
        for name in ANSWERS:
            setattr(counts, name, getattr(counts, name) + row[f"{name}_n"])
    return list(by_stage.values())


def _people_counts(rows: Iterable[dict]) -> PeopleCounts:
    counts = PeopleCounts()
    for row in rows:
        counts.people += row["people_n"]
        counts.never_offered += row["never_n"]
        counts.follow_up += row["follow_up_n"]
    return counts


def vps_figures(
    duties: QuerySet[Duty], period: Period, *, now: datetime.datetime, on: datetime.date
) -> VpsFigures:
    """The offers of the people owed one in `duties` (which must start from the user's visible,
    filtered duties), by stage, overall and by each equality group; age bands as in force on
    `on` (the period's last day). Two queries."""
    bands = age_bands(on)
    owed = _owed(duties, period, bands)
    stage_rows = _stage_rows(owed, now)
    people_rows = _people_rows(owed, now)
    band_labels = {band.code: band.label for band in bands}
    band_order = {band.code: i for i, band in enumerate(bands)}
    breakdowns = []
    for dimension, name in BREAKDOWNS:
        stage_groups: dict[str, list[dict]] = defaultdict(list)
        people_groups: dict[str, list[dict]] = defaultdict(list)
        for row in stage_rows:
            stage_groups[row[dimension]].append(row)
        for row in people_rows:
            people_groups[row[dimension]].append(row)

        def order(value: str, dimension=dimension) -> tuple:
            # Not recorded last; age bands in their own order, other groups by name.
            unrecorded = value in ("", NOT_RECORDED)
            rank = band_order.get(value, len(band_order)) if dimension == "age_band" else 0
            return (unrecorded, rank, value.lower())

        groups = [
            GroupFigures(
                label=_group_label(dimension, value, band_labels),
                stages=_stage_counts(stage_groups[value]),
                people=_people_counts(people_groups[value]),
            )
            for value in sorted(people_groups.keys() | stage_groups.keys(), key=order)
        ]
        breakdowns.append((name, groups))
    return VpsFigures(
        stages=_stage_counts(stage_rows),
        people=_people_counts(people_rows),
        breakdowns=breakdowns,
    )
