"""Reads for the quality assurance pages, each a fixed number of queries."""

from django.db.models import Count, QuerySet

from cases.models import Case

from .models import Sample, SampleCase


def samples_for(user) -> QuerySet[Sample]:
    """The samples the user drew or may review, with their progress counted in the same query."""
    return (
        Sample.objects.visible_to(user)
        .select_related("team", "officer", "created_by")
        .annotate(
            drawn=Count("sample_cases", distinct=True),
            reviewed=Count("sample_cases__review", distinct=True),
        )
        .order_by("-created_at", "-id")
    )


def sample_cases_for(user, sample: Sample) -> QuerySet[SampleCase]:
    """The sample's cases that the user may still see, with each review if there is one."""
    return (
        SampleCase.objects.filter(sample=sample, case__in=Case.objects.visible_to(user))
        .select_related("case__offence", "officer", "review__reviewer")
        .order_by("position")
    )
