"""The one door to a sample and to a sampled case: 404 when the user may not reach it."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.permissions import can
from cases.permissions import access_case

from .models import Sample, SampleCase


def access_sample(user, sample_id, action: str) -> Sample:
    """Only the supervisor who drew the sample and its team's supervisors reach it."""
    if not can(user, action):
        raise PermissionDenied
    try:
        return (
            Sample.objects.visible_to(user)
            .select_related("team", "officer", "created_by", "checklist_version")
            .get(pk=sample_id)
        )
    except Sample.DoesNotExist:
        raise Http404 from None


def access_sample_case(user, sample: Sample, case_id, action: str) -> SampleCase:
    """A case in the sample that the user may also still see (restricted cases stay hidden)."""
    case = access_case(user, case_id, action)
    try:
        sample_case = SampleCase.objects.select_related("officer").get(sample=sample, case=case)
    except SampleCase.DoesNotExist:
        raise Http404 from None
    sample_case.case = case
    sample_case.sample = sample
    return sample_case
