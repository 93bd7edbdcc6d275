"""What the dashboard and the monthly pack show, all from one figures source, and the pack as
rows for its CSV: counts and percentages only, no names or other personal data."""

import datetime

from counting.periods import Period

from .duty_figures import by_rule_compared, key_entitlements
from .outcomes import FiguresSource
from .service_figures import MEDIANS_NOTE, service_rows


def compliance_figures(
    source: FiguresSource, period: Period, *, previous: Period, now: datetime.datetime
) -> dict:
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
        item = f"{row['label']} (rule {row['code']})"
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
