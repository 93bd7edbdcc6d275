"""The Rights' guidance names its rules instead of writing their day counts: "within 5 working
days (1 for enhanced rights)" becomes "within {R7.standard} ({R7.enhanced} for enhanced
rights)", worded from the rule rows in force when read (entitlements/guidance.py), so a new
edition cannot leave a stale number in it. Only a text still as seeded is changed: one a force
has rewritten is kept (tests/entitlements/test_no_day_counts.py finds any number left)."""

import importlib

from django.db import migrations

# The texts as 0002 seeded them (a module name Python cannot import with `import`).
_CATALOGUE = importlib.import_module("entitlements.migrations.0002_code_catalogue")
FIELD_INDEX = {"victim_summary": 3, "what_to_do": 4}

VC = "victims_code"

# (scheme, number, field) -> the text with placeholders.
TEXTS = {
    (VC, 4, "victim_summary"): (
        "We will talk with you about what support you need and refer you to a support service "
        "within {R4.standard}, if you want this."
    ),
    (VC, 4, "what_to_do"): (
        "Assess needs and enhanced rights eligibility. Refer to support services within "
        "{R4.standard} of the report ({R4.enhanced} with enhanced rights), with consent. Tell "
        "the victim they can self-refer."
    ),
    (VC, 5, "what_to_do"): (
        "Explain court-ordered compensation and the Criminal Injuries Compensation Scheme, and "
        "that the scheme has its own time limit for applying."
    ),
    (VC, 6, "what_to_do"): (
        "Tell the victim of arrest, interview, release, bail or release under investigation, and "
        "decisions not to investigate or charge, within {R7.standard} ({R7.enhanced} for "
        "enhanced rights). Agree update frequency and method and keep to it."
    ),
    (VC, 8, "what_to_do"): (
        "Witness Care Unit: tell the victim the date, time and place of hearings within "
        "{R16.standard} of receipt, and other outcomes within {R17.standard} ({R17.enhanced} for "
        "enhanced rights)."
    ),
    (VC, 9, "what_to_do"): (
        "Witness Care Unit: tell the victim the outcome within {R21.standard} and the sentence "
        "within {R22.standard} of receipt, with a short explanation."
    ),
    (VC, 11, "victim_summary"): (
        "If the offender gets {R23.months} or more for a violent or sexual offence, you can join "
        "the Victim Contact Scheme."
    ),
    (VC, 11, "what_to_do"): (
        "Refer eligible victims to the Probation Victim Contact Scheme within {R23.standard} of "
        "sentence."
    ),
    (VC, 12, "victim_summary"): (
        "If we have not kept to this Code, you can complain. We will reply within {R26.standard}."
    ),
    (VC, 12, "what_to_do"): (
        "Acknowledge or answer a complaint within {R26.standard} and explain escalation to the "
        "Parliamentary and Health Service Ombudsman."
    ),
}


def seeded(scheme: str, number: int, field: str) -> str:
    row = next(r for r in _CATALOGUE.RIGHTS if r[0] == scheme and r[1] == number)
    return row[FIELD_INDEX[field]]


def _swap(apps, *, forward: bool) -> None:
    Right = apps.get_model("entitlements", "Right")
    for (scheme, number, field), text in TEXTS.items():
        old, new = seeded(scheme, number, field), text
        if not forward:
            old, new = new, old
        Right.objects.filter(scheme=scheme, number=number, **{field: old}).update(**{field: new})


def seed(apps, schema_editor):
    _swap(apps, forward=True)


def unseed(apps, schema_editor):
    _swap(apps, forward=False)


class Migration(migrations.Migration):
    dependencies = [("entitlements", "0019_trigger_choices_merged")]

    operations = [migrations.RunPython(seed, unseed)]
