"""Quality assurance pages for supervisors: parse, call a service, render."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from accounts.access import ActionRequiredMixin
from cases.views import apply_service

from . import selectors, services
from .forms import ReviewForm, SampleForm
from .models import Review
from .permissions import access_sample, access_sample_case


class SampleListView(ActionRequiredMixin, View):
    action = "assurance.sample"

    def get(self, request):
        page = Paginator(selectors.samples_for(request.user), 25).get_page(request.GET.get("page"))
        return render(request, "assurance/sample_list.html", {"page": page})


class SampleCreateView(ActionRequiredMixin, View):
    action = "assurance.sample"

    def get(self, request):
        return self._render(
            request, SampleForm(user=request.user, today=timezone.localdate(timezone.now()))
        )

    def post(self, request):
        today = timezone.localdate(timezone.now())
        form = SampleForm(request.POST, user=request.user, today=today)
        if form.is_valid():
            sample = apply_service(
                form,
                lambda: services.create_sample(
                    by=request.user,
                    team=form.cleaned_data["team"],
                    officer=form.cleaned_data["officer"],
                    period=form.period(),
                    size=form.cleaned_data["size"],
                    seed=form.cleaned_data["seed"],
                    today=today,
                ),
            )
            if sample is not None:
                _say_what_was_drawn(request, sample)
                return redirect("assurance-sample", pk=sample.pk)
        return self._render(request, form)

    def _render(self, request, form):
        return render(request, "assurance/sample_new.html", {"form": form})


def _say_what_was_drawn(request, sample) -> None:
    drawn = sample.sample_cases.count()
    if drawn < sample.size:
        messages.warning(
            request,
            f"You asked for {sample.size} cases, but only {drawn} that you can see "
            f"{'was' if drawn == 1 else 'were'} reported in that period, so the sample has "
            f"{'that one' if drawn == 1 else f'all {drawn}'}. To review more, choose a longer "
            f"period{' or the whole team' if sample.officer_id else ''}.",
        )
    else:
        messages.success(request, f"{drawn} case{'s' if drawn != 1 else ''} drawn.")


class SampleDetailView(ActionRequiredMixin, View):
    action = "assurance.review"

    def get(self, request, pk):
        sample = access_sample(request.user, pk, self.action)
        sample_cases = list(selectors.sample_cases_for(request.user, sample))
        reviewed = sum(1 for sc in sample_cases if _review_of(sc) is not None)
        return render(
            request,
            "assurance/sample_detail.html",
            {
                "sample": sample,
                "rows": [(sc, _review_of(sc)) for sc in sample_cases],
                "reviewed": reviewed,
            },
        )


def _review_of(sample_case):
    try:
        return sample_case.review
    except Review.DoesNotExist:
        return None


class SampleCloseView(ActionRequiredMixin, View):
    action = "assurance.sample"

    def post(self, request, pk):
        sample = access_sample(request.user, pk, self.action)
        services.close_sample(sample=sample, by=request.user, now=timezone.now())
        messages.success(request, "Sample closed. Its reviews can no longer be changed.")
        return redirect("assurance-sample", pk=sample.pk)


class ReviewView(ActionRequiredMixin, View):
    action = "assurance.review"

    def _load(self, request, pk, case_pk):
        sample = access_sample(request.user, pk, self.action)
        sample_case = access_sample_case(request.user, sample, case_pk, self.action)
        review = (
            Review.objects.filter(sample_case=sample_case)
            .select_related("reviewer", "updated_by")
            .prefetch_related("answers")
            .first()
        )
        return sample, sample_case, review, services.checklist(sample)

    def get(self, request, pk, case_pk):
        sample, sample_case, review, items = self._load(request, pk, case_pk)
        form = ReviewForm(items=items, initial=ReviewForm.initial_from(review))
        return self._render(request, sample, sample_case, review, form)

    def post(self, request, pk, case_pk):
        sample, sample_case, review, items = self._load(request, pk, case_pk)
        form = ReviewForm(request.POST, items=items)
        if form.is_valid():
            saved = apply_service(
                form,
                lambda: services.save_review(
                    sample_case=sample_case,
                    by=request.user,
                    answers=form.answers(),
                    area_notes=form.area_notes(),
                    overall_note=form.cleaned_data["overall_note"],
                    expected_version=form.cleaned_data["version"] or None,
                    now=timezone.now(),
                ),
            )
            if saved is not None:
                messages.success(request, f"Review of {sample_case.case.crime_reference} saved.")
                return redirect("assurance-sample", pk=sample.pk)
            if review is not None:
                # After a conflict the next save is a deliberate overwrite of what is now shown.
                data = form.data.copy()
                data["version"] = str(review.version)
                form.data = data
        return self._render(request, sample, sample_case, review, form)

    def _render(self, request, sample, sample_case, review, form):
        return render(
            request,
            "assurance/review_form.html",
            {"sample": sample, "sample_case": sample_case, "review": review, "form": form},
        )


class ResultsView(ActionRequiredMixin, View):
    action = "assurance.review"

    def get(self, request, pk):
        sample = access_sample(request.user, pk, self.action)
        return render(
            request,
            "assurance/results.html",
            {"sample": sample, "results": services.sample_results(sample)},
        )
