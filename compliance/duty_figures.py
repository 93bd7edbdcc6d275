"""Duty figures: outcomes by rule (standard and enhanced side by side), the key entitlements,
the monthly trend and by team, each worked out from a figures source (compliance.sources) that
the caller chose. The outcomes themselves are defined in compliance.outcomes."""

import datetime

from accounts.models import Team
from counting import policy
from counting.periods import Period, add_months
from entitlements.models import DutyRule

from .labels import change, right_label
from .outcomes import COUNTS, FiguresSource, on_time_percent

TREND_MONTHS = 12


def _rule_labels(codes) -> dict[str, dict]:
    """Title, Right and scheme of each rule code (its latest edition)."""
    labels: dict[str, dict] = {}
    for rule in (
        # Dated rows only: a draft edition's rows (no effective_from) are not labels yet.
        DutyRule.objects.filter(code__in=list(codes), effective_from__isnull=False)
        .order_by("code", "-effective_from")
        .values("code", "title", "right__number", "right__scheme")
    ):
        labels.setdefault(rule["code"], rule)
    return labels


def by_rule(source: FiguresSource, period: Period, *, now: datetime.datetime) -> list[dict]:
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
                "label": right_label(
                    label.get("right__scheme", ""), label.get("right__number"), label.get("title")
                )
                or row["rule"],
                "standard": None,
                "enhanced": None,
            },
        )
        figures = {k: row[k] for k in (*COUNTS, "on_time")}
        entry["enhanced" if row["enhanced"] else "standard"] = figures
    return sorted(merged.values(), key=lambda r: (r["scheme"], r["right"] or 0, r["code"]))


def by_rule_compared(
    source: FiguresSource, period: Period, previous: Period, *, now: datetime.datetime
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
    source: FiguresSource, period: Period, *, previous: Period | None = None, now: datetime.datetime
) -> list[dict]:
    """The key entitlements in force at the end of the period (counting.policy), in their order,
    those the force does not hold marked `not_held`; each with the previous period's % on time
    and the change when `previous` is given, the previous period counted by its own edition's
    rules for the same entitlement."""
    entitlements = policy.key_entitlements(period.end)
    current = _by_code(source.outcome_counts(period, group_by=("rule",), now=now))
    if previous is not None:
        before = _by_code(source.outcome_counts(previous, group_by=("rule",), now=now))
        codes_before = {e.label: e.codes for e in policy.key_entitlements(previous.end)}
    result = []
    for entitlement in entitlements:
        if not entitlement.held_by_force:
            result.append({"label": entitlement.label, "codes": [], "not_held": True})
            continue
        figures = _summed(current, entitlement.codes)
        entry = {"label": entitlement.label, "codes": list(entitlement.codes), **figures}
        if previous is not None:
            then = codes_before.get(entitlement.label)
            then_pct = _summed(before, then)["on_time"] if then else None
            entry["previous_on_time"] = then_pct
            entry["change"] = change(figures["on_time"], then_pct, unit="%")
        result.append(entry)
    return result


def _by_code(rows: list[dict]) -> dict[str, dict]:
    return {row["rule"]: row for row in rows}


def _summed(by_code: dict[str, dict], codes) -> dict:
    figures = {k: sum(by_code[c][k] for c in codes if c in by_code) for k in COUNTS}
    figures["on_time"] = on_time_percent(figures)
    return figures


def trend_period(period: Period) -> Period:
    """The months a trend covers: the chosen period, widened to at least the TREND_MONTHS
    London months up to its end."""
    earliest = add_months(period.end.replace(day=1), -(TREND_MONTHS - 1))
    return Period(min(period.start.replace(day=1), earliest), period.end)


def monthly_trend(source: FiguresSource, period: Period, *, now: datetime.datetime) -> list[dict]:
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


def by_team(source: FiguresSource, period: Period, *, now: datetime.datetime) -> list[dict]:
    """% on time for each team's cases in the period, teams by name."""
    counts = source.outcome_counts(period, group_by=("team",), now=now)
    names = dict(
        Team.objects.filter(pk__in=[row["team"] for row in counts]).values_list("pk", "name")
    )
    rows = [{**row, "label": names.get(row["team"], "")} for row in counts]
    return sorted(rows, key=lambda row: row["label"])


def missed_counts(source: FiguresSource, period: Period, *, now: datetime.datetime) -> dict:
    """Of the duties that fell due in the period: how many were missed, and how many of those
    had an attempt to reach the person recorded in their window (a victim who could not be
    reached, rather than a duty nobody tried)."""
    [row] = source.outcome_counts(period, now=now)
    return {"missed": row["missed"], "missed_with_attempts": row["missed_attempted"]}
