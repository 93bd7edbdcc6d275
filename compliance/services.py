"""How well the Victims' Code is being delivered: duty outcomes by Right and rule, standard and
enhanced side by side, for duties that fell due in a period (London dates, whole days).

On time = met by the deadline. The base for the percentage is every duty that fell due and was
not withdrawn, not applicable, declined or waived: met on time, met late, missed, and still
open past its deadline. Declined and waived are counted and shown, but do not count against.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from entitlements import calendar
from entitlements.models import Duty, DutyStatus

S = DutyStatus
# The entitlements forces report quarterly, mapped to the rules that deliver them.
KEY_ENTITLEMENTS = [
    ("Written acknowledgement", ["R2"]),
    ("Referral to support services", ["R4"]),
    ("Updates within the agreed timeframe", ["R5-U"]),
    ("Opportunity to make a Victim Personal Statement", ["R14"]),
]
NOT_HELD = "Advance notice of the offender's release"  # Held by Probation, not the force.


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive

    @property
    def start_at(self) -> datetime.datetime:
        return calendar.end_of_day(self.start - datetime.timedelta(days=1))

    @property
    def end_at(self) -> datetime.datetime:
        return calendar.end_of_day(self.end)

    def previous(self) -> "Period":
        length = self.end - self.start + datetime.timedelta(days=1)
        return Period(self.start - length, self.start - datetime.timedelta(days=1))


def fell_due(duties: QuerySet[Duty], period: Period) -> QuerySet[Duty]:
    """Duties whose deadline fell in the period: after the end of the day before it starts, up
    to the end of its last day (London time)."""
    return duties.filter(due_at__gt=period.start_at, due_at__lte=period.end_at).exclude(
        status__in=[S.WITHDRAWN, S.NOT_APPLICABLE]
    )


def _counts(now: datetime.datetime) -> dict:
    overdue_open = Q(status__in=[S.DUE, S.MISSED], due_at__lt=now)
    return {
        "total": Count("id"),
        "met": Count("id", filter=Q(status=S.MET)),
        "met_late": Count("id", filter=Q(status=S.MET_LATE)),
        "missed": Count("id", filter=overdue_open),
        "declined": Count("id", filter=Q(status=S.DECLINED)),
        "waived": Count("id", filter=Q(status=S.WAIVED)),
        "open": Count("id", filter=Q(status=S.DUE, due_at__gte=now)),
    }


def on_time_percent(row: dict) -> float | None:
    base = row["met"] + row["met_late"] + row["missed"]
    return round(100 * row["met"] / base, 1) if base else None


def by_rule(duties: QuerySet[Duty], period: Period, *, now=None) -> list[dict]:
    """One row per rule and status (standard or enhanced), in one grouped query."""
    now = now or timezone.now()
    rows = (
        fell_due(duties, period)
        .values(
            "rule__right__scheme", "rule__right__number", "rule__code", "rule__title", "enhanced"
        )
        .annotate(**_counts(now))
        .order_by("rule__right__scheme", "rule__right__number", "rule__code", "enhanced")
    )
    merged: dict[str, dict] = {}
    for row in rows:
        entry = merged.setdefault(
            row["rule__code"],
            {
                "code": row["rule__code"],
                "title": row["rule__title"],
                "right": row["rule__right__number"],
                "scheme": row["rule__right__scheme"],
                "standard": None,
                "enhanced": None,
            },
        )
        figures = {k: row[k] for k in _counts(now)}
        figures["on_time"] = on_time_percent(figures)
        entry["enhanced" if row["enhanced"] else "standard"] = figures
    return list(merged.values())


def key_entitlements(duties: QuerySet[Duty], period: Period, *, now=None) -> list[dict]:
    now = now or timezone.now()
    due = fell_due(duties, period)
    result = []
    for label, codes in KEY_ENTITLEMENTS:
        figures = due.filter(rule__code__in=codes).aggregate(**_counts(now))
        figures["on_time"] = on_time_percent(figures)
        result.append({"label": label, "codes": codes, **figures})
    result.append({"label": NOT_HELD, "codes": [], "not_held": True})
    return result


def drill_down(
    duties: QuerySet[Duty],
    period: Period,
    *,
    code: str,
    outcome: str,
    enhanced: bool | None,
    now=None,
) -> QuerySet[Duty]:
    """The duties behind one figure."""
    now = now or timezone.now()
    due = fell_due(duties, period).filter(rule__code=code)
    if enhanced is not None:
        due = due.filter(enhanced=enhanced)
    filters = {
        "met": Q(status=S.MET),
        "met_late": Q(status=S.MET_LATE),
        "missed": Q(status__in=[S.DUE, S.MISSED], due_at__lt=now),
        "declined": Q(status=S.DECLINED),
        "waived": Q(status=S.WAIVED),
        "open": Q(status=S.DUE, due_at__gte=now),
        "total": Q(),
    }
    return due.filter(filters.get(outcome, Q(pk__in=[])))


# --- other measures ------------------------------------------------------------------------------


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return round(ordered[middle], 1)
    return round((ordered[middle - 1] + ordered[middle]) / 2, 1)


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def service_measures(cases: QuerySet, period: Period) -> dict:
    """Needs assessments, enhanced status, special measures, risk and MARAC, referrals, surveys
    and mental-health demand, for cases reported in the period (referrals: sent in it)."""
    from django.db.models import Exists, Min, OuterRef

    from cases.models import Basis, Party, PartyRole, RiskAssessment, SpecialMeasuresRecord
    from referrals.models import AgencyKind, Referral, ReferralStatus
    from surveys import services as surveys
    from surveys.models import Invitation

    reported = cases.filter(reported_at__gt=period.start_at, reported_at__lte=period.end_at)
    victims = Party.objects.filter(case__in=reported, role=PartyRole.VICTIM)
    rows = list(
        victims.annotate(first_na=Min("needs_assessments__assessed_at")).values_list(
            "first_na", "case__reported_at", "enhanced"
        )
    )
    assessed = [(na - rep).total_seconds() / 3600 for na, rep, _ in rows if na is not None]
    vulnerable = Party.objects.filter(
        case__in=reported,
        bases__applies=True,
        bases__basis__in=[
            Basis.UNDER_18,
            Basis.MENTAL_DISORDER,
            Basis.IMPAIRMENT,
            Basis.PHYSICAL,
            Basis.INTIMIDATED,
        ],
    ).distinct()
    considered = vulnerable.filter(
        Exists(SpecialMeasuresRecord.objects.filter(party=OuterRef("pk")))
    )
    da_victims = victims.filter(case__offence__in=_domestic_abuse_offences())
    risk = RiskAssessment.objects.filter(party__in=da_victims)
    sent = Referral.objects.filter(
        case__in=cases, sent_at__gt=period.start_at, sent_at__lte=period.end_at
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
    total_cases = reported.count()
    return {
        "victims": len(rows),
        "needs_assessed": _percent(len(assessed), len(rows)),
        "needs_median_hours": _median(assessed),
        "enhanced": _percent(sum(1 for *_, e in rows if e), len(rows)),
        "vulnerable_or_intimidated": vulnerable.count(),
        "special_measures_considered": _percent(considered.count(), vulnerable.count()),
        "da_victims": da_victims.count(),
        "da_risk_assessed": _percent(
            da_victims.filter(Exists(risk.filter(party=OuterRef("pk")))).count(),
            da_victims.count(),
        ),
        "marac_flagged": risk.filter(marac_referral=True).values("party").distinct().count(),
        "marac_referred": sent.filter(agency__kind=AgencyKind.MARAC).count(),
        "referrals_sent": sent.count(),
        "referrals_accepted": _percent(accepted, len(answered)),
        "agency_median_response_hours": _median(
            [(r - s).total_seconds() / 3600 for s, r, _ in answered]
        ),
        "surveys": surveys.results(invitations),
        "cases": total_cases,
        "mental_health_demand": _percent(
            reported.filter(mental_health_demand=True).count(), total_cases
        ),
    }


def _domestic_abuse_offences() -> list[int]:
    from cases.models import OffenceCategory, OffenceFlag

    return [o.pk for o in OffenceCategory.objects.all() if OffenceFlag.DOMESTIC_ABUSE in o.flags]
