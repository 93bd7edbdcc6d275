"""Charts drawn on the server as SVG: no JavaScript, no style attributes (the Content Security
Policy forbids both), served with the page. Each reads without colour: values are written beside
each point and bar, points are marked with shapes and bars are hatched. Each has a title, a
description and an accessible name; the page puts the same figures in a table beside it.

A point or bar with an `href` is drawn inside an SVG link (focusable, named by `name`) to the
duties behind it. The drawing is an image; the links sit beside it in the chart's group, since
an image's children are not exposed to assistive technology.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import links

INK = "#212529"
GRID = "#adb5bd"
LINE = "#0a58ca"
FILL = "#cfe2ff"
FONT = 'font-family="system-ui, sans-serif"'


@dataclass(frozen=True)
class Point:
    label: str
    value: float | None  # a percentage, or None where there is nothing to measure
    note: str = ""  # e.g. "of 40", written after the value
    href: str = ""  # the duties behind the point, if it links to them
    name: str = ""  # the link's accessible name


def _percent(value: float | None) -> str:
    return "no duties" if value is None else f"{value:g}%"


def _open(chart_id: str, title: str, description: str, width: int, height: int) -> list[str]:
    """The chart's group and the opening of its drawing (closed by `_close`)."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="w-100 h-auto" role="group" aria-labelledby="{chart_id}-title" id="{chart_id}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        f'<g role="img" aria-label="{escape(title)}" aria-describedby="{chart_id}-desc">',
    ]


def _close(parts: list[str], links: list[str]) -> SafeString:
    """End the drawing, then the links to the duties behind the points, above it."""
    parts.append("</g>")
    parts.extend(links)
    parts.append("</svg>")
    # Every text interpolated went through escape(); the rest are numbers and constants.
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308, B703


def _link(point: Point, marks: list[str]) -> str:
    return (
        f'<a href="{escape(point.href)}" aria-label="{escape(point.name or point.label)}">'
        + "".join(marks)
        + "</a>"
    )


def line_chart(
    *, chart_id: str, title: str, description: str, points: Sequence[Point]
) -> SafeString:
    """Percentages (0 to 100) over time: a line with a square marker and the value written at
    each point; the line breaks where a point has no value."""
    left, right, top, bottom = 48, 16, 28, 56
    step = 56 if len(points) <= 14 else 30
    width = left + right + step * max(len(points), 1)
    height = 300
    plot = height - top - bottom

    def y(value: float) -> float:
        return top + plot * (1 - value / 100)

    def x(index: int) -> float:
        return left + step * index + step / 2

    parts = _open(chart_id, title, description, width, height)
    for tick in (0, 25, 50, 75, 100):
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="{GRID}" stroke-width="1" stroke-dasharray="{"0" if tick == 0 else "4 4"}"/>'
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="{INK}" {FONT}>{tick}%</text>'
        )
    segment: list[str] = []
    segments: list[list[str]] = [segment]
    for index, point in enumerate(points):
        if point.value is None:
            segment = []
            segments.append(segment)
        else:
            segment.append(f"{x(index):.1f},{y(point.value):.1f}")
    for run in segments:
        if len(run) > 1:
            parts.append(
                f'<polyline points="{" ".join(run)}" fill="none" stroke="{LINE}" '
                'stroke-width="2.5"/>'
            )
    rotate = len(points) > 14
    links = []
    for index, point in enumerate(points):
        cx = x(index)
        marks = []
        if point.value is None:
            marks.append(
                f'<text x="{cx:.1f}" y="{y(0) - 6:.1f}" text-anchor="middle" font-size="10" '
                f'fill="{INK}" {FONT}>none</text>'
            )
        else:
            cy = y(point.value)
            marks.append(
                f'<rect x="{cx - 4:.1f}" y="{cy - 4:.1f}" width="8" height="8" fill="#fff" '
                f'stroke="{LINE}" stroke-width="2.5"/>'
            )
            if not rotate:
                marks.append(
                    f'<text x="{cx:.1f}" y="{cy - 9:.1f}" text-anchor="middle" font-size="11" '
                    f'font-weight="bold" fill="{INK}" {FONT}>{escape(_percent(point.value))}</text>'
                )
        if point.href:
            # The whole column is the target, so a point is easy to reach with a pointer too.
            hit = (
                f'<rect x="{cx - step / 2 + 2:.1f}" y="{top}" width="{step - 4}" height="{plot}" '
                'fill="#fff" fill-opacity="0"/>'
            )
            links.append(_link(point, [hit, *marks]))
        else:
            parts.extend(marks)
        label_y = height - bottom + 18
        transform = f' transform="rotate(-45 {cx:.1f} {label_y})"' if rotate else ""
        anchor = "end" if rotate else "middle"
        parts.append(
            f'<text x="{cx:.1f}" y="{label_y}" text-anchor="{anchor}" font-size="11" '
            f'fill="{INK}" {FONT}{transform}>{escape(point.label)}</text>'
        )
    return _close(parts, links)


def bar_chart(
    *, chart_id: str, title: str, description: str, points: Sequence[Point]
) -> SafeString:
    """Percentages (0 to 100) as hatched horizontal bars, one per label, value written at the
    end of each bar."""
    label_width, value_width, row, top = 200, 120, 30, 10
    bar_space = 400
    width = label_width + bar_space + value_width
    height = top * 2 + row * max(len(points), 1) + 20
    parts = _open(chart_id, title, description, width, height)
    parts.append(
        f'<defs><pattern id="{chart_id}-hatch" patternUnits="userSpaceOnUse" width="8" '
        f'height="8" patternTransform="rotate(45)"><rect width="8" height="8" fill="{FILL}"/>'
        f'<line x1="0" y1="0" x2="0" y2="8" stroke="{LINE}" stroke-width="3"/></pattern></defs>'
    )
    for tick in (0, 50, 100):
        tx = label_width + bar_space * tick / 100
        parts.append(
            f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{top}" y2="{height - 20}" stroke="{GRID}" '
            f'stroke-dasharray="{"0" if tick == 0 else "4 4"}"/>'
            f'<text x="{tx:.1f}" y="{height - 6}" text-anchor="middle" font-size="11" '
            f'fill="{INK}" {FONT}>{tick}%</text>'
        )
    links = []
    for index, point in enumerate(points):
        y = top + row * index
        name = point.label if len(point.label) <= 28 else point.label[:27] + "\u2026"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + row / 2 + 4:.1f}" text-anchor="end" '
            f'font-size="12" fill="{INK}" {FONT}>{escape(name)}</text>'
        )
        length = 0.0 if point.value is None else bar_space * point.value / 100
        marks = []
        if point.href:
            # The whole row's bar space is the target, so a short bar is easy to reach too.
            marks.append(
                f'<rect x="{label_width}" y="{y + 2}" width="{bar_space + value_width}" '
                f'height="{row - 4}" fill="#fff" fill-opacity="0"/>'
            )
        if length:
            marks.append(
                f'<rect x="{label_width}" y="{y + 5}" width="{length:.1f}" height="{row - 10}" '
                f'fill="url(#{chart_id}-hatch)" stroke="{LINE}" stroke-width="1.5"/>'
            )
        text = _percent(point.value) + (f" {point.note}" if point.note else "")
        marks.append(
            f'<text x="{label_width + length + 6:.1f}" y="{y + row / 2 + 4:.1f}" font-size="12" '
            f'font-weight="bold" fill="{INK}" {FONT}>{escape(text)}</text>'
        )
        if point.href:
            links.append(_link(point, marks))
        else:
            parts.extend(marks)
    return _close(parts, links)


def trend_chart(months: Sequence[dict], *, query: str | None = None) -> SafeString:
    """The monthly trend from duty_figures.monthly_trend; with the dashboard's `query`, each month
    links to the duties behind it."""
    points = [_linked(Point(m["label"], m["on_time"]), m, query, by="month") for m in months]
    measured = [p for p in points if p.value is not None]
    if measured:
        summary = (
            f"Duties met on time, by the month they fell due, {points[0].label} to "
            f"{points[-1].label}: {measured[-1].value:g}% in {measured[-1].label}, lowest "
            f"{min(p.value for p in measured):g}%, highest {max(p.value for p in measured):g}%."
        )
    else:
        summary = "No duties fell due in these months."
    return line_chart(
        chart_id="trend-chart",
        title="Percentage of duties met on time, by month",
        description=summary + " The table below gives every month's figures.",
        points=points,
    )


def team_chart(teams: Sequence[dict], *, query: str | None = None) -> SafeString:
    """The by-team figures from duty_figures.by_team; with the dashboard's `query`, each team
    links to the duties behind its bar."""
    points = [
        _linked(
            Point(t["label"], t["on_time"], f"of {t['met'] + t['met_late'] + t['missed']}"),
            t,
            query,
            by="team",
        )
        for t in teams
    ]
    return bar_chart(
        chart_id="team-chart",
        title="Percentage of duties met on time, by team",
        description=(
            f"{len(points)} team(s). Each bar is the share of duties met on time, out of those "
            "met, met late or missed. The table below gives every team's figures."
        ),
        points=points,
    )


def _linked(point: Point, row: dict, query: str | None, *, by: str) -> Point:
    """The point with a link to the duties behind it, when there is a query and any duties."""
    outcome = links.point_outcome(row) if query is not None else None
    if outcome is None or row.get(by) is None:
        return point
    if by == "month":
        href = links.month_url(query, row["month"], outcome)
        name = links.point_name(row["month"].strftime("%B %Y"), row)
    else:
        href = links.team_url(query, row["team"], outcome)
        name = links.point_name(row["label"], row)
    return replace(point, href=href, name=name)
