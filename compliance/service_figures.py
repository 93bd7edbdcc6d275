"""Service measures: needs assessments, enhanced status, special measures, risk and MARAC,
referrals, surveys and mental-health demand, counted live from the records or worked out from
the service summary's tally (compliance.summary.service_tally), and the rows the pages show."""

import datetime

from django.db.models import (
    Count,
    Exists,
    Min,
    OuterRef,
    Q,
    QuerySet,
)

from cases.models import (
    EligibilityBasis,
    Party,
    PartyRole,
    RiskAssessment,
    SpecialMeasuresRecord,
)
from counting import policy
from counting.filters import NO_FILTERS, Filters, filter_parties
from counting.people import domestic_abuse_offences
from counting.periods import Period
from referrals.models import AgencyKind, Referral, ReferralStatus
from surveys import services as surveys
from surveys.models import Invitation, Stage
from surveys.services import STAGE_ORDER

from .labels import change, shown


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return round(ordered[middle], 1)
    return round((ordered[middle - 1] + ordered[middle]) / 2, 1)


MEDIANS_NOTE = "Medians are to the nearest hour (to the nearest day beyond two days)."


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def figures_from_tally(tally) -> dict:
    """live_service_measures' figures from a compliance.summary.ServiceTally: the same figures,
    but its two medians are bucketed, to the nearest hour below two days and the nearest day
    beyond (`medians_bucketed` is then true)."""
    counts = tally.counts
    stages = sorted(tally.stages.items(), key=lambda item: STAGE_ORDER[item[0]])
    return {
        "victims": counts["victims"],
        "needs_assessed": _percent(counts["victims_assessed"], counts["victims"]),
        "needs_median_hours": bucketed_median(tally.hours["needs"]),
        "enhanced": _percent(counts["victims_enhanced"], counts["victims"]),
        "vulnerable_or_intimidated": counts["vulnerable"],
        "special_measures_considered": _percent(
            counts["vulnerable_considered"], counts["vulnerable"]
        ),
        "da_victims": counts["da_victims"],
        "da_risk_assessed": _percent(counts["da_risk_assessed"], counts["da_victims"]),
        "marac_flagged": counts["marac_flagged"],
        "marac_referred": counts["referrals_marac"],
        "referrals_sent": counts["referrals_sent"],
        "referrals_accepted": _percent(counts["referrals_accepted"], counts["referrals_answered"]),
        "agency_median_response_hours": bucketed_median(tally.hours["agency"]),
        # As surveys.services.results gives them.
        "surveys": {
            "invited": counts["invited"],
            "completed": counts["completed"],
            "response_rate": _percent(counts["completed"], counts["invited"]),
            "stages": {
                Stage(stage).label: {"answers": answers, "satisfied": _percent(satisfied, answers)}
                for stage, (answers, satisfied) in stages
            },
        },
        "cases": counts["cases"],
        "mental_health_demand": _percent(counts["mental_health"], counts["cases"]),
        "medians_bucketed": True,
    }


def bucketed_median(histogram: dict[int, int]) -> float | None:
    """The median of values counted by bucket (bucket -> how many), as _median gives it for
    the bucket values themselves."""
    ordered = sorted((bucket, n) for bucket, n in histogram.items() if n)
    total = sum(n for _, n in ordered)
    if not total:
        return None

    def value_at(index: int) -> int:
        seen = 0
        for bucket, n in ordered:
            seen += n
            if index < seen:
                return bucket
        raise IndexError(index)

    middle = total // 2
    if total % 2:
        return round(float(value_at(middle)), 1)
    return round((value_at(middle - 1) + value_at(middle)) / 2, 1)


def live_service_measures(
    cases: QuerySet,
    period: Period,
    *,
    filters: Filters = NO_FILTERS,
    filters_on: datetime.date | None = None,
) -> dict:
    """Needs assessments, enhanced status, special measures, risk and MARAC, referrals, surveys
    and mental-health demand, for cases reported in the period (referrals: sent in it;
    invitations: made in it), from every record, with exact medians. `cases` should already be
    `filter_cases(...)`; `filters` also narrows the people counted (an age band read on
    `filters_on`, by default the period's last day). Who counts as vulnerable or intimidated:
    the bases in force on the period's last day."""
    reported = cases.filter(reported_at__gt=period.start_at, reported_at__lte=period.end_at)
    parties = filter_parties(
        Party.objects.filter(case__in=reported), filters, on=filters_on or period.end
    )
    victims = parties.filter(role=PartyRole.VICTIM)
    rows = list(
        victims.annotate(first_na=Min("needs_assessments__assessed_at")).values_list(
            "first_na", "case__reported_at", "enhanced"
        )
    )
    assessed = [(na - rep).total_seconds() / 3600 for na, rep, _ in rows if na is not None]
    vulnerable = parties.filter(
        Exists(
            EligibilityBasis.objects.filter(
                party=OuterRef("pk"),
                applies=True,
                basis__in=policy.vulnerable_bases(period.end),
            )
        )
    ).aggregate(
        total=Count("id"),
        considered=Count(
            "id", filter=Q(Exists(SpecialMeasuresRecord.objects.filter(party=OuterRef("pk"))))
        ),
    )
    da_victims = victims.filter(case__offence__in=domestic_abuse_offences())
    risk = RiskAssessment.objects.filter(party__in=da_victims)
    da = da_victims.aggregate(
        total=Count("id"),
        assessed=Count("id", filter=Q(Exists(RiskAssessment.objects.filter(party=OuterRef("pk"))))),
    )
    sent = Referral.objects.filter(
        case__in=cases, sent_at__gt=period.start_at, sent_at__lte=period.end_at
    )
    referrals = sent.aggregate(
        total=Count("id"), marac=Count("id", filter=Q(agency__kind=AgencyKind.MARAC))
    )
    answered = list(
        sent.filter(responded_at__isnull=False).values_list("sent_at", "responded_at", "status")
    )
    accepted = sum(
        1 for _, _, s in answered if s not in (ReferralStatus.DECLINED, ReferralStatus.RETURNED)
    )
    invitations = Invitation.objects.filter(
        case__in=cases, created_at__gt=period.start_at, created_at__lte=period.end_at
    )
    reports = reported.aggregate(
        total=Count("id"), mental_health=Count("id", filter=Q(mental_health_demand=True))
    )
    return {
        "victims": len(rows),
        "needs_assessed": _percent(len(assessed), len(rows)),
        "needs_median_hours": _median(assessed),
        "enhanced": _percent(sum(1 for *_, e in rows if e), len(rows)),
        "vulnerable_or_intimidated": vulnerable["total"],
        "special_measures_considered": _percent(vulnerable["considered"], vulnerable["total"]),
        "da_victims": da["total"],
        "da_risk_assessed": _percent(da["assessed"], da["total"]),
        "marac_flagged": risk.filter(marac_referral=True).values("party").distinct().count(),
        "marac_referred": referrals["marac"],
        "referrals_sent": referrals["total"],
        "referrals_accepted": _percent(accepted, len(answered)),
        "agency_median_response_hours": _median(
            [(r - s).total_seconds() / 3600 for s, r, _ in answered]
        ),
        "surveys": surveys.results(invitations),
        "cases": reports["total"],
        "mental_health_demand": _percent(reports["mental_health"], reports["total"]),
    }


# (key, label, unit, key of the base it is a share of). Unit "%" is compared in points.
SERVICE_ROWS = [
    ("cases", "Cases reported", "", None),
    ("victims", "Victims in those cases", "", None),
    ("needs_assessed", "Victims with a needs assessment", "%", "victims"),
    ("needs_median_hours", "Median hours from report to needs assessment", "hours", None),
    ("enhanced", "Victims identified for enhanced rights", "%", "victims"),
    ("vulnerable_or_intimidated", "Vulnerable or intimidated people", "", None),
    (
        "special_measures_considered",
        "Special measures considered for vulnerable or intimidated people",
        "%",
        "vulnerable_or_intimidated",
    ),
    ("da_victims", "Domestic abuse victims", "", None),
    ("da_risk_assessed", "Domestic abuse victims with a risk assessment", "%", "da_victims"),
    ("marac_flagged", "Victims meeting the MARAC criteria", "", None),
    ("marac_referred", "Referrals to MARAC", "", None),
    ("referrals_sent", "Referrals sent to support services", "", None),
    ("referrals_accepted", "Referrals accepted, of those answered", "%", None),
    ("agency_median_response_hours", "Median hours for an agency to answer", "hours", None),
    ("survey_response_rate", "Survey response rate", "%", None),
    ("mental_health_demand", "Mental-health-related demand", "%", "cases"),
]


def service_rows(current: dict, previous: dict) -> list[dict]:
    """Service measures as rows with the previous period's value and the change, then survey
    satisfaction by stage. The one list the dashboard, pack page and pack CSV all show."""

    def value(figures: dict, key: str):
        if key == "survey_response_rate":
            return figures["surveys"]["response_rate"]
        return figures[key]

    rows = []
    for key, label, unit, base in SERVICE_ROWS:
        rows.append(
            _service_row(
                key,
                label,
                unit,
                value(current, key),
                value(previous, key),
                current[base] if base else None,
            )
        )
    stages = list(current["surveys"]["stages"])
    stages += [s for s in previous["surveys"]["stages"] if s not in stages]
    for stage in stages:
        now_row = current["surveys"]["stages"].get(stage) or {"answers": 0, "satisfied": None}
        then_row = previous["surveys"]["stages"].get(stage) or {"answers": 0, "satisfied": None}
        rows.append(
            _service_row(
                f"satisfied:{stage}",
                f"Satisfied: {stage.lower()}",
                "%",
                now_row["satisfied"],
                then_row["satisfied"],
                now_row["answers"],
            )
        )
    return rows


def _service_row(key, label, unit, value, previous, base) -> dict:
    return {
        "key": key,
        "label": label,
        "unit": unit,
        "value": value,
        "shown": shown(value, unit),
        "base": base,
        "previous": previous,
        "previous_shown": shown(previous, unit),
        "change": change(value, previous, unit=unit),
    }
