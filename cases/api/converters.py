"""`<id:pk>` in the API's URLs: a record id, which is a 64-bit integer.

Django's `<int:...>` takes any number of digits, and a number past 64 bits reached the database,
where SQLite cannot bind it (a 500). Such an id names no record, so it is a 404 like any other."""

from django.urls import register_converter

from .filters import MAX_ID


class IdConverter:
    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("past the largest id")  # Django answers 404: no URL matched
        return number

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")
