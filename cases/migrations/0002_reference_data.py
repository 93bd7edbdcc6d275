"""Seed the reference data the cases app is judged by. Each row carries its source; [U] marks
facts DOMAIN.md could not confirm, which a force should check and may change in the admin."""

import datetime

from django.db import migrations

OFFENCES = [
    # code, name, group, flags
    ("burglary_residential", "Burglary (residential)", "Burglary", []),
    ("burglary_business", "Burglary (business and community)", "Burglary", []),
    ("theft_from_vehicle", "Theft from a motor vehicle", "Theft", []),
    ("theft_other", "Other theft", "Theft", []),
    ("criminal_damage", "Criminal damage", "Criminal damage and arson", []),
    (
        "arson_endangering_life",
        "Arson endangering life",
        "Criminal damage and arson",
        ["arson_endangering_life"],
    ),
    ("fraud", "Fraud", "Fraud", []),
    ("common_assault", "Common assault", "Violence against the person", []),
    ("abh", "Assault occasioning actual bodily harm", "Violence against the person", []),
    (
        "abh_domestic",
        "Assault occasioning actual bodily harm (domestic abuse)",
        "Violence against the person",
        ["domestic_abuse"],
    ),
    (
        "coercive_control",
        "Controlling or coercive behaviour",
        "Violence against the person",
        ["domestic_abuse"],
    ),
    (
        "gbh_with_intent",
        "Wounding or causing GBH with intent",
        "Violence against the person",
        ["gbh_with_intent"],
    ),
    (
        "gbh_with_intent_knife",
        "Wounding with intent, with a knife",
        "Violence against the person",
        ["gbh_with_intent", "knife_firearm"],
    ),
    ("attempted_murder", "Attempted murder", "Violence against the person", ["attempted_murder"]),
    ("murder", "Murder", "Homicide", ["homicide"]),
    ("manslaughter", "Manslaughter", "Homicide", ["homicide"]),
    ("death_dangerous_driving", "Causing death by dangerous driving", "Homicide", []),
    ("kidnap", "Kidnapping", "Violence against the person", ["kidnap"]),
    (
        "false_imprisonment",
        "False imprisonment",
        "Violence against the person",
        ["false_imprisonment"],
    ),
    ("stalking", "Stalking", "Stalking and harassment", []),
    (
        "stalking_domestic",
        "Stalking (domestic abuse)",
        "Stalking and harassment",
        ["domestic_abuse"],
    ),
    ("harassment", "Harassment", "Stalking and harassment", []),
    ("rape", "Rape", "Sexual offences", ["sexual_offence"]),
    ("sexual_assault", "Sexual assault", "Sexual offences", ["sexual_offence"]),
    (
        "racially_aggravated_assault",
        "Racially or religiously aggravated assault",
        "Violence against the person",
        ["hate_crime"],
    ),
    (
        "hate_public_order",
        "Racially or religiously aggravated public order offence",
        "Public order",
        ["hate_crime"],
    ),
    ("modern_slavery", "Modern slavery or human trafficking", "Modern slavery", ["trafficking"]),
    ("terrorism", "Terrorism offence", "Terrorism", ["terrorism"]),
    ("robbery_personal", "Robbery of personal property", "Robbery", []),
    ("robbery_knife", "Robbery with a knife", "Robbery", ["knife_firearm"]),
    (
        "firearm_endanger_life",
        "Possession of a firearm with intent to endanger life",
        "Possession of weapons",
        ["knife_firearm"],
    ),
]

DASH_QUESTIONS = [
    ("Has the current incident resulted in injury?", True),
    ("Are you very frightened?", True),
    ("What are you afraid of? Is it further injury or violence?", True),
    ("Do you feel isolated from family or friends?", False),
    ("Are you feeling depressed or having suicidal thoughts?", False),
    ("Have you separated or tried to separate from the abuser within the past year?", True),
    ("Is there conflict over child contact?", False),
    ("Does the abuser constantly text, call, contact, follow, stalk or harass you?", True),
    ("Are you pregnant or have you recently had a baby (within the last 18 months)?", True),
    (
        "Are there any children, step-children that are not the abuser's in the household, "
        "or other dependants?",
        False,
    ),
    ("Has the abuser ever hurt the children or dependants?", True),
    ("Has the abuser ever threatened to hurt or kill the children or dependants?", True),
    ("Is the abuse happening more often?", True),
    ("Is the abuse getting worse?", True),
    ("Does the abuser try to control everything you do, or are they excessively jealous?", True),
    ("Has the abuser ever used weapons or objects to hurt you?", True),
    ("Has the abuser ever threatened to kill you or someone else and you believed them?", True),
    ("Has the abuser ever attempted to strangle, choke, suffocate or drown you?", True),
    (
        "Does the abuser do or say things of a sexual nature that make you feel bad or that "
        "physically hurt you or someone else?",
        True,
    ),
    ("Is there any other person who has threatened you or that you are afraid of?", False),
    ("Do you know if the abuser has hurt anyone else?", False),
    ("Has the abuser ever mistreated an animal or the family pet?", False),
    ("Are there any financial issues?", False),
    (
        "Has the abuser had problems in the past year with drugs, alcohol or mental health "
        "leading to problems in leading a normal life?",
        True,
    ),
    ("Has the abuser ever threatened or attempted suicide?", True),
    ("Has the abuser ever broken bail, an injunction or a formal agreement?", True),
    (
        "Do you know if the abuser has ever been in trouble with the police or has a criminal "
        "history?",
        False,
    ),
]

SPECIAL_MEASURES = [
    ("s23", "Screening the witness from the accused", True, True),
    ("s24", "Evidence by live link", True, True),
    ("s25", "Evidence given in private", True, True),
    ("s26", "Removal of wigs and gowns", True, True),
    ("s27", "Video-recorded interview as evidence-in-chief", True, True),
    ("s28", "Pre-recorded cross-examination and re-examination", True, True),
    ("s29", "Examination through an intermediary", True, False),
    ("s30", "Aids to communication", True, False),
]


def seed(apps, schema_editor):
    OffenceCategory = apps.get_model("cases", "OffenceCategory")
    for code, name, group, flags in OFFENCES:
        OffenceCategory.objects.update_or_create(
            code=code, defaults={"name": name, "offence_group": group, "flags": flags}
        )

    apps.get_model("cases", "CrimeReferenceFormat").objects.get_or_create(
        pattern=r"^[A-Z]{2}/[0-9]{5,6}/[0-9]{2}$",
        defaults={
            "example": "NS/012345/26",
            "effective_from": datetime.date(2021, 1, 1),
            "source": "Local crime recording system format [E]: change to the force's own.",
        },
    )

    apps.get_model("cases", "EnhancedRightsPolicy").objects.get_or_create(
        name="Victims' Code 2020",
        effective_from=datetime.date(2021, 4, 1),
        defaults={
            "source": (
                "Code of Practice for Victims of Crime 2020, enhanced rights; YJCEA 1999 ss.16-17 "
                "as amended by DAA 2021 s.62. Most-serious list [U]: DOMAIN.md section 3."
            ),
            "most_serious_flags": [
                "domestic_abuse",
                "hate_crime",
                "terrorism",
                "sexual_offence",
                "trafficking",
                "attempted_murder",
                "kidnap",
                "false_imprisonment",
                "arson_endangering_life",
                "gbh_with_intent",
                "homicide",
            ],
            "automatic_intimidated_flags": {
                "sexual_offence": ["victim"],
                "trafficking": ["victim"],
                "domestic_abuse": ["victim"],
                "knife_firearm": ["victim", "witness"],
            },
            "vulnerable_under_age": 18,
        },
    )

    RiskQuestionSet = apps.get_model("cases", "RiskQuestionSet")
    RiskQuestion = apps.get_model("cases", "RiskQuestion")
    dash, _ = RiskQuestionSet.objects.get_or_create(
        code="dash_2009",
        defaults={
            "name": "DASH (2009) risk identification checklist",
            "effective_from": datetime.date(2009, 3, 1),
            "source": (
                "ACPO/CAADA DASH 2009, police version, paraphrased [U: check wording against the "
                "force's form]. High risk at 14 yes answers and MARAC criteria: SafeLives. "
                "Medium threshold [E]: local policy."
            ),
            "medium_threshold": 10,
            "high_threshold": 14,
            "escalation_incidents": 3,
            "escalation_window_days": 365,
            "repeat_window_days": 365,
        },
    )
    for number, (text, high) in enumerate(DASH_QUESTIONS, start=1):
        RiskQuestion.objects.update_or_create(
            question_set=dash,
            number=number,
            defaults={"text": text, "is_high_risk_factor": high},
        )

    SpecialMeasure = apps.get_model("cases", "SpecialMeasure")
    for section, name, vulnerable, intimidated in SPECIAL_MEASURES:
        SpecialMeasure.objects.update_or_create(
            section=section,
            defaults={
                "name": name,
                "vulnerable": vulnerable,
                "intimidated": intimidated,
                "source": "YJCEA 1999 s."
                + section[1:]
                + ("; vulnerable witnesses only per s.18 [U]" if not intimidated else ""),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
