"""Seed the first quality assurance checklist: what good looks like in each area a supervisor
reviews (issue 8), drawn from the Victims' Code 2020 and the force-level measures in DOMAIN.md
section 8. A force edits the questions in the admin, or adds a new version with a later date."""

import datetime

from django.db import migrations

SOURCE = (
    "Code of Practice for Victims of Crime in England and Wales (2020); force QA measures "
    "(DOMAIN.md section 8, Kent Police service standards)"
)

ITEMS = [
    (
        "initial_engagement",
        "IE-1",
        "Was the victim contacted promptly and told who is dealing with their case?",
        "First contact within the THRIVE grading's timescale; the officer's name and how to "
        "reach them recorded as given.",
    ),
    (
        "initial_engagement",
        "IE-2",
        "Was a written acknowledgement of the crime sent, with the crime reference?",
        "Acknowledgement sent by a safe method the victim agreed to, with the crime reference "
        "and basic details (Right 3).",
    ),
    (
        "risk",
        "RISK-1",
        "Was the risk to the victim assessed and recorded?",
        "A risk assessment (DASH where it is domestic abuse) completed at first contact, with "
        "the grade and the reasons.",
    ),
    (
        "risk",
        "RISK-2",
        "Were the actions the risk called for taken, such as a safety plan or MARAC referral?",
        "High risk referred to MARAC; safeguarding actions recorded and followed up.",
    ),
    (
        "vulnerability",
        "VUL-1",
        "Was any vulnerability or intimidation identified and recorded with the reasons?",
        "Age, mental disorder, impairment, physical disability and intimidation considered; "
        "the evidence for each basis written down.",
    ),
    (
        "entitlements",
        "ENT-1",
        "Was the victim told whether they are entitled to enhanced rights, and what that means?",
        "Enhanced status decided and explained; the victim's information leaflet or letter given.",
    ),
    (
        "entitlements",
        "ENT-2",
        "Was the victim offered the chance to make a Victim Personal Statement?",
        "VPS offered and explained; the victim's choice and reading-aloud preference recorded "
        "(Right 7).",
    ),
    (
        "entitlements",
        "ENT-3",
        "Was the victim referred to support services, or offered a referral, within 2 working "
        "days?",
        "Referral made with consent (or the offer recorded if declined) within 2 working days "
        "(Right 4).",
    ),
    (
        "face_to_face",
        "F2F-1",
        "Where the victim wanted or needed it, did the officer meet them in person?",
        "Face-to-face contact offered to vulnerable and enhanced victims; a reason recorded if "
        "it did not happen.",
    ),
    (
        "needs_assessment",
        "NA-1",
        "Was a needs assessment completed at first contact?",
        "Communication, language, disability and support needs asked about and recorded, "
        "including the victim's preferred way of contact.",
    ),
    (
        "needs_assessment",
        "NA-2",
        "Were the needs found acted on?",
        "An interpreter, adjustments or referrals arranged for each need that was identified.",
    ),
    (
        "special_measures",
        "SM-1",
        "Were special measures considered for a vulnerable or intimidated victim or witness?",
        "Special measures discussed with the victim, their views recorded, and passed to the "
        "prosecutor with the file (MG2).",
    ),
    (
        "updates",
        "UPD-1",
        "Was an update agreement made with the victim?",
        "How often and how the victim wants updates agreed and recorded (Right 6).",
    ),
    (
        "updates",
        "UPD-2",
        "Were updates given on time and were they of good quality?",
        "Each key event (arrest, interview, bail, charge, no further action) told to the victim "
        "within 5 working days, or 1 for enhanced victims, with an explanation.",
    ),
    (
        "post_charge",
        "PC-1",
        "After charge, was the case passed to the Witness Care Unit with the victim's needs?",
        "Handover to witness care recorded, with the needs assessment and special measures.",
    ),
    (
        "post_charge",
        "PC-2",
        "Was the victim told about court dates, outcomes and the sentence on time?",
        "Hearing dates within 1 working day of receipt; outcome and sentence explained within 1 "
        "working day (Rights 6 and 8).",
    ),
]


def seed(apps, schema_editor):
    Version = apps.get_model("assurance", "ChecklistVersion")
    Item = apps.get_model("assurance", "ChecklistItem")
    version, created = Version.objects.get_or_create(
        name="Victim care quality review, first version",
        effective_from=datetime.date(2024, 1, 1),
        defaults={"source": SOURCE},
    )
    if not created:
        return
    Item.objects.bulk_create(
        Item(
            version=version,
            area=area,
            code=code,
            question=question,
            good_looks_like=good,
            order=(index + 1) * 10,
        )
        for index, (area, code, question, good) in enumerate(ITEMS)
    )


def unseed(apps, schema_editor):
    apps.get_model("assurance", "ChecklistVersion").objects.filter(
        name="Victim care quality review, first version"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("assurance", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
