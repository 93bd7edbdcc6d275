"""Group today's rule rows, Rights (with their guidance) and reach policy rows into the edition in
force, so that a new edition can be made as a copy of it."""

import datetime

from django.db import migrations

NAME = "Victims' Code 2020 and Witness Charter 2013"
SOURCE = (
    "Code of Practice for Victims of Crime in England and Wales (Ministry of Justice, November "
    "2020, in force 1 April 2021) and The Witness Charter (Ministry of Justice, December 2013), "
    "as seeded from DOMAIN.md sections 2, 6 and 16."
)
FIRST_DAY = datetime.date(2021, 4, 1)


def group(apps, schema_editor):
    Edition = apps.get_model("entitlements", "Edition")
    DutyRule = apps.get_model("entitlements", "DutyRule")
    Right = apps.get_model("entitlements", "Right")
    ReachPolicy = apps.get_model("entitlements", "ReachPolicy")
    if Edition.objects.filter(starts_on__isnull=False).exists():
        edition = Edition.objects.filter(ends_on__isnull=True, starts_on__isnull=False).first()
    else:
        first = (
            DutyRule.objects.filter(effective_from__isnull=False)
            .order_by("effective_from")
            .values_list("effective_from", flat=True)
            .first()
        )
        edition, _ = Edition.objects.get_or_create(
            name=NAME, defaults={"source": SOURCE, "starts_on": first or FIRST_DAY}
        )
    for model in (DutyRule, Right, ReachPolicy):
        model.objects.filter(code_edition__isnull=True).update(code_edition=edition)


def ungroup(apps, schema_editor):
    # Unlink first: deleting the edition would otherwise take its rows with it.
    for name in ("DutyRule", "Right", "ReachPolicy"):
        apps.get_model("entitlements", name).objects.update(code_edition=None)
    apps.get_model("entitlements", "Edition").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("entitlements", "0015_editions")]

    operations = [
        migrations.RunPython(group, ungroup),
    ]
