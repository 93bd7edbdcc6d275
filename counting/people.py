"""Which offences a report counts as domestic abuse: those whose category carries the flag (the
offence categories are rows, cases/migrations). Who counts as vulnerable or intimidated is
counting.policy.vulnerable_bases."""

from cases.models import OffenceCategory, OffenceFlag


def domestic_abuse_offences() -> list[int]:
    """The offence categories flagged as domestic abuse (OffenceCategory rows)."""
    return [o.pk for o in OffenceCategory.objects.all() if OffenceFlag.DOMESTIC_ABUSE in o.flags]
