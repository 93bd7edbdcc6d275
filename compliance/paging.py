"""Pages of long lists without counting them: at force scale a COUNT of every duty behind a
figure costs seconds, while reading one row more than a page tells whether another follows."""

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass
class Window:
    object_list: list
    number: int
    per_page: int
    has_next: bool
    total: int | None = None  # how many rows in all, up to COUNT_UP_TO
    total_capped: bool = False  # more than COUNT_UP_TO

    def __iter__(self) -> Iterator:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def first(self) -> int:
        return (self.number - 1) * self.per_page + 1

    @property
    def last(self) -> int:
        return self.first + len(self.object_list) - 1


# A list says how many rows it has up to this many, and "more than" beyond: counting stops
# there, so the total costs a bounded read however many duties a figure stands for.
COUNT_UP_TO = 1000


def capped_count(queryset: QuerySet, *, up_to: int | None = None) -> tuple[int, bool]:
    """How many rows, counting no further than `up_to` (COUNT_UP_TO): (count, whether more).
    One query, COUNT over a LIMIT."""
    up_to = COUNT_UP_TO if up_to is None else up_to
    found = queryset.order_by().values("pk")[: up_to + 1].count()
    return min(found, up_to), found > up_to


def total_words(total: int | None, capped: bool, *, one: str = "duty", many: str = "duties") -> str:
    """ "1 duty", "120 duties", "more than 1,000 duties"."""
    if total is None:
        return ""
    if capped:
        return f"more than {total:,} {many}"
    return f"{total:,} {one if total == 1 else many}"


# Deeper than this a list is searched, not paged: and an offset past it makes the database skip
# rows for nothing (a 20-digit page number would overflow its offset).
MAX_PAGES = 2000


def window(
    queryset: QuerySet, page: str | None, *, per_page: int = 50, count: bool = False
) -> Window:
    """Page `page` of an ordered queryset: 1 when missing or not a whole number, at most
    MAX_PAGES. With `count`, also the total, counted no further than COUNT_UP_TO."""
    try:
        number = min(max(int(page or 1), 1), MAX_PAGES)
    except ValueError:
        number = 1
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    total, capped = capped_count(queryset) if count else (None, False)
    return Window(
        rows[:per_page],
        number,
        per_page,
        has_next=len(rows) > per_page,
        total=total,
        total_capped=capped,
    )
