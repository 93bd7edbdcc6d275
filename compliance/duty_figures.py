"""Duty figures: outcomes by rule (standard and enhanced side by side), the key entitlements,
the monthly trend and by team, each worked out from a figures source (compliance.sources) that
the caller chose. The outcomes themselves are defined in compliance.outcomes."""

import datetime

from accounts.models import Team
from counting.periods import Period, add_months
from entitlements.models import DutyRule

from .labels import change
from .outcomes import COUNTS, on_time_percent

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
    counts = source.outcome_counts(period, group_by=("team",), now=now)
    names = dict(
        Team.objects.filter(pk__in=[row["team"] for row in counts]).values_list("pk", "name")
    )
    rows = [{**row, "label": names.get(row["team"], "")} for row in counts]
    return sorted(rows, key=lambda row: row["label"])
