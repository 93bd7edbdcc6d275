"""Reads for the case page: one case with its people, their duties and their referrals."""

from django.db.models import Prefetch, QuerySet

from cases.models import Case, EligibilityBasis, Party, UpdateAgreement
from entitlements.models import Duty
from referrals.models import Referral


def case_page(queryset: QuerySet[Case]) -> QuerySet[Case]:
    return queryset.select_related(
        "offence", "team", "officer", "wcu_team", "witness_care_officer"
    ).prefetch_related(
        Prefetch(
            "parties",
            queryset=Party.objects.select_related(
                "person", "person__safe_contact", "witness_care"
            ).prefetch_related(
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
            ),
        )
    )
