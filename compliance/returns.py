"""The quarterly compliance return (issue 22): the measures police and crime commissioners report
for the Victims' Code, each overall and by the equality groups recorded (sex, ethnicity, age band)
and for under-18s, with the counts behind every percentage, how many had the group not recorded,
and the survey answers that speak to the measure.

Which measures a return holds is data (compliance.models.ReturnTemplate, the one in force on the
quarter's last day); how each is counted is code, here, under its stable key (MEASURES). Each
measure is one grouped query, whatever the number of groups: the breakdowns are summed from it.
Ages are at the day the crime was reported, in the bands in force on the quarter's last day, as
every report counts them (counting.filters)."""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Case as CaseWhen
from django.db.models import CharField, Count, Exists, F, OuterRef, Q, QuerySet, Value, When

from cases.models import Case, Party, PartyRole, VictimPersonalStatement
from counting import policy
from counting.filters import (
    NOT_RECORDED,
    NOT_RECORDED_LABEL,
    Filters,
    age_band_of,
    filter_cases,
    filter_duties,
)
from counting.periods import Period
from entitlements.models import Duty, DutyStatus
from surveys.models import SATISFIED, Answer, Invitation, InvitationStatus, QuestionKind, Stage

from .models import MeasureKey, ReturnMeasure, ReturnTemplate
from .outcomes import fell_due, past_deadline

S = DutyStatus
ADULT = "18-plus"
UNDER_18 = "under-18"
OUTSIDE_BANDS = "outside-bands"


@dataclass(frozen=True)
class Counted:
    """What one measure counts in a quarter: the rows, where their person is, and which of
    them are the measure's base (denominator) and which met it (numerator, within the base)."""

    rows: QuerySet
    person: str  # the path from a row to its cases.Person
    reported_at: str  # ... and to the case's report time, for the age
    base: Q
    met: Q
    unit: str  # what a row is, in words: "duties", "victims"


def _duties_met_on_time(*codes: str) -> Callable[..., Counted]:
    """Duties of these rules that fell due in the quarter, met by their deadline, of those met
    (on time or late) or past their deadline unmet: the dashboard's "on time"
    (compliance.outcomes). Declined and waived duties are not counted against."""

    def counted(*, duties: QuerySet, cases: QuerySet, quarter: Period, now) -> Counted:
        return Counted(
            rows=fell_due(duties.filter(rule__code__in=codes), quarter),
            person="party__person",
            reported_at="case__reported_at",
            base=Q(status__in=[S.MET, S.MET_LATE]) | past_deadline(now),
            met=Q(status=S.MET),
            unit="duties",
        )

    return counted


def _victims_offered_vps(*, duties: QuerySet, cases: QuerySet, quarter: Period, now) -> Counted:
    """Victims in the cases reported in the quarter, and those of them offered a Victim
    Personal Statement (a statement record, whatever its status) by the quarter's end."""
    reported = cases.filter(reported_at__gt=quarter.start_at, reported_at__lte=quarter.end_at)
    offered = VictimPersonalStatement.objects.filter(
        party=OuterRef("pk"), offered_at__lte=quarter.end_at
    )
    return Counted(
        rows=Party.objects.filter(case__in=reported, role=PartyRole.VICTIM),
        person="person",
        reported_at="case__reported_at",
        base=Q(pk__isnull=False),
        met=Q(Exists(offered)),
        unit="victims",
    )


# How each measure a template may hold is counted, by its stable key.
MEASURES: dict[str, Callable[..., Counted]] = {
    MeasureKey.ACKNOWLEDGEMENT_ON_TIME: _duties_met_on_time("R2"),
    MeasureKey.REFERRAL_ON_TIME: _duties_met_on_time("R4"),
    MeasureKey.UPDATES_ON_TIME: _duties_met_on_time("R5-U"),
    # Right 7 as the duty rules hold it today: one offer (R14), met by a VPS record. When
    # offers are kept by stage, each stage's offer is a key of its own here, and a new template
    # names them from its date; earlier quarters keep this one.
    MeasureKey.VPS_OFFER_ON_TIME: _duties_met_on_time("R14"),
    MeasureKey.VPS_OFFERED: _victims_offered_vps,
}

# The breakdowns, in the order the return shows them: (key, label).
BREAKDOWNS = [
    ("under_18", "Age under 18"),
    ("age_band", "Age band"),
    ("sex", "Sex"),
    ("ethnicity", "Ethnicity"),
]
MISSING_WORDS = {
    "under_18": "date of birth",
    "sex": "sex",
    "ethnicity": "ethnicity",
}


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def quarter_label(quarter: Period) -> str:
    return f"{quarter.start:%B} to {quarter.end:%B %Y}"


def template_in_force(on: datetime.date) -> tuple[ReturnTemplate | None, list[ReturnMeasure]]:
    template = ReturnTemplate.objects.in_force(on)
    if template is None:
        return None, []
    return template, list(template.measures.order_by("order", "id"))


def _grouped(counted: Counted, bands: list[policy.Band]) -> list[dict]:
    """One query: the base and met counts per (sex, ethnicity, age band, under 18)."""
    person = counted.person
    alias, band = age_band_of(person, counted.reported_at, bands)
    under_18 = CaseWhen(
        When(**{f"{person}__date_of_birth__isnull": True}, then=Value(NOT_RECORDED)),
        When(age_key__lt=18 * 10000, then=Value(UNDER_18)),
        default=Value(ADULT),
        output_field=CharField(),
    )
    return list(
        counted.rows.alias(**alias)
        .values(
            g_sex=F(f"{person}__sex"),
            g_ethnicity=F(f"{person}__ethnicity"),
            g_age_band=band,
            g_under_18=under_18,
        )
        .annotate(
            denominator=Count("pk", filter=counted.base),
            numerator=Count("pk", filter=counted.base & counted.met),
        )
        .order_by()
    )


def _group(value: str, label: str, numerator: int, denominator: int) -> dict:
    return {
        "value": value,
        "label": label,
        "numerator": numerator,
        "denominator": denominator,
        "percent": percent(numerator, denominator),
    }


def _breakdown(key: str, totals: dict[str, list[int]], bands: list[policy.Band]) -> list[dict]:
    """The groups of one breakdown that have anyone in the base, in the order people read them,
    "not recorded" last (and always there, with 0 when none)."""
    if key == "under_18":
        known = [(UNDER_18, "Under 18"), (ADULT, "18 and over")]
    elif key == "age_band":
        known = [(b.code, b.label) for b in bands] + [(OUTSIDE_BANDS, "In no age band")]
    else:
        known = [(v, v) for v in sorted(v for v in totals if v != NOT_RECORDED)]
    groups = [
        _group(value, label, *totals[value])
        for value, label in known
        if totals.get(value, [0, 0])[1]
    ]
    groups.append(_group(NOT_RECORDED, NOT_RECORDED_LABEL, *totals.get(NOT_RECORDED, [0, 0])))
    return groups


def _missing_note(unit: str, total: int, missing: dict[str, int]) -> str:
    if not total:
        return f"No {unit} to count in this quarter."
    gaps = [f"{words} for {missing[key]}" for key, words in MISSING_WORDS.items() if missing[key]]
    if not gaps:
        return f"Sex, ethnicity and date of birth were recorded for all {total} {unit}."
    listed = ", ".join(gaps[:-1]) + f" and {gaps[-1]}" if len(gaps) > 1 else gaps[0]
    return f"Of the {total} {unit} counted, not recorded: {listed}."


def _measure(row: ReturnMeasure, counted: Counted, bands: list[policy.Band]) -> dict:
    totals: dict[str, dict[str, list[int]]] = {
        key: defaultdict(lambda: [0, 0]) for key, _ in BREAKDOWNS
    }
    numerator = denominator = 0
    for group in _grouped(counted, bands):
        met, base = group["numerator"], group["denominator"]
        numerator += met
        denominator += base
        values = {
            "sex": group["g_sex"] or NOT_RECORDED,
            "ethnicity": group["g_ethnicity"] or NOT_RECORDED,
            "age_band": group["g_age_band"] or OUTSIDE_BANDS,
            "under_18": group["g_under_18"],
        }
        for key, value in values.items():
            totals[key][value][0] += met
            totals[key][value][1] += base
    breakdowns = [
        {
            "key": key,
            "label": label,
            "groups": _breakdown(key, totals[key], bands),
            "not_recorded": totals[key].get(NOT_RECORDED, [0, 0])[1],
        }
        for key, label in BREAKDOWNS
    ]
    missing = {b["key"]: b["not_recorded"] for b in breakdowns}
    return {
        "key": row.key,
        "label": row.label,
        "unit": counted.unit,
        "numerator": numerator,
        "denominator": denominator,
        "percent": percent(numerator, denominator),
        "breakdowns": breakdowns,
        "missing_data": _missing_note(counted.unit, denominator, missing),
        "survey_stage": row.survey_stage,
        "feedback": None,
    }


def _feedback(cases: QuerySet[Case], quarter: Period, stages: set[str]) -> dict[str, dict]:
    """For each survey stage: how many answered its satisfaction questions in the surveys
    completed of the invitations made in the quarter (as the dashboard counts surveys), and the
    share completely, very or fairly satisfied. One query."""
    if not stages:
        return {}
    invitations = Invitation.objects.filter(
        case__in=cases,
        created_at__gt=quarter.start_at,
        created_at__lte=quarter.end_at,
        status=InvitationStatus.COMPLETED,
    )
    rows = (
        Answer.objects.filter(
            invitation__in=invitations,
            question__kind=QuestionKind.SCALE,
            question__stage__in=stages,
            scale_value__isnull=False,
        )
        .values("question__stage")
        .annotate(answers=Count("pk"), satisfied=Count("pk", filter=Q(scale_value__in=SATISFIED)))
        .order_by()
    )
    return {
        row["question__stage"]: {
            "answers": row["answers"],
            "satisfied": row["satisfied"],
            "percent": percent(row["satisfied"], row["answers"]),
        }
        for row in rows
    }


def compliance_return(
    *,
    duties: QuerySet[Duty],
    cases: QuerySet[Case],
    quarter: Period,
    now: datetime.datetime,
) -> dict:
    """The return for the quarter, of exactly these duties and cases (the caller narrows them to
    what the user may see, and to a team), by the template in force on the quarter's last day,
    as of `now`. Queries: the template and its measures, the age bands, one per measure and one
    for the survey answers."""
    template, rows = template_in_force(quarter.end)
    bands = policy.age_bands(quarter.end)
    measures = [
        _measure(
            row, MEASURES[row.key](duties=duties, cases=cases, quarter=quarter, now=now), bands
        )
        for row in rows
    ]
    feedback = _feedback(cases, quarter, {m["survey_stage"] for m in measures} - {""})
    for measure in measures:
        stage = measure["survey_stage"]
        if stage:
            answered = feedback.get(stage, {"answers": 0, "satisfied": 0, "percent": None})
            measure["feedback"] = {"stage": stage, "stage_label": Stage(stage).label, **answered}
    return {
        "quarter": {
            "start": quarter.start,
            "end": quarter.end,
            "label": quarter_label(quarter),
            "complete": now >= quarter.end_at,
        },
        "template": {
            "name": template.name,
            "effective_from": template.effective_from,
            "source": template.source,
        }
        if template
        else None,
        "measures": measures,
        "as_of": now,
    }


RETURN_COLUMNS = [
    "quarter",
    "measure",
    "counted",
    "breakdown",
    "group",
    "met",
    "of",
    "percentage",
    "survey stage",
    "survey answers",
    "% satisfied",
    "missing data",
]


def return_table(figures: dict) -> list[list]:
    """The return as CSV rows (RETURN_COLUMNS): each measure overall, with its survey feedback
    and missing-data note, then each group of each breakdown. Values only, never a person."""
    quarter = figures["quarter"]["label"]
    table = []
    for m in figures["measures"]:
        feedback = m["feedback"] or {}
        table.append(
            [
                quarter,
                m["label"],
                m["unit"],
                "All",
                "All",
                m["numerator"],
                m["denominator"],
                "" if m["percent"] is None else m["percent"],
                feedback.get("stage_label", ""),
                feedback.get("answers", ""),
                "" if feedback.get("percent") is None else feedback["percent"],
                m["missing_data"],
            ]
        )
        for breakdown in m["breakdowns"]:
            for g in breakdown["groups"]:
                table.append(
                    [
                        quarter,
                        m["label"],
                        m["unit"],
                        breakdown["label"],
                        g["label"],
                        g["numerator"],
                        g["denominator"],
                        "" if g["percent"] is None else g["percent"],
                        "",
                        "",
                        "",
                        "",
                    ]
                )
    return table


def return_for(user, *, quarter: Period, filters: Filters, now: datetime.datetime) -> dict:
    """The return of what `user` may see (never a case they may not), under `filters` (a team)."""
    return compliance_return(
        duties=filter_duties(Duty.objects.visible_to(user), filters, on=quarter.end),
        cases=filter_cases(Case.objects.visible_to(user), filters, on=quarter.end),
        quarter=quarter,
        now=now,
    )
