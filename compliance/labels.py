"""How the pages word figures: a change from the previous period (an arrow and words, never
colour alone), a figure with its unit, a status, and whose cases a list covers."""

from collections.abc import Sequence

from entitlements.models import DutyStatus, Right

S = DutyStatus


def scope_label(user, *, teams: Sequence[str] = (), officer=None) -> str:
    """Whose cases a list covers, in the user's words: "your cases", a team's name (or several),
    another officer's cases, or "all teams" (every case the user may see)."""
    teams = list(teams)
    named = ", ".join(teams[:-1]) + f" and {teams[-1]}" if len(teams) > 1 else "".join(teams)
    if officer is not None:
        whose = "your cases" if officer.pk == user.pk else f"the cases of {officer}"
        return f"{whose} in {named}" if teams else whose
    return named if teams else "all teams"


# --- comparison ----------------------------------------------------------------------------------

UNITS = {"%": "percentage points", "hours": "hours", "": ""}


def change(current: float | None, previous: float | None, *, unit: str = "") -> dict:
    """The change from the previous period, as an arrow and words (never colour alone)."""
    if current is None or previous is None:
        return {"direction": "none", "arrow": "", "text": "no comparison", "difference": None}
    difference = round(current - previous, 1)
    if difference == 0:
        return {"direction": "same", "arrow": "=", "text": "no change", "difference": 0}
    up = difference > 0
    amount = f"{abs(difference):g}" + (f" {UNITS[unit]}" if UNITS[unit] else "")
    return {
        "direction": "up" if up else "down",
        "arrow": "\u25b2" if up else "\u25bc",
        "text": f"{'up' if up else 'down'} {amount}",
        "difference": difference,
    }


def shown(value: float | None, unit: str = "") -> str:
    """A figure as the pages write it."""
    if value is None:
        return "-"
    if unit == "%":
        return f"{value:g}%"
    if unit == "hours":
        return f"{value:g} hours"
    return f"{value:g}"


def status_label(code: str) -> str:
    """A status (stored or effective) in words."""
    try:
        return S(code).label
    except ValueError:
        return code


def right_label(scheme: str, number: int | None, title: str | None) -> str:
    """A duty as a person names it: the Right first, then the duty ("Right 6: Tell them the
    suspect was arrested"); the rule's code goes after it, for supervisors, where shown at all.
    Empty when the rule is not known."""
    if number is None or not title:
        return ""
    prefix = "Right" if scheme == Right.Scheme.VICTIMS_CODE else "Standard"
    return f"{prefix} {number}: {title}"
