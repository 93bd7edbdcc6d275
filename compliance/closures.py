"""Cases closed with Code duties still open: a supervisor of the case's team closed it over the
closure gate (cases.services.close_case), and the closing keeps how many duties were open and
why (cases.CaseClosure). The duties themselves stay open and are counted like any other; this
shows the closings, so a force sees how often, by whom and for what reasons the gate is passed.
"""

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from cases.models import Case, CaseClosure
from counting.filters import Filters, filter_cases
from counting.periods import Period
from entitlements.models import OPEN_STATUSES, Duty


def closed_with_open_duties(user, filters: Filters, period: Period) -> QuerySet[CaseClosure]:
    """The closings in the period (London days) over open duties, of the cases the user may
    see under the dashboard's filters."""
    cases = filter_cases(Case.objects.visible_to(user), filters, on=period.end)
    return CaseClosure.objects.filter(
        open_duties__gt=0,
        closed_at__gt=period.start_at,
        closed_at__lte=period.end_at,
        case__in=cases,
    )


def listed(closures: QuerySet[CaseClosure]) -> QuerySet[CaseClosure]:
    """The closings as the list shows them, newest first, each with how many of its case's
    duties are open now (one subquery, not a query a row)."""
    open_now = (
        Duty.objects.filter(case=OuterRef("case_id"), status__in=OPEN_STATUSES)
        .order_by()
        .values("case")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        closures.select_related("case__team", "closed_by", "reopened_by")
        .annotate(open_now=Coalesce(Subquery(open_now), 0))
        .order_by("-closed_at", "-id")
    )
