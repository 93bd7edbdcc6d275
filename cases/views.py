"""Pages for officers: parse the form, call a service, render. Rules live in services.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from accounts.access import ActionRequiredMixin
from accounts.models import TeamMembership
from accounts.permissions import can
from audit import services as audit

from . import closure, matching, merging, selectors, services
from .forms import (
    AddPartyForm,
    AssignWitnessCareOfficerForm,
    BasisForm,
    CaseSearchForm,
    CloseCaseForm,
    EditCaseForm,
    NeedsAssessmentForm,
    NewCaseForm,
    PeopleSearchForm,
    PersonFields,
    PersonForm,
    PersonMergeForm,
    PersonPairForm,
    ReopenCaseForm,
    RiskAssessmentForm,
    SafeContactForm,
    SpecialMeasuresForm,
    UpdateAgreementForm,
    VpsForm,
    WithdrawEventForm,
    WitnessCareForm,
)
from .models import Case, CaseEvent, RiskQuestionSet, SafeContact, WitnessCare
from .permissions import (
    PERSON_ON_HIDDEN_CASE,
    access_case,
    may_change_case,
    merge_refusal,
    sees_every_case_of,
    supervises_case,
)


def apply_service(form, call, *others):
    """Run a service; put what it refuses on the form, so the user's input is kept. A field the
    form lacks goes to the first of `others` (forms shown beside it) that has it."""
    try:
        return call()
    except services.EditConflict as conflict:
        form.add_error(None, conflict.message)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, field_errors in error.error_dict.items():
                owner = next((f for f in (form, *others) if field in f.fields), None)
                if owner is None:
                    form.add_error(None, field_errors)
                else:
                    owner.add_error(field, field_errors)
        else:
            form.add_error(None, error.messages)
    return None


def _refresh_version(form, current_version: int) -> None:
    """After a conflict, the next save is a deliberate overwrite of what the user has now seen."""
    data = form.data.copy()
    data[form.add_prefix("version")] = str(current_version)
    form.data = data


class CaseListView(ActionRequiredMixin, View):
    """My cases, and the search. Names must never reach a URL (access logs keep URLs), so the
    search is a POST; its terms are kept in the session and the pages say only their number."""

    action = "cases.view"
    session_key = "case_search"

    def get(self, request):
        search = CaseSearchForm(request.session.get(self.session_key) or None)
        return self._render(request, search)

    def post(self, request):
        search = CaseSearchForm(request.POST)
        if not search.is_valid():
            return self._render(request, search, status=400)
        request.session[self.session_key] = {
            "q": search.cleaned_data["q"].strip(),
            "scope": search.cleaned_data["scope"] or "mine",
        }
        return redirect("case-list")

    def _render(self, request, search, status=200):
        scope, q = "mine", ""
        if search.is_valid():
            scope = search.cleaned_data["scope"] or "mine"
            q = search.cleaned_data["q"]
        page = Paginator(selectors.case_list(request.user, scope=scope, q=q), 25).get_page(
            request.GET.get("page")
        )
        return render(
            request,
            "cases/case_list.html",
            {
                "search": search,
                "page": page,
                "scope": scope,
                "q": q,
                "can_create": can(request.user, "cases.create"),
            },
            status=status,
        )


CHOOSE_MATCH = "Choose one of the people on record, or that this is someone new."


def _chosen_match(request, matches, *, case=None) -> tuple:
    """(the person on record the officer chose among `matches`, or None for someone new; the
    error to show if they must be offered again: first offer, or an answer not among them).
    What was typed travels only in the POST body, never the address."""
    chosen = request.POST.get("match", "")
    if not matches or chosen == "new":
        return None, None
    person = next((m.person for m in matches if str(m.person.pk) == chosen), None)
    if person is not None:
        return person, None
    # A POST, which the audit middleware does not record: the people offered are recorded here.
    audit.record(
        request,
        audit.AuditAction.SEARCH,
        case=case,
        person_ids=[m.person.pk for m in matches],
        detail=f"People on record offered as the person being added: {len(matches)}.",
    )
    return None, CHOOSE_MATCH if chosen else ""


class CaseCreateView(ActionRequiredMixin, View):
    action = "cases.create"

    def get(self, request):
        team = TeamMembership.objects.filter(user=request.user).values_list("team", flat=True)
        form = NewCaseForm(initial={"officer": request.user, "team": team.first()})
        return self._render(request, form, PersonFields(prefix="victim"))

    def post(self, request):
        form = NewCaseForm(request.POST)
        victim = PersonFields(request.POST, prefix="victim")
        matches, chosen, offer_again = [], request.POST.get("match", ""), None
        if form.is_valid() and victim.is_valid():
            # People on record who may be the victim are offered first (cases/matching.py).
            candidate = matching.candidate_from(victim.cleaned_data)
            matches = matching.likely_matches(request.user, candidate)
            person, offer_again = _chosen_match(request, matches)
        if offer_again is None and form.is_valid() and victim.is_valid():
            case = apply_service(
                form,
                lambda: services.create_case(
                    by=request.user,
                    crime_reference=form.cleaned_data["crime_reference"],
                    victim=person or victim.cleaned_data,
                    victim_role=form.cleaned_data["victim_role"],
                    victim_bases=form.victim_bases(),
                    **{k: form.cleaned_data[k] for k in services.CASE_FIELDS},
                ),
                victim,
            )
            if case is not None:
                messages.success(request, f"Case {case.crime_reference} created.")
                return redirect("case-detail", pk=case.pk)
        return self._render(
            request, form, victim, matches=matches, chosen=chosen, match_error=offer_again
        )

    def _render(self, request, form, victim, **matches):
        victim.fields[
            "date_of_birth"
        ].help_text = "Their age on the day of the offence decides whether under-18 rights apply."
        context = {"form": form, "victim": victim, **matches}
        return render(request, "cases/case_new.html", context)


class CaseTimelineView(ActionRequiredMixin, View):
    """A case's whole timeline, a page at a time: the case page shows only the newest entries."""

    action = "cases.view"
    per_page = 50

    def get(self, request, pk):
        case = access_case(request.user, pk, "cases.view")
        page = Paginator(selectors.WholeTimeline(case), self.per_page).get_page(
            request.GET.get("page")
        )
        context = {
            "case": case,
            "page": page,
            "timeline": page.object_list,
            "links": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "may_record": may_change_case(request.user, case) and can(request.user, "cases.record"),
        }
        # The trail records the people this page of the timeline names, not everyone in the case.
        named = {entry.party.person_id for entry in page.object_list if entry.party}
        audit.people_shown(request, case_id=case.pk, person_ids=sorted(named))
        return render(request, "cases/case_timeline.html", context)


class CaseFormView(ActionRequiredMixin, View):
    """A form about one case (or one person in it), saved through a service."""

    action = "cases.record"
    form_class = None
    title = ""
    submit = "Save"
    template_name = "cases/form.html"
    party_scoped = False
    # The form changes the person (shared by all their cases), not just their part in this one.
    person_wide = False

    def dispatch(self, request, pk, party_pk=None, **kwargs):
        if not can(request.user, self.action):
            return super().dispatch(request, pk, **kwargs)  # refused by the mixin
        self.case = access_case(request.user, pk, self.action)
        self.party = None
        if self.party_scoped:
            self.party = get_object_or_404(self.case.parties.select_related("person"), pk=party_pk)
        if self.person_wide and not sees_every_case_of(request.user, self.party.person):
            context = {"case": self.case, "party": self.party, "message": PERSON_ON_HIDDEN_CASE}
            return render(request, "cases/person_refused.html", context, status=403)
        return super().dispatch(request, pk, **kwargs)

    def get_form_kwargs(self) -> dict:
        return {}

    def get_initial(self) -> dict:
        return {}

    def get(self, request, pk, **kwargs):
        form = self.form_class(initial=self.get_initial(), **self.get_form_kwargs())
        return self.render(form)

    def post(self, request, pk, **kwargs):
        form = self.form_class(request.POST, **self.get_form_kwargs())
        if form.is_valid():
            result = apply_service(form, lambda: self.perform(form))
            if result is not None and not form.errors:
                messages.success(request, self.success_message())
                return redirect(self.success_url())
            self.after_refusal(form)
        return self.render(form)

    def perform(self, form):
        raise NotImplementedError

    def after_refusal(self, form) -> None:
        pass

    def success_message(self) -> str:
        return "Saved."

    def success_url(self) -> str:
        return reverse("case-detail", kwargs={"pk": self.case.pk})

    def render(self, form, **extra):
        context = {
            "case": self.case,
            "party": self.party,
            "form": form,
            "title": self.title,
            "submit": self.submit,
            **extra,
        }
        return render(self.request, self.template_name, context)


class CaseEditView(CaseFormView):
    action = "cases.edit"
    form_class = EditCaseForm
    title = "Edit case details"

    def get_initial(self):
        fields = {name: getattr(self.case, name) for name in services.CASE_FIELDS}
        return {**fields, "version": self.case.version}

    def perform(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version")
        return services.update_case(
            case=self.case, by=self.request.user, expected_version=version, **data
        )

    def after_refusal(self, form):
        _refresh_version(form, Case.objects.get(pk=self.case.pk).version)

    def success_message(self):
        return "Case details saved."


class EventWithdrawView(CaseFormView):
    form_class = WithdrawEventForm
    title = "Withdraw an event"
    submit = "Withdraw event"

    def dispatch(self, request, pk, event_pk=None, **kwargs):
        self.event_pk = event_pk
        return super().dispatch(request, pk, **kwargs)

    def perform(self, form):
        event = get_object_or_404(CaseEvent, pk=self.event_pk, case=self.case)
        return services.withdraw_event(
            event=event, by=self.request.user, reason=form.cleaned_data["reason"]
        )

    def success_message(self):
        return "Event withdrawn. It stays on the record, marked as withdrawn."


class PartyAddView(CaseFormView):
    """Add a person to the case. People already on record who may be them (cases/matching.py)
    are offered first; the officer uses one of them or says this is someone new."""

    action = "cases.edit"
    form_class = AddPartyForm
    title = "Add a person to the case"
    submit = "Add person"
    template_name = "cases/party_add.html"

    def post(self, request, pk, **kwargs):
        form = self.form_class(request.POST)
        if not form.is_valid():
            return self.render(form)
        matches = matching.likely_matches(request.user, matching.candidate_from(form.cleaned_data))
        person, offer_again = _chosen_match(request, matches, case=self.case)
        chosen = request.POST.get("match", "")
        if offer_again is not None:
            return self.render(form, matches=matches, chosen=chosen, match_error=offer_again)
        result = apply_service(form, lambda: self.perform(form, person=person))
        if result is not None and not form.errors:
            messages.success(request, self.success_message())
            return redirect(self.success_url())
        return self.render(form, matches=matches, chosen=chosen)

    def perform(self, form, person=None):
        data = dict(form.cleaned_data)
        role = data.pop("role")
        with transaction.atomic():  # a person the case refuses is not kept either
            if person is None:
                person = services.create_person(by=self.request.user, **data)
            return services.add_party(
                case=self.case, person=person, role=role, by=self.request.user
            )

    def success_message(self):
        return "Person added."


class PersonEditView(CaseFormView):
    action = "cases.edit"
    form_class = PersonForm
    party_scoped = True
    person_wide = True
    title = "Edit personal details"

    def get_initial(self):
        person = self.party.person
        return {
            **{name: getattr(person, name) for name in PersonFields.base_fields},
            "version": person.version,
        }

    def perform(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version")
        return services.update_person(
            person=self.party.person, by=self.request.user, expected_version=version, **data
        )

    def after_refusal(self, form):
        self.party.person.refresh_from_db()
        _refresh_version(form, self.party.person.version)


class SafeContactView(CaseFormView):
    action = "cases.record"
    form_class = SafeContactForm
    party_scoped = True
    person_wide = True
    title = "Safe contact instructions"

    def _current(self) -> SafeContact:
        person = self.party.person
        return SafeContact.objects.filter(person=person).first() or SafeContact(person=person)

    def get_form_kwargs(self):
        return {"instance": self._current()} if self.request.method == "GET" else {}

    def get_initial(self):
        return {"version": self._current().version}

    def perform(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version")
        return services.save_safe_contact(
            person=self.party.person, by=self.request.user, expected_version=version, **data
        )

    def render(self, form, **extra):
        if not self._current().asked:
            extra["intro"] = (
                "Not asked yet: ask them how we may safely contact them and record their answer. "
                "Until then the choices below are only where a new record starts, not their word."
            )
        return super().render(form, **extra)

    def after_refusal(self, form):
        _refresh_version(form, SafeContact.objects.get(person=self.party.person).version)


class BasisView(CaseFormView):
    form_class = BasisForm
    party_scoped = True
    title = "Record an enhanced rights finding"
    template_name = "cases/basis_form.html"

    def render(self, form, **extra):
        return super().render(
            form,
            bases=self.party.bases.select_related("assessed_by"),
            history=self.party.enhanced_history.select_related("changed_by").order_by(
                "-changed_at", "-id"
            ),
            **extra,
        )

    def perform(self, form):
        data = form.cleaned_data
        return (
            services.record_basis(
                party=self.party,
                basis=data["basis"],
                applies=data["applies"],
                evidence=data["evidence"],
                opted_out=data["opted_out"],
                factors=[f.strip() for f in data["factors"].splitlines() if f.strip()],
                by=self.request.user,
            )
            or True
        )  # record_basis returns the enhanced status, which may be False.


class NeedsAssessmentView(CaseFormView):
    form_class = NeedsAssessmentForm
    party_scoped = True
    title = "Victim needs assessment"

    def get_initial(self):
        last = self.party.needs_assessments.order_by("-version").first()
        if last is None:
            return {"version": 0}
        fields = NeedsAssessmentForm._meta.fields
        initial = {name: getattr(last, name) for name in fields}
        initial["intimidation_factors"] = "\n".join(last.intimidation_factors)
        initial["reason"] = "Circumstances changed"
        initial["version"] = last.version
        return initial

    def perform(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version")
        return services.record_needs_assessment(
            party=self.party, by=self.request.user, expected_version=version, **data
        )

    def after_refusal(self, form):
        _refresh_version(form, services.latest_needs_version(self.party))


class UpdateAgreementView(CaseFormView):
    form_class = UpdateAgreementForm
    party_scoped = True
    title = "Agree how often to give updates"
    template_name = "cases/agreement_form.html"

    def render(self, form, **extra):
        agreements = self.party.update_agreements.select_related("agreed_by")
        return super().render(form, agreements=agreements, **extra)

    def get_initial(self):
        current = self.party.update_agreements.filter(superseded_at__isnull=True).first()
        if current is None:
            return {}
        return {"frequency_days": current.frequency_days, "method": current.method}

    def perform(self, form):
        return services.agree_updates(party=self.party, by=self.request.user, **form.cleaned_data)


class RiskAssessmentView(CaseFormView):
    form_class = RiskAssessmentForm
    party_scoped = True
    title = "Domestic abuse risk assessment (DASH)"
    template_name = "cases/risk_form.html"

    def get_form_kwargs(self):
        self.question_set = RiskQuestionSet.objects.in_force(timezone.localdate())
        return {"questions": self.question_set.questions.all()}

    def perform(self, form):
        self.assessment = services.assess_risk(
            party=self.party,
            by=self.request.user,
            answers=form.answers(),
            judgement_grade=form.cleaned_data["judgement_grade"],
            judgement_reason=form.cleaned_data["judgement_reason"],
            question_set=self.question_set,
        )
        return self.assessment

    def success_message(self):
        a = self.assessment
        text = f"Risk assessed: {a.score} yes answers, {a.get_grade_display().lower()} risk."
        if a.marac_referral:
            text += " This meets the MARAC referral criteria: refer to MARAC and an IDVA."
        return text


class SpecialMeasuresView(CaseFormView):
    form_class = SpecialMeasuresForm
    party_scoped = True
    title = "Special measures"

    def perform(self, form):
        return services.record_special_measures(
            party=self.party, by=self.request.user, **form.cleaned_data
        )


class VpsView(CaseFormView):
    form_class = VpsForm
    party_scoped = True
    title = "Victim personal statement"
    template_name = "cases/vps_form.html"

    def render(self, form, **extra):
        offers = self.party.statements.select_related("recorded_by").order_by("-offered_at", "-id")
        return super().render(
            form,
            offers=offers,
            follow_up=selectors.vps_follow_up(self.party),
            **extra,
        )

    def perform(self, form):
        return services.record_vps(party=self.party, by=self.request.user, **form.cleaned_data)

    def success_message(self) -> str:
        return "Victim personal statement offer recorded."


class WitnessCareView(CaseFormView):
    form_class = WitnessCareForm
    party_scoped = True
    title = "Post-charge witness care"

    def _current(self) -> WitnessCare:
        return WitnessCare.objects.filter(party=self.party).first() or WitnessCare(party=self.party)

    def get_form_kwargs(self):
        return {"instance": self._current()} if self.request.method == "GET" else {}

    def get_initial(self):
        return {"version": self._current().version}

    def perform(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version")
        return services.save_witness_care(
            party=self.party, by=self.request.user, expected_version=version, **data
        )

    def after_refusal(self, form):
        _refresh_version(form, WitnessCare.objects.get(party=self.party).version)


class AssignWitnessCareOfficerView(CaseFormView):
    form_class = AssignWitnessCareOfficerForm
    title = "Assign a witness care officer"
    submit = "Assign"

    def get_form_kwargs(self):
        return {"case": self.case}

    def get_initial(self):
        return {"officer": self.case.witness_care_officer_id}

    def perform(self, form):
        return services.assign_witness_care_officer(
            case=self.case, officer=form.cleaned_data["officer"], by=self.request.user
        )

    def success_message(self):
        return f"{self.case.witness_care_officer} now looks after this case."


class CaseCloseView(CaseFormView):
    """Close the case, listing what the Code still owes on it (cases.closure): a supervisor of
    the case's team may close it over those duties, saying why."""

    action = "cases.edit"
    form_class = CloseCaseForm
    title = "Close the case"
    submit = "Close case"
    template_name = "cases/close.html"

    def dispatch(self, request, *args, **kwargs):
        self.now = timezone.now()  # the one clock reading of the request
        return super().dispatch(request, *args, **kwargs)

    def may_override(self) -> bool:
        if not hasattr(self, "_may_override"):
            self._may_override = supervises_case(self.request.user, self.case)
        return self._may_override

    def get_form_kwargs(self):
        return {"may_override": self.may_override()}

    def get_initial(self):
        return {"version": self.case.version}

    def perform(self, form):
        try:
            return services.close_case(
                case=self.case,
                by=self.request.user,
                outcome=form.cleaned_data["outcome"],
                expected_version=form.cleaned_data["version"],
                override_reason=form.cleaned_data.get("override_reason", ""),
                now=self.now,
            )
        except ValidationError as error:
            # The open duties are listed above the form, whatever the answer: only say why.
            if hasattr(error, "error_dict") and "open_duties" in error.error_dict:
                rest = {k: v for k, v in error.error_dict.items() if k != "open_duties"}
                raise ValidationError(rest) from error
            raise

    def after_refusal(self, form):
        _refresh_version(form, Case.objects.get(pk=self.case.pk).version)

    def success_message(self):
        return "Case closed."

    def render(self, form, **extra):
        still_open = closure.obstacles(self.case, now=self.now)
        return super().render(form, open_duties=still_open, **extra)


class CaseReopenView(CaseFormView):
    """A supervisor of the case's team reopens a closed case, saying why."""

    action = "cases.edit"
    form_class = ReopenCaseForm
    title = "Reopen the case"
    submit = "Reopen case"

    refused = "Only a supervisor of the case's team can reopen it: ask one of them."

    def get(self, request, pk, **kwargs):
        if not supervises_case(request.user, self.case):
            # Who may reopen is a supervisor of this team, not a role: say so rather than 403.
            context = {"case": self.case, "message": self.refused}
            return render(request, "cases/reopen_refused.html", context)
        return super().get(request, pk, **kwargs)

    def post(self, request, pk, **kwargs):
        if not supervises_case(request.user, self.case):
            raise PermissionDenied(self.refused)
        return super().post(request, pk, **kwargs)

    def get_initial(self):
        return {"version": self.case.version}

    def perform(self, form):
        return services.reopen_case(
            case=self.case,
            by=self.request.user,
            reason=form.cleaned_data["reason"],
            details=form.cleaned_data["details"],
            expected_version=form.cleaned_data["version"],
        )

    def after_refusal(self, form):
        _refresh_version(form, Case.objects.get(pk=self.case.pk).version)

    def success_message(self):
        return "Case reopened."


# --- two records of one person -----------------------------------------------------------------

# The details shown side by side before a merge, with their labels.
MERGE_FIELDS = [
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("date_of_birth", "Date of birth"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("address", "Address"),
    ("postcode", "Postcode"),
    ("preferred_language", "Preferred language"),
    ("communication_needs", "Communication needs"),
]


class PeopleMergeView(ActionRequiredMixin, View):
    """A supervisor finds two records of one person, sees them side by side, and merges them
    with a reason (cases/merging.py). Names and ids travel only in POST bodies."""

    action = "people.merge"
    template_name = "cases/people_merge.html"

    def get(self, request):
        return self._render(search=PeopleSearchForm())

    def post(self, request):
        step = request.POST.get("step")
        people = selectors.people_visible_to(request.user)
        if step == "compare":
            pair = PersonPairForm(request.POST, people=people)
            if not pair.is_valid():
                return self._search(request, pair=pair)
            form = PersonMergeForm(
                initial={"kept": pair.cleaned_data["kept"], "merged": pair.cleaned_data["merged"]},
                people=people,
            )
            return self._compare(
                request, form, pair.cleaned_data["kept"], pair.cleaned_data["merged"]
            )
        if step == "confirm":
            form = PersonMergeForm(request.POST, people=people)
            if not form.is_valid():
                if form.cleaned_data.get("kept") and form.cleaned_data.get("merged"):
                    kept, merged = form.cleaned_data["kept"], form.cleaned_data["merged"]
                    return self._compare(request, form, kept, merged)
                return self._search(request, pair=form)
            data = form.cleaned_data
            try:
                merge = merging.merge_people(
                    kept=data["kept"],
                    merged=data["merged"],
                    by=request.user,
                    reason=data["reason"],
                    now=timezone.now(),
                    request=request,
                )
            except PermissionDenied as refusal:
                form.add_error(None, str(refusal))
            except ValidationError as error:
                for messages_ in error.message_dict.values():
                    form.add_error(None, messages_)
            else:
                messages.success(
                    request,
                    f"Records merged: {merge.parties_moved} case link(s) moved to the record kept.",
                )
                return redirect("person-record", pk=merge.kept_id)
            return self._compare(request, form, data["kept"], data["merged"])
        return self._search(request)

    def _search(self, request, pair=None):
        search = PeopleSearchForm(request.POST)
        found = []
        if search.is_valid():
            found = selectors.people_named(request.user, search.cleaned_data["q"])
            audit.record(
                request,
                audit.AuditAction.SEARCH,
                person_ids=[person.pk for person in found],
                detail=f"Records to merge: q={search.cleaned_data['q']}",
            )
        elif request.POST.get("step") != "search":
            search = PeopleSearchForm()
        return self._render(search=search, found=found, pair=pair, searched=search.is_bound)

    def _compare(self, request, form, kept, merged):
        sides = selectors.merge_sides(request.user, kept, merged)
        audit.record(
            request,
            audit.AuditAction.VIEW,
            person_ids=[kept.pk, merged.pk],
            detail="Two records of a person compared before a merge.",
        )
        refusal = merge_refusal(request.user, [kept, merged])
        rows = [
            (label, [getattr(side.person, name) for side in sides]) for name, label in MERGE_FIELDS
        ]
        return self._render(
            search=PeopleSearchForm(initial={"q": request.POST.get("q", "")}),
            form=form,
            sides=sides,
            rows=rows,
            refusal=refusal,
            clashes=[] if refusal else merging.clashes(kept, merged),
        )

    def _render(self, **context):
        return render(self.request, self.template_name, context)
