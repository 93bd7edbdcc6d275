"""What reports counted by when these rules became data (issue 18): the dashboard's age bands
(which retention's anonymised statistics now use too), the four key entitlements the force
reports and the one it does not hold, and the bases that count as vulnerable or intimidated."""

import datetime

from django.db import migrations

CODE_2020 = datetime.date(2021, 4, 1)  # the Victims' Code 2020 came into force

AGE_BANDS = [
    ("under-18", "Under 18", 0, 18),
    ("18-24", "18 to 24", 18, 25),
    ("25-34", "25 to 34", 25, 35),
    ("35-44", "35 to 44", 35, 45),
    ("45-54", "45 to 54", 45, 55),
    ("55-64", "55 to 64", 55, 65),
    ("65-plus", "65 and over", 65, None),
]
KEY_ENTITLEMENTS = [
    ("Written acknowledgement", "R2", True),
    ("Referral to support services", "R4", True),
    ("Updates within the agreed timeframe", "R5-U", True),
    ("Opportunity to make a Victim Personal Statement", "R14", True),
    # Held by Probation, not the force: reports say so rather than leave it out.
    ("Advance notice of the offender's release", "", False),
]
VULNERABLE_BASES = ["under_18", "mental_disorder", "impairment", "physical", "intimidated"]


def seed(apps, schema_editor):
    AgeBandEdition = apps.get_model("counting", "AgeBandEdition")
    KeyEntitlementEdition = apps.get_model("counting", "KeyEntitlementEdition")
    VulnerableBasisEdition = apps.get_model("counting", "VulnerableBasisEdition")
    bands, created = AgeBandEdition.objects.get_or_create(
        effective_from=CODE_2020,
        defaults={
            "source": "Equality monitoring by age at the report date, in the bands of the "
            "ONS harmonised age groups (the dashboard's, ten years wide from 25)"
        },
    )
    if created:
        for code, label, low, high in AGE_BANDS:
            bands.bands.create(code=code, label=label, from_age=low, below_age=high)
    key, created = KeyEntitlementEdition.objects.get_or_create(
        effective_from=CODE_2020,
        defaults={
            "source": "Victims' Code 2020 compliance framework (Ministry of Justice): the key "
            "entitlements police forces report quarterly"
        },
    )
    if created:
        for order, (label, codes, held) in enumerate(KEY_ENTITLEMENTS, start=1):
            key.entitlements.create(order=order, label=label, rule_codes=codes, held_by_force=held)
    vulnerable, created = VulnerableBasisEdition.objects.get_or_create(
        effective_from=CODE_2020,
        defaults={
            "source": "Youth Justice and Criminal Evidence Act 1999, ss. 16 and 17 (vulnerable "
            "and intimidated witnesses), as the Victims' Code 2020 Right 1 applies them"
        },
    )
    if created:
        for basis in VULNERABLE_BASES:
            vulnerable.bases.create(basis=basis)


class Migration(migrations.Migration):
    dependencies = [("counting", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
