"""The administrator's pages for editions of the Code: list, view, copy as a draft, edit a
draft's rules, preview what would change and schedule, withdraw a schedule, export. Thin: the
rules of the workflow are in entitlements/editions.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View

from accounts.access import ActionRequiredMixin
from accounts.permissions import can
from cases.views import apply_service

from . import editions
from .forms import (
    DraftRightForm,
    DraftRuleForm,
    EditionCopyForm,
    EditionScheduleForm,
    NewDraftRuleForm,
)
from .models import DutyRule, Edition, Right


class EditionListView(ActionRequiredMixin, View):
    action = "editions.view"

    def get(self, request):
        today = timezone.localdate()
        rows = [
            (edition, edition.status_label(today))
            for edition in Edition.objects.select_related("copied_from")
        ]
        return render(request, "entitlements/editions.html", {"rows": rows})


class EditionDetailView(ActionRequiredMixin, View):
    action = "editions.view"

    def get(self, request, pk):
        edition = get_object_or_404(Edition, pk=pk)
        today = timezone.localdate()
        rules = editions.rows_at_end(
            edition, edition.rules.select_related("right").order_by("code")
        )
        context = {
            "edition": edition,
            "status": edition.status_label(today),
            "rules": rules,
            "rights": edition.rights.all(),
            "reach_policies": editions.rows_at_end(edition, edition.reach_policies.all()),
            "may_manage": can(request.user, "editions.manage"),
            "may_withdraw": edition.starts_on is not None and edition.starts_on > today,
            "copy_form": EditionCopyForm(
                initial={"source": edition.source, "name": f"{edition.name} (new edition)"}
            ),
        }
        return render(request, "entitlements/edition.html", context)


class EditionCopyView(ActionRequiredMixin, View):
    action = "editions.manage"

    def post(self, request, pk):
        edition = get_object_or_404(Edition, pk=pk)
        form = EditionCopyForm(request.POST)
        if form.is_valid():
            draft = apply_service(
                form,
                lambda: editions.copy_edition(
                    edition,
                    by=request.user,
                    name=form.cleaned_data["name"],
                    source=form.cleaned_data["source"],
                    now=timezone.now(),
                ),
            )
            if draft is not None:
                messages.success(request, f"{draft} is a draft copy of {edition}.")
                return redirect("edition", pk=draft.pk)
        return render(request, "entitlements/edition_copy.html", {"edition": edition, "form": form})


class DraftRuleView(ActionRequiredMixin, View):
    action = "editions.manage"

    def dispatch(self, request, pk, rule_pk):
        if not can(request.user, self.action):
            return super().dispatch(request, pk, rule_pk)
        self.rule = get_object_or_404(
            DutyRule.objects.select_related("code_edition", "right"),
            pk=rule_pk,
            code_edition_id=pk,
            code_edition__starts_on__isnull=True,
        )
        return super().dispatch(request, pk, rule_pk)

    def _render(self, form):
        return render(
            request=self.request,
            template_name="entitlements/draft_rule.html",
            context={"rule": self.rule, "edition": self.rule.code_edition, "form": form},
        )

    def get(self, request, pk, rule_pk):
        return self._render(DraftRuleForm(instance=self.rule))

    def post(self, request, pk, rule_pk):
        form = DraftRuleForm(request.POST, instance=self.rule)
        if form.is_valid():
            saved = apply_service(
                form, lambda: editions.save_draft_rule(form.instance, by=request.user)
            )
            if saved is not None:
                messages.success(request, f"Rule {saved.code} saved in the draft.")
                return redirect("edition", pk=pk)
        return self._render(form)


class DraftRightView(ActionRequiredMixin, View):
    """A draft's Right: its guidance, whose numbers name the draft's rules."""

    action = "editions.manage"

    def dispatch(self, request, pk, right_pk):
        if not can(request.user, self.action):
            return super().dispatch(request, pk, right_pk)
        self.right = get_object_or_404(
            Right.objects.select_related("code_edition"),
            pk=right_pk,
            code_edition_id=pk,
            code_edition__starts_on__isnull=True,
        )
        return super().dispatch(request, pk, right_pk)

    def _render(self, form):
        context = {"right": self.right, "edition": self.right.code_edition, "form": form}
        return render(self.request, "entitlements/draft_right.html", context)

    def get(self, request, pk, right_pk):
        return self._render(DraftRightForm(instance=self.right))

    def post(self, request, pk, right_pk):
        form = DraftRightForm(request.POST, instance=self.right)
        if form.is_valid():
            saved = apply_service(
                form, lambda: editions.save_draft_right(form.instance, by=request.user)
            )
            if saved is not None:
                messages.success(request, f"{saved} saved in the draft.")
                return redirect("edition", pk=pk)
        return self._render(form)


class DraftRuleAddView(ActionRequiredMixin, View):
    action = "editions.manage"

    def dispatch(self, request, pk):
        if not can(request.user, self.action):
            return super().dispatch(request, pk)
        self.edition = get_object_or_404(Edition, pk=pk, starts_on__isnull=True)
        return super().dispatch(request, pk)

    def _render(self, form):
        context = {"edition": self.edition, "form": form}
        return render(self.request, "entitlements/draft_rule_new.html", context)

    def get(self, request, pk):
        return self._render(NewDraftRuleForm(edition=self.edition))

    def post(self, request, pk):
        form = NewDraftRuleForm(
            request.POST, edition=self.edition, instance=DutyRule(code_edition=self.edition)
        )
        if form.is_valid():
            added = apply_service(
                form,
                lambda: editions.add_draft_rule(self.edition, form.instance, by=request.user),
            )
            if added is not None:
                messages.success(request, f"Rule {added.code} added to the draft.")
                return redirect("edition", pk=pk)
        return self._render(form)


class DraftRuleRemoveView(DraftRuleView):
    """POST only: the rule's page holds the button."""

    http_method_names = ["post"]

    def post(self, request, pk, rule_pk):
        code = self.rule.code
        try:
            editions.remove_draft_rule(self.rule, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("edition-rule", pk=pk, rule_pk=rule_pk)
        messages.success(request, f"Rule {code} removed from the draft.")
        return redirect("edition", pk=pk)


class EditionScheduleView(ActionRequiredMixin, View):
    """GET with a start date previews what would change; POST schedules from it."""

    action = "editions.manage"

    def dispatch(self, request, pk):
        if not can(request.user, self.action):
            return super().dispatch(request, pk)
        self.edition = get_object_or_404(Edition, pk=pk, starts_on__isnull=True)
        return super().dispatch(request, pk)

    def _render(self, form, preview=None):
        context = {
            "edition": self.edition,
            "form": form,
            "preview": preview,
            "rate_days": editions.RATE_DAYS,
        }
        return render(self.request, "entitlements/edition_schedule.html", context)

    def get(self, request, pk):
        if "starts_on" not in request.GET:
            return self._render(EditionScheduleForm())
        form = EditionScheduleForm(request.GET)
        preview = None
        if form.is_valid():
            now = timezone.now()
            starts_on = form.cleaned_data["starts_on"]
            checked = apply_service(
                form,
                lambda: (
                    editions.check_start(self.edition, starts_on, today=timezone.localdate(now))
                    or True
                ),
            )
            if checked is not None and not form.errors:
                preview = editions.preview(self.edition, starts_on=starts_on, now=now)
        return self._render(form, preview)

    def post(self, request, pk):
        form = EditionScheduleForm(request.POST)
        if form.is_valid():
            done = apply_service(
                form,
                lambda: editions.schedule_edition(
                    self.edition,
                    starts_on=form.cleaned_data["starts_on"],
                    by=request.user,
                    today=timezone.localdate(),
                ),
            )
            if done is not None:
                messages.success(request, f"{done} is scheduled. {done.period}.")
                return redirect("edition", pk=pk)
        return self._render(form)


class EditionWithdrawView(ActionRequiredMixin, View):
    action = "editions.manage"

    def post(self, request, pk):
        edition = get_object_or_404(Edition, pk=pk)
        try:
            editions.withdraw_schedule(edition, by=request.user, today=timezone.localdate())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{edition} is a draft again.")
        return redirect("edition", pk=pk)


class EditionDiscardView(ActionRequiredMixin, View):
    action = "editions.manage"

    def post(self, request, pk):
        edition = get_object_or_404(Edition, pk=pk)
        try:
            editions.discard_draft(edition, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("edition", pk=pk)
        messages.success(request, f"The draft {edition} is discarded.")
        return redirect("editions")


class EditionExportView(ActionRequiredMixin, View):
    action = "editions.view"

    def get(self, request, pk):
        edition = get_object_or_404(Edition, pk=pk)
        body = editions.export_fixture(edition, by=request.user)
        response = HttpResponse(body, content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="edition-{edition.pk}.json"'
        return response
