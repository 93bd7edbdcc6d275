"""Reads for the case page: one case, one page of its people with their duties and referrals.

A case may have hundreds of people (a fraud, a multi-victim abuse case), so the page never loads
them all: the people come a page at a time, and only those people's records are read. The number
of queries is the same whatever the size of the case (tests/casework pins it)."""

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from cases.models import Case, EligibilityBasis, Party, UpdateAgreement
from cases.selectors import awaits_vps_follow_up
from entitlements.models import Duty
from referrals.models import Referral

# Each person's card is long (their details, duties, Right 4 choice, referrals and a dozen links)
# and costs about 1.6 ms to render: 10 keep a 300-victim case's page near a small case's
# (benchmark: "case page, 300 victims", p95 < 150 ms).
PEOPLE_PER_PAGE = 10


def case_page(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """The case and what its header shows; its people come from `people_page`."""
    return queryset.select_related("offence", "team", "officer", "wcu_team", "witness_care_officer")


def people(case: Case, number: object = 1) -> Page:
    """One page of the people in a case (two queries: the count and the page). A page number
    that is not one, or out of range, gives the first or last page rather than an error."""
    parties = (
        Party.objects.filter(case=case)
        .select_related("person", "person__safe_contact", "witness_care")
        # Said they would make a statement later: the card says to ask again (no extra query).
        .annotate(vps_follow_up=awaits_vps_follow_up())
        .order_by("role", "id")
    )
    page = Paginator(parties, PEOPLE_PER_PAGE).get_page(number)
    page.object_list = list(page.object_list)
    return page


def people_page(case: Case, number: object = 1) -> Page:
    """`people`, with each person's enhanced-rights bases, current update agreement, referrals
    and duties (four queries more, for the people on the page only)."""
    page = people(case, number)
    prefetch_related_objects(
        page.object_list,
        Prefetch(
            "bases",
            queryset=EligibilityBasis.objects.filter(applies=True),
            to_attr="applying_bases",
        ),
        Prefetch(
            "update_agreements",
            queryset=UpdateAgreement.objects.filter(superseded_at__isnull=True),
            to_attr="current_agreements",
        ),
        Prefetch(
            "referrals",
            queryset=Referral.objects.select_related("agency").order_by("-created_at"),
            to_attr="referral_list",
        ),
        Prefetch(
            "duties",
            queryset=Duty.objects.select_related("rule__right", "met_by", "resolved_by"),
            to_attr="all_duties",
        ),
    )
    return page
