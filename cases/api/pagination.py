"""How the API pages a list that grows with the force.

Numbered pages (the default in settings.REST_FRAMEWORK) count the whole list for their `count` and
skip every row before the page asked for. A list within one case is small, so that costs nothing;
but every case or duty a supervisor may see is most of the force, and at a million people the
count alone took most of a second for the cases and eight seconds for the duties. Those lists are
paged by a cursor instead: each page starts just after the last row of the one before, in a fixed
order that an index serves, so every page costs the same and nothing is counted.
"""

import binascii
import datetime
from base64 import b64decode, b64encode
from urllib import parse

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from rest_framework.exceptions import NotFound
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.utils.urls import replace_query_param

from .filters import MAX_ID


class KeysetPagination(CursorPagination):
    """Pages in the order of `ordering`: a field that is never null, then the id, both ascending
    or both descending (e.g. ("due_at", "id")).

    The cursor holds the field's value and the id of the row a page starts after (or, going back,
    before), and the page is the next rows past that (value, id) pair. DRF's own CursorPagination
    keeps only the field's value and counts past rows that share it, up to 1,000: deadlines fall
    at the end of a working day, so in a busy force more duties than that share one and it would
    lose its place among them.
    """

    ordering: tuple[str, str]

    def paginate_queryset(self, queryset: QuerySet, request, view=None) -> list[Model]:
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.key_field = queryset.model._meta.get_field(self.ordering[0].lstrip("-"))
        self.cursor = self.decode_cursor(request)
        backwards = self.cursor is not None and self.cursor.reverse
        ordering = _reversed(self.ordering) if backwards else self.ordering
        queryset = queryset.order_by(*ordering)
        if self.cursor is not None:
            queryset = queryset.filter(_past(self.cursor.position, ordering))
        rows = list(queryset[: self.page_size + 1])
        further = len(rows) > self.page_size
        self.page = rows[: self.page_size]
        if backwards:
            self.page.reverse()
            # Going back from a page that was there: there is always a next one.
            self.has_next, self.has_previous = True, further
        else:
            self.has_next, self.has_previous = further, self.cursor is not None
        return self.page

    def get_next_link(self) -> str | None:
        if not (self.has_next and self.page):
            return None
        return self.encode_cursor(Cursor(0, False, self._position(self.page[-1])))

    def get_previous_link(self) -> str | None:
        if not (self.has_previous and self.page):
            return None
        return self.encode_cursor(Cursor(0, True, self._position(self.page[0])))

    def _position(self, row: Model) -> tuple:
        return (getattr(row, self.key_field.attname), row.pk)

    def encode_cursor(self, cursor: Cursor) -> str:
        value, pk = cursor.position
        if isinstance(value, datetime.datetime):
            value = value.astimezone(datetime.UTC).isoformat()
        tokens = {"p": str(value), "i": str(pk)}
        if cursor.reverse:
            tokens["r"] = "1"
        encoded = b64encode(parse.urlencode(tokens).encode("ascii")).decode("ascii")
        return replace_query_param(self.base_url, self.cursor_query_param, encoded)

    def decode_cursor(self, request) -> Cursor | None:
        """The cursor sent, or None for the first page; a cursor not made here is a 404."""
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            tokens = parse.parse_qs(b64decode(encoded.encode("ascii"), validate=True).decode())
            value = self.key_field.to_python(tokens["p"][0])
            pk = int(tokens["i"][0])
            reverse = tokens.get("r", ["0"])[0] == "1"
            if isinstance(value, datetime.datetime):
                # Naive moments and far offsets (which PostgreSQL refuses) never leave here.
                value = value.astimezone(datetime.UTC) if timezone.is_aware(value) else None
        except (
            KeyError,
            ValueError,
            OverflowError,
            UnicodeError,
            binascii.Error,
            ValidationError,
        ):
            raise NotFound(self.invalid_cursor_message) from None
        if value is None or not 1 <= pk <= MAX_ID:
            raise NotFound(self.invalid_cursor_message)
        return Cursor(offset=0, reverse=reverse, position=(value, pk))


def _reversed(ordering: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name[1:] if name.startswith("-") else f"-{name}" for name in ordering)


def _past(position: tuple, ordering: tuple[str, str]) -> Q:
    """The rows after `position` in `ordering`: (key, id) beyond (value, pk).

    Written as key >= value AND (key > value OR id > pk), not as its shorter OR, so that the
    database starts its walk of the (key, id) index at `value` rather than at the index's start.
    """
    value, pk = position
    key = ordering[0].lstrip("-")
    beyond = "lt" if ordering[0].startswith("-") else "gt"
    return Q(**{f"{key}__{beyond}e": value}) & (
        Q(**{f"{key}__{beyond}": value}) | Q(**{f"pk__{beyond}": pk})
    )


class NewestReportFirst(KeysetPagination):
    ordering = ("-reported_at", "-id")
