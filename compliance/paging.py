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


# Deeper than this a list is searched, not paged: and an offset past it makes the database skip
# rows for nothing (a 20-digit page number would overflow its offset).
MAX_PAGES = 2000


def window(queryset: QuerySet, page: str | None, *, per_page: int = 50) -> Window:
    """Page `page` of an ordered queryset: 1 when missing or not a whole number, at most
    MAX_PAGES."""
    try:
        number = min(max(int(page or 1), 1), MAX_PAGES)
    except ValueError:
        number = 1
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    return Window(rows[:per_page], number, per_page, has_next=len(rows) > per_page)
