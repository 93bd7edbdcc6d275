"""Quality assurance actions: draw a dip sample, review a sampled case, close the sample; and the
figures the compliance dashboard shows.

The draw is reproducible: cases are ordered by md5(seed + ":" + case id) in SQL (Django's MD5
works on SQLite and PostgreSQL alike), so the same seed over the same cases gives the same
sample, and only cases the supervisor may see can be drawn.
"""

import datetime
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CharField, Count, Q, QuerySet, Value
from django.db.models.functions import MD5, Cast, Concat
from django.utils import timezone

from accounts.models import Team, TeamMembership, User
from cases.dates import EARLIEST_DATE
from cases.models import Case
from cases.services import EditConflict
from counting.periods import Period

from .models import (
    AREA_ORDER,
    Answer,
    Area,
    ChecklistItem,
    ChecklistVersion,
    Result,
    Review,
    Sample,
    SampleCase,
    SampleStatus,
)

MIN_SIZE = 1
MAX_SIZE = 50


def percent_met(met: int, not_met: int) -> float | None:
    """Met as a share of the questions that applied (not applicable does not count)."""
    base = met + not_met
    return round(100 * met / base, 1) if base else None


# --- who may sample what ------------------------------------------------------------------------


def supervised_teams(user: User) -> QuerySet[Team]:
    return Team.objects.filter(memberships__user=user, memberships__is_supervisor=True)


def supervised_officers(user: User) -> QuerySet[User]:
    """Members of the teams the user supervises: the officers whose work they may sample."""
    teams = TeamMembership.objects.filter(user=user, is_supervisor=True).values("team_id")
    return User.objects.filter(memberships__team_id__in=teams, is_active=True).distinct()


# --- drawing a sample ---------------------------------------------------------------------------


def draw_key(seed: str, case_id: int) -> str:
    """The key the SQL orders by, computed in Python (for tests and for checking a draw)."""
    return hashlib.md5(f"{seed}:{case_id}".encode(), usedforsecurity=False).hexdigest()


def candidate_cases(*, by: User, team: Team, officer: User | None, period: Period):
    cases = Case.objects.visible_to(by).filter(
        team=team, reported_at__gt=period.start_at, reported_at__lte=period.end_at
    )
    if officer is not None:
        cases = cases.filter(officer=officer)
    return cases


def draw(cases: QuerySet[Case], *, seed: str, size: int) -> list[tuple[int, int]]:
    """(case id, officer id) of the first `size` cases in the seed's order: one query."""
    key = MD5(Concat(Value(f"{seed}:"), Cast("pk", output_field=CharField())))
    return list(
        cases.annotate(draw_key=key)
        .order_by("draw_key", "pk")
        .values_list("pk", "officer_id")[:size]
    )


@transaction.atomic
def create_sample(
    *,
    by: User,
    team: Team,
    officer: User | None,
    period: Period,
    size: int,
    seed: str = "",
    today: datetime.date | None = None,
) -> Sample:
    today = today or timezone.localdate()
    if not supervised_teams(by).filter(pk=team.pk).exists():
        raise ValidationError({"team": "You can sample only the teams you supervise."})
    if officer is not None and not TeamMembership.objects.filter(team=team, user=officer).exists():
        raise ValidationError({"officer": "Choose an officer who is in the chosen team."})
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise ValidationError({"size": f"Choose between {MIN_SIZE} and {MAX_SIZE} cases."})
    if period.start < EARLIEST_DATE:
        raise ValidationError({"period_start": "Enter a date from 1900 onwards."})
    if period.end > today:
        # A sample reviews cases already reported: a period ending ahead would be saved as if it
        # covered days that have not happened.
        raise ValidationError(
            {"period_end": "This cannot be in the future: end the period today or before."}
        )
    if period.start > period.end:
        raise ValidationError({"period_end": "The end of the period must be after its start."})
    version = ChecklistVersion.objects.in_force(today)
    if version is None:
        raise ValidationError("No review checklist is in force today. Ask an administrator.")
    seed = seed or secrets.token_hex(8)
    candidates = candidate_cases(by=by, team=team, officer=officer, period=period)
    drawn = draw(candidates, seed=seed, size=size)
    if not drawn:
        raise ValidationError("No cases you can see were reported in that period. Choose another.")
    sample = Sample.objects.create(
        team=team,
        officer=officer,
        period_start=period.start,
        period_end=period.end,
        size=size,
        seed=seed,
        sampled_on=today,
        checklist_version=version,
        created_by=by,
    )
    SampleCase.objects.bulk_create(
        SampleCase(sample=sample, case_id=case_id, officer_id=officer_id, position=i + 1)
        for i, (case_id, officer_id) in enumerate(drawn)
    )
    return sample


# --- reviewing ----------------------------------------------------------------------------------


def checklist(sample: Sample) -> list[ChecklistItem]:
    """The questions of the version the sample keeps, in area order."""
    items = list(sample.checklist_version.items.all())
    return sorted(items, key=lambda item: (AREA_ORDER.get(item.area, 99), item.order, item.pk))


@transaction.atomic
def save_review(
    *,
    sample_case: SampleCase,
    by: User,
    answers: dict[int, str],
    area_notes: dict[str, str],
    overall_note: str = "",
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Review:
    """Record (or change) a review. Every question must be answered; a closed sample is final;
    a review saved by someone else since the form was opened is not overwritten."""
    now = now or timezone.now()
    sample = Sample.objects.select_for_update().get(pk=sample_case.sample_id)
    if sample.status != SampleStatus.OPEN:
        raise ValidationError("This sample is closed, so its reviews can no longer be changed.")
    items = {item.pk: item for item in sample.checklist_version.items.all()}
    unanswered = [item.code for pk, item in items.items() if answers.get(pk) not in Result.values]
    if unanswered:
        raise ValidationError(f"Answer every question. Not answered: {', '.join(unanswered)}.")
    areas = {item.area for item in items.values()}
    notes = {area: note.strip() for area, note in area_notes.items() if area in areas}
    notes = {area: note for area, note in notes.items() if note}
    review = Review.objects.select_for_update().filter(sample_case=sample_case).first()
    if review is None:
        if expected_version:
            raise EditConflict
        try:
            with transaction.atomic():
                review = Review.objects.create(
                    sample_case=sample_case,
                    reviewer=by,
                    reviewed_at=now,
                    updated_by=by,
                    updated_at=now,
                    area_notes=notes,
                    overall_note=overall_note.strip(),
                )
        except IntegrityError:
            raise EditConflict from None
    else:
        if expected_version != review.version:
            raise EditConflict
        review.area_notes = notes
        review.overall_note = overall_note.strip()
        review.updated_by = by
        review.updated_at = now
        review.version += 1
        review.save()
        review.answers.all().delete()
    Answer.objects.bulk_create(
        Answer(review=review, item_id=pk, result=answers[pk]) for pk in items
    )
    return review


@transaction.atomic
def close_sample(*, sample: Sample, by: User, now: datetime.datetime | None = None) -> Sample:
    """Close the sample: its reviews become final. Closing twice changes nothing."""
    updated = Sample.objects.filter(pk=sample.pk, status=SampleStatus.OPEN).update(
        status=SampleStatus.CLOSED, closed_at=now or timezone.now(), closed_by=by
    )
    if updated:
        sample.refresh_from_db()
    return sample


# --- figures ------------------------------------------------------------------------------------


def _area_counts() -> dict:
    return {
        "reviews": Count("review", distinct=True),
        "met": Count("id", filter=Q(result=Result.MET)),
        "not_met": Count("id", filter=Q(result=Result.NOT_MET)),
        "not_applicable": Count("id", filter=Q(result=Result.NOT_APPLICABLE)),
    }


def _area_row(area: str, row: dict) -> dict:
    return {
        "area": area,
        "label": Area(area).label if area in Area.values else area,
        "reviews": row["reviews"],
        "met": row["met"],
        "not_met": row["not_met"],
        "not_applicable": row["not_applicable"],
        "percent_met": percent_met(row["met"], row["not_met"]),
    }


def dashboard_figures(cases: QuerySet[Case], period: Period) -> list[dict]:
    """Per area, for reviews first completed in the period (London days) on the given cases:
    reviews, met, not met, not applicable and percent met. One grouped query."""
    rows = (
        Answer.objects.filter(
            review__sample_case__case__in=cases,
            review__reviewed_at__gt=period.start_at,
            review__reviewed_at__lte=period.end_at,
        )
        .values("item__area")
        .annotate(**_area_counts())
        .order_by()
    )
    result = [_area_row(row["item__area"], row) for row in rows]
    return sorted(result, key=lambda row: AREA_ORDER.get(row["area"], 99))


def sample_results(sample: Sample) -> dict:
    """Percent met per area for the whole sample and per officer whose work was drawn: one
    grouped query and one for the officers' names."""
    rows = list(
        Answer.objects.filter(review__sample_case__sample=sample)
        .values("review__sample_case__officer", "item__area")
        .annotate(**_area_counts())
        .order_by()
    )
    officer_ids = {row["review__sample_case__officer"] for row in rows}
    officers = {user.pk: user for user in User.objects.filter(pk__in=officer_ids)}
    totals: dict[str, dict] = {}
    by_officer: dict[int, list[dict]] = {}
    for row in rows:
        total = totals.setdefault(
            row["item__area"], {"reviews": 0, "met": 0, "not_met": 0, "not_applicable": 0}
        )
        for key in total:
            total[key] += row[key]  # each review is of one officer's case, so reviews add up
        by_officer.setdefault(row["review__sample_case__officer"], []).append(
            _area_row(row["item__area"], row)
        )

    def ordered(area_rows: list[dict]) -> list[dict]:
        return sorted(area_rows, key=lambda r: AREA_ORDER.get(r["area"], 99))

    return {
        "areas": ordered([_area_row(area, row) for area, row in totals.items()]),
        "officers": sorted(
            (
                {"officer": officers[pk], "areas": ordered(area_rows)}
                for pk, area_rows in by_officer.items()
            ),
            key=lambda entry: (str(entry["officer"]), entry["officer"].pk),
        ),
    }
