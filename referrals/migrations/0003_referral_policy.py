import datetime

from django.db import migrations


def seed(apps, schema_editor):
    apps.get_model("referrals", "ReferralPolicy").objects.get_or_create(
        name="Victims' Code 2020 consent model",
        effective_from=datetime.date(2021, 4, 1),
        defaults={
            "source": (
                "Victims' Code 2020 Right 4: victims of sexual offences and domestic abuse, and "
                "bereaved relatives, opt in; others are referred unless they opt out. DOMAIN.md "
                "marks this split as unconfirmed [U]. SARC window: local practice [E]."
            ),
            "opt_in_flags": ["sexual_offence", "domestic_abuse"],
            "opt_in_roles": ["bereaved"],
            "sarc_recent_days": 7,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("referrals", "0002_referralpolicy_supportagency_accepts_max_age_and_more")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
