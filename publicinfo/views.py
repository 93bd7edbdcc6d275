"""The public information pages: no sign-in, nothing about any case or person. Each view reads
the day once and hands it to the selectors, which read the rules in force that day."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from entitlements.models import Right, Trigger

from . import selectors


@login_not_required
@require_safe
def index(request):
    return render(request, "publicinfo/index.html")


@login_not_required
@require_safe
def victims_code(request):
    today = timezone.localdate()
    rights = selectors.rights(scheme=Right.Scheme.VICTIMS_CODE, today=today)
    return render(request, "publicinfo/victims_code.html", {"rights": rights})


@login_not_required
@require_safe
def witnesses(request):
    today = timezone.localdate()
    return render(
        request,
        "publicinfo/witnesses.html",
        {
            "standards": selectors.rights(scheme=Right.Scheme.WITNESS_CHARTER, today=today),
            "code_rules": selectors.rules(today=today, code_rules_owed_to=selectors.WITNESS_ROLE),
        },
    )


@login_not_required
@require_safe
def special_measures(request):
    today = timezone.localdate()
    rules = selectors.rules(
        today=today,
        triggers=[Trigger.SPECIAL_MEASURES_NEEDED, Trigger.SPECIAL_MEASURES_DECISION],
    )
    return render(request, "publicinfo/special_measures.html", {"rules": rules})


@login_not_required
@require_safe
def personal_statement(request):
    today = timezone.localdate()
    rules = selectors.rules(today=today, right=(Right.Scheme.VICTIMS_CODE, 7))
    return render(request, "publicinfo/personal_statement.html", {"rules": rules})


@login_not_required
@require_safe
def complaints(request):
    today = timezone.localdate()
    return render(
        request,
        "publicinfo/complaints.html",
        {
            "complaint_rules": selectors.rules(today=today, right=(Right.Scheme.VICTIMS_CODE, 12)),
            "review_rules": selectors.rules(today=today, triggers=[Trigger.VRR_REQUEST]),
        },
    )


@login_not_required
@require_safe
def support(request):
    return render(request, "publicinfo/support.html", {"agencies": selectors.support_services()})


@login_not_required
@require_safe
def young_people(request):
    today = timezone.localdate()
    return render(
        request,
        "publicinfo/young_people.html",
        {
            "rights": selectors.children_rights(),
            "arrest_days": selectors.child_arrest_days(today=today),
        },
    )
