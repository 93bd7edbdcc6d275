"""Fictional demo cases for the demo force, built through the services as an officer would.

Everyone here is invented. Emails use example.com and phone numbers Ofcom's drama range
(07700 900000 to 900999); postcodes use the made-up "NS" (Northshire) area. Dates are relative
to `now`. A case whose crime reference already exists is left alone, so this can run again.
Development only: `demo_data` calls it, and refuses to run with DEBUG off.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import Team, User
from cases import services
from cases.models import (
    Basis,
    Case,
    CaseOutcome,
    ContactMethod,
    ContactPurpose,
    EventKind,
    OffenceCategory,
    Party,
    PartyRole,
    Person,
    SpecialMeasure,
    SpecialMeasuresStatus,
    ThriveGrade,
    UpdateMethod,
    VpsReading,
    VpsStatus,
)
from referrals import services as referrals
from referrals.models import AgencyKind, Referral, ReferralStatus, ShareItem

VBC = "Victim Based Crime Team"
HUB = "Vulnerability Hub"
NEIGHBOURHOOD = "Northtown Neighbourhood Team"
WCU = "Witness Care Unit"
DEMO_USERNAMES = ("officer", "officer2", "officer3", "supervisor", "witnesscare")
DEMO_TEAMS = (VBC, HUB, NEIGHBOURHOOD, WCU)


@dataclass
class _Demo:
    now: datetime.datetime
    users: dict[str, User]
    teams: dict[str, Team]

    def at(self, days_ago: int, hour: int, minute: int = 0) -> datetime.datetime:
        """A local clock time `days_ago` days before now, never later than now."""
        day = timezone.localtime(self.now) - datetime.timedelta(days=days_ago)
        moment = day.replace(hour=hour, minute=minute, second=0, microsecond=0)
        return min(moment, self.now - datetime.timedelta(minutes=1))

    def ahead(self, days: int, hour: int, minute: int = 0) -> datetime.datetime:
        day = timezone.localtime(self.now) + datetime.timedelta(days=days)
        return day.replace(hour=hour, minute=minute, second=0, microsecond=0)

    def open_case(
        self,
        *,
        reference: str,
        offence: str,
        officer: str,
        team: str,
        victim: dict,
        occurred_at: datetime.datetime,
        reported_at: datetime.datetime,
        victim_role: str = PartyRole.VICTIM,
        **fields,
    ) -> tuple[Case, Party]:
        user = self.users[officer]
        recorded_at = fields.pop(
            "recorded_at", min(reported_at + datetime.timedelta(minutes=40), self.now)
        )
        case = services.create_case(
            by=user,
            crime_reference=reference,
            victim=victim,
            victim_role=victim_role,
            offence=OffenceCategory.objects.get(code=offence),
            occurred_at=occurred_at,
            reported_at=reported_at,
            recorded_at=recorded_at,
            team=self.teams[team],
            officer=user,
            # Opened when it was recorded: a record cannot be made before it happens.
            now=max(reported_at, recorded_at or reported_at),
            **fields,
        )
        return case, case.parties.get()

    def add(self, case: Case, person: Person | dict, role: str, *, at) -> Party:
        if isinstance(person, dict):
            person = services.create_person(by=case.officer, **person)
        return services.add_party(case=case, person=person, role=role, by=case.officer, now=at)

    def contact(self, party: Party, *, at, purpose, method, summary, by=None, **kwargs):
        return services.record_contact(
            case=party.case,
            party=party,
            by=by or party.case.officer,
            occurred_at=at,
            method=method,
            purpose=purpose,
            summary=summary,
            now=self.now,
            **kwargs,
        )

    def agree(self, party: Party, *, at, every: int, method: str, notes: str = "", by=None):
        return services.agree_updates(
            party=party,
            by=by or party.case.officer,
            frequency_days=every,
            method=method,
            notes=notes,
            now=at,
        )

    def event(self, case: Case, kind: str, *, at, by=None, **kwargs):
        return services.record_event(
            case=case, by=by or case.officer, kind=kind, occurred_at=at, now=self.now, **kwargs
        )

    def assess_needs(self, party: Party, *, at, by=None, **answers):
        return services.record_needs_assessment(
            party=party, by=by or party.case.officer, now=at, **answers
        )


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year - years, day=28)


# --- the cases ----------------------------------------------------------------------------------


def _burglary(demo: _Demo) -> Case:
    case, victim = demo.open_case(
        reference="NS/104211/26",
        offence="burglary_residential",
        officer="officer",
        team=VBC,
        occurred_at=demo.at(12, 2, 30),
        reported_at=demo.at(12, 7, 40),
        thrive_grade=ThriveGrade.SCHEDULED,
        offence_summary="Rear kitchen window forced overnight; jewellery and a laptop taken.",
        victim={
            "first_name": "Margaret",
            "last_name": "Ellison",
            "date_of_birth": datetime.date(1956, 4, 12),
            "email": "margaret.ellison@example.com",
            "phone": "07700 900142",
            "address": "14 Larch Close\nNorthtown",
            "postcode": "NS4 7QT",
        },
    )
    demo.contact(
        victim,
        at=demo.at(12, 11, 15),
        method=ContactMethod.HOME_VISIT,
        purpose=ContactPurpose.INITIAL,
        summary=(
            "Attended with the crime scene investigator. Explained the Victims' Code and gave "
            "crime prevention advice about the rear window."
        ),
    )
    demo.assess_needs(
        victim,
        at=demo.at(12, 11, 30),
        support_needs="Would like Victim Services to help with replacement locks.",
        restorative_justice_info_given=True,
        vps_offered=True,
    )
    demo.agree(victim, at=demo.at(12, 11, 40), every=28, method=UpdateMethod.PHONE)
    demo.contact(
        victim,
        at=demo.at(4, 15, 5),
        method=ContactMethod.PHONE,
        purpose=ContactPurpose.UPDATE,
        summary="Fingerprint results still awaited; house-to-house enquiries found no CCTV.",
    )
    return case


def _common_assault(demo: _Demo) -> Case:
    case, victim = demo.open_case(
        reference="NS/104388/26",
        offence="common_assault",
        officer="officer3",
        team=NEIGHBOURHOOD,
        occurred_at=demo.at(36, 23, 15),
        reported_at=demo.at(36, 23, 40),
        thrive_grade=ThriveGrade.PRIORITY,
        offence_summary="Pushed and slapped by an unknown man in a queue outside a takeaway.",
        victim={
            "first_name": "Daniel",
            "last_name": "Whitmore",
            "date_of_birth": datetime.date(1994, 9, 3),
            "email": "daniel.whitmore@example.com",
            "phone": "07700 900217",
            "address": "Flat 3, 22 Mill Street\nNorthtown",
            "postcode": "NS2 1HB",
        },
    )
    demo.add(
        case,
        {
            "first_name": "Kerry",
            "last_name": "Lomas",
            "phone": "07700 900218",
            "email": "kerry.lomas@example.com",
            "address": "8 Garden Row\nNorthtown",
            "postcode": "NS2 3PD",
        },
        PartyRole.WITNESS,
        at=demo.at(35, 10),
    )
    demo.contact(
        victim,
        at=demo.at(35, 9, 30),
        method=ContactMethod.FACE_TO_FACE,
        purpose=ContactPurpose.INITIAL,
        summary="Statement taken at Northtown police station. Victims' Code explained.",
    )
    demo.assess_needs(victim, at=demo.at(35, 9, 45), support_needs="None identified.")
    demo.agree(victim, at=demo.at(35, 9, 50), every=14, method=UpdateMethod.EMAIL)
    # The last update was 20 days ago on a 14-day agreement: the next one is overdue.
    demo.contact(
        victim,
        at=demo.at(20, 14, 0),
        method=ContactMethod.EMAIL,
        purpose=ContactPurpose.UPDATE,
        summary="CCTV from the takeaway requested; the suspect has not been identified yet.",
    )
    return case


def _domestic_abuse(demo: _Demo) -> Case:
    case, victim = demo.open_case(
        reference="NS/104502/26",
        offence="abh_domestic",
        officer="officer2",
        team=HUB,
        occurred_at=demo.at(6, 21, 30),
        reported_at=demo.at(6, 21, 50),
        thrive_grade=ThriveGrade.IMMEDIATE,
        offence_summary="Punched and pushed down the stairs by her partner: bruising, a cut lip.",
        victim={
            "first_name": "Chloe",
            "last_name": "Marsden",
            "date_of_birth": datetime.date(1997, 11, 21),
            "email": "chloe.marsden@example.com",
            "phone": "07700 900388",
            "address": "7 Quarry View\nEastby",
            "postcode": "NS6 2LP",
        },
    )
    services.save_safe_contact(
        person=victim.person,
        by=case.officer,
        expected_version=victim.person.safe_contact.version,
        phone_safe=True,
        text_safe=False,
        email_safe=False,
        letter_safe=False,
        visit_safe=True,
        may_leave_message=False,
        safe_times="Weekdays 10:00 to 14:00 only",
        alternative_contact="Her sister, Amy Marsden, 07700 900389",
        notes=(
            "He knows her phone and email passwords: no texts, emails or voicemail. If anyone "
            "else answers, say you are calling from the surgery and ring off."
        ),
    )
    demo.contact(
        victim,
        at=demo.at(6, 22, 5),
        method=ContactMethod.FACE_TO_FACE,
        purpose=ContactPurpose.INITIAL,
        summary="Seen at the scene. Injuries photographed; first account and safety plan.",
    )
    demo.event(case, EventKind.ARREST, at=demo.at(6, 23, 10))
    demo.event(case, EventKind.INTERVIEW, at=demo.at(5, 10, 0))
    answers = {str(n): "no" for n in range(1, 28)}
    for number in (1, 2, 3, 6, 8, 13, 14, 15, 16, 17, 18, 20, 23, 24, 26, 27):
        answers[str(number)] = "yes"
    for number in (9, 22):
        answers[str(number)] = "not_known"
    services.assess_risk(party=victim, by=case.officer, answers=answers, now=demo.at(5, 11, 0))
    demo.assess_needs(
        victim,
        at=demo.at(5, 11, 30),
        safe_contact_notes="Mobile only, weekdays 10:00 to 14:00. No messages or letters.",
        intimidated=True,
        intimidation_factors=["Behaviour of the suspect", "Domestic circumstances"],
        support_needs="IDVA referral (she agreed). Advice about a non-molestation order.",
        special_measures_needed=True,
        special_measures_notes="Does not want to see him in court: screens or a live link.",
        vps_offered=True,
    )
    demo.agree(
        victim,
        at=demo.at(5, 11, 45),
        every=7,
        method=UpdateMethod.PHONE,
        notes="Mobile only, weekdays 10:00 to 14:00; never leave a message.",
    )
    demo.event(
        case,
        EventKind.BAIL,
        at=demo.at(5, 16, 0),
        notes="Pre-charge bail: not to contact Chloe Marsden directly or indirectly; not to enter "
        "Eastby.",
    )
    demo.contact(
        victim,
        at=demo.at(5, 16, 30),
        method=ContactMethod.PHONE,
        purpose=ContactPurpose.UPDATE,
        summary="Told her he is on bail and what the conditions are. Call 999 if he breaches them.",
    )
    return case


def _rape(demo: _Demo) -> Case:
    case, victim = demo.open_case(
        reference="NS/104617/26",
        offence="rape",
        officer="officer2",
        team=HUB,
        occurred_at=demo.at(19, 1, 0),
        reported_at=demo.at(17, 14, 0),
        thrive_grade=ThriveGrade.PRIORITY,
        offence_summary="Raped by a man she met that evening, at his flat after a party.",
        victim={
            "first_name": "Rebecca",
            "last_name": "Thornton",
            "date_of_birth": datetime.date(2001, 2, 14),
            "email": "rebecca.thornton@example.com",
            "phone": "07700 900451",
            "address": "28 Beech Road\nSouthgate",
            "postcode": "NS3 8DF",
        },
    )
    demo.contact(
        victim,
        at=demo.at(17, 16, 0),
        method=ContactMethod.FACE_TO_FACE,
        purpose=ContactPurpose.INITIAL,
        summary="Seen at the SARC with an ISVA. Video-recorded interview arranged.",
    )
    demo.assess_needs(
        victim,
        at=demo.at(17, 17, 0),
        support_needs="ISVA from Northshire ISVA and SARC (she agreed to the referral).",
        special_measures_needed=True,
        special_measures_notes="Video-recorded interview done; would like screens at court.",
        vps_offered=True,
    )
    demo.agree(victim, at=demo.at(17, 17, 15), every=14, method=UpdateMethod.PHONE)
    demo.event(case, EventKind.ARREST, at=demo.at(15, 7, 0))
    demo.event(case, EventKind.INTERVIEW, at=demo.at(15, 13, 0))
    demo.event(
        case,
        EventKind.RUI,
        at=demo.at(14, 18, 0),
        notes="Released under investigation while phones and forensic samples are examined.",
    )
    demo.contact(
        victim,
        at=demo.at(14, 18, 30),
        method=ContactMethod.PHONE,
        purpose=ContactPurpose.UPDATE,
        summary="Told her of the arrest and release under investigation, and why.",
    )
    services.record_vps(
        party=victim,
        by=case.officer,
        status=VpsStatus.LATER,
        notes="Wants to think about it and talk to her ISVA first.",
        now=demo.at(14, 18, 35),
    )
    return case


def _hate_crime(demo: _Demo) -> Case:
    case, victim = demo.open_case(
        reference="NS/104733/26",
        offence="racially_aggravated_assault",
        officer="officer",
        team=VBC,
        occurred_at=demo.at(9, 17, 45),
        reported_at=demo.at(9, 18, 5),
        thrive_grade=ThriveGrade.PRIORITY,
        offence_summary="Racially abused and punched at a bus stop on Canal Side.",
        victim={
            "first_name": "Tariq",
            "last_name": "Mahmood",
            "date_of_birth": datetime.date(1988, 6, 30),
            "email": "tariq.mahmood@example.com",
            "phone": "07700 900563",
            "address": "41 Canal Side\nNorthtown",
            "postcode": "NS1 5RW",
        },
    )
    demo.add(
        case,
        {
            "first_name": "Joanne",
            "last_name": "Pryce",
            "date_of_birth": datetime.date(1979, 1, 19),
            "phone": "07700 900564",
            "email": "joanne.pryce@example.com",
            "address": "3 Brook Cottages\nWestfield",
            "postcode": "NS5 1AX",
        },
        PartyRole.WITNESS,
        at=demo.at(9, 18, 30),
    )
    demo.contact(
        victim,
        at=demo.at(9, 19, 0),
        method=ContactMethod.FACE_TO_FACE,
        purpose=ContactPurpose.INITIAL,
        summary="Seen at the scene; first account taken. Hate crime support explained.",
    )
    demo.assess_needs(
        victim,
        at=demo.at(8, 10, 0),
        support_needs="Referred to the Victim Services hate crime caseworker.",
        restorative_justice_info_given=True,
        vps_offered=True,
    )
    demo.agree(victim, at=demo.at(8, 10, 10), every=14, method=UpdateMethod.TEXT)
    demo.event(case, EventKind.ARREST, at=demo.at(7, 8, 30))
    demo.event(case, EventKind.INTERVIEW, at=demo.at(7, 14, 0))
    demo.event(
        case,
        EventKind.BAIL,
        at=demo.at(7, 19, 0),
        notes="Pre-charge bail: not to contact Tariq Mahmood; not to enter Canal Side.",
    )
    demo.contact(
        victim,
        at=demo.at(7, 19, 30),
        method=ContactMethod.TEXT,
        purpose=ContactPurpose.UPDATE,
        summary="Told him of the arrest and the bail conditions.",
    )
    return case


def _homicide(demo: _Demo) -> Case:
    case, widow = demo.open_case(
        reference="NS/104850/26",
        offence="murder",
        officer="supervisor",
        team=VBC,
        occurred_at=demo.at(25, 1, 30),
        reported_at=demo.at(25, 1, 40),
        thrive_grade=ThriveGrade.IMMEDIATE,
        offence_summary="Man fatally stabbed in Northtown town centre (Operation Larkspur).",
        victim_role=PartyRole.BEREAVED,
        victim={
            "first_name": "Janet",
            "last_name": "Cartwright",
            "date_of_birth": datetime.date(1964, 8, 8),
            "email": "janet.cartwright@example.com",
            "phone": "07700 900672",
            "address": "9 Orchard Way\nWestfield",
            "postcode": "NS5 3JN",
        },
    )
    son = services.create_person(
        by=case.officer,
        first_name="Paul",
        last_name="Cartwright",
        date_of_birth=datetime.date(1989, 3, 17),
        email="paul.cartwright@example.com",
        phone="07700 900673",
        address="31 Meadow Drive\nWestfield",
        postcode="NS5 4BQ",
    )
    bereaved_son = demo.add(case, son, PartyRole.BEREAVED, at=demo.at(25, 9, 0))
    spokesperson = demo.add(case, son, PartyRole.FAMILY_SPOKESPERSON, at=demo.at(24, 12, 0))
    demo.contact(
        widow,
        at=demo.at(25, 6, 0),
        method=ContactMethod.HOME_VISIT,
        purpose=ContactPurpose.INITIAL,
        summary="Family liaison officers deployed. The family's questions noted.",
    )
    demo.assess_needs(
        widow,
        at=demo.at(24, 11, 0),
        support_needs="Referred to the National Homicide Service. Family liaison officer: "
        "DC Ruth Galloway.",
        communication_and_language="Would rather hear updates through her son Paul.",
        vps_offered=True,
    )
    demo.assess_needs(
        bereaved_son,
        at=demo.at(24, 11, 30),
        support_needs="Referred to the National Homicide Service with his mother.",
        vps_offered=True,
    )
    demo.agree(
        widow,
        at=demo.at(24, 11, 45),
        every=7,
        method=UpdateMethod.VISIT,
        notes="Through the family liaison officer, with Paul present.",
    )
    demo.agree(
        spokesperson,
        at=demo.at(24, 12, 5),
        every=3,
        method=UpdateMethod.PHONE,
        notes="Family spokesperson: speaks for the family to the police and the press.",
    )
    demo.event(case, EventKind.ARREST, at=demo.at(24, 4, 30))
    demo.event(case, EventKind.INTERVIEW, at=demo.at(23, 15, 0))
    for party, days_ago in ((spokesperson, 2), (widow, 3)):
        demo.contact(
            party,
            at=demo.at(days_ago, 11, 0),
            method=ContactMethod.HOME_VISIT if party is widow else ContactMethod.PHONE,
            purpose=ContactPurpose.UPDATE,
            summary="Post-mortem results explained; the suspect remains in custody.",
        )
    return case


def _child_victim(demo: _Demo) -> Case:
    occurred = demo.at(8, 16, 10)
    born = _years_before(timezone.localdate(occurred), 15) - datetime.timedelta(days=120)
    case, child = demo.open_case(
        reference="NS/104966/26",
        offence="robbery_personal",
        officer="officer3",
        team=NEIGHBOURHOOD,
        occurred_at=occurred,
        reported_at=demo.at(8, 17, 0),
        thrive_grade=ThriveGrade.PRIORITY,
        offence_summary="Phone and headphones taken by two older boys on his way home from school.",
        victim={
            "first_name": "Jayden",
            "last_name": "Clarke",
            "date_of_birth": born,  # 15 on the day of the offence: under 18 is worked out
            "address": "63 Hawthorn Avenue\nNorthtown",
            "postcode": "NS2 6EY",
        },
    )
    mother = demo.add(
        case,
        {
            "first_name": "Michelle",
            "last_name": "Clarke",
            "date_of_birth": datetime.date(1983, 5, 9),
            "email": "michelle.clarke@example.com",
            "phone": "07700 900784",
            "address": "63 Hawthorn Avenue\nNorthtown",
            "postcode": "NS2 6EY",
        },
        PartyRole.PARENT_GUARDIAN,
        at=demo.at(8, 17, 5),
    )
    for party in (child, mother):
        demo.contact(
            party,
            at=demo.at(8, 19, 0),
            method=ContactMethod.HOME_VISIT,
            purpose=ContactPurpose.INITIAL,
            summary="Visited Jayden at home with his mother; first account taken.",
        )
    demo.assess_needs(
        child,
        at=demo.at(8, 19, 30),
        communication_and_language="His mother to be present for all contact.",
        support_needs="Referred to the Victim Services young victims' service.",
        vps_offered=True,
    )
    demo.agree(
        child,
        at=demo.at(8, 19, 40),
        every=14,
        method=UpdateMethod.PHONE,
        notes="Updates to his mother, Michelle Clarke, after 16:00.",
    )
    demo.contact(
        child,
        at=demo.at(2, 16, 30),
        method=ContactMethod.PHONE,
        purpose=ContactPurpose.UPDATE,
        summary="Told his mother the school's CCTV is being reviewed.",
    )
    return case


def _post_charge(demo: _Demo) -> Case:
    wcu, unit = demo.users["witnesscare"], demo.teams[WCU]
    case, victim = demo.open_case(
        reference="NS/103120/26",
        offence="gbh_with_intent_knife",
        officer="officer",
        team=VBC,
        occurred_at=demo.at(75, 0, 40),
        reported_at=demo.at(75, 0, 55),
        thrive_grade=ThriveGrade.IMMEDIATE,
        offence_summary="Stabbed in the arm outside a nightclub on Market Street.",
        victim={
            "first_name": "Liam",
            "last_name": "Doherty",
            "date_of_birth": datetime.date(1999, 12, 2),
            "email": "liam.doherty@example.com",
            "phone": "07700 900815",
            "address": "5 Station Terrace\nNorthtown",
            "postcode": "NS1 2AA",
        },
    )
    witness = demo.add(
        case,
        {
            "first_name": "Sophie",
            "last_name": "Bennett",
            "date_of_birth": datetime.date(2000, 7, 25),
            "email": "sophie.bennett@example.com",
            "phone": "07700 900816",
            "address": "17 Kingsley Road\nNorthtown",
            "postcode": "NS1 9GG",
        },
        PartyRole.WITNESS,
        at=demo.at(75, 3, 0),
    )
    demo.contact(
        victim,
        at=demo.at(75, 9, 0),
        method=ContactMethod.FACE_TO_FACE,
        purpose=ContactPurpose.INITIAL,
        summary="Seen in hospital after surgery. Victims' Code explained; statement to follow.",
    )
    demo.assess_needs(
        victim,
        at=demo.at(74, 14, 0),
        intimidated=True,
        intimidation_factors=["Nature of the offence", "Suspect's associates live nearby"],
        support_needs="Victim Services referral; help with a claim to the CICA.",
        special_measures_needed=True,
        special_measures_notes="Wants screens so he does not have to see the defendant.",
        court_transport_needed=True,
        vps_offered=True,
    )
    demo.agree(victim, at=demo.at(74, 14, 15), every=28, method=UpdateMethod.PHONE)
    demo.event(case, EventKind.ARREST, at=demo.at(75, 3, 0))
    demo.event(case, EventKind.INTERVIEW, at=demo.at(74, 11, 0))
    demo.event(
        case,
        EventKind.CHARGE,
        at=demo.at(73, 18, 0),
        notes="Charged with wounding with intent (s.18) and possessing a bladed article. "
        "Remanded in custody.",
    )
    demo.event(case, EventKind.PASSED_TO_WCU, at=demo.at(72, 9, 0), wcu_team=unit)
    services.assign_witness_care_officer(case=case, officer=wcu, by=wcu)
    demo.event(
        case,
        EventKind.HEARING_LISTED,
        at=demo.at(73, 18, 30),
        received_at=demo.at(72, 9, 30),
        hearing_at=demo.at(72, 10, 0),
        venue="Northshire Magistrates' Court",
        by=wcu,
    )
    demo.event(
        case,
        EventKind.HEARING_OUTCOME,
        at=demo.at(72, 12, 0),
        received_at=demo.at(72, 15, 0),
        outcome="Sent to Northshire Crown Court; remanded in custody.",
        by=wcu,
    )
    demo.event(
        case,
        EventKind.HEARING_LISTED,
        at=demo.at(72, 12, 0),
        received_at=demo.at(72, 15, 0),
        hearing_at=demo.at(44, 10, 0),
        venue="Northshire Crown Court",
        notes="Plea and trial preparation hearing.",
        by=wcu,
    )
    demo.event(
        case,
        EventKind.HEARING_OUTCOME,
        at=demo.at(44, 12, 30),
        received_at=demo.at(43, 9, 0),
        outcome="Not guilty plea; trial fixed.",
        by=wcu,
    )
    demo.event(
        case,
        EventKind.HEARING_LISTED,
        at=demo.at(44, 12, 30),
        received_at=demo.at(43, 9, 0),
        hearing_at=demo.ahead(26, 10, 0),
        venue="Northshire Crown Court",
        notes="Trial, estimated 4 days.",
        by=wcu,
    )
    for party in (victim, witness):
        demo.event(
            case,
            EventKind.REQUIRED_TO_GIVE_EVIDENCE,
            at=demo.at(44, 12, 30),
            received_at=demo.at(43, 9, 0),
            party=party,
            by=wcu,
        )
    demo.agree(
        victim,
        at=demo.at(43, 10, 0),
        every=14,
        method=UpdateMethod.PHONE,
        notes="Witness Care Unit takes over updates until the trial.",
        by=wcu,
    )
    demo.contact(
        victim,
        at=demo.at(43, 10, 15),
        method=ContactMethod.PHONE,
        purpose=ContactPurpose.POST_CHARGE,
        summary="Told him of the not guilty plea and the trial date. Court needs assessed.",
        by=wcu,
    )
    screens = SpecialMeasure.objects.filter(section="s23")
    services.record_special_measures(
        party=victim,
        by=case.officer,
        eligibility="intimidated",
        status=SpecialMeasuresStatus.GRANTED,
        measures=screens,
        mg2_submitted_at=demo.at(42, 11, 0),
        decision_at=demo.at(30, 14, 0),
        notes="Screens granted at the application hearing.",
        # Written up once the court had decided: nothing is recorded before it happens.
        now=demo.at(30, 14, 30),
    )
    demo.event(
        case,
        EventKind.SPECIAL_MEASURES_DECISION,
        at=demo.at(30, 14, 0),
        received_at=demo.at(29, 9, 30),
        party=victim,
        outcome="Screens granted.",
        by=wcu,
    )
    services.record_vps(
        party=victim,
        by=case.officer,
        status=VpsStatus.TAKEN,
        reading_preference=VpsReading.READ_BY_VICTIM,
        notes="About the effect on his work and sleep. He would like to read it himself.",
        now=demo.at(35, 15, 0),
    )
    services.save_witness_care(
        party=victim,
        by=wcu,
        expected_version=1,
        dates_to_avoid=f"Hospital follow-up on {demo.ahead(33, 9):%d %B %Y}.",
        pre_trial_visit_offered_at=demo.at(20, 11, 0),
        expenses_info_given_at=demo.at(43, 10, 15),
        court_needs_assessed_at=demo.at(43, 10, 15),
        notes="Transport to court needed: taxi to be booked by the Witness Service.",
    )
    services.save_witness_care(
        party=witness,
        by=wcu,
        expected_version=1,
        dates_to_avoid=(
            f"On holiday from {demo.ahead(40, 9):%d %B} to {demo.ahead(47, 9):%d %B %Y}."
        ),
        pre_trial_visit_offered_at=demo.at(20, 11, 30),
        expenses_info_given_at=demo.at(43, 11, 0),
        court_needs_assessed_at=demo.at(43, 11, 0),
    )
    demo.contact(
        victim,
        at=demo.at(10, 14, 0),
        method=ContactMethod.PHONE,
        purpose=ContactPurpose.UPDATE,
        summary="Trial still listed. He accepted a pre-trial visit with the Witness Service.",
        by=wcu,
    )
    return case


def _closed(demo: _Demo) -> Case:
    case, victim = demo.open_case(
        reference="NS/102877/26",
        offence="theft_from_vehicle",
        officer="officer3",
        team=NEIGHBOURHOOD,
        occurred_at=demo.at(50, 3, 0),
        reported_at=demo.at(49, 8, 0),
        thrive_grade=ThriveGrade.RESOLUTION,
        offence_summary="Tools taken from a van parked on Ferry Lane overnight.",
        victim={
            "first_name": "Gareth",
            "last_name": "Pugh",
            "date_of_birth": datetime.date(1972, 10, 11),
            "email": "gareth.pugh@example.com",
            "phone": "07700 900927",
            "address": "2 Ferry Lane\nNorthtown",
            "postcode": "NS2 4TT",
        },
    )
    demo.contact(
        victim,
        at=demo.at(49, 10, 0),
        method=ContactMethod.PHONE,
        purpose=ContactPurpose.INITIAL,
        summary="Details taken; told him what will happen next and about Victim Services.",
    )
    demo.assess_needs(victim, at=demo.at(49, 10, 10), support_needs="None identified.")
    demo.agree(victim, at=demo.at(49, 10, 15), every=28, method=UpdateMethod.EMAIL)
    demo.contact(
        victim,
        at=demo.at(30, 11, 0),
        method=ContactMethod.EMAIL,
        purpose=ContactPurpose.UPDATE,
        summary="Nearby CCTV reviewed; nobody can be identified from it.",
    )
    demo.contact(
        victim,
        at=demo.at(21, 9, 30),
        method=ContactMethod.EMAIL,
        purpose=ContactPurpose.UPDATE,
        summary="Investigation closed: no suspect identified. It will be reopened if new "
        "information comes to light.",
    )
    # Closed by the team's supervisor over the duties still open (the written acknowledgement,
    # the VPS offer...): the dashboard's "closed with open duties" then has a case to show.
    services.close_case(
        case=case,
        by=demo.users["supervisor"],
        outcome=CaseOutcome.NO_SUSPECT,
        expected_version=case.version,
        override_reason="No suspect and no lines of enquiry left; the outstanding duties stay "
        "on the team's list and are followed up with Mr Pugh by email.",
        now=demo.at(21, 9, 45),
    )
    return case


def _restricted(demo: _Demo) -> Case:
    case, victim = demo.open_case(
        reference="NS/105011/26",
        offence="harassment",
        officer="supervisor",
        team=VBC,
        occurred_at=demo.at(30, 8, 0),
        reported_at=demo.at(14, 17, 0),
        thrive_grade=ThriveGrade.SCHEDULED,
        restricted=True,
        offence_summary="Unwanted messages and visits to her workplace from a former partner "
        "of a friend. Restricted: the victim works for the force.",
        victim={
            "first_name": "Laura",
            "last_name": "Fenwick",
            "date_of_birth": datetime.date(1985, 1, 27),
            "email": "laura.fenwick@example.com",
            "phone": "07700 900931",
            "address": "11 Sycamore Court\nSouthgate",
            "postcode": "NS3 2WE",
        },
    )
    demo.contact(
        victim,
        at=demo.at(14, 17, 30),
        method=ContactMethod.FACE_TO_FACE,
        purpose=ContactPurpose.INITIAL,
        summary="Met away from her workplace. Screenshots of the messages taken.",
    )
    demo.assess_needs(
        victim,
        at=demo.at(14, 18, 10),
        persistently_targeted=True,
        support_needs="Occupational health and Victim Services both offered.",
        vps_offered=True,
    )
    demo.agree(victim, at=demo.at(14, 18, 15), every=14, method=UpdateMethod.EMAIL)
    services.record_basis(
        party=victim,
        basis=Basis.PERSISTENTLY_TARGETED,
        applies=True,
        evidence="Messages and visits to her workplace over four weeks, and more since.",
        by=case.officer,
        now=demo.at(6, 10, 0),
    )
    demo.contact(
        victim,
        at=demo.at(2, 12, 0),
        method=ContactMethod.EMAIL,
        purpose=ContactPurpose.UPDATE,
        summary="Suspect identified; a harassment warning is being considered.",
    )
    return case


DEMO_CASES: list[tuple[str, Callable[[_Demo], Case]]] = [
    ("NS/104211/26", _burglary),
    ("NS/104388/26", _common_assault),
    ("NS/104502/26", _domestic_abuse),
    ("NS/104617/26", _rape),
    ("NS/104733/26", _hate_crime),
    ("NS/104850/26", _homicide),
    ("NS/104966/26", _child_victim),
    ("NS/103120/26", _post_charge),
    ("NS/102877/26", _closed),
    ("NS/105011/26", _restricted),
]


def create_demo_cases(now: datetime.datetime | None = None) -> list[Case]:
    """Create the demo cases that do not exist yet; return those created. Needs the demo users
    and teams (`demo_data` makes them first)."""
    now = now or timezone.now()
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    teams = {t.name: t for t in Team.objects.filter(name__in=DEMO_TEAMS)}
    missing = sorted(set(DEMO_USERNAMES) - set(users)) + sorted(set(DEMO_TEAMS) - set(teams))
    if missing:
        raise LookupError(f"Create the demo users and teams first (missing: {', '.join(missing)}).")
    demo = _Demo(now=now, users=users, teams=teams)
    existing = set(
        Case.objects.filter(crime_reference__in=[ref for ref, _ in DEMO_CASES]).values_list(
            "crime_reference", flat=True
        )
    )
    created = []
    for reference, build in DEMO_CASES:
        if reference in existing:
            continue
        with transaction.atomic():
            created.append(build(demo))
    return created


def create_demo_referrals(now: datetime.datetime | None = None) -> int:
    """Answer some of the portal's proposals, so every stage of a referral is on show. Runs once:
    only proposals still in draft are touched."""
    now = now or timezone.now()
    done = 0
    burglary = Referral.objects.filter(
        case__crime_reference="NS/104211/26",
        agency__kind=AgencyKind.VICTIM_SERVICE,
        status=ReferralStatus.DRAFT,
    ).first()
    if burglary is not None:
        officer = burglary.case.officer
        agency_user = User.objects.get(username="agency")
        referrals.record_consent(
            referral=burglary,
            by=officer,
            lawful_basis="consent",
            scope=[ShareItem.CONTACT, ShareItem.LANGUAGE, ShareItem.NEEDS],
            method="phone",
            support_requested="Reassurance and help with home security.",
            now=now - datetime.timedelta(days=11),
        )
        referrals.send_referral(
            referral=burglary, by=officer, now=now - datetime.timedelta(days=11)
        )
        referrals.accept(referral=burglary, by=agency_user, now=now - datetime.timedelta(days=10))
        referrals.add_update(
            referral=burglary,
            by=agency_user,
            note="Spoke to her; home security visit booked.",
            now=now - datetime.timedelta(days=9),
        )
        done += 1
    idva = Referral.objects.filter(
        case__crime_reference="NS/104502/26",
        agency__kind=AgencyKind.IDVA,
        status=ReferralStatus.DRAFT,
    ).first()
    if idva is not None:
        officer = idva.case.officer
        referrals.record_consent(
            referral=idva,
            by=officer,
            lawful_basis="explicit_consent",
            scope=[ShareItem.CONTACT, ShareItem.RISK, ShareItem.NEEDS],
            method="in_person",
            support_requested="High-risk domestic abuse: safety planning.",
            now=now - datetime.timedelta(hours=30),
        )
        referrals.send_referral(referral=idva, by=officer, now=now - datetime.timedelta(hours=30))
        done += 1
    return done
