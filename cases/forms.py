"""Forms validate shape only; the services apply the rules."""

import datetime
from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role, Team, TeamKind, User

from . import dates, services
from .merging import SAME_RECORD
from .models import (
    ASKED_FLAGS,
    EVENT_KIND_FIELDS,
    VPS_ANSWERS,
    Basis,
    Case,
    CaseOutcome,
    EventKind,
    NeedsAssessment,
    OffenceCategory,
    OffenceFlag,
    Party,
    PartyRole,
    Person,
    ReopenReason,
    RiskAnswer,
    RiskGrade,
    SafeContact,
    SpecialMeasure,
    SpecialMeasuresStatus,
    UpdateMethod,
    VpsReading,
    VpsStage,
    WitnessCare,
)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock time in London. In the hour repeated when the clocks go back, the first
    (summer time) reading is taken, and a time in the hour skipped in spring moves forward,
    rather than refusing the form: staff must be able to log a contact at any hour."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:
            if error.code != "ambiguous_timezone":
                raise
            local = error.params["datetime"].replace(tzinfo=timezone.get_current_timezone())
            # In UTC at once: a London time in the repeated hour compares unequal to any
            # other zone's (PEP 495), which would surprise every caller.
            return local.astimezone(datetime.UTC)


def now_local():
    """The default for a form's "when": now, to the minute, on London's clock."""
    return timezone.localtime().replace(second=0, microsecond=0)


def person_label(party: Party) -> str:
    return f"{party.person} ({party.get_role_display().lower()})"


def offer_people(field: forms.ModelChoiceField, people: Iterable[Party]) -> None:
    """Offer only `people` in `field` (those on the page of a case with many): its queryset still
    accepts anyone in the case. Built from the people already read, with no query of its own."""
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    field.widget.choices = [*empty, *((p.pk, person_label(p)) for p in people)]


class PastMomentsForm(forms.Form):
    """A form whose `past_moments` have happened: from 1900 on, not in the future (cases.dates).

    The services refuse them too; checking here puts the message on the field at once, beside
    any other mistake in the form."""

    past_moments: tuple[str, ...] = ()

    def clean(self):
        cleaned = super().clean()
        moments = {name: cleaned.get(name) for name in self.past_moments}
        for name, message in dates.past_errors(now=timezone.now(), **moments).items():
            self.add_error(name, message)
        return cleaned


class VersionedForm(forms.Form):
    """Carries the version the user opened, so a stale save is refused, not silently merged."""

    version = forms.IntegerField(widget=forms.HiddenInput)


def offence_label(offence: OffenceCategory) -> str:
    """An offence as the list shows it: its name, and what it is flagged as where the name does
    not say, since the flags decide enhanced rights."""
    flags = [OffenceFlag(f).label.lower() for f in offence.flags if f in OffenceFlag.values]
    unsaid = [flag for flag in flags if flag not in offence.name.lower()]
    return f"{offence.name} ({', '.join(unsaid)})" if unsaid else offence.name


def group_offences(field: forms.ModelChoiceField) -> list[tuple[str, str]]:
    """Put the offences in `field` into groups by offence group (an <optgroup> each), read with
    one query; returns (name, group) of each for the search list."""
    offences = list(field.queryset.order_by("offence_group", "name"))
    groups: dict[str, list] = {}
    for offence in offences:
        groups.setdefault(offence.offence_group, []).append((offence.pk, offence_label(offence)))
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    field.widget.choices = [*empty, *groups.items()]
    return [(offence_label(o), o.offence_group) for o in offences]


class OffenceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return offence_label(obj)


class CaseFields(forms.Form):
    crime_reference = forms.CharField(max_length=50, help_text="For example NS/012345/26.")
    offence_search = forms.CharField(
        required=False,
        max_length=200,
        label="Find the offence",
        help_text="Type part of its name and pick it, or choose it from the list below.",
        widget=forms.TextInput(attrs={"list": "offence-names", "autocomplete": "off"}),
    )
    offence = OffenceChoiceField(
        queryset=OffenceCategory.objects.filter(is_active=True),
        required=False,
        help_text="Grouped as in the crime reports.",
    )
    added_flags = forms.MultipleChoiceField(
        choices=[(flag.value, flag.label) for flag in ASKED_FLAGS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Was it also any of these?",
        help_text="Tick what applies even when the offence's name does not say it: each decides "
        "enhanced rights.",
    )
    offence_summary = forms.CharField(max_length=300, required=False, label="Short summary")
    occurred_at = LocalDateTimeField(label="When did it happen?", widget=DateTimeInput())
    reported_at = LocalDateTimeField(label="When was it reported?", widget=DateTimeInput())
    recorded_at = LocalDateTimeField(
        label="When was the crime recorded?",
        required=False,
        widget=DateTimeInput(),
        help_text="On the crime recording system. Leave blank if it is being recorded now.",
    )
    team = forms.ModelChoiceField(queryset=Team.objects.all(), label="Owning team")
    officer = forms.ModelChoiceField(queryset=User.objects.none(), label="Officer in the case")
    thrive_grade = forms.ChoiceField(
        choices=Case._meta.get_field("thrive_grade").choices, label="THRIVE grading"
    )
    restricted = forms.BooleanField(
        required=False,
        help_text="Only the officer, the team's supervisors and named staff will see it.",
    )
    mental_health_demand = forms.BooleanField(required=False, label="Mental-health-related demand")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = User.objects.holding(Role.OFFICER).filter(is_active=True)
        self.fields["team"].queryset = Team.objects.exclude(kind=TeamKind.WITNESS_CARE_UNIT)
        self.offence_names = group_offences(self.fields["offence"])

    def clean(self):
        cleaned = super().clean()
        self._clean_offence(cleaned)
        errors = dates.case_date_errors(
            occurred_at=cleaned.get("occurred_at"),
            reported_at=cleaned.get("reported_at"),
            recorded_at=cleaned.get("recorded_at"),
            now=timezone.now(),
        )
        for name, message in errors.items():
            self.add_error(name, message)
        return cleaned

    def _clean_offence(self, cleaned: dict) -> None:
        """The offence chosen from the list, or else the one whose name was typed (the search
        works without script: the browser suggests names, the server finds the one typed)."""
        if cleaned.get("offence") is not None or "offence" in self.errors:
            return
        typed = (cleaned.get("offence_search") or "").strip().lower()
        if not typed:
            self.add_error("offence", "Choose the offence.")
            return
        found = [
            offence
            for offence in self.fields["offence"].queryset
            if typed in {offence.name.lower(), offence_label(offence).lower()}
        ]
        if len(found) == 1:
            cleaned["offence"] = found[0]
        else:
            self.add_error("offence_search", "No offence has this name: choose it from the list.")


class PersonFields(forms.Form):
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100)
    date_of_birth = forms.DateField(required=False, widget=DateInput())
    email = forms.EmailField(required=False)
    phone = forms.CharField(max_length=40, required=False)
    address = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    postcode = forms.CharField(max_length=10, required=False)
    preferred_language = forms.CharField(max_length=60, initial="English")
    interpreter_needed = forms.BooleanField(required=False)
    communication_needs = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    sex = forms.CharField(max_length=30, required=False, help_text="Optional.")
    ethnicity = forms.CharField(max_length=60, required=False, help_text="Optional.")

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        if value is not None and (
            error := dates.date_of_birth_error(value, today=timezone.localdate())
        ):
            raise ValidationError(error)
        return value


class NewCaseForm(CaseFields):
    """A new case; shown beside a PersonFields form (prefix "victim") for its first victim."""

    victim_role = forms.ChoiceField(
        choices=[
            (PartyRole.VICTIM, PartyRole.VICTIM.label),
            (PartyRole.BEREAVED, PartyRole.BEREAVED.label),
            (PartyRole.PARENT_GUARDIAN, PartyRole.PARENT_GUARDIAN.label),
            (PartyRole.BUSINESS_CONTACT, PartyRole.BUSINESS_CONTACT.label),
        ],
        label="The first person's role",
    )
    vulnerable = forms.ChoiceField(
        choices=[
            ("yes", "Yes"),
            ("no", "No"),
            ("not_asked", "Not asked yet"),
        ],
        widget=forms.RadioSelect,
        label="Does the victim have a disability or mental health condition, or feel intimidated?",
        help_text="Ask now: the answer decides enhanced rights and how soon each duty is due.",
    )
    vulnerable_bases = forms.MultipleChoiceField(
        choices=[
            (Basis.MENTAL_DISORDER, "A mental health condition"),
            (Basis.IMPAIRMENT, "A learning disability or impaired social functioning"),
            (Basis.PHYSICAL, "A physical disability or disorder"),
            (Basis.INTIMIDATED, "Feels intimidated (fear or distress about giving evidence)"),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="If yes, which?",
    )

    field_order = [
        "crime_reference",
        "offence_search",
        "offence",
        "added_flags",
        "victim_role",
        "vulnerable",
        "vulnerable_bases",
    ]

    def clean(self):
        cleaned = super().clean()
        answer, bases = cleaned.get("vulnerable"), cleaned.get("vulnerable_bases") or []
        if answer == "yes" and not bases:
            self.add_error("vulnerable_bases", "Tick what the victim told you of.")
        elif answer in {"no", "not_asked"} and bases:
            self.add_error("vulnerable_bases", "Tick these only when the answer is yes.")
        return cleaned

    def victim_bases(self) -> list[str]:
        """The bases the victim's answer gives, for services.create_case."""
        return (
            list(self.cleaned_data["vulnerable_bases"])
            if self.cleaned_data["vulnerable"] == "yes"
            else []
        )


class EditCaseForm(CaseFields, VersionedForm):
    crime_reference = None
    offence_search = None


class PersonForm(PersonFields, VersionedForm):
    pass


class AddPartyForm(PersonFields):
    role = forms.ChoiceField(choices=PartyRole.choices)


class SafeContactForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = SafeContact
        fields = [
            "phone_safe",
            "text_safe",
            "email_safe",
            "letter_safe",
            "visit_safe",
            "may_leave_message",
            "safe_times",
            "alternative_contact",
            "notes",
        ]
        labels = {
            "phone_safe": "Phone calls are safe",
            "text_safe": "Text messages are safe",
            "email_safe": "Email is safe",
            "letter_safe": "Letters are safe",
            "visit_safe": "Home visits are safe",
            "may_leave_message": "A message may be left",
            "safe_times": "Safe times to contact",
        }


class EventForm(PastMomentsForm):
    past_moments = ("occurred_at", "received_at")

    kind = forms.ChoiceField(choices=EventKind.choices, label="What happened")
    occurred_at = LocalDateTimeField(label="When", widget=DateTimeInput(), initial=now_local)
    received_at = LocalDateTimeField(
        required=False,
        widget=DateTimeInput(),
        label="Received by the Witness Care Unit",
        help_text="For court and CPS information: when it reached the unit.",
    )
    party = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Person it concerns",
        help_text="The witness it concerns, or who made a complaint.",
    )
    hearing_at = LocalDateTimeField(
        required=False, widget=DateTimeInput(), label="Hearing date and time"
    )
    venue = forms.CharField(max_length=200, required=False)
    outcome = forms.CharField(max_length=300, required=False)
    custody_months = forms.IntegerField(
        required=False, min_value=0, label="Custody (months)", help_text="For a sentence."
    )
    wcu_team = forms.ModelChoiceField(
        queryset=Team.objects.filter(kind=TeamKind.WITNESS_CARE_UNIT),
        required=False,
        label="Witness Care Unit",
        help_text="When passing the case to a unit.",
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, case, people: Iterable[Party] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = Party.objects.filter(case=case).select_related("person")
        self.fields["party"].label_from_instance = person_label
        if people is not None:
            self.offer(people)
        # Which kinds ask for each field: static/js/event_form.js shows it only for those (with
        # no script every field shows, and clean() keeps only what the kind asks for).
        for name, kinds in EVENT_KIND_FIELDS.items():
            self.fields[name].widget.attrs["data-event-kinds"] = " ".join(sorted(kinds))

    def offer(self, people: Iterable[Party]) -> None:
        """Offer only these people (the case page's page of them)."""
        offer_people(self.fields["party"], people)

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        for name, kinds in EVENT_KIND_FIELDS.items():
            if kind not in kinds:
                # A value typed for another kind, then hidden when the kind changed, is not
                # this event's: dropped, not saved (an arrest has no hearing date).
                cleaned[name] = self.fields[name].to_python(None)
                self.errors.pop(name, None)
        return cleaned


class WithdrawEventForm(forms.Form):
    reason = forms.CharField(max_length=300, label="Why is this being withdrawn?")


class BasisForm(forms.Form):
    basis = forms.ChoiceField(
        choices=[
            (b.value, b.label)
            for b in Basis
            if b not in {Basis.MOST_SERIOUS, Basis.UNDER_18, Basis.BEREAVED}
        ]
    )
    applies = forms.TypedChoiceField(
        choices=[("yes", "Yes, this applies"), ("no", "No, it does not apply")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label="Finding",
    )
    opted_out = forms.BooleanField(
        required=False,
        label="The person has opted out of automatic intimidated status",
    )
    evidence = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="What is it based on?"
    )
    factors = forms.CharField(
        required=False,
        label="Intimidation factors",
        help_text="For intimidation: one factor per line.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NeedsAssessmentForm(forms.ModelForm):
    # The version of the latest assessment the user opened (0 for none): a stale save is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    intimidation_factors = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One factor per line.",
    )

    class Meta:
        model = NeedsAssessment
        fields = [
            "reason",
            "communication_and_language",
            "interpreter_needed",
            "safe_contact_notes",
            "health_and_disability",
            "mental_disorder",
            "impairment_of_intelligence",
            "physical_disability",
            "persistently_targeted",
            "intimidated",
            "intimidation_factors",
            "support_needs",
            "special_measures_needed",
            "special_measures_notes",
            "court_childcare_needed",
            "court_transport_needed",
            "restorative_justice_info_given",
            "vps_offered",
            "notes",
        ]
        widgets = {
            f: forms.Textarea(attrs={"rows": 2})
            for f in [
                "communication_and_language",
                "safe_contact_notes",
                "health_and_disability",
                "support_needs",
                "special_measures_notes",
                "notes",
            ]
        }
        labels = {
            "impairment_of_intelligence": "Significant impairment of intelligence and social "
            "functioning",
            "restorative_justice_info_given": "Restorative justice information given",
            "vps_offered": "Victim personal statement offered",
        }

    def clean_intimidation_factors(self):
        return [
            line.strip()
            for line in self.cleaned_data["intimidation_factors"].splitlines()
            if line.strip()
        ]


class UpdateAgreementForm(forms.Form):
    frequency_days = forms.IntegerField(
        min_value=1, max_value=365, label="Update every (days)", initial=28
    )
    method = forms.ChoiceField(choices=UpdateMethod.choices, label="How")
    notes = forms.CharField(max_length=300, required=False)


class RiskAssessmentForm(forms.Form):
    judgement_grade = forms.ChoiceField(
        choices=[("", "No change: use the checklist grade"), *RiskGrade.choices],
        required=False,
        label="Professional judgement",
        help_text="You may raise the grade, never lower it.",
    )
    judgement_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Reason for your judgement"
    )

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[f"q{question.number}"] = forms.ChoiceField(
                choices=RiskAnswer.choices,
                widget=forms.RadioSelect,
                label=f"{question.number}. {question.text}",
            )
        self.order_fields([f"q{q.number}" for q in self.questions])

    def answers(self) -> dict[str, str]:
        return {str(q.number): self.cleaned_data[f"q{q.number}"] for q in self.questions}


class SpecialMeasuresForm(PastMomentsForm):
    past_moments = ("mg2_submitted_at", "decision_at")

    eligibility = forms.ChoiceField(
        choices=[("vulnerable", "Vulnerable"), ("intimidated", "Intimidated")]
    )
    measures = forms.ModelMultipleChoiceField(
        queryset=SpecialMeasure.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Measures considered",
    )
    status = forms.ChoiceField(choices=SpecialMeasuresStatus.choices)
    mg2_submitted_at = LocalDateTimeField(
        required=False, widget=DateTimeInput(), label="MG2 submitted"
    )
    decision_at = LocalDateTimeField(required=False, widget=DateTimeInput(), label="Decision")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class VpsForm(forms.Form):
    """An offer of a victim personal statement at one stage and the person's answer."""

    stage = forms.ChoiceField(
        choices=VpsStage.choices, widget=forms.RadioSelect, label="When was it offered?"
    )
    offered_at = LocalDateTimeField(
        required=False,
        widget=DateTimeInput(),
        label="Date and time offered",
        help_text="Leave empty if it was offered just now.",
    )
    status = forms.ChoiceField(
        choices=VPS_ANSWERS, widget=forms.RadioSelect, label="What did the person say?"
    )
    reading_preference = forms.ChoiceField(
        choices=VpsReading.choices,
        label="How should the statement be used in court?",
        help_text="Only if they made a statement, and only after a guilty plea or verdict.",
    )
    read_by = forms.CharField(
        max_length=200,
        required=False,
        label="Who will read it aloud?",
        help_text="When someone else reads it for them: for example the prosecutor, or a relative.",
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def clean(self):
        cleaned = super().clean()
        # The service's own checks, so each message shows on its field beside any other.
        errors = services.vps_offer_errors(
            status=cleaned.get("status", ""),
            stage=cleaned.get("stage", ""),
            reading_preference=cleaned.get("reading_preference", ""),
            read_by=cleaned.get("read_by", ""),
            offered_at=cleaned.get("offered_at"),
            now=timezone.now(),
        )
        for name, message in errors.items():
            if name not in self.errors:
                self.add_error(name, message)
        return cleaned


class WitnessCareForm(PastMomentsForm, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    past_moments = (
        "court_needs_assessed_at",
        "pre_trial_visit_offered_at",
        "expenses_info_given_at",
    )

    class Meta:
        model = WitnessCare
        fields = [
            "dates_to_avoid",
            "court_needs_assessed_at",
            "pre_trial_visit_offered_at",
            "expenses_info_given_at",
            "notes",
        ]
        widgets = {
            "dates_to_avoid": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "court_needs_assessed_at": DateTimeInput(),
            "pre_trial_visit_offered_at": DateTimeInput(),
            "expenses_info_given_at": DateTimeInput(),
        }
        labels = {
            "court_needs_assessed_at": "Court needs assessed",
            "pre_trial_visit_offered_at": "Pre-trial court visit offered",
            "expenses_info_given_at": "Expenses information given",
        }


class AssignWitnessCareOfficerForm(forms.Form):
    officer = forms.ModelChoiceField(queryset=User.objects.none(), label="Witness care officer")

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = User.objects.holding(Role.WITNESS_CARE).filter(
            memberships__team_id=case.wcu_team_id, is_active=True
        )


class CloseCaseForm(VersionedForm):
    outcome = forms.ChoiceField(choices=CaseOutcome.choices)
    override_reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why close the case with these duties still open?",
        help_text="Only if you close it over the open duties listed above: the reason is kept "
        "with the closing and shown on the compliance dashboard.",
    )

    def __init__(self, *args, may_override: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Only a supervisor of the case's team may close over open duties: nobody else is asked.
        if not may_override:
            del self.fields["override_reason"]


class ReopenCaseForm(VersionedForm):
    reason = forms.ChoiceField(
        choices=ReopenReason.choices,
        widget=forms.RadioSelect,
        label="Why is the case being reopened?",
    )
    details = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Details",
        help_text="Required for another reason; kept with the reopening.",
    )


class CaseSearchForm(forms.Form):
    q = forms.CharField(required=False, label="Crime reference or name")
    scope = forms.ChoiceField(
        choices=[("mine", "My cases"), ("team", "My teams' cases"), ("all", "All I can see")],
        required=False,
        initial="mine",
    )


class ChoicesWithReasons(forms.RadioSelect):
    """Radio buttons of which some are disabled, each with the reason beside its label: an unsafe
    way of contacting a person is shown and explained, never offered."""

    def __init__(self, *args, refused: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.refused = refused or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        reason = self.refused.get(str(value))
        if reason:
            option["attrs"]["disabled"] = True
            option["label"] = f"{label} ({reason})"
        return option


class PeopleSearchForm(forms.Form):
    q = forms.CharField(label="Name", max_length=200, help_text="First name, last name or both.")


class PersonPairForm(forms.Form):
    """Two records a supervisor believes are one person, among the people they may see."""

    kept = forms.ModelChoiceField(queryset=Person.objects.none(), label="Record to keep")
    merged = forms.ModelChoiceField(
        queryset=Person.objects.none(), label="Record to merge into it (then removed)"
    )

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("kept", "merged"):
            self.fields[name].queryset = people if people is not None else Person.objects.none()
            self.fields[name].error_messages["invalid_choice"] = (
                "Choose a record from the list of people you can see."
            )

    def clean(self):
        data = super().clean()
        if data.get("kept") and data.get("kept") == data.get("merged"):
            self.add_error("merged", SAME_RECORD)
        return data


class PersonMergeForm(PersonPairForm):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        label="Why are these two records the same person?",
        help_text="Kept with the merge and in the audit trail.",
    )
