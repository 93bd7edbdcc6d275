"""The JSON log format, made safe for special category data.

Django and libraries log things that can carry personal data: the request (Django's `request`
extra, whose text is the full URL with its query string, e.g. a search by a victim's name) and an
exception's message (a database error quotes the values it refused, a service's refusal names a
person; Django even puts a BadRequest's message into the log line). So every record is written
with the request's method and path only, and with the exception's type and the code location of
each frame but never its message. Enough to find the bug; nothing about the person."""

import re
import traceback

from pythonjsonlogger.json import JsonFormatter

WITHHELD = "(message withheld: it may hold personal data)"
# A URL's query string anywhere in a message: `?` up to whitespace or a quote.
QUERY_STRING = re.compile(r"(?<=[\w/])\?[^\s'\"<>]+")


def describe_exception(exc: BaseException) -> str:
    """The traceback of `exc` and what caused it, with each exception's message left out."""
    lines: list[str] = []
    seen: set[int] = set()

    def add(current: BaseException) -> None:
        seen.add(id(current))
        cause = current.__cause__
        context = None if current.__suppress_context__ else current.__context__
        if cause is not None and id(cause) not in seen:
            add(cause)
            lines.append("\nThe above exception was the direct cause of the following exception:\n")
        elif context is not None and id(context) not in seen:
            add(context)
            lines.append("\nDuring handling of the above exception, another exception occurred:\n")
        lines.append("Traceback (most recent call last):\n")
        lines.extend(traceback.format_tb(current.__traceback__))
        kind = type(current)
        module = "" if kind.__module__ == "builtins" else f"{kind.__module__}."
        lines.append(f"{module}{kind.__qualname__}: {WITHHELD}")

    add(exc)
    return "".join(lines).rstrip("\n")


class PrivateJsonFormatter(JsonFormatter):
    """pythonjsonlogger's JsonFormatter, with no query string, request text or exception message."""

    def formatException(self, ei) -> str:
        return describe_exception(ei[1]) if ei and ei[1] is not None else ""

    def add_fields(self, log_record, record, message_dict) -> None:
        super().add_fields(log_record, record, message_dict)
        message = log_record.get("message")
        if isinstance(message, str):
            log_record["message"] = _scrub_message(message, record)
        if "request" in log_record:
            log_record["request"] = _request_summary(getattr(record, "request", None))
        if record.exc_info is None and "exc_info" in log_record:
            # Text formatted by another handler first: it holds the message, so it goes.
            log_record["exc_info"] = WITHHELD


def _scrub_message(message: str, record) -> str:
    exc = record.exc_info[1] if record.exc_info else None
    text = str(exc) if exc is not None else ""
    if text and text in message:
        message = message.replace(text, f"{type(exc).__name__} {WITHHELD}")
    return QUERY_STRING.sub("?…", message)


def _request_summary(request) -> str:
    method, path = getattr(request, "method", None), getattr(request, "path", None)
    if isinstance(method, str) and isinstance(path, str):
        return f"{method} {path}"
    return ""
