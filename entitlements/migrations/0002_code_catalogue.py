"""Seed the 12 Rights, the Witness Charter standards and the duty rules from DOMAIN.md sections 2,
6 and 16. Working-day figures marked [U] or [E] there are the force's to confirm: change them in
the admin by closing a rule (effective_to) and adding its successor (a new effective_from)."""

import datetime

from django.db import migrations

CODE_2020 = datetime.date(2021, 4, 1)
VC = "victims_code"
WC = "witness_charter"

RIGHTS = [
    (
        VC,
        1,
        "To be able to understand and to be understood",
        "You can have help to understand us and to be understood, including a free interpreter "
        "when you report the crime, are interviewed or give evidence.",
        "Check the person's language and communication needs at first contact. Book an interpreter "
        "or intermediary where needed. Let a person of their choice attend unless it would "
        "prejudice the case, and explain why if not.",
    ),
    (
        VC,
        2,
        "To have the details of the crime recorded without unjustified delay",
        "We will record the crime without unjustified delay and keep interviews to a minimum.",
        "Record the crime promptly. Keep interviews to a minimum, with the same interviewer where "
        "possible. Offer an interviewer of a chosen gender to victims of sexual or domestic abuse.",
    ),
    (
        VC,
        3,
        "To be provided with information when reporting the crime",
        "We will give you written confirmation of the crime: the crime reference number, basic "
        "details and how to reach the officer dealing with it.",
        "Give written confirmation (letter, email, text or note) with the crime reference, basic "
        "details and your contact details, delivered safely. Explain the process, support, "
        "compensation and restorative justice.",
    ),
    (
        VC,
        4,
        "To be referred to services that support victims and have services and support "
        "tailored to your needs",
        "We will talk with you about what support you need and refer you to a support service "
        "within 2 working days, if you want this.",
        "Assess needs and enhanced rights eligibility. Refer to support services within 2 working "
        "days of the report, with consent. Tell the victim they can self-refer.",
    ),
    (
        VC,
        5,
        "To be provided with information about compensation",
        "We will tell you how to ask for compensation, including from the Criminal Injuries "
        "Compensation Scheme.",
        "Explain court-ordered compensation and the Criminal Injuries Compensation Scheme "
        "(usually within 2 years of the incident).",
    ),
    (
        VC,
        6,
        "To be provided with information about the investigation and prosecution",
        "We will tell you about important steps in the investigation, such as an arrest, and agree "
        "with you how often we will update you.",
        "Tell the victim of arrest, interview, release, bail or release under investigation, and "
        "decisions not to investigate or charge, within 5 working days (1 for enhanced rights). "
        "Agree update frequency and method and keep to it.",
    ),
    (
        VC,
        7,
        "To make a Victim Personal Statement",
        "You can tell the court in your own words how the crime has affected you.",
        "Explain the VPS at reporting, offer it, record whether it is taken, declined and how it "
        "should be read, and allow further statements.",
    ),
    (
        VC,
        8,
        "To be given information about the trial, trial process and your role as a witness",
        "The Witness Care Unit will tell you when and where hearings are, and whether you need to "
        "give evidence.",
        "Witness Care Unit: tell the victim the date, time and place of hearings within 1 working "
        "day of receipt, and other outcomes within 5 (1 for enhanced rights).",
    ),
    (
        VC,
        9,
        "To be given information about the outcome of the case and any appeals",
        "We will tell you the result of the case and, if the offender is convicted, the sentence.",
        "Witness Care Unit: tell the victim the outcome and the sentence within 1 working day of "
        "receipt, with a short explanation.",
    ),
    (
        VC,
        10,
        "To be paid expenses and have property returned",
        "You can claim expenses for going to court, and your property will be returned when it is "
        "no longer needed.",
        "Give expenses information before trial; return property as soon as possible.",
    ),
    (
        VC,
        11,
        "To be given information about the offender following a conviction",
        "If the offender gets 12 months or more for a violent or sexual offence, you can join the "
        "Victim Contact Scheme.",
        "Refer eligible victims to the Probation Victim Contact Scheme within 10 working days of "
        "sentence.",
    ),
    (
        VC,
        12,
        "To make a complaint about your rights not being met",
        "If we have not kept to this Code, you can complain. We will reply within 10 working days.",
        "Acknowledge or answer a complaint within 10 working days and explain escalation to the "
        "Parliamentary and Health Service Ombudsman.",
    ),
    (
        WC,
        1,
        "An initial needs assessment for every witness",
        "We will ask what help you need to give your evidence.",
        "Assess every witness's needs at first contact, including special measures.",
    ),
    (
        WC,
        2,
        "A main point of contact at every stage",
        "You will always know who to contact: the officer before charge, the Witness Care Unit "
        "after.",
        "Name the officer before charge and a witness care officer after charge.",
    ),
    (
        WC,
        3,
        "A full needs assessment if you are to give evidence",
        "If you need to go to court, the Witness Care Unit will check what support you need.",
        "Witness Care Unit: full needs assessment when a witness is required to give evidence.",
    ),
    (
        WC,
        4,
        "A visit to the court before the trial",
        "You can visit the court before the trial with the Witness Service.",
        "Offer a pre-trial court visit through the Witness Service.",
    ),
    (
        WC,
        5,
        "Information about expenses",
        "You can claim travel costs and loss of earnings for going to court.",
        "Give information about witness expenses before the trial.",
    ),
]

VICTIMS = ["victim", "bereaved", "parent_guardian", "family_spokesperson", "business_contact"]
WITNESSES = ["witness"]
EVERYONE = VICTIMS + WITNESSES
POLICE, WCU, SUP = "officer", "wcu", "supervisor"

# code, scheme, right, title, trigger, roles, std, enh, extra
RULES = [
    (
        "R1",
        VC,
        2,
        "Record the crime",
        "crime_reported",
        VICTIMS,
        None,
        None,
        {
            "calendar_hours": 24,
            "met_by": "case_recorded",
            "source": "Home Office Crime Recording Rules: 24 hours [U]",
        },
    ),
    (
        "R2",
        VC,
        3,
        "Send the written acknowledgement",
        "crime_recorded",
        VICTIMS,
        5,
        5,
        {
            "met_by": "acknowledgement_sent",
            "source": "Victims' Code 2020 Right 3; no clock in the Code, 5 working days [U/C-old]",
        },
    ),
    (
        "R3",
        VC,
        4,
        "Assess needs and enhanced rights eligibility",
        "crime_recorded",
        VICTIMS,
        2,
        2,
        {"met_by": "needs_assessment", "source": "Victims' Code 2020 Right 4; timing [E]"},
    ),
    (
        "R4",
        VC,
        4,
        "Refer to a victim support service",
        "crime_recorded",
        VICTIMS,
        2,
        2,
        {
            "met_by": "referral_sent",
            "source": "Victims' Code 2020 Right 4: within 2 working days [C]",
        },
    ),
    (
        "R5",
        VC,
        6,
        "Agree how often and how to give updates",
        "needs_assessed",
        VICTIMS,
        1,
        1,
        {"met_by": "update_agreement", "source": "Victims' Code 2020 Right 6; timing [E]"},
    ),
    (
        "R5-U",
        VC,
        6,
        "Give the agreed update",
        "update_agreed",
        VICTIMS,
        None,
        None,
        {
            "recurring": True,
            "met_by": "update_contact",
            "source": "Victims' Code 2020 Right 6: victim-led agreed frequency [C]",
        },
    ),
    (
        "R6",
        VC,
        6,
        "Explain the decision not to investigate",
        "not_investigated",
        VICTIMS,
        5,
        1,
        {"source": "Victims' Code 2020 Right 6 [C]"},
    ),
    (
        "R7",
        VC,
        6,
        "Tell them the suspect was arrested",
        "arrest",
        VICTIMS,
        5,
        1,
        {"source": "Victims' Code 2020 Right 6 [C]"},
    ),
    (
        "R8",
        VC,
        6,
        "Tell them the suspect was interviewed",
        "interview",
        VICTIMS,
        5,
        1,
        {"source": "Victims' Code 2020 Right 6 [C]"},
    ),
    (
        "R9",
        VC,
        6,
        "Tell them the suspect was released without charge, with reasons and the right to review",
        "released_no_charge",
        VICTIMS,
        5,
        1,
        {"source": "Victims' Code 2020 Right 6 [C]"},
    ),
    (
        "R10",
        VC,
        6,
        "Tell them the suspect was bailed, and the conditions",
        "bail",
        VICTIMS,
        5,
        1,
        {"source": "Victims' Code 2020 Right 6 [C]"},
    ),
    (
        "R10-RUI",
        VC,
        6,
        "Tell them the suspect was released under investigation",
        "rui",
        VICTIMS,
        5,
        1,
        {"source": "Victims' Code 2020 Right 6 [C]"},
    ),
    (
        "R10-BC",
        VC,
        6,
        "Tell them bail conditions changed or were cancelled",
        "bail_changed",
        VICTIMS,
        5,
        1,
        {"source": "Victims' Code 2020 Right 6 [C]"},
    ),
    (
        "R11",
        VC,
        6,
        "Tell them the suspect was charged, with the first hearing and bail",
        "charge",
        VICTIMS,
        5,
        1,
        {"source": "Victims' Code Right 6 [C-old]"},
    ),
    (
        "R11-OOCD",
        VC,
        6,
        "Tell them about the out-of-court disposal",
        "out_of_court",
        VICTIMS,
        5,
        1,
        {"source": "Victims' Code Right 6 [C-old]"},
    ),
    (
        "R11-NP",
        VC,
        6,
        "Tell them of the decision not to prosecute",
        "no_prosecution",
        VICTIMS,
        5,
        1,
        {"source": "Victims' Code Right 6 [C-old]"},
    ),
    (
        "R13-ACK",
        VC,
        6,
        "Acknowledge the request for a review",
        "vrr_request",
        VICTIMS,
        10,
        10,
        {"owner": SUP, "source": "Police Victims' Right to Review guidance: 10 working days [C]"},
    ),
    (
        "R13-DEC",
        VC,
        6,
        "Decide the review",
        "vrr_request",
        VICTIMS,
        30,
        30,
        {"owner": SUP, "source": "Police Victims' Right to Review guidance: 30 working days [C]"},
    ),
    (
        "R14",
        VC,
        7,
        "Offer a victim personal statement",
        "crime_recorded",
        VICTIMS,
        10,
        10,
        {"met_by": "vps_offered", "source": "Victims' Code 2020 Right 7; timing [E]"},
    ),
    (
        "R15",
        VC,
        8,
        "Assign a witness care officer",
        "passed_to_wcu",
        ["victim"],
        1,
        1,
        {"owner": WCU, "met_by": "wco_assigned", "source": "Witness Charter; SLA [E]"},
    ),
    (
        "R16",
        VC,
        8,
        "Tell them the date, time and place of the hearing",
        "hearing_listed",
        EVERYONE,
        1,
        1,
        {
            "owner": WCU,
            "receipt": True,
            "source": "Victims' Code 2020 Right 8: 1 working day for all [C]",
        },
    ),
    (
        "R17",
        VC,
        8,
        "Tell them the outcome of the hearing",
        "hearing_outcome",
        EVERYONE,
        5,
        1,
        {"owner": WCU, "receipt": True, "source": "Victims' Code 2020 Right 8 [C]"},
    ),
    (
        "R18",
        VC,
        8,
        "Tell them they must give evidence",
        "required_to_give_evidence",
        EVERYONE,
        1,
        1,
        {
            "owner": WCU,
            "receipt": True,
            "source": "Victims' Code 2020 Right 8: 1 working day for all [C]",
        },
    ),
    (
        "R19",
        VC,
        8,
        "Tell them the outcome of the special measures application",
        "special_measures_decision",
        EVERYONE,
        5,
        1,
        {"owner": WCU, "receipt": True, "source": "Victims' Code 2020 Right 8; timing [U]"},
    ),
    (
        "R20",
        VC,
        8,
        "Send the MG2 special measures assessment to the CPS",
        "special_measures_needed",
        EVERYONE,
        10,
        10,
        {"met_by": "mg2_submitted", "source": "Prosecution Team Manual of Guidance; timing [E]"},
    ),
    (
        "R21",
        VC,
        9,
        "Tell them the verdict",
        "verdict",
        EVERYONE,
        1,
        1,
        {"owner": WCU, "receipt": True, "source": "Victims' Code 2020 Right 9 [C]"},
    ),
    (
        "R22",
        VC,
        9,
        "Tell them the sentence and explain it",
        "sentence",
        VICTIMS,
        1,
        1,
        {"owner": WCU, "receipt": True, "source": "Victims' Code 2020 Right 9 [C]"},
    ),
    (
        "R23",
        VC,
        11,
        "Refer them to the Victim Contact Scheme",
        "sentence",
        VICTIMS,
        10,
        10,
        {
            "owner": WCU,
            "min_custody_months": 12,
            "offence_flags": [
                "sexual_offence",
                "homicide",
                "attempted_murder",
                "gbh_with_intent",
                "domestic_abuse",
                "kidnap",
                "false_imprisonment",
                "arson_endangering_life",
                "terrorism",
                "trafficking",
                "knife_firearm",
            ],
            "source": "Victims' Code 2020 Right 11: 10 working days after sentence [C]; "
            "specified offences [U]",
        },
    ),
    (
        "R25",
        VC,
        9,
        "Tell them about the appeal",
        "appeal",
        VICTIMS,
        5,
        1,
        {"owner": WCU, "receipt": True, "source": "Victims' Code 2020 Right 9; timing [U]"},
    ),
    (
        "R26",
        VC,
        12,
        "Answer or acknowledge the complaint",
        "complaint",
        EVERYONE,
        10,
        10,
        {"owner": SUP, "source": "Victims' Code 2020 Right 12: 10 working days [C]"},
    ),
    (
        "R29",
        VC,
        4,
        "Complete the DASH risk assessment",
        "crime_recorded",
        ["victim"],
        0,
        0,
        {
            "met_by": "risk_assessment",
            "offence_flags": ["domestic_abuse"],
            "source": "DASH 2009: at attendance, for all domestic abuse [C]",
        },
    ),
    (
        "R30",
        VC,
        6,
        "Give the final update on the outcome",
        "case_closed",
        VICTIMS,
        5,
        1,
        {"source": "Victims' Code 2020 Right 6; timing [E]"},
    ),
    (
        "WC1",
        WC,
        1,
        "Assess the witness's needs",
        "crime_recorded",
        WITNESSES,
        5,
        2,
        {"met_by": "needs_assessment", "source": "Witness Charter 2013; timing [E]"},
    ),
    (
        "WC3",
        WC,
        3,
        "Full needs assessment for court",
        "required_to_give_evidence",
        EVERYONE,
        5,
        2,
        {
            "owner": WCU,
            "receipt": True,
            "met_by": "needs_assessment",
            "source": "Witness Charter 2013; timing [E]",
        },
    ),
    (
        "WC4",
        WC,
        4,
        "Offer a pre-trial court visit",
        "required_to_give_evidence",
        EVERYONE,
        5,
        5,
        {"owner": WCU, "receipt": True, "source": "Witness Charter 2013; timing [E]"},
    ),
    (
        "WC5",
        WC,
        5,
        "Give information about expenses",
        "hearing_listed",
        EVERYONE,
        5,
        5,
        {"owner": WCU, "receipt": True, "source": "Witness Charter 2013; timing [E]"},
    ),
]


def seed(apps, schema_editor):
    Right = apps.get_model("entitlements", "Right")
    DutyRule = apps.get_model("entitlements", "DutyRule")
    rights = {}
    for scheme, number, title, summary, todo in RIGHTS:
        rights[(scheme, number)], _ = Right.objects.update_or_create(
            scheme=scheme,
            number=number,
            defaults={"title": title, "victim_summary": summary, "what_to_do": todo},
        )
    for code, scheme, number, title, trigger, roles, std, enh, extra in RULES:
        edition = "Witness Charter 2013" if scheme == WC else "Victims' Code 2020"
        DutyRule.objects.update_or_create(
            code=code,
            effective_from=CODE_2020,
            defaults={
                "right": rights[(scheme, number)],
                "title": title,
                "trigger": trigger,
                "roles": roles,
                "standard_working_days": std,
                "enhanced_working_days": enh,
                "calendar_hours": extra.get("calendar_hours"),
                "recurring": extra.get("recurring", False),
                "met_by": extra.get("met_by", "contact"),
                "owner": extra.get("owner", POLICE),
                "clock_from_receipt": extra.get("receipt", False),
                "offence_flags": extra.get("offence_flags", []),
                "min_custody_months": extra.get("min_custody_months"),
                "edition": edition,
                "source": extra["source"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("entitlements", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
