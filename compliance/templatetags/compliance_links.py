"""Links from the dashboard's tables to the duties behind a figure (see compliance.links)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from compliance import labels, links

register = template.Library()

# The counts a row of the trend or by-team table links, in column order.
CELLS = (
    ("total", "fell due in"),
    ("met", "met on time in"),
    ("met_late", "met late in"),
    ("missed", "missed in"),
)
LINKED = (
    '<td class="text-end"><a href="{}">{}<span class="visually-hidden"> {} {}, show the duties'
    "</span></a></td>"
)
LINKED_MISSED = LINKED.replace("<a ", '<a class="text-danger fw-bold" ')


@register.simple_tag
def drill_down_cells(query: str, row: dict, by: str) -> SafeString:
    """The row's count cells (fell due, on time, late, missed), each count linked to its
    duties under the dashboard's filters: for a trend month (`by` "month") or a team ("team").
    Built here rather than by an include per cell: a force has a hundred teams."""
    cells = []
    for outcome, what in CELLS:
        count = row[outcome]
        if not count:
            cells.append('<td class="text-end">0</td>')
            continue
        href = (
            links.month_url(query, row["month"], outcome)
            if by == "month"
            else links.team_url(query, row["team"], outcome)
        )
        html = LINKED_MISSED if outcome == "missed" else LINKED
        cells.append(format_html(html, href, count, what, row["label"]))
    # Each cell is a constant or came from format_html, which escaped what it put in.
    return mark_safe("".join(cells))  # noqa: S308  # nosec B308, B703


@register.filter
def duty_status(code: str) -> str:
    """A duty's status (e.g. its effective status) in words."""
    return labels.status_label(code)
