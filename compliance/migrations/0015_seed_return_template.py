"""The quarterly compliance return's first template (issue 22): the key entitlements police and
crime commissioners report on today, each with the survey stage that speaks to it. The
information ministers may prescribe under the Victims and Prisoners Act 2024 is not yet
published; when it is, it is a new template with its own date."""

import datetime

from django.db import migrations

CODE_2020 = datetime.date(2021, 4, 1)  # the Victims' Code 2020 came into force

MEASURES = [
    ("acknowledgement_on_time", "Written acknowledgement sent in time", "ease_of_contact"),
    ("referral_on_time", "Referred to support services in time", ""),
    ("updates_on_time", "Agreed updates given in time", "follow_up"),
    ("vps_offer_on_time", "Offered a Victim Personal Statement in time", ""),
    ("vps_offered", "Victims offered a Victim Personal Statement", ""),
]


def seed(apps, schema_editor):
    ReturnTemplate = apps.get_model("compliance", "ReturnTemplate")
    template, created = ReturnTemplate.objects.get_or_create(
        effective_from=CODE_2020,
        defaults={
            "name": "Victims' Code compliance return",
            "source": "Victims' Code 2020 compliance framework (Ministry of Justice): the key "
            "entitlements forces report quarterly to the police and crime commissioner; by "
            "equality group and for under-18s as the Victims and Prisoners Act 2024 s. 6 "
            "allows ministers to prescribe (the prescribed list is not yet published)",
        },
    )
    if created:
        for order, (key, label, stage) in enumerate(MEASURES, start=1):
            template.measures.create(order=order, key=key, label=label, survey_stage=stage)


class Migration(migrations.Migration):
    dependencies = [("compliance", "0014_return_template")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
