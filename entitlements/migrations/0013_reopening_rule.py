"""What the Code owes when a closed case is reopened (issue 21), as a rule row the force can
change in the admin like any other.

Right 6 asks that the victim be told of important steps in the investigation: reopening the case
is one. The Code sets no clock for it, so the Right 6 decision clocks are used (5 working days, 1
with enhanced rights) until the force confirms its own [E]."""

import datetime

from django.db import migrations

CODE_2020 = datetime.date(2021, 4, 1)
VICTIMS = ["victim", "bereaved", "parent_guardian", "family_spokesperson", "business_contact"]


def seed(apps, schema_editor):
    Right = apps.get_model("entitlements", "Right")
    DutyRule = apps.get_model("entitlements", "DutyRule")
    right = Right.objects.filter(scheme="victims_code", number=6).first()
    if right is None:  # no catalogue to add to (a database seeded some other way)
        return
    DutyRule.objects.update_or_create(
        code="R30-RO",
        effective_from=CODE_2020,
        defaults={
            "right": right,
            "title": "Tell the victim the case has been reopened, and why",
            "trigger": "case_reopened",
            "roles": VICTIMS,
            "standard_working_days": 5,
            "enhanced_working_days": 1,
            "owner": "officer",
            "edition": "Victims' Code 2020",
            "source": "Victims' Code 2020 Right 6 (information about the investigation); timing "
            "as the Right 6 decisions, 5 working days or 1 with enhanced rights [E]",
        },
    )


def unseed(apps, schema_editor):
    DutyRule = apps.get_model("entitlements", "DutyRule")
    DutyRule.objects.filter(code="R30-RO", duties__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("entitlements", "0012_reopening")]

    operations = [migrations.RunPython(seed, unseed)]
