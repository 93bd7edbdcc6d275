"""How well the Victims' Code is being delivered: duty outcomes by Right and rule, standard and
enhanced side by side, for duties that fell due in a period (London dates, whole days).

On time = met by the deadline. The base for the percentage is every duty that fell due and was
not withdrawn, not applicable, declined or waived: met on time, met late, missed, and still
open past its deadline. Declined and waived are counted and shown, but do not count against.

Every duty-outcome figure (by rule, key entitlements, trend by month, by team) is one call to
the `outcome_counts` of a figures source (compliance.sources), chosen by the caller: live from
exactly the duties it was given, or from the summary tables for everything a user may see under
their filters. Every query starts from `Duty.objects.visible_to(user)` or
`Case.objects.visible_to(user)`, so a restricted case is never counted for someone who cannot see
it. `Filters` are applied by counting.filters only.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from counting.filters import (  # noqa: F401  # the dashboard's vocabulary, used by its callers
    AGE_BANDS,
    NO_FILTERS,
    NOT_RECORDED,
    NOT_RECORDED_LABEL,
    Filters,
    filter_cases,
    filter_duties,
    filter_parties,
)
from counting.people import VULNERABLE_BASES, domestic_abuse_offences
from counting.periods import Period, add_months
from entitlements import calendar
from entitlements.models import Duty, DutyRule, DutyStatus

from .outcomes import COUNTS, fell_due, on_time_percent, past_deadline

S = DutyStatus
LONDON = calendar.LONDON
# The entitlements forces report quarterly, mapped to the rules that deliver them.
KEY_ENTITLEMENTS = [
    ("Written acknowledgement", ["R2"]),
    ("Referral to support services", ["R4"]),
    ("Updates within the agreed timeframe", ["R5-U"]),
    ("Opportunity to make a Victim Personal Statement", ["R14"]),
]
NOT_HELD = "Advance notice of the offender's release"  # Held by Probation, not the force.

TREND_MONTHS = 12


def _rule_labels(codes) -> dict[str, dict]:
    """Title, Right and scheme of each rule code (its latest edition)."""
    labels: dict[str, dict] = {}
    for rule in (
        DutyRule.objects.filter(code__in=list(codes))
        .order_by("code", "-effective_from")
        .values("code", "title", "right__number", "right__scheme")
    ):
        labels.setdefault(rule["code"], rule)
    return labels


def by_rule(source, period: Period, *, now: datetime.datetime) -> list[dict]:
    """One row per rule, standard and enhanced figures side by side, from a figures source
    (compliance.sources)."""
    counts = source.outcome_counts(period, group_by=("rule", "enhanced"), now=now)
    labels = _rule_labels({row["rule"] for row in counts})
    merged: dict[str, dict] = {}
    for row in counts:
        label = labels.get(row["rule"], {})
        entry = merged.setdefault(
            row["rule"],
            {
                "code": row["rule"],
                "title": label.get("title", ""),
                "right": label.get("right__number"),
                "scheme": label.get("right__scheme", ""),
                "standard": None,
                "enhanced": None,
            },
        )
        figures = {k: row[k] for k in (*COUNTS, "on_time")}
        entry["enhanced" if row["enhanced"] else "standard"] = figures
    return sorted(merged.values(), key=lambda r: (r["scheme"], r["right"] or 0, r["code"]))


def by_rule_compared(
    source, period: Period, previous: Period, *, now: datetime.datetime
) -> list[dict]:
    """`by_rule` with each rule's previous-period figures and the change in % on time."""
    before = {row["code"]: row for row in by_rule(source, previous, now=now)}
    rows = by_rule(source, period, now=now)
    for row in rows:
        earlier = before.get(row["code"]) or {"standard": None, "enhanced": None}
        row["previous"] = earlier
        for side in ("standard", "enhanced"):
            now_pct = (row[side] or {}).get("on_time")
            then_pct = (earlier[side] or {}).get("on_time")
            row[f"{side}_change"] = change(now_pct, then_pct, unit="%")
    return rows


def key_entitlements(
    source, period: Period, *, previous: Period | None = None, now: datetime.datetime
) -> list[dict]:
    """The five key entitlements (the last not held by the force), each with the previous
    period's % on time and the change when `previous` is given."""
    current = _sum_by_entitlement(source.outcome_counts(period, group_by=("rule",), now=now))
    before = (
        _sum_by_entitlement(source.outcome_counts(previous, group_by=("rule",), now=now))
        if previous
        else None
    )
    result = []
    for index, (label, codes) in enumerate(KEY_ENTITLEMENTS):
        figures = current[index]
        entry = {"label": label, "codes": codes, **figures}
        if before is not None:
            entry["previous_on_time"] = before[index]["on_time"]
            entry["change"] = change(figures["on_time"], before[index]["on_time"], unit="%")
        result.append(entry)
    result.append({"label": NOT_HELD, "codes": [], "not_held": True})
    return result


def _sum_by_entitlement(rows: list[dict]) -> list[dict]:
    by_code = {row["rule"]: row for row in rows}
    summed = []
    for _, codes in KEY_ENTITLEMENTS:
        figures = {k: sum(by_code[c][k] for c in codes if c in by_code) for k in COUNTS}
        figures["on_time"] = on_time_percent(figures)
        summed.append(figures)
    return summed


def trend_period(period: Period) -> Period:
    """The months a trend covers: the chosen period, widened to at least the TREND_MONTHS
    London months up to its end."""
    earliest = add_months(period.end.replace(day=1), -(TREND_MONTHS - 1))
    return Period(min(period.start.replace(day=1), earliest), period.end)


def monthly_trend(source, period: Period, *, now: datetime.datetime) -> list[dict]:
    """% on time by the London month duties fell due in, for every month of the trend period
    (a month with no duties has on_time None)."""
    window = trend_period(period)
    counts = {
        row["month"]: row for row in source.outcome_counts(window, group_by=("month",), now=now)
    }
    months = []
    month = window.start.replace(day=1)
    while month <= window.end:
        row = counts.get(month) or {k: 0 for k in COUNTS} | {"on_time": None}
        months.append({"month": month, "label": month.strftime("%b %Y"), **row})
        month = add_months(month, 1)
    return months


def by_team(source, period: Period, *, now: datetime.datetime) -> list[dict]:
    """% on time for each team's cases in the period, teams by name."""
    from accounts.models import Team

    counts = source.outcome_counts(period, group_by=("team",), now=now)
    names = dict(
        Team.objects.filter(pk__in=[row["team"] for row in counts]).values_list("pk", "name")
    )
    rows = [{**row, "label": names.get(row["team"], "")} for row in counts]
    return sorted(rows, key=lambda row: row["label"])


NOT_ON_TIME = "not_on_time"


def drill_down(
    duties: QuerySet[Duty],
    period: Period,
    *,
    code: str | Sequence[str],
    outcome: str,
    enhanced: bool | None,
    now=None,
) -> QuerySet[Duty]:
    """The duties behind one figure: of one rule, the rules of a key entitlement, or every rule
    when none is named (a chart's point). NOT_ON_TIME lists those that pull "% on time" down:
    met late or missed."""
    now = now or timezone.now()
    codes = [code] if isinstance(code, str) else list(code)
    due = fell_due(duties, period)
    if codes:
        due = due.filter(rule__code__in=codes)
    if enhanced is not None:
        due = due.filter(enhanced=enhanced)
    filters = {
        "met": Q(status=S.MET),
        "met_late": Q(status=S.MET_LATE),
        "missed": past_deadline(now),
        NOT_ON_TIME: Q(status=S.MET_LATE) | past_deadline(now),
        "declined": Q(status=S.DECLINED),
        "waived": Q(status=S.WAIVED),
        "open": Q(status=S.DUE, due_at__gte=now),
        "total": Q(),
    }
    return due.filter(filters.get(outcome, Q(pk__in=[])))


def with_effective_status(duties: QuerySet[Duty], *, now: datetime.datetime) -> QuerySet[Duty]:
    """Each duty with `effective_status`, what its deadline says now rather than the stored
    column: a duty still due after its deadline is missed (`past_deadline`), even in the minutes
    before the sweep marks it. The one definition the drill-down, the worklist and their CSVs
    show."""
    return duties.annotate(
        effective_status=Case(
            When(past_deadline(now), then=Value(S.MISSED)),
            default=F("status"),
            output_field=CharField(),
        )
    )


def status_label(code: str) -> str:
    """A status (stored or effective) in words."""
    try:
        return S(code).label
    except ValueError:
        return code


# The most duties one CSV holds: a file, not a copy of the force's records; past it the file says
# so and the filters narrow it.
EXPORT_LIMIT = 5000

# What a drill-down or worklist CSV holds, a row per duty: the page's columns, in words.
DUTY_COLUMNS = [
    "Due by",
    "Duty",
    "Rule",
    "Rights",
    "Status",
    "Crime reference",
    "Person",
    "Their part in the case",
    "Officer in the case",
    "Team",
    "Restricted case",
]


@dataclass(frozen=True)
class DutyExport:
    rows: list[list[str]]
    people: list[int]  # whose details the rows hold, for the audit trail
    truncated: bool  # more duties matched than `limit`


def export_duties(duties: QuerySet[Duty], *, limit: int) -> DutyExport:
    """DUTY_COLUMNS for the first `limit` duties of `duties` (ordered, and already
    `with_effective_status`), in one query. Times in London time, as the pages show them."""
    fetched = list(
        duties.select_related("case__officer", "case__team", "party__person", "rule__right")[
            : limit + 1
        ]
    )
    rows = []
    for duty in fetched[:limit]:
        right = duty.rule.right
        scheme = "Right" if right.scheme == right.Scheme.VICTIMS_CODE else "Standard"
        rows.append(
            [
                timezone.localtime(duty.due_at, LONDON).strftime("%Y-%m-%d %H:%M"),
                duty.rule.title,
                f"{duty.rule.code} ({scheme} {right.number})",
                "enhanced" if duty.enhanced else "standard",
                status_label(duty.effective_status),
                duty.case.crime_reference,
                str(duty.party.person),
                duty.party.get_role_display(),
                str(duty.case.officer),
                duty.case.team.name,
                "yes" if duty.case.restricted else "no",
            ]
        )
    people = sorted({duty.party.person_id for duty in fetched[:limit]})
    return DutyExport(rows=rows, people=people, truncated=len(fetched) > limit)


def scope_label(user, *, teams: Sequence[str] = (), officer=None) -> str:
    """Whose cases a list covers, in the user's words: "your cases", a team's name (or several),
    another officer's cases, or "all teams" (every case the user may see)."""
    teams = list(teams)
    named = ", ".join(teams[:-1]) + f" and {teams[-1]}" if len(teams) > 1 else "".join(teams)
    if officer is not None:
        whose = "your cases" if officer.pk == user.pk else f"the cases of {officer}"
        return f"{whose} in {named}" if teams else whose
    return named if teams else "all teams"


# --- comparison ----------------------------------------------------------------------------------

UNITS = {"%": "percentage points", "hours": "hours", "": ""}


def change(current: float | None, previous: float | None, *, unit: str = "") -> dict:
    """The change from the previous period, as an arrow and words (never colour alone)."""
    if current is None or previous is None:
        return {"direction": "none", "arrow": "", "text": "no comparison", "difference": None}
    difference = round(current - previous, 1)
    if difference == 0:
        return {"direction": "same", "arrow": "=", "text": "no change", "difference": 0}
    up = difference > 0
    amount = f"{abs(difference):g}" + (f" {UNITS[unit]}" if UNITS[unit] else "")
    return {
        "direction": "up" if up else "down",
        "arrow": "\u25b2" if up else "\u25bc",
        "text": f"{'up' if up else 'down'} {amount}",
        "difference": difference,
    }


# --- other measures ------------------------------------------------------------------------------


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
    from surveys.models import Stage
    from surveys.services import STAGE_ORDER

    counts = tally.counts
    stages = sorted(tally.stages.items(), key=lambda item: STAGE_ORDER[item[0]])
    return {
        "victims": counts["victims"],
        "needs_assessed": _percent(counts["victims_assessed"], counts["victims"]),
        "needs_median_hours": _bucketed_median(tally.hours["needs"]),
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
        "agency_median_response_hours": _bucketed_median(tally.hours["agency"]),
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


def _bucketed_median(histogram: dict[int, int]) -> float | None:
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
    cases: QuerySet, period: Period, *, filters: Filters = NO_FILTERS
) -> dict:
    """Needs assessments, enhanced status, special measures, risk and MARAC, referrals, surveys
    and mental-health demand, for cases reported in the period (referrals: sent in it;
    invitations: made in it), from every record, with exact medians. `cases` should already be
    `filter_cases(...)`; `filters` also narrows the people counted."""
    from django.db.models import Min

    from cases.models import (
        EligibilityBasis,
        Party,
        PartyRole,
        RiskAssessment,
        SpecialMeasuresRecord,
    )
    from referrals.models import AgencyKind, Referral, ReferralStatus
    from surveys import services as surveys
    from surveys.models import Invitation

    reported = cases.filter(reported_at__gt=period.start_at, reported_at__lte=period.end_at)
    parties = filter_parties(Party.objects.filter(case__in=reported), filters)
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
                party=OuterRef("pk"), applies=True, basis__in=VULNERABLE_BASES
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


def shown(value: float | None, unit: str = "") -> str:
    """A figure as the pages write it."""
    if value is None:
        return "-"
    if unit == "%":
        return f"{value:g}%"
    if unit == "hours":
        return f"{value:g} hours"
    return f"{value:g}"


# --- what the dashboard and the pack show --------------------------------------------------------


def compliance_figures(source, period: Period, *, previous: Period, now: datetime.datetime) -> dict:
    """Every figure of the dashboard and the monthly pack, each with the previous period's, from
    one figures source (compliance.sources), which the caller chose."""
    current = source.service_measures(period, now=now)
    before = source.service_measures(previous, now=now)
    bucketed = current.get("medians_bucketed") or before.get("medians_bucketed")
    return {
        "period": period,
        "previous": previous,
        "rows": by_rule_compared(source, period, previous, now=now),
        "key": key_entitlements(source, period, previous=previous, now=now),
        "service": service_rows(current, before),
        # Said beside the figures when a median was read from the summary's histograms.
        "service_note": MEDIANS_NOTE if bucketed else "",
    }


def recorded_values(field: str) -> list[str]:
    """The distinct values recorded for a person's sex or ethnicity (free text), for the
    equality filters. Not personal data on their own; cached briefly, as they change rarely."""
    from django.core.cache import cache

    from cases.models import Person

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


PACK_COLUMNS = ["section", "item", "rights", "measure", "this period", "previous period", "change"]
OUTCOMES = [
    ("total", "fell due"),
    ("met", "met on time"),
    ("met_late", "met late"),
    ("missed", "missed"),
    ("declined", "declined"),
    ("waived", "waived"),
    ("on_time", "% on time"),
]

QA_MEASURES = [
    ("reviews", "reviews"),
    ("met", "met"),
    ("not_met", "not met"),
    ("not_applicable", "not applicable"),
    ("percent_met", "% met"),
]


def pack_table(figures: dict) -> list[list]:
    """The monthly pack's figures as rows of PACK_COLUMNS: counts and percentages only, no
    names or other personal data."""

    def difference(value, before):
        return "" if value is None or before is None else round(value - before, 1)

    def blank(value):
        return "" if value is None else value

    table = []
    for row in figures["rows"]:
        item = f"{row['code']} {row['title']}"
        for side in ("standard", "enhanced"):
            now_figures = row[side] or {}
            then_figures = (row.get("previous") or {}).get(side) or {}
            if not now_figures and not then_figures:
                continue
            for key, measure in OUTCOMES:
                value, before = now_figures.get(key), then_figures.get(key)
                table.append(
                    [
                        "Duties by rule",
                        item,
                        side,
                        measure,
                        blank(value),
                        blank(before),
                        difference(value, before),
                    ]
                )
    for entry in figures["key"]:
        if entry.get("not_held"):
            table.append(
                ["Key entitlements", entry["label"], "all", "not held by the force", "", "", ""]
            )
            continue
        for key, measure in OUTCOMES[:4] + OUTCOMES[-1:]:
            value = entry[key]
            before = entry.get("previous_on_time") if key == "on_time" else None
            table.append(
                [
                    "Key entitlements",
                    entry["label"],
                    "all",
                    measure,
                    blank(value),
                    blank(before),
                    difference(value, before),
                ]
            )
    for row in figures["service"]:
        measure = {"%": "percent", "hours": "hours", "": "count"}[row["unit"]]
        table.append(
            [
                "Service to victims",
                row["label"],
                "all",
                measure,
                blank(row["value"]),
                blank(row["previous"]),
                blank(row["change"]["difference"]),
            ]
        )
    # Quality assurance reviews completed in the month, by area (assurance.services'
    # dashboard_figures, put in by the caller): this month only, no comparison.
    for row in figures.get("qa", []):
        for key, measure in QA_MEASURES:
            table.append(
                ["Quality assurance", row["label"], "all", measure, blank(row[key]), "", ""]
            )
    return table
