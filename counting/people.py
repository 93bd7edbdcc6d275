"""Who a report counts as what: the people counted as vulnerable or intimidated (for special
measures) and the offences counted as domestic abuse."""

from cases.models import Basis, OffenceCategory, OffenceFlag

# People counted as vulnerable or intimidated, for special measures.
VULNERABLE_BASES = [
    Basis.UNDER_18,
    Basis.MENTAL_DISORDER,
    Basis.IMPAIRMENT,
    Basis.PHYSICAL,
    Basis.INTIMIDATED,
]


def domestic_abuse_offences() -> list[int]:
    """The offence categories flagged as domestic abuse (OffenceCategory rows)."""
    return [o.pk for o in OffenceCategory.objects.all() if OffenceFlag.DOMESTIC_ABUSE in o.flags]
