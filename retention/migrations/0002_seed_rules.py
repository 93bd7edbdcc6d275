"""Seed the retention classes. The six-year minimum then review is confirmed (MoPI, Hansard 19
June 2006); the three MoPI groups and their periods are unconfirmed [U] in DOMAIN.md section 14:
a force checks them against APP "Retention, review and disposal" and changes them in the admin."""

import datetime

from django.db import migrations

FROM = datetime.date(2006, 11, 1)
U = " [U: DOMAIN.md section 14 could not confirm the groups; check APP and change locally.]"

CLASSES = [
    # code, name, description, flags, groups, priority, minimum, interval, source, unconfirmed
    (
        "mopi_group_1",
        "MoPI group 1: certain public protection matters",
        "Homicide, terrorism, trafficking and the gravest violence: held long, reviewed every "
        "10 years (MoPI: until the subject is about 100).",
        ["homicide", "terrorism", "trafficking", "attempted_murder"],
        [],
        30,
        10,
        10,
        "MoPI 2005 and guidance (2006); College of Policing APP, Retention, review and disposal."
        + U,
        True,
    ),
    (
        "mopi_group_2",
        "MoPI group 2: other sexual, violent or serious offences",
        "Sexual and serious violent offences and domestic abuse: a 10-year clear period, then "
        "review.",
        [
            "sexual_offence",
            "domestic_abuse",
            "gbh_with_intent",
            "kidnap",
            "false_imprisonment",
            "arson_endangering_life",
            "knife_firearm",
        ],
        [],
        20,
        10,
        10,
        "MoPI 2005 and guidance (2006); College of Policing APP, Retention, review and disposal."
        + U,
        True,
    ),
    (
        "mopi_group_3",
        "MoPI group 3: all other offences",
        "A minimum of 6 years, then review.",
        [],
        [],
        0,
        6,
        6,
        "MoPI: records normally held for a minimum of 6 years, then reviewed (Hansard, 19 June "
        "2006, Police Information). Review interval after retention [U]: local policy.",
        False,
    ),
]


def seed(apps, schema_editor):
    RetentionClass = apps.get_model("retention", "RetentionClass")
    RetentionRule = apps.get_model("retention", "RetentionRule")
    for code, name, text, flags, groups, priority, minimum, interval, source, unsure in CLASSES:
        klass, _ = RetentionClass.objects.update_or_create(
            code=code, defaults={"name": name, "description": text}
        )
        RetentionRule.objects.get_or_create(
            retention_class=klass,
            effective_from=FROM,
            defaults={
                "offence_flags": flags,
                "offence_groups": groups,
                "priority": priority,
                "minimum_years": minimum,
                "review_interval_years": interval,
                "source": source,
                "unconfirmed": unsure,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
