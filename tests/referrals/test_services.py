"""Referrals: the state machine, who may move a referral, consent, the Right 4 duty, what the
portal proposes, and who sees which referral.

The clock is frozen: every service is given `now=`. The crime is reported on Monday 2 March 2026
at 10:00 (London, GMT then), so the R4 duty (refer within 2 working days) is due by the end of
Wednesday 4 March.
"""

import datetime
import itertools
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role, User
from accounts.services import add_to_team
from cases import services as cases
from cases.models import PartyRole
from entitlements.models import Duty, DutyStatus
from notifications.models import Kind, Notification
from referrals import services
from referrals.models import (
    OPEN_REFERRAL_STATUSES,
    WITH_AGENCY,
    AgencyKind,
    ConsentMethod,
    LawfulBasis,
    Referral,
    ReferralEvent,
    ReferralPolicy,
    ReferralStatus,
    ShareItem,
)
from tests.cases.factories import CaseFactory, PartyFactory, offence, victim_of
from tests.factories import AgencyFactory, TeamFactory, make_user, sharing_exception

pytestmark = pytest.mark.django_db

S = ReferralStatus
LONDON = ZoneInfo("Europe/London")
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


def london(y, m, d, hh=0, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=LONDON)


def end_of(y, m, d):
    return datetime.datetime(y, m, d, 23, 59, 59, tzinfo=LONDON)


REPORTED = london(2026, 3, 2, 10, 0)  # Monday
TUESDAY = london(2026, 3, 3, 11, 0)
WEDNESDAY = london(2026, 3, 4, 15, 0)
THURSDAY = london(2026, 3, 5, 9, 0)
ALL_SHARED = [ShareItem.CONTACT, ShareItem.NEEDS]


# --- set-up ------------------------------------------------------------------------------------


@pytest.fixture
def vs():
    """The commissioned victim service: create it before any case, so cases propose to it."""
    return AgencyFactory(kind=AgencyKind.VICTIM_SERVICE, name="Northshire Victim Service")


@pytest.fixture
def vs_user(vs):
    return make_user(Role.AGENCY, agency=vs)


def make_case(code="theft_other", *, occurred_at=None, victim=None, now=REPORTED, **kwargs):
    return CaseFactory(
        offence=offence(code),
        occurred_at=occurred_at or REPORTED - HOUR,
        reported_at=REPORTED,
        now=now,
        victim=victim or {"first_name": "Imogen", "last_name": "Threlkeld"},
        **kwargs,
    )


def proposed(party, kind=AgencyKind.VICTIM_SERVICE) -> Referral:
    return Referral.objects.get(party=party, agency__kind=kind)


def consent(referral, by, *, basis=LawfulBasis.CONSENT, now=REPORTED):
    return services.record_consent(
        referral=referral,
        by=by,
        lawful_basis=basis,
        scope=ALL_SHARED,
        method=ConsentMethod.PHONE,
        now=now,
    )


def sent_referral(vs, *, code="theft_other", now=REPORTED):
    """A case's proposed victim-service referral, with consent, sent."""
    case = make_case(code)
    referral = proposed(victim_of(case))
    basis = LawfulBasis.EXPLICIT_CONSENT if services.needs_opt_in(referral.party) else None
    consent(referral, case.officer, basis=basis or LawfulBasis.CONSENT, now=now)
    return services.send_referral(referral=referral, by=case.officer, now=now)


def r4(party) -> Duty:
    return Duty.objects.get(party=party, rule__code="R4")


# --- the state machine -------------------------------------------------------------------------

# The service that makes each move, and the side TRANSITIONS should give it to.
ACTOR_OF = {
    S.SENT: services.POLICE,
    S.WITHDRAWN: services.POLICE,
    S.ACCEPTED: services.AGENCY,
    S.DECLINED: services.AGENCY,
    S.RETURNED: services.AGENCY,
    S.IN_PROGRESS: services.AGENCY,
    S.CLOSED: services.AGENCY,
}

# A legal route from a sent referral's draft to each status.
ROUTE = {
    S.DRAFT: [],
    S.SENT: [S.SENT],
    S.RETURNED: [S.SENT, S.RETURNED],
    S.ACCEPTED: [S.SENT, S.ACCEPTED],
    S.DECLINED: [S.SENT, S.DECLINED],
    S.IN_PROGRESS: [S.SENT, S.ACCEPTED, S.IN_PROGRESS],
    S.CLOSED: [S.SENT, S.ACCEPTED, S.CLOSED],
    S.WITHDRAWN: [S.WITHDRAWN],
}

LEGAL = [(f, t) for f, moves in services.TRANSITIONS.items() for t in moves]
ILLEGAL = [
    (f, t)
    for f, t in itertools.product(S.values, S.values)
    if t not in services.TRANSITIONS.get(f, {})
]


def move(referral, to, *, officer, agency_user, now):
    """Make the move with the service that makes it, as the side that service is for."""
    match to:
        case S.SENT:
            return services.send_referral(referral=referral, by=officer, now=now)
        case S.WITHDRAWN:
            return services.withdraw(referral=referral, by=officer, reason="Not needed", now=now)
        case S.ACCEPTED:
            return services.accept(referral=referral, by=agency_user, now=now)
        case S.DECLINED:
            return services.decline(referral=referral, by=agency_user, reason="Full", now=now)
        case S.RETURNED:
            return services.return_for_information(
                referral=referral, by=agency_user, reason="Which language?", now=now
            )
        case S.IN_PROGRESS:
            return services.start(referral=referral, by=agency_user, now=now)
        case S.CLOSED:
            return services.close(referral=referral, by=agency_user, outcome="Supported", now=now)
        case S.DRAFT:
            # No service moves a referral back to draft: ask the state machine directly.
            return services._move(referral, S.DRAFT, by=officer, actor=services.POLICE, now=now)
    raise AssertionError(to)


def referral_at(status, vs, vs_user):
    case = make_case()
    referral = consent(proposed(victim_of(case)), case.officer)
    for step in ROUTE[status]:
        referral = move(referral, step, officer=case.officer, agency_user=vs_user, now=REPORTED)
    assert Referral.objects.get(pk=referral.pk).status == status
    return referral


def test_transitions_cover_every_status():
    assert set(services.TRANSITIONS) == set(S.values)
    assert set(ROUTE) == set(S.values)
    assert len(LEGAL) + len(ILLEGAL) == len(S.values) ** 2


def test_an_open_referral_is_one_that_can_still_move():
    # One definition, from the state machine: what every check of "open" uses.
    assert set(OPEN_REFERRAL_STATUSES) == {S.DRAFT, S.SENT, S.RETURNED, S.ACCEPTED, S.IN_PROGRESS}
    assert set(WITH_AGENCY) == {S.SENT, S.ACCEPTED, S.IN_PROGRESS}
    closed = set(S.values) - set(OPEN_REFERRAL_STATUSES)
    assert all(not services.TRANSITIONS[status] for status in closed)


@pytest.mark.parametrize(("from_status", "to_status"), LEGAL)
def test_every_legal_move_by_the_right_side(from_status, to_status, vs, vs_user):
    assert services.TRANSITIONS[from_status][to_status] == ACTOR_OF[to_status]
    referral = referral_at(from_status, vs, vs_user)
    version = referral.version
    moved = move(
        referral, to_status, officer=referral.case.officer, agency_user=vs_user, now=TUESDAY
    )
    fresh = Referral.objects.get(pk=referral.pk)
    assert moved.status == fresh.status == to_status
    assert fresh.version == version + 1
    last = fresh.history.order_by("at", "id").last()
    assert (last.kind, last.from_status, last.to_status, last.at) == (
        "move",
        from_status,
        to_status,
        TUESDAY,
    )
    who = vs_user if ACTOR_OF[to_status] == services.AGENCY else referral.case.officer
    assert last.by == who
    # The move is also in the referral's change history (the audit trail's before and after).
    assert fresh.record_history.first().status == to_status


@pytest.mark.parametrize(("from_status", "to_status"), ILLEGAL)
def test_every_illegal_move_is_refused_naming_both_states(from_status, to_status, vs, vs_user):
    referral = referral_at(from_status, vs, vs_user)
    events = referral.history.count()
    with pytest.raises(ValidationError) as refused:
        move(referral, to_status, officer=referral.case.officer, agency_user=vs_user, now=TUESDAY)
    message = " ".join(refused.value.messages).lower()
    assert S(from_status).label.lower() in message
    assert S(to_status).label.lower() in message
    fresh = Referral.objects.get(pk=referral.pk)
    assert fresh.status == from_status
    assert fresh.history.count() == events


def test_sending_sets_the_agencys_response_target(vs, vs_user):
    referral = sent_referral(vs, now=REPORTED)
    fresh = Referral.objects.get(pk=referral.pk)
    assert fresh.sent_at == REPORTED
    # Two working days after Monday: the end of Wednesday.
    assert fresh.respond_by == end_of(2026, 3, 4)
    assert fresh.responded_at is None
    services.accept(referral=fresh, by=vs_user, now=TUESDAY)
    assert Referral.objects.get(pk=referral.pk).responded_at == TUESDAY


def test_a_returned_referral_sent_again_gets_a_new_response_target(vs, vs_user):
    referral = sent_referral(vs)
    services.return_for_information(referral=referral, by=vs_user, reason="Language?", now=TUESDAY)
    resent = services.send_referral(referral=referral, by=referral.case.officer, now=THURSDAY)
    fresh = Referral.objects.get(pk=resent.pk)
    assert fresh.status == S.SENT
    assert fresh.sent_at == THURSDAY
    assert fresh.respond_by == end_of(2026, 3, 9)  # Thursday + 2 working days: Monday
    assert fresh.responded_at is None
    assert fresh.history.last().note == "Sent again with more information"


@pytest.mark.parametrize(
    ("service", "field"),
    [
        (services.decline, "reason"),
        (services.return_for_information, "reason"),
    ],
)
def test_the_agency_must_say_why(service, field, vs, vs_user):
    referral = sent_referral(vs)
    with pytest.raises(ValidationError) as refused:
        service(referral=referral, by=vs_user, reason="  ", now=TUESDAY)
    assert field in refused.value.message_dict
    assert Referral.objects.get(pk=referral.pk).status == S.SENT


def test_closing_needs_an_outcome_and_withdrawing_a_reason(vs, vs_user):
    referral = sent_referral(vs)
    services.accept(referral=referral, by=vs_user, now=TUESDAY)
    with pytest.raises(ValidationError):
        services.close(referral=referral, by=vs_user, outcome=" ", now=TUESDAY)
    with pytest.raises(ValidationError):
        services.withdraw(referral=referral, by=referral.case.officer, reason="", now=TUESDAY)
    assert Referral.objects.get(pk=referral.pk).status == S.ACCEPTED


def test_a_stale_copy_cannot_move_a_referral_someone_else_moved(vs, vs_user):
    referral = sent_referral(vs)
    stale = Referral.objects.get(pk=referral.pk)
    services.accept(referral=referral, by=vs_user, now=TUESDAY)
    with pytest.raises(ValidationError):
        services.decline(referral=stale, by=vs_user, reason="Full", now=TUESDAY)
    assert Referral.objects.get(pk=referral.pk).status == S.ACCEPTED


# --- who may move it ---------------------------------------------------------------------------

AGENCY_MOVES = {
    "accept": lambda r, u: services.accept(referral=r, by=u, now=TUESDAY),
    "decline": lambda r, u: services.decline(referral=r, by=u, reason="Full", now=TUESDAY),
    "return": lambda r, u: services.return_for_information(
        referral=r, by=u, reason="More", now=TUESDAY
    ),
    "start": lambda r, u: services.start(referral=r, by=u, now=TUESDAY),
    "close": lambda r, u: services.close(referral=r, by=u, outcome="Done", now=TUESDAY),
    "update": lambda r, u: services.add_update(referral=r, by=u, note="Called", now=TUESDAY),
}
# The status each agency move can be made from.
AGENCY_MOVE_FROM = {
    "accept": S.SENT,
    "decline": S.SENT,
    "return": S.SENT,
    "start": S.ACCEPTED,
    "close": S.ACCEPTED,
    "update": S.ACCEPTED,
}


@pytest.mark.parametrize("action", AGENCY_MOVES)
def test_another_agency_cannot_act_on_the_referral(action, vs, vs_user):
    referral = referral_at(AGENCY_MOVE_FROM[action], vs, vs_user)
    other = make_user(
        Role.AGENCY, agency=AgencyFactory(kind=AgencyKind.OTHER, name="Elsewhere Support")
    )
    with pytest.raises(PermissionDenied):
        AGENCY_MOVES[action](referral, other)
    fresh = Referral.objects.get(pk=referral.pk)
    assert fresh.status == AGENCY_MOVE_FROM[action]
    assert not fresh.history.filter(by=other).exists()


@pytest.mark.parametrize("action", sorted(set(AGENCY_MOVES) - {"update"}))
@pytest.mark.parametrize("role", [Role.OFFICER, Role.SUPERVISOR])
def test_the_police_cannot_make_the_agencys_moves(action, role, vs, vs_user):
    referral = referral_at(AGENCY_MOVE_FROM[action], vs, vs_user)
    for police in (referral.case.officer, make_user(role)):
        with pytest.raises(PermissionDenied):
            AGENCY_MOVES[action](referral, police)
    assert Referral.objects.get(pk=referral.pk).status == AGENCY_MOVE_FROM[action]


POLICE_MOVES = {
    "send": (S.DRAFT, lambda r, u: services.send_referral(referral=r, by=u, now=TUESDAY)),
    "withdraw": (
        S.SENT,
        lambda r, u: services.withdraw(referral=r, by=u, reason="No", now=TUESDAY),
    ),
    "record consent": (S.DRAFT, lambda r, u: consent(r, u, now=TUESDAY)),
    "withdraw consent": (
        S.SENT,
        lambda r, u: services.withdraw_consent(referral=r, by=u, how="Phoned", now=TUESDAY),
    ),
}


@pytest.mark.parametrize("action", POLICE_MOVES)
def test_the_agency_cannot_make_the_polices_moves(action, vs, vs_user):
    status, make = POLICE_MOVES[action]
    referral = referral_at(status, vs, vs_user)
    with pytest.raises(PermissionDenied):
        make(referral, vs_user)
    fresh = Referral.objects.get(pk=referral.pk)
    assert fresh.status == status
    assert fresh.consent_withdrawn_at is None


def test_the_agency_cannot_create_a_referral(vs, vs_user):
    case = make_case()
    with pytest.raises(PermissionDenied):
        services.create_referral(
            party=victim_of(case),
            agency=AgencyFactory(kind=AgencyKind.RESTORATIVE_JUSTICE, name="RJ Hub"),
            by=vs_user,
            support_requested="Restorative justice",
            lawful_basis=LawfulBasis.CONSENT,
            scope=ALL_SHARED,
            method=ConsentMethod.PHONE,
            now=TUESDAY,
        )


def test_the_agency_and_the_police_may_both_add_updates(vs, vs_user):
    referral = referral_at(S.ACCEPTED, vs, vs_user)
    services.add_update(referral=referral, by=vs_user, note="First session booked", now=TUESDAY)
    services.add_update(
        referral=referral, by=referral.case.officer, note="Victim moved", now=TUESDAY
    )
    notes = list(referral.history.filter(kind="update").values_list("note", flat=True))
    assert notes == ["First session booked", "Victim moved"]


# --- consent -----------------------------------------------------------------------------------


def opt_in_case(kind):
    """A case whose victim must opt in: a sexual offence, domestic abuse, or a bereaved
    relative (here after a road death, an offence with no opt-in flag of its own)."""
    if kind == "bereaved":
        return make_case("death_dangerous_driving", victim_role=PartyRole.BEREAVED)
    return make_case(kind)


OPT_IN = ["rape", "sexual_assault", "abh_domestic", "coercive_control", "bereaved"]


@pytest.mark.parametrize("kind", OPT_IN)
def test_opt_in_victims_need_explicit_consent(kind, vs):
    case = opt_in_case(kind)
    party = case.parties.get()
    assert services.needs_opt_in(party)
    referral = proposed(party)
    assert referral.lawful_basis == LawfulBasis.EXPLICIT_CONSENT
    assert "explicit consent" in referral.proposed_reason
    with pytest.raises(ValidationError) as refused:
        consent(referral, case.officer, basis=LawfulBasis.CONSENT)
    assert "opt in" in refused.value.message_dict["lawful_basis"][0]
    assert Referral.objects.get(pk=referral.pk).consent_recorded_at is None
    consent(referral, case.officer, basis=LawfulBasis.EXPLICIT_CONSENT, now=TUESDAY)
    sent = services.send_referral(referral=referral, by=case.officer, now=TUESDAY)
    assert sent.status == S.SENT


@pytest.mark.parametrize("basis", [LawfulBasis.PUBLIC_TASK, LawfulBasis.LEGAL_OBLIGATION])
def test_opt_in_victims_may_be_referred_on_another_lawful_basis(basis, vs):
    case = make_case("rape")
    referral = proposed(victim_of(case))
    services.record_consent(
        referral=referral,
        by=case.officer,
        lawful_basis=basis,
        scope=[ShareItem.CONTACT],
        method="",
        sharing_exception=sharing_exception("legal_duty"),
        sharing_reason="Code referral to the commissioned victim service",
        now=TUESDAY,
    )
    sent = services.send_referral(referral=referral, by=case.officer, now=TUESDAY)
    assert (sent.status, sent.lawful_basis) == (S.SENT, basis)


@pytest.mark.parametrize("code", ["theft_other", "burglary_residential", "abh"])
def test_other_victims_are_referred_unless_they_opt_out(code, vs):
    case = make_case(code)
    party = victim_of(case)
    assert not services.needs_opt_in(party)
    referral = proposed(party)
    assert referral.lawful_basis == LawfulBasis.CONSENT
    assert "unless they opt out" in referral.proposed_reason
    consent(referral, case.officer, basis=LawfulBasis.CONSENT)
    assert services.send_referral(referral=referral, by=case.officer, now=TUESDAY).status == S.SENT


@pytest.mark.parametrize("code", ["theft_other", "rape"])
def test_a_referral_is_not_sent_without_consent(code, vs):
    case = make_case(code)
    referral = proposed(victim_of(case))
    with pytest.raises(ValidationError) as refused:
        services.send_referral(referral=referral, by=case.officer, now=TUESDAY)
    assert "consent" in refused.value.message_dict["lawful_basis"][0]
    fresh = Referral.objects.get(pk=referral.pk)
    assert (fresh.status, fresh.sent_at) == (S.DRAFT, None)
    assert r4(victim_of(case)).status == DutyStatus.DUE


def test_a_referral_is_not_sent_on_plain_consent_once_the_victim_must_opt_in(vs):
    """Consent was taken on an assault later found to be domestic abuse: ask again."""
    case = make_case("abh")
    referral = consent(proposed(victim_of(case)), case.officer, basis=LawfulBasis.CONSENT)
    cases.update_case(
        case=case,
        by=case.officer,
        expected_version=case.version,
        offence=offence("abh_domestic"),
        now=TUESDAY,
    )
    referral = Referral.objects.get(pk=referral.pk)  # as the next page would read it
    with pytest.raises(ValidationError) as refused:
        services.send_referral(referral=referral, by=case.officer, now=TUESDAY)
    assert "explicit consent" in refused.value.message_dict["lawful_basis"][0]
    assert Referral.objects.get(pk=referral.pk).status == S.DRAFT


def test_consent_needs_what_is_shared_and_how_it_was_given(vs):
    case = make_case()
    referral = proposed(victim_of(case))
    with pytest.raises(ValidationError) as refused:
        services.record_consent(
            referral=referral,
            by=case.officer,
            lawful_basis=LawfulBasis.CONSENT,
            scope=[],
            method="",
            now=TUESDAY,
        )
    assert set(refused.value.message_dict) == {"scope", "method"}
    with pytest.raises(ValidationError) as refused:
        services.record_consent(
            referral=referral,
            by=case.officer,
            lawful_basis="because",
            scope=["everything"],
            method=ConsentMethod.PHONE,
            now=TUESDAY,
        )
    assert set(refused.value.message_dict) == {"lawful_basis", "scope"}


def test_consent_is_recorded_with_who_when_and_what(vs):
    case = make_case()
    referral = consent(proposed(victim_of(case)), case.officer, now=TUESDAY)
    fresh = Referral.objects.get(pk=referral.pk)
    assert fresh.consent_active
    assert fresh.consent_scope == sorted(ALL_SHARED)
    assert (fresh.consent_recorded_at, fresh.consent_recorded_by) == (TUESDAY, case.officer)
    event = fresh.history.get(kind="consent")
    assert (event.by, event.at) == (case.officer, TUESDAY)


def test_consent_is_not_recorded_after_the_referral_is_sent(vs, vs_user):
    referral = sent_referral(vs)
    with pytest.raises(ValidationError):
        consent(referral, referral.case.officer, now=TUESDAY)


def test_consent_is_not_recorded_on_a_stale_copy_of_a_withdrawn_referral(vs):
    """Recording consent on a copy read before someone withdrew the referral must not bring
    it back to draft, nor clear the withdrawal."""
    case = make_case()
    referral = proposed(victim_of(case))
    stale = Referral.objects.get(pk=referral.pk)
    services.withdraw(referral=referral, by=case.officer, reason="Declined support", now=TUESDAY)
    with pytest.raises(ValidationError):
        consent(stale, case.officer, now=WEDNESDAY)
    fresh = Referral.objects.get(pk=referral.pk)
    assert fresh.status == S.WITHDRAWN
    assert fresh.consent_recorded_at is None


def test_consent_is_refused_with_an_unknown_method(vs):
    case = make_case()
    with pytest.raises(ValidationError) as refused:
        services.record_consent(
            referral=proposed(victim_of(case)),
            by=case.officer,
            lawful_basis=LawfulBasis.CONSENT,
            scope=ALL_SHARED,
            method="telepathy",
            now=TUESDAY,
        )
    assert set(refused.value.message_dict) == {"method"}


def test_consent_follows_the_referral_policy_in_force_on_the_day(vs):
    """A force that drops the opt-in rule from a date: what is asked follows the day it is asked,
    not the day the code runs."""
    ReferralPolicy.objects.create(
        name="Everyone opts out",
        effective_from=datetime.date(2090, 1, 1),
        source="Test",
        opt_in_flags=[],
        opt_in_roles=[],
    )
    later = london(2090, 1, 2, 10, 0)
    case = make_case("rape", now=later)
    referral = proposed(victim_of(case))
    assert referral.lawful_basis == LawfulBasis.CONSENT
    assert "unless they opt out" in referral.proposed_reason
    consent(referral, case.officer, basis=LawfulBasis.CONSENT, now=later)
    assert services.send_referral(referral=referral, by=case.officer, now=later).status == S.SENT
    # Before that date the victim must still opt in.
    earlier = proposed(victim_of(make_case("rape")))
    assert earlier.lawful_basis == LawfulBasis.EXPLICIT_CONSENT


def test_without_a_referral_policy_cases_are_still_recorded_but_nothing_is_proposed(vs):
    ReferralPolicy.objects.all().delete()
    case = make_case()
    assert case.pk and victim_of(case)
    assert not Referral.objects.exists()
    with pytest.raises(ValidationError) as refused:
        services.create_referral(
            party=victim_of(case),
            agency=vs,
            by=case.officer,
            support_requested="Support",
            lawful_basis=LawfulBasis.CONSENT,
            scope=ALL_SHARED,
            method=ConsentMethod.PHONE,
            now=TUESDAY,
        )
    assert "No referral policy" in refused.value.messages[0]


def test_a_draft_is_not_sent_to_an_agency_that_no_longer_takes_referrals(vs):
    case = make_case()
    referral = consent(proposed(victim_of(case)), case.officer)
    type(vs).objects.filter(pk=vs.pk).update(is_active=False)
    referral = Referral.objects.get(pk=referral.pk)
    with pytest.raises(ValidationError) as refused:
        services.send_referral(referral=referral, by=case.officer, now=TUESDAY)
    assert "agency" in refused.value.message_dict
    assert Referral.objects.get(pk=referral.pk).status == S.DRAFT


def test_an_officers_own_referral_records_consent_at_once(vs):
    case = make_case("rape")
    rj = AgencyFactory(kind=AgencyKind.RESTORATIVE_JUSTICE, name="Northshire RJ Hub")
    referral = services.create_referral(
        party=victim_of(case),
        agency=rj,
        by=case.officer,
        support_requested="Wants to meet the offender",
        lawful_basis=LawfulBasis.EXPLICIT_CONSENT,
        scope=ALL_SHARED,
        method=ConsentMethod.IN_PERSON,
        now=TUESDAY,
    )
    assert (referral.status, referral.created_by, referral.consent_active) == (
        S.DRAFT,
        case.officer,
        True,
    )
    with pytest.raises(ValidationError):
        services.create_referral(
            party=victim_of(case),
            agency=rj,
            by=case.officer,
            support_requested="Again",
            lawful_basis=LawfulBasis.EXPLICIT_CONSENT,
            scope=ALL_SHARED,
            method=ConsentMethod.IN_PERSON,
            now=TUESDAY,
        )
    with pytest.raises(ValidationError):
        services.create_referral(
            party=victim_of(make_case("sexual_assault")),
            agency=rj,
            by=case.officer,
            support_requested="Restorative justice",
            lawful_basis=LawfulBasis.CONSENT,
            scope=ALL_SHARED,
            method=ConsentMethod.IN_PERSON,
            now=TUESDAY,
        )


# --- withdrawing consent -----------------------------------------------------------------------


@pytest.fixture
def vs_staff(vs, vs_user):
    """Every active user of the victim service, and users who must hear nothing."""
    second = make_user(Role.AGENCY, agency=vs)
    make_user(Role.AGENCY, agency=vs, is_active=False)
    make_user(Role.AGENCY, agency=AgencyFactory(kind=AgencyKind.OTHER, name="Elsewhere Support"))
    return {vs_user.pk, second.pk}


@pytest.mark.parametrize("status", [S.SENT, S.RETURNED, S.ACCEPTED, S.IN_PROGRESS])
def test_withdrawing_consent_withdraws_an_open_referral_and_tells_the_agency(
    status, vs, vs_user, vs_staff
):
    referral = referral_at(status, vs, vs_user)
    officer = referral.case.officer
    services.withdraw_consent(
        referral=referral, by=officer, how="Victim phoned to say no", now=WEDNESDAY
    )
    fresh = Referral.objects.get(pk=referral.pk)
    assert fresh.status == S.WITHDRAWN
    assert not fresh.consent_active
    assert (fresh.consent_withdrawn_at, fresh.consent_withdrawn_by) == (WEDNESDAY, officer)
    events = list(
        fresh.history.filter(at=WEDNESDAY).values_list("kind", "from_status", "to_status")
    )
    assert events == [("consent_withdrawn", "", ""), ("move", status, S.WITHDRAWN)]
    assert fresh.history.get(kind="consent_withdrawn").note == "Victim phoned to say no"
    told = Notification.objects.filter(kind=Kind.REFERRAL_WITHDRAWN, referral=referral)
    assert set(told.values_list("recipient", flat=True)) == vs_staff
    assert all("Consent withdrawn" in n.title and n.case_id is None for n in told)


def test_consent_cannot_be_withdrawn_twice(vs, vs_user, vs_staff):
    referral = sent_referral(vs)
    officer = referral.case.officer
    services.withdraw_consent(referral=referral, by=officer, how="By letter", now=WEDNESDAY)
    with pytest.raises(ValidationError):
        services.withdraw_consent(referral=referral, by=officer, how="Again", now=THURSDAY)
    stale = Referral.objects.get(pk=referral.pk)
    with pytest.raises(ValidationError):
        services.withdraw_consent(referral=stale, by=officer, how="Again", now=THURSDAY)
    assert Referral.objects.get(pk=referral.pk).consent_withdrawn_at == WEDNESDAY
    assert ReferralEvent.objects.filter(referral=referral, kind="consent_withdrawn").count() == 1
    assert Notification.objects.filter(kind=Kind.REFERRAL_WITHDRAWN).count() == len(vs_staff)


def test_a_stale_copy_cannot_withdraw_consent_a_second_time(vs, vs_user, vs_staff):
    referral = sent_referral(vs)
    officer = referral.case.officer
    stale = Referral.objects.get(pk=referral.pk)
    services.withdraw_consent(referral=referral, by=officer, how="By letter", now=WEDNESDAY)
    with pytest.raises(ValidationError):
        services.withdraw_consent(referral=stale, by=officer, how="Again", now=THURSDAY)
    fresh = Referral.objects.get(pk=referral.pk)
    assert fresh.consent_withdrawn_at == WEDNESDAY
    assert fresh.history.filter(kind="consent_withdrawn").count() == 1


def test_withdrawing_consent_needs_how(vs, vs_user):
    referral = sent_referral(vs)
    with pytest.raises(ValidationError):
        services.withdraw_consent(
            referral=referral, by=referral.case.officer, how=" ", now=WEDNESDAY
        )
    assert Referral.objects.get(pk=referral.pk).consent_active


def test_withdrawing_consent_before_sending_tells_no_agency(vs, vs_user, vs_staff):
    case = make_case()
    referral = consent(proposed(victim_of(case)), case.officer)
    services.withdraw_consent(referral=referral, by=case.officer, how="Changed mind", now=TUESDAY)
    assert Referral.objects.get(pk=referral.pk).status == S.WITHDRAWN
    assert not Notification.objects.exists()


def test_withdrawing_consent_leaves_a_finished_referral_as_it_was(vs, vs_user, vs_staff):
    referral = referral_at(S.CLOSED, vs, vs_user)
    services.withdraw_consent(
        referral=referral, by=referral.case.officer, how="Letter", now=WEDNESDAY
    )
    fresh = Referral.objects.get(pk=referral.pk)
    assert (fresh.status, fresh.consent_active) == (S.CLOSED, False)
    # The agency still holds what was shared: it is told to stop using it.
    assert Notification.objects.filter(kind=Kind.REFERRAL_WITHDRAWN).count() == len(vs_staff)


def test_withdrawing_consent_to_a_referral_on_public_task_keeps_it_open(vs, vs_user, vs_staff):
    case = make_case()
    referral = services.record_consent(
        referral=proposed(victim_of(case)),
        by=case.officer,
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        scope=ALL_SHARED,
        method=ConsentMethod.PHONE,
        sharing_exception=sharing_exception("legal_duty"),
        sharing_reason="Code referral to the commissioned victim service",
        now=REPORTED,
    )
    services.send_referral(referral=referral, by=case.officer, now=REPORTED)
    services.withdraw_consent(referral=referral, by=case.officer, how="Phone", now=TUESDAY)
    fresh = Referral.objects.get(pk=referral.pk)
    assert fresh.status == S.SENT
    assert Notification.objects.filter(kind=Kind.REFERRAL_WITHDRAWN).count() == len(vs_staff)


def test_the_police_withdrawing_a_sent_referral_tell_the_agency(vs, vs_user, vs_staff):
    referral = sent_referral(vs)
    services.withdraw(
        referral=referral, by=referral.case.officer, reason="Victim moved away", now=TUESDAY
    )
    told = Notification.objects.filter(kind=Kind.REFERRAL_WITHDRAWN, referral=referral)
    assert set(told.values_list("recipient", flat=True)) == vs_staff
    assert all("withdrawn by the police" in n.title for n in told)
    assert Referral.objects.get(pk=referral.pk).reason == "Victim moved away"


def test_withdrawing_a_referral_after_consent_was_withdrawn_still_tells_the_agency(
    vs, vs_user, vs_staff
):
    """On public task the referral outlives the victim's consent; when the police later withdraw
    it, the agency hears that too, not only the earlier consent notice."""
    case = make_case()
    referral = services.record_consent(
        referral=proposed(victim_of(case)),
        by=case.officer,
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        scope=ALL_SHARED,
        method=ConsentMethod.PHONE,
        sharing_exception=sharing_exception("legal_duty"),
        sharing_reason="Code referral to the commissioned victim service",
        now=REPORTED,
    )
    services.send_referral(referral=referral, by=case.officer, now=REPORTED)
    services.withdraw_consent(referral=referral, by=case.officer, how="Phone", now=TUESDAY)
    services.withdraw(referral=referral, by=case.officer, reason="Case closed", now=WEDNESDAY)
    titles = sorted(
        Notification.objects.filter(recipient=vs_user, kind=Kind.REFERRAL_WITHDRAWN).values_list(
            "title", flat=True
        )
    )
    assert len(titles) == 2
    assert "Consent withdrawn" in titles[1]
    assert "withdrawn by the police" in titles[0]


def test_withdrawing_a_draft_tells_no_agency(vs, vs_user, vs_staff):
    case = make_case()
    services.withdraw(
        referral=proposed(victim_of(case)), by=case.officer, reason="Declined", now=TUESDAY
    )
    assert not Notification.objects.exists()


# --- the Right 4 duty ---------------------------------------------------------------------------


def test_the_r4_duty_is_due_two_working_days_after_the_report(vs):
    case = make_case()
    duty = r4(victim_of(case))
    assert duty.status == DutyStatus.DUE
    assert duty.due_at == end_of(2026, 3, 4)


@pytest.mark.parametrize(
    ("sent_at", "status"),
    [
        (TUESDAY, DutyStatus.MET),
        (end_of(2026, 3, 4), DutyStatus.MET),
        (THURSDAY, DutyStatus.MET_LATE),
    ],
)
def test_sending_a_referral_meets_r4_on_time_or_late(sent_at, status, vs):
    case = make_case()
    referral = consent(proposed(victim_of(case)), case.officer, now=sent_at)
    services.send_referral(referral=referral, by=case.officer, now=sent_at)
    duty = r4(victim_of(case))
    assert (duty.status, duty.met_at, duty.met_by) == (status, sent_at, case.officer)
    assert str(referral.agency) in duty.met_record


def test_any_referral_sent_meets_r4(vs):
    """An ISVA referral sent before the victim service one meets the duty."""
    isva = AgencyFactory(kind=AgencyKind.ISVA, name="Northshire ISVA Service")
    case = make_case("rape")
    party = victim_of(case)
    referral = proposed(party, AgencyKind.ISVA)
    assert referral.agency == isva
    consent(referral, case.officer, basis=LawfulBasis.EXPLICIT_CONSENT, now=TUESDAY)
    services.send_referral(referral=referral, by=case.officer, now=TUESDAY)
    assert r4(party).status == DutyStatus.MET
    # Sending the next one later changes nothing.
    other = consent(proposed(party), case.officer, basis=LawfulBasis.EXPLICIT_CONSENT)
    services.send_referral(referral=other, by=case.officer, now=THURSDAY)
    assert (r4(party).status, r4(party).met_at) == (DutyStatus.MET, TUESDAY)


def test_drafting_and_consent_do_not_meet_r4(vs):
    case = make_case()
    consent(proposed(victim_of(case)), case.officer, now=TUESDAY)
    assert r4(victim_of(case)).status == DutyStatus.DUE


# --- proposals ----------------------------------------------------------------------------------


def test_a_new_victim_case_proposes_the_victim_service_once(vs, vs_user):
    case = make_case()
    party = victim_of(case)
    referral = Referral.objects.get(party=party)
    assert referral.agency == vs
    assert (referral.status, referral.sent_at, referral.created_by) == (S.DRAFT, None, None)
    assert referral.created_at == REPORTED
    assert "Right 4" in referral.proposed_reason
    event = referral.history.get()
    assert (event.kind, event.to_status, event.by) == ("proposed", S.DRAFT, None)
    assert services.propose_for_party(party, now=TUESDAY) == []
    assert Referral.objects.filter(party=party).count() == 1


def test_a_case_proposes_nothing_without_an_agency():
    case = make_case("rape")
    assert not Referral.objects.filter(case=case).exists()


def test_a_witness_gets_no_proposal(vs):
    case = make_case()
    witness = PartyFactory(case=case, role=PartyRole.WITNESS, now=TUESDAY)
    assert not Referral.objects.filter(party=witness).exists()
    assert services.propose_for_party(witness, now=TUESDAY) == []


def test_a_victim_added_later_is_proposed_too(vs):
    case = make_case()
    second = PartyFactory(case=case, role=PartyRole.VICTIM, now=TUESDAY)
    referral = Referral.objects.get(party=second)
    assert (referral.agency, referral.status, referral.created_at) == (vs, S.DRAFT, TUESDAY)


def test_a_closed_referral_allows_a_new_proposal(vs, vs_user):
    referral = referral_at(S.DECLINED, vs, vs_user)
    again = services.propose_for_party(referral.party, now=WEDNESDAY)
    assert [r.status for r in again] == [S.DRAFT]


@pytest.fixture
def sexual_violence_agencies(vs):
    return {
        AgencyKind.ISVA: AgencyFactory(kind=AgencyKind.ISVA, name="Northshire ISVA Service"),
        AgencyKind.SARC: AgencyFactory(kind=AgencyKind.SARC, name="The Haven SARC"),
    }


@pytest.mark.parametrize(
    ("days_ago", "sarc"),
    [(0, True), (3, True), (7, True), (8, False), (400, False)],
)
def test_a_sexual_offence_proposes_isva_and_if_recent_sarc(
    days_ago, sarc, sexual_violence_agencies
):
    case = make_case("rape", occurred_at=REPORTED - days_ago * DAY - HOUR * (days_ago == 0))
    kinds = set(Referral.objects.filter(case=case).values_list("agency__kind", flat=True))
    expected = {AgencyKind.VICTIM_SERVICE, AgencyKind.ISVA} | ({AgencyKind.SARC} if sarc else set())
    assert kinds == expected
    for referral in Referral.objects.filter(case=case):
        assert referral.status == S.DRAFT
        assert referral.lawful_basis == LawfulBasis.EXPLICIT_CONSENT
    if sarc:
        assert "within 7 days" in proposed(victim_of(case), AgencyKind.SARC).proposed_reason


def test_the_sarc_window_follows_the_policy(sexual_violence_agencies):
    services.policy(REPORTED.date()).__class__.objects.update(sarc_recent_days=30)
    case = make_case("sexual_assault", occurred_at=REPORTED - 20 * DAY)
    assert proposed(victim_of(case), AgencyKind.SARC)


def test_a_non_sexual_offence_proposes_no_isva_or_sarc(sexual_violence_agencies):
    case = make_case("abh")
    kinds = set(Referral.objects.filter(case=case).values_list("agency__kind", flat=True))
    assert kinds == {AgencyKind.VICTIM_SERVICE}


@pytest.fixture
def child_agencies(vs):
    return {
        AgencyKind.YOUNG_WITNESS: AgencyFactory(
            kind=AgencyKind.YOUNG_WITNESS, name="NSPCC Young Witness Service"
        ),
        AgencyKind.CHILDRENS_SOCIAL_CARE: AgencyFactory(
            kind=AgencyKind.CHILDRENS_SOCIAL_CARE, name="Northshire Children's Services"
        ),
    }


@pytest.mark.parametrize(
    ("date_of_birth", "child"),
    [
        (datetime.date(2014, 6, 1), True),  # 11
        (datetime.date(2008, 3, 3), True),  # 18 the day after the offence
        (datetime.date(2008, 3, 2), False),  # 18 on the day
        (datetime.date(1980, 1, 1), False),
    ],
)
def test_a_child_victim_proposes_young_witness_and_childrens_social_care(
    date_of_birth, child, child_agencies
):
    case = make_case(
        victim={"first_name": "Alfie", "last_name": "Brackenbury", "date_of_birth": date_of_birth}
    )
    kinds = set(Referral.objects.filter(case=case).values_list("agency__kind", flat=True))
    expected = {AgencyKind.VICTIM_SERVICE}
    if child:
        expected |= {AgencyKind.YOUNG_WITNESS, AgencyKind.CHILDRENS_SOCIAL_CARE}
    assert kinds == expected


def dash_answers(yes):
    return {str(n): "yes" if n <= yes else "no" for n in range(1, 28)}


@pytest.fixture
def marac_agencies(vs):
    return {
        AgencyKind.MARAC: AgencyFactory(kind=AgencyKind.MARAC, name="Northshire MARAC"),
        AgencyKind.IDVA: AgencyFactory(kind=AgencyKind.IDVA, name="Northshire IDVA Service"),
    }


@pytest.mark.parametrize("yes", [14, 20, 27])
def test_a_high_risk_dash_proposes_marac_and_idva(yes, marac_agencies):
    case = make_case("abh_domestic")
    party = victim_of(case)
    assessment = cases.assess_risk(
        party=party, by=case.officer, answers=dash_answers(yes), now=TUESDAY
    )
    assert assessment.marac_referral
    for kind in (AgencyKind.MARAC, AgencyKind.IDVA):
        referral = proposed(party, kind)
        assert referral.agency == marac_agencies[kind]
        assert (referral.status, referral.sent_at) == (S.DRAFT, None)
        assert referral.risk_level == "high"
        assert referral.lawful_basis == LawfulBasis.EXPLICIT_CONSENT
        assert "MARAC" in referral.proposed_reason
    # A second assessment proposes nothing new while those are open.
    cases.assess_risk(party=party, by=case.officer, answers=dash_answers(yes), now=WEDNESDAY)
    assert Referral.objects.filter(party=party, agency__kind=AgencyKind.MARAC).count() == 1


def test_a_dash_below_the_threshold_proposes_no_marac(marac_agencies):
    case = make_case("abh_domestic")
    party = victim_of(case)
    assessment = cases.assess_risk(
        party=party, by=case.officer, answers=dash_answers(13), now=TUESDAY
    )
    assert not assessment.marac_referral
    assert not Referral.objects.filter(
        party=party, agency__kind__in=[AgencyKind.MARAC, AgencyKind.IDVA]
    ).exists()


def test_an_agency_whose_criteria_do_not_fit_is_skipped(vs):
    """Agencies are tried in name order: one for children only, then one for adults."""
    AgencyFactory(
        kind=AgencyKind.ISVA, name="A Children's ISVA", accepts_max_age=17, accepts_min_age=0
    )
    adults = AgencyFactory(kind=AgencyKind.ISVA, name="B Adult ISVA", accepts_min_age=18)
    case = make_case(
        "rape",
        occurred_at=REPORTED - 30 * DAY,
        victim={
            "first_name": "Ann",
            "last_name": "Lee",
            "date_of_birth": datetime.date(1990, 1, 1),
        },
    )
    assert proposed(victim_of(case), AgencyKind.ISVA).agency == adults
    child = make_case(
        "rape",
        occurred_at=REPORTED - 30 * DAY,
        victim={"first_name": "Bo", "last_name": "Lee", "date_of_birth": datetime.date(2012, 1, 1)},
    )
    assert proposed(victim_of(child), AgencyKind.ISVA).agency.name == "A Children's ISVA"


def test_an_agency_for_other_offences_or_risks_or_inactive_is_skipped():
    AgencyFactory(
        kind=AgencyKind.VICTIM_SERVICE,
        name="A DA Service",
        accepts_offence_flags=["domestic_abuse"],
    )
    AgencyFactory(kind=AgencyKind.VICTIM_SERVICE, name="B Closed Service", is_active=False)
    general = AgencyFactory(kind=AgencyKind.VICTIM_SERVICE, name="C General Service")
    AgencyFactory(kind=AgencyKind.MARAC, name="MARAC", accepts_risk_levels=["high"])
    AgencyFactory(kind=AgencyKind.IDVA, name="A Medium IDVA", accepts_risk_levels=["medium"])
    idva = AgencyFactory(kind=AgencyKind.IDVA, name="B High IDVA", accepts_risk_levels=["high"])
    theft = make_case()
    assert proposed(victim_of(theft)).agency == general
    domestic = make_case("abh_domestic")
    party = victim_of(domestic)
    assert proposed(party).agency.name == "A DA Service"
    cases.assess_risk(party=party, by=domestic.officer, answers=dash_answers(14), now=TUESDAY)
    assert proposed(party, AgencyKind.IDVA).agency == idva


def test_no_fitting_agency_means_no_proposal():
    AgencyFactory(
        kind=AgencyKind.VICTIM_SERVICE, name="DA only", accepts_offence_flags=["domestic_abuse"]
    )
    AgencyFactory(kind=AgencyKind.YOUNG_WITNESS, name="Young", accepts_max_age=17)
    case = make_case()
    assert not Referral.objects.filter(case=case).exists()


def test_proposals_are_drafts_that_nobody_outside_the_police_sees(vs, sexual_violence_agencies):
    agency_users = [
        make_user(Role.AGENCY, agency=agency) for agency in [vs, *sexual_violence_agencies.values()]
    ]
    case = make_case("rape")
    made = Referral.objects.filter(case=case)
    assert made.count() == 3
    assert set(made.values_list("status", flat=True)) == {S.DRAFT}
    assert not made.filter(sent_at__isnull=False).exists()
    assert r4(victim_of(case)).status == DutyStatus.DUE
    assert not Notification.objects.exists()
    for user in agency_users:
        assert not Referral.objects.visible_to(user).exists()


# --- who sees which referral --------------------------------------------------------------------


def test_an_agency_sees_only_its_own_sent_referrals(vs, vs_user):
    other_agency = AgencyFactory(kind=AgencyKind.RESTORATIVE_JUSTICE, name="RJ Hub")
    other_user = make_user(Role.AGENCY, agency=other_agency)
    mine = sent_referral(vs)
    draft = proposed(victim_of(make_case()))
    case = make_case()
    theirs = services.create_referral(
        party=victim_of(case),
        agency=other_agency,
        by=case.officer,
        support_requested="RJ",
        lawful_basis=LawfulBasis.CONSENT,
        scope=ALL_SHARED,
        method=ConsentMethod.PHONE,
        now=REPORTED,
    )
    services.send_referral(referral=theirs, by=case.officer, now=REPORTED)
    assert list(Referral.objects.visible_to(vs_user)) == [mine]
    assert list(Referral.objects.visible_to(other_user)) == [theirs]
    assert draft.agency == vs
    # Answered, their referral stays theirs alone.
    services.accept(referral=mine, by=vs_user, now=TUESDAY)
    assert list(Referral.objects.visible_to(vs_user)) == [mine]
    assert list(Referral.objects.visible_to(other_user)) == [theirs]


def test_agency_users_without_an_agency_or_inactive_see_nothing(vs, vs_user):
    sent_referral(vs)
    assert Referral.objects.visible_to(vs_user).exists()
    User.objects.filter(pk=vs_user.pk).update(agency=None)
    assert not Referral.objects.visible_to(User.objects.get(pk=vs_user.pk)).exists()
    User.objects.filter(pk=vs_user.pk).update(agency=vs)
    vs_user.is_active = False
    vs_user.save()
    assert not Referral.objects.visible_to(vs_user).exists()


def test_an_agency_does_not_see_a_referral_withdrawn_before_it_was_sent(vs, vs_user):
    case = make_case()
    referral = proposed(victim_of(case))
    services.withdraw(referral=referral, by=case.officer, reason="Declined", now=TUESDAY)
    assert not Referral.objects.visible_to(vs_user).exists()


def test_police_see_referrals_on_the_cases_they_see(vs, vs_user):
    open_case = make_case()
    team = TeamFactory()
    supervisor = make_user(Role.SUPERVISOR)
    add_to_team(team=team, user=supervisor, is_supervisor=True)
    restricted = make_case(restricted=True, team=team)
    colleague = make_user(Role.OFFICER)
    on_open = proposed(victim_of(open_case))
    on_restricted = proposed(victim_of(restricted))
    assert set(Referral.objects.visible_to(colleague)) == {on_open}
    assert set(Referral.objects.visible_to(restricted.officer)) == {on_open, on_restricted}
    assert on_restricted in Referral.objects.visible_to(supervisor)
    # The agency sees neither, drafts as they are.
    assert not Referral.objects.visible_to(vs_user).exists()
    # Sent, the restricted case's referral is still hidden from the colleague.
    consent(on_restricted, restricted.officer)
    services.send_referral(referral=on_restricted, by=restricted.officer, now=REPORTED)
    assert on_restricted not in Referral.objects.visible_to(colleague)
    assert list(Referral.objects.visible_to(vs_user)) == [on_restricted]


def test_nobody_signed_out_sees_referrals(vs):
    from django.contrib.auth.models import AnonymousUser

    sent_referral(vs)
    assert not Referral.objects.visible_to(AnonymousUser()).exists()
