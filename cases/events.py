"""What happened to a case, published for the apps above cases to react to.

cases records; it does not know what the Code owes for what it records (entitlements) or which
support a victim should be offered (referrals). Each service publishes one of these events once
its own rows are saved; entitlements and referrals subscribe in their AppConfig.ready(). Handlers
run inside the service's transaction, lowest layer first (outbox/events.py says why), so an
event recorded without its duties can never be committed.

Events and who listens:
- CaseCreated: entitlements meets "record the crime" (Right 2).
- PartyAdded: entitlements starts what is owed to the person; referrals proposes support.
- EnhancedChanged: entitlements re-times the person's open duties.
- ContactRecorded: entitlements meets the duties the officer ticked, or the agreed update.
- UpdatesAgreed: entitlements meets the agreement duty and schedules the agreed updates.
- EventRecorded / EventWithdrawn: entitlements starts, or withdraws, the duties an event triggers
  (cases itself puts back what the event changed on the case: its status, its Witness Care Unit).
- CaseClosed: entitlements withdraws what no longer applies (the agreed updates not yet due) and
  starts what the rules give for a closure (the final update on the outcome).
- CaseReopened: entitlements brings back what the closing withdrew, withdraws the closing's own
  duties still open, and starts what the rules give for a reopening.
- NeedsAssessed: entitlements meets the needs assessment duty and starts what the needs call for.
- PersistentlyTargeted: a person was found persistently targeted under the policy (once per
  finding); notifications tells the supervisors of the case's team. Their duties are re-timed by
  the EnhancedChanged each of their parties gained with the basis.
- RecordMade: a record that meets a duty by itself (a risk assessment, an MG2, a VPS offer, a
  witness care officer assigned); entitlements meets it; referrals proposes MARAC or an IDVA
  after a risk assessment.
- PeopleMerged: two records of one person made one (cases/merging.py), before the folded record
  is removed; surveys moves the person's survey opt-out to the kept record. Duties, referrals
  and everything else kept per party follow the party, which moved already.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from outbox.events import Channel


class RecordKind(models.TextChoices):
    """A record that meets a duty by itself (entitlements.MetBy names the same kinds)."""

    RISK_ASSESSMENT = "risk_assessment", "A risk assessment"
    MG2_SUBMITTED = "mg2_submitted", "An MG2 submitted"
    VPS_OFFERED = "vps_offered", "A victim personal statement offered"
    VPS_OFFERED_AT_CHARGE = "vps_offered_at_charge", "A victim personal statement offered at charge"
    VPS_OFFERED_BEFORE_SENTENCE = (
        "vps_offered_before_sentence",
        "A victim personal statement offered before sentence",
    )
    WCO_ASSIGNED = "wco_assigned", "A witness care officer assigned"


@dataclass(frozen=True)
class CaseCreated:
    case: Any  # cases.models.Case
    at: datetime.datetime


@dataclass(frozen=True)
class PartyAdded:
    party: Any  # cases.models.Party
    at: datetime.datetime  # when what is owed to them starts: the report, or now
    at_report: bool  # the first victim, added with the case
    now: datetime.datetime


@dataclass(frozen=True)
class EnhancedChanged:
    party: Any
    now: datetime.datetime


@dataclass(frozen=True)
class ContactRecorded:
    contact: Any  # cases.models.Contact
    meets: tuple = ()  # the duties the officer ticked as met by this contact


@dataclass(frozen=True)
class UpdatesAgreed:
    agreement: Any  # cases.models.UpdateAgreement


@dataclass(frozen=True)
class EventRecorded:
    event: Any  # cases.models.CaseEvent


@dataclass(frozen=True)
class EventWithdrawn:
    event: Any
    by: Any  # accounts.models.User
    at: datetime.datetime


@dataclass(frozen=True)
class CaseClosed:
    case: Any
    at: datetime.datetime
    closure: Any = None  # cases.models.CaseClosure: who closed it, and any override


@dataclass(frozen=True)
class CaseReopened:
    case: Any
    closure: Any  # the CaseClosure reopened, with who reopened it, when and why
    at: datetime.datetime
    by: Any


@dataclass(frozen=True)
class NeedsAssessed:
    assessment: Any  # cases.models.NeedsAssessment


@dataclass(frozen=True)
class RecordMade:
    """A record that meets a duty by itself: for one person (party) or the whole case."""

    kind: RecordKind
    case: Any
    at: datetime.datetime
    by: Any
    record: str  # what the duty's history says met it
    party: Any = None  # None: the record is about the case (a witness care officer assigned)
    subject: Any = field(default=None)  # the record itself, e.g. the RiskAssessment


@dataclass(frozen=True)
class PersistentlyTargeted:
    targeting: Any  # cases.models.PersistentTargeting, new: its party's case's team is told
    now: datetime.datetime


@dataclass(frozen=True)
class PeopleMerged:
    kept: Any  # cases.models.Person, which now holds every case link of both
    merged_person_id: int  # the record folded into it, removed once the handlers have run
    merge: Any  # cases.models.PersonMerge: who, when, why


channel = Channel("cases")
subscribe = channel.subscribe
publish = channel.publish
