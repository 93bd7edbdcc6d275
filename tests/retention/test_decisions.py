"""Review decisions (retain with a reason, or dispose) and what disposal removes and keeps."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from cases import services as cases
from cases.models import (
    Case,
    CaseEvent,
    Contact,
    EligibilityBasis,
    NeedsAssessment,
    Person,
    RiskAssessment,
    SafeContact,
    SpecialMeasuresRecord,
    UpdateAgreement,
    VictimPersonalStatement,
    WitnessCare,
)
from compliance.duty_figures import by_rule
from compliance.sources import LiveFigures
from counting.periods import Period
from entitlements.models import Duty
from referrals.models import Referral
from retention import services
from retention.models import (
    CaseRetention,
    Decision,
    DisposedParty,
    RetentionStatus,
    ReviewDecision,
)
from surveys.models import Answer
from tests.cases.factories import CaseFactory, PartyFactory, victim_of

from .conftest import SECRET_TEXTS

pytestmark = pytest.mark.django_db

S = RetentionStatus
LATER = timezone.now() + datetime.timedelta(days=366 * 11)


def _due(case) -> CaseRetention:
    services.assign_retention(now=LATER)
    row = CaseRetention.objects.get(case=case)
    assert row.status == S.DUE
    return row


def test_retain_needs_a_reason_and_sets_the_next_review_from_the_class_interval(
    full_case, supervisor
):
    case, _ = full_case()
    row = _due(case)
    with pytest.raises(ValidationError):
        services.retain(retention=row, by=supervisor, reason="  ", now=LATER)
    decision = services.retain(
        retention=row, by=supervisor, reason="Suspect still wanted", now=LATER
    )
    row.refresh_from_db()
    expected = services.add_years(timezone.localdate(LATER), row.rule.review_interval_years)
    assert row.status == S.RETAINED
    assert row.review_due == expected == decision.next_review_due
    assert (decision.decided_by, decision.reason) == (supervisor, "Suspect still wanted")


def test_decisions_are_kept_as_history_never_overwritten(full_case, supervisor):
    case, _ = full_case()
    row = _due(case)
    services.retain(retention=row, by=supervisor, reason="First reason", now=LATER)
    even_later = LATER + datetime.timedelta(days=366 * 11)
    services.assign_retention(now=even_later)
    row.refresh_from_db()
    assert row.status == S.DUE
    services.retain(retention=row, by=supervisor, reason="Second reason", now=even_later)
    reasons = list(ReviewDecision.objects.filter(retention=row).values_list("reason", flat=True))
    assert reasons == ["First reason", "Second reason"]


def test_a_case_not_due_cannot_be_decided(full_case, supervisor):
    case, _ = full_case()
    services.assign_retention()
    row = CaseRetention.objects.get(case=case)
    with pytest.raises(ValidationError):
        services.retain(retention=row, by=supervisor, reason="x")
    with pytest.raises(ValidationError):
        services.dispose(retention=row, by=supervisor)


def test_an_open_case_cannot_be_disposed(supervisor):
    case = CaseFactory()
    row = _due(case)
    with pytest.raises(ValidationError, match="closed"):
        services.dispose(retention=row, by=supervisor, now=LATER)


def _personal_text_left(case) -> list[str]:
    """Every stored value of every record of the case, as text, holding a secret."""
    party_ids = list(case.parties.values_list("pk", flat=True))
    person_ids = list(case.parties.values_list("person_id", flat=True))
    querysets = [
        Person.objects.filter(pk__in=person_ids),
        SafeContact.objects.filter(person_id__in=person_ids),
        Case.objects.filter(pk=case.pk),
        Contact.objects.filter(case=case),
        CaseEvent.objects.filter(case=case),
        EligibilityBasis.objects.filter(party_id__in=party_ids),
        NeedsAssessment.objects.filter(party_id__in=party_ids),
        UpdateAgreement.objects.filter(party_id__in=party_ids),
        RiskAssessment.objects.filter(party_id__in=party_ids),
        SpecialMeasuresRecord.objects.filter(party_id__in=party_ids),
        VictimPersonalStatement.objects.filter(party_id__in=party_ids),
        WitnessCare.objects.filter(party_id__in=party_ids),
        Referral.objects.filter(case=case),
        Duty.objects.filter(case=case),
        Answer.objects.filter(invitation__case=case),
    ]
    found = []
    for qs in querysets:
        for row in qs.values():
            text = " ".join(str(v) for v in row.values())
            found += [f"{qs.model.__name__}: {s}" for s in [*SECRET_TEXTS, "Zara"] if s in text]
    return found


def test_disposal_removes_every_personal_field_and_keeps_the_codes(full_case, supervisor):
    case, party = full_case()
    assert len(_personal_text_left(case)) >= len(SECRET_TEXTS)  # the test can fail
    row = _due(case)
    services.dispose(retention=row, by=supervisor, reason="No policing purpose", now=LATER)

    assert _personal_text_left(case) == []
    person = Person.objects.get(pk=party.person_id)
    assert person.first_name == services.DISPOSED_NAME
    assert person.date_of_birth is None
    assert (person.email, person.phone, person.address, person.postcode) == ("", "", "", "")
    assert (person.sex, person.ethnicity, person.communication_needs) == ("", "", "")
    assert RiskAssessment.objects.get(party=party).answers == {}
    # What the figures need is still there.
    case.refresh_from_db()
    assert (case.status, case.outcome, case.offence.code) == (
        "closed",
        "evidential_difficulties",
        "abh_domestic",
    )
    assert Contact.objects.filter(case=case, method="phone", purpose="initial").count() == 1
    assert RiskAssessment.objects.get(party=party).grade == "medium"
    assert Answer.objects.filter(invitation__case=case, scale_value=2).count() == 1
    stats = DisposedParty.objects.get(retention=row)
    assert (stats.role, stats.age_band_at_report) == ("victim", "35 to 44")
    row.refresh_from_db()
    assert row.status == S.DISPOSED and row.disposed_at == LATER
    assert row.decisions.get().decision == Decision.DISPOSE


def test_disposal_deletes_the_history_of_the_records_it_cleans(full_case, supervisor):
    case, party = full_case()
    history = services.history_manager(Person)
    if history is None:
        pytest.skip("Person keeps no history in this build")
    cases.update_person(
        person=party.person,
        by=case.officer,
        expected_version=party.person.version,
        phone="07700900555",
    )
    assert history.filter(id=party.person_id).exists()
    services.dispose(retention=_due(case), by=supervisor, now=LATER)
    assert not history.filter(id=party.person_id).exists()
    contact_history = services.history_manager(Contact)
    if contact_history is not None:
        assert not contact_history.filter(case_id=case.pk).exists()


def test_compliance_figures_are_identical_before_and_after_disposal(full_case, supervisor):
    case, _ = full_case()
    _other, _ = full_case(victim={"first_name": "Other", "last_name": "Victim"})
    period = Period(
        timezone.localdate() - datetime.timedelta(days=30),
        timezone.localdate() + datetime.timedelta(days=60),
    )
    now = timezone.now()
    before = by_rule(LiveFigures(Duty.objects.all()), period, now=now)
    assert (
        sum(
            (r["standard"] or {}).get("total", 0) + (r["enhanced"] or {}).get("total", 0)
            for r in before
        )
        > 0
    )
    services.dispose(retention=_due(case), by=supervisor, now=LATER)
    assert by_rule(LiveFigures(Duty.objects.all()), period, now=now) == before


def test_a_person_in_another_case_still_held_keeps_their_details(full_case, supervisor):
    case, party = full_case()
    other = CaseFactory()
    PartyFactory(case=other, person=party.person)
    witness = PartyFactory(case=case)  # only in the disposed case
    services.dispose(retention=_due(case), by=supervisor, now=LATER)
    person = Person.objects.get(pk=party.person_id)
    assert person.last_name == "Quillfeather"
    assert person.email == "zara.q@example.org"
    assert SafeContact.objects.get(person=person).alternative_contact == "Sister Mabel"
    # The disposed case's own notes about them go all the same.
    assert Contact.objects.get(case=case).summary == ""
    assert Person.objects.get(pk=witness.person_id).first_name == services.DISPOSED_NAME


def test_a_person_whose_other_case_was_disposed_is_anonymised(full_case, supervisor):
    first, party = full_case()
    second, _ = full_case(victim={"first_name": "Second", "last_name": "Victim"})
    PartyFactory(case=second, person=party.person)
    services.dispose(retention=_due(second), by=supervisor, now=LATER)
    assert Person.objects.get(pk=party.person_id).last_name == "Quillfeather"
    services.dispose(retention=CaseRetention.objects.get(case=first), by=supervisor, now=LATER)
    assert Person.objects.get(pk=party.person_id).first_name == services.DISPOSED_NAME


def test_decisions_and_disposals_are_audited(full_case, supervisor):
    case, _party = full_case()
    row = _due(case)
    services.retain(retention=row, by=supervisor, reason="Still needed", now=LATER)
    change = AuditEvent.objects.filter(action="change", case_id=case.pk, user=supervisor).get()
    assert change.reason == "Still needed"
    case2, party2 = full_case(victim={"first_name": "Ann", "last_name": "Other"})
    services.dispose(retention=_due(case2), by=supervisor, now=LATER)
    delete = AuditEvent.objects.filter(action="delete", case_id=case2.pk).get()
    assert delete.user == supervisor
    assert list(delete.people.values_list("person_id", flat=True)) == [party2.person_id]
    assert "Ann" not in delete.detail


def test_disposal_is_one_transaction(full_case, supervisor, monkeypatch):
    case, party = full_case()
    row = _due(case)

    def fail(*args, **kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(services, "record", fail)
    with pytest.raises(RuntimeError):
        services.dispose(retention=row, by=supervisor, now=LATER)
    assert Person.objects.get(pk=party.person_id).last_name == "Quillfeather"
    assert CaseRetention.objects.get(pk=row.pk).status == S.DUE
    assert victim_of(case).contacts.get().summary == "Spoke about the bruising"
