"""Issue 21: two records found to be the same person are merged by a supervisor, with a reason;
every case link and its history follows the person, and the merge is in the audit trail."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as accounts_services
from accounts.models import Role
from audit.models import AuditEvent, AuditEventPerson
from cases import merging, services
from cases.models import (
    CaseEditPolicy,
    Contact,
    ContactMethod,
    ContactPurpose,
    OtherTeams,
    Party,
    PartyRole,
    Person,
    PersonMerge,
    SafeContact,
)
from entitlements.models import Duty
from surveys.models import SurveyOptOut
from tests.factories import TeamFactory, make_user

from .factories import CaseFactory, PartyFactory, victim_of

pytestmark = pytest.mark.django_db

REASON = "Same name, date of birth and phone: one person reported twice."


@pytest.fixture
def team():
    return TeamFactory()


@pytest.fixture
def supervisor(team):
    user = make_user(Role.SUPERVISOR)
    accounts_services.add_to_team(team=team, user=user, is_supervisor=True)
    return user


@pytest.fixture
def twins(team):
    """One person recorded twice: a victim of a theft, and a witness to an assault."""
    first = CaseFactory(
        team=team,
        crime_reference="NS/000301/26",
        victim={"first_name": "Amy", "last_name": "Cole", "phone": "07700 900301"},
    )
    second = CaseFactory(
        team=team,
        crime_reference="NS/000302/26",
        victim={
            "first_name": "Amy",
            "last_name": "Cole",
            "date_of_birth": datetime.date(1990, 1, 2),
        },
    )
    return victim_of(first), victim_of(second)


def test_merging_moves_every_case_link_with_its_duties_and_fills_blank_details(supervisor, twins):
    kept_party, merged_party = twins
    kept, merged = kept_party.person, merged_party.person
    duties = set(Duty.objects.filter(party=merged_party).values_list("pk", flat=True))
    assert duties
    contact = services.record_contact(
        case=merged_party.case,
        party=merged_party,
        by=merged_party.case.officer,
        occurred_at=timezone.now() - datetime.timedelta(hours=1),
        method=ContactMethod.PHONE,
        purpose=ContactPurpose.UPDATE,
        summary="Told her where the investigation is.",
    )

    merge = merging.merge_people(kept=kept, merged=merged, by=supervisor, reason=REASON)

    merged_party.refresh_from_db()
    assert merged_party.person_id == kept.pk
    assert set(Party.objects.filter(person=kept)) == {kept_party, merged_party}
    assert duties <= set(Duty.objects.filter(party__person=kept).values_list("pk", flat=True))
    assert Contact.objects.get(party__person=kept) == contact
    assert not Person.objects.filter(pk=merged.pk).exists()
    kept.refresh_from_db()
    assert kept.date_of_birth == datetime.date(1990, 1, 2)  # blank: taken from the other
    assert kept.phone == "07700 900301"  # kept's own
    assert (merge.kept, merge.merged_person_id, merge.merged_by, merge.reason) == (
        kept,
        merged.pk,
        supervisor,
        REASON,
    )
    assert merge.parties_moved == 1
    # The party's history shows the move.
    assert merged_party.history.filter(person_id=merged.pk).exists()


def test_the_merge_is_in_the_audit_trail_under_both_records(supervisor, twins):
    kept, merged = (party.person for party in twins)
    merge = merging.merge_people(kept=kept, merged=merged, by=supervisor, reason=REASON)
    # The merge, with who and why (the row's creation is recorded from its history as well).
    event = AuditEvent.objects.get(object_id=str(merge.pk), reason=REASON)
    assert event.user == supervisor
    assert event.object_label == f"Person merge {merge.pk}"
    assert set(
        AuditEventPerson.objects.filter(event=event).values_list("person_id", flat=True)
    ) == {kept.pk, merged.pk}


def test_safe_contact_instructions_are_combined_never_loosened(supervisor, twins):
    kept, merged = (party.person for party in twins)
    services.save_safe_contact(
        person=merged,
        by=supervisor,
        expected_version=SafeContact.objects.get(person=merged).version,
        phone_safe=False,
        safe_times="Weekdays after 6pm",
        notes="Partner reads her texts.",
    )
    merging.merge_people(kept=kept, merged=merged, by=supervisor, reason=REASON)
    safe = SafeContact.objects.get(person=kept)
    assert safe.phone_safe is False
    assert safe.safe_times == "Weekdays after 6pm"
    assert "Partner reads her texts." in safe.notes
    assert safe.asked


def test_a_survey_opt_out_on_either_record_stays_with_the_person(supervisor, twins):
    kept, merged = (party.person for party in twins)
    SurveyOptOut.objects.create(person=merged, recorded_at=timezone.now())
    merging.merge_people(kept=kept, merged=merged, by=supervisor, reason=REASON)
    assert SurveyOptOut.objects.filter(person=kept).exists()


def test_a_record_cannot_be_merged_with_itself(supervisor, twins):
    kept = twins[0].person
    with pytest.raises(ValidationError) as refused:
        merging.merge_people(kept=kept, merged=kept, by=supervisor, reason=REASON)
    assert refused.value.message_dict == {"merged": [merging.SAME_RECORD]}


def test_a_reason_is_required(supervisor, twins):
    kept, merged = (party.person for party in twins)
    with pytest.raises(ValidationError) as refused:
        merging.merge_people(kept=kept, merged=merged, by=supervisor, reason="  ")
    assert refused.value.message_dict == {"reason": [merging.NO_REASON]}
    assert Person.objects.filter(pk=merged.pk).exists()


def test_both_records_in_the_same_part_of_one_case_are_refused_plainly(supervisor, twins):
    kept_party, merged_party = twins
    PartyFactory(case=kept_party.case, person=merged_party.person, role=PartyRole.VICTIM)
    with pytest.raises(ValidationError) as refused:
        merging.merge_people(
            kept=kept_party.person, merged=merged_party.person, by=supervisor, reason=REASON
        )
    [message] = refused.value.message_dict["merged"]
    assert message.startswith("Both records are the victim in case NS/000301/26")
    assert Person.objects.filter(pk=merged_party.person_id).exists()


def test_a_victim_who_is_also_a_witness_in_one_case_can_be_merged(supervisor, twins):
    kept_party, merged_party = twins
    PartyFactory(case=kept_party.case, person=merged_party.person, role=PartyRole.WITNESS)
    merge = merging.merge_people(
        kept=kept_party.person, merged=merged_party.person, by=supervisor, reason=REASON
    )
    assert merge.parties_moved == 2


# --- who may merge -------------------------------------------------------------------------------


def test_an_officer_may_not_merge(team, twins):
    officer = make_user(Role.OFFICER)
    accounts_services.add_to_team(team=team, user=officer)
    kept, merged = (party.person for party in twins)
    with pytest.raises(PermissionDenied):
        merging.merge_people(kept=kept, merged=merged, by=officer, reason=REASON)


def test_a_supervisor_of_another_team_may_not_when_the_policy_keeps_teams_apart(twins):
    CaseEditPolicy.objects.update(other_teams_may_change=OtherTeams.NOBODY)
    other = make_user(Role.SUPERVISOR)
    accounts_services.add_to_team(team=TeamFactory(), user=other, is_supervisor=True)
    kept, merged = (party.person for party in twins)
    with pytest.raises(PermissionDenied):
        merging.merge_people(kept=kept, merged=merged, by=other, reason=REASON)
    assert not PersonMerge.objects.exists()


def test_a_supervisor_who_cannot_see_a_restricted_case_of_either_may_not(twins):
    kept, merged = (party.person for party in twins)
    CaseFactory(victim=merged, restricted=True, crime_reference="NS/000303/26")
    other = make_user(Role.SUPERVISOR)
    accounts_services.add_to_team(team=TeamFactory(), user=other, is_supervisor=True)
    with pytest.raises(PermissionDenied):
        merging.merge_people(kept=kept, merged=merged, by=other, reason=REASON)


# --- the page ------------------------------------------------------------------------------------


def test_the_page_finds_compares_and_merges(
    client, supervisor, twins, django_assert_max_num_queries
):
    kept, merged = (party.person for party in twins)
    client.force_login(supervisor)
    url = reverse("people-merge")
    found = client.post(url, {"step": "search", "q": "amy cole"})
    assert list(found.context["found"]) == sorted([kept, merged], key=lambda p: p.pk)
    with django_assert_max_num_queries(30):
        compared = client.post(
            url, {"step": "compare", "q": "amy cole", "kept": kept.pk, "merged": merged.pk}
        )
    body = compared.content.decode()
    assert "NS/000301/26" in body and "NS/000302/26" in body
    assert "Merge the records" in body
    done = client.post(
        url, {"step": "confirm", "kept": kept.pk, "merged": merged.pk, "reason": REASON}
    )
    assert done.status_code == 302
    assert PersonMerge.objects.get().kept == kept


def test_the_page_asks_for_the_reason_on_its_field(client, supervisor, twins):
    kept, merged = (party.person for party in twins)
    client.force_login(supervisor)
    response = client.post(
        reverse("people-merge"), {"step": "confirm", "kept": kept.pk, "merged": merged.pk}
    )
    assert response.context["form"].errors["reason"]
    assert not PersonMerge.objects.exists()


def test_the_page_is_refused_to_an_officer(client, team):
    officer = make_user(Role.OFFICER)
    client.force_login(officer)
    assert client.get(reverse("people-merge")).status_code == 403


# --- the API -------------------------------------------------------------------------------------


def _api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_the_api_merges_and_answers_with_the_record_of_it(supervisor, twins):
    kept, merged = (party.person for party in twins)
    response = _api(supervisor).post(
        reverse("api-person-merges"),
        {"kept": kept.pk, "merged": merged.pk, "reason": REASON},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["merged_person_id"] == merged.pk
    assert response.json()["parties_moved"] == 1


def test_the_api_gives_field_errors(supervisor, twins):
    kept = twins[0].person
    response = _api(supervisor).post(
        reverse("api-person-merges"), {"kept": kept.pk, "merged": kept.pk}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"reason"}
    response = _api(supervisor).post(
        reverse("api-person-merges"),
        {"kept": kept.pk, "merged": kept.pk, "reason": REASON},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"merged": [merging.SAME_RECORD]}


def test_the_api_refuses_an_officer_and_a_supervisor_of_other_teams(team, twins):
    kept, merged = (party.person for party in twins)
    body = {"kept": kept.pk, "merged": merged.pk, "reason": REASON}
    officer = make_user(Role.OFFICER)
    accounts_services.add_to_team(team=team, user=officer)
    assert _api(officer).post(reverse("api-person-merges"), body, format="json").status_code == 403
    CaseEditPolicy.objects.update(other_teams_may_change=OtherTeams.NOBODY)
    other = make_user(Role.SUPERVISOR)
    accounts_services.add_to_team(team=TeamFactory(), user=other, is_supervisor=True)
    assert _api(other).post(reverse("api-person-merges"), body, format="json").status_code == 403
    assert not PersonMerge.objects.exists()
