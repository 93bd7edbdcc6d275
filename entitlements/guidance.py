"""Guidance text whose numbers come from the rule rows: a Right's guidance (what to do, to say, to
record, and its summary for the victim) never writes a day count; it names the rule instead, as
{R7.standard}, and the words are made from that rule's row in the same edition when the text is
read. So a new edition that changes a deadline changes the guidance with it, and no stale number
is left in free text (tests/entitlements/test_no_day_counts.py fails on one).

A placeholder is {<rule code>.<what>}, where <what> is one of PARTS: the standard or enhanced
clock ("5 working days", "1 working day", "24 hours"), or the minimum custody in months. An
unknown placeholder is refused on save (`errors`, called by `Right.clean`), in words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import DutyRule

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

# The guidance fields of a Right that may hold placeholders.
FIELDS = ("victim_summary", "what_to_do", "what_to_say", "what_to_record")

PARTS = {
    "standard": "the deadline for standard rights",
    "enhanced": "the deadline for enhanced rights",
    "months": "the minimum custody in months",
}


def _days(days: int) -> str:
    return f"{days} working day" if days == 1 else f"{days} working days"


def clock_words(rule: DutyRule, *, enhanced: bool) -> str:
    """A rule's clock in words, as guidance says it: "5 working days", "24 hours"."""
    if rule.recurring:
        return "as agreed with the person"
    if rule.calendar_hours is not None:
        hours = rule.calendar_hours
        return f"{hours} hour" if hours == 1 else f"{hours} hours"
    days = rule.enhanced_working_days if enhanced else rule.standard_working_days
    return "no clock set" if days is None else _days(days)


def value(rule: DutyRule, part: str) -> str:
    if part == "months":
        months = rule.min_custody_months
        if months is None:
            return "no minimum"
        return f"{months} month" if months == 1 else f"{months} months"
    return clock_words(rule, enhanced=part == "enhanced")


def errors(text: str, codes: Iterable[str]) -> list[str]:
    """What is wrong with the placeholders in `text`, in sentences, given the rule codes of the
    edition it belongs to (empty: nothing)."""
    codes = set(codes)
    found = []
    for match in PLACEHOLDER.finditer(text or ""):
        inner = match.group(1).strip()
        code, dot, part = inner.rpartition(".")
        if not dot or not code:
            found.append(
                f"{{{inner}}} is not a placeholder this text can use: write a rule's code and "
                "what to show, for example {R7.standard} or {R7.enhanced}."
            )
        elif code not in codes:
            found.append(
                f"{{{inner}}} names rule {code}, which this edition does not have: use the code "
                "of one of its rules."
            )
        elif part not in PARTS:
            found.append(
                f"{{{inner}}}: {part} is not something a rule can show here. Use "
                + ", ".join(f"{code}.{p} ({words})" for p, words in PARTS.items())
                + "."
            )
    if "{" in PLACEHOLDER.sub("", text or "") or "}" in PLACEHOLDER.sub("", text or ""):
        found.append("A brace is not closed: write a placeholder as {R7.standard}.")
    return found


def render(text: str, rules: Mapping[str, DutyRule]) -> str:
    """The text with each placeholder replaced by its rule's words. One the rules do not answer
    (a row removed after the text was saved) stays as written, so it shows rather than hides."""

    def replace(match: re.Match) -> str:
        code, _, part = match.group(1).strip().rpartition(".")
        rule = rules.get(code)
        if rule is None or part not in PARTS:
            return match.group(0)
        return value(rule, part)

    return PLACEHOLDER.sub(replace, text or "")


def placeholders(text: str) -> set[str]:
    """The rule codes a text refers to."""
    return {m.group(1).strip().rpartition(".")[0] for m in PLACEHOLDER.finditer(text or "")}
