"""The exceptions a force may rely on to share without the victim's consent, as defaults to
review with the force's data protection officer. Counselling-type services (ISVA, SARC) are
reached without consent only where there is a risk to life; restorative justice, the witness
services and "other" never."""

import datetime

from django.db import migrations

FROM = datetime.date(2021, 4, 1)  # The 2020 Victims' Code came into force.
REVIEW = " Seeded default: review with the force's data protection officer."

EXCEPTIONS = [
    {
        "code": "safeguarding_child",
        "name": "Safeguarding a child",
        "description": "A child is suffering, or likely to suffer, significant harm.",
        "agency_kinds": ["childrens_social_care", "marac"],
        "source": "Children Act 1989 s.47, Children Act 2004 s.11; DPA 2018 Sch. 8 para 4."
        + REVIEW,
    },
    {
        "code": "safeguarding_adult",
        "name": "Safeguarding an adult at risk",
        "description": "An adult with care and support needs is at risk of abuse or neglect and "
        "cannot protect themselves.",
        "agency_kinds": ["adult_social_care", "marac", "idva", "mental_health"],
        "source": "Care Act 2014 s.42; DPA 2018 Sch. 8 para 4." + REVIEW,
    },
    {
        "code": "risk_to_life",
        "name": "Risk to life",
        "description": "Someone's life is at risk, or they face serious harm, and asking for "
        "consent would delay help or increase the risk.",
        "agency_kinds": [
            "marac",
            "idva",
            "isva",
            "sarc",
            "childrens_social_care",
            "adult_social_care",
            "mental_health",
        ],
        "source": "DPA 2018 s.35 and Sch. 8 para 3 (vital interests); UK GDPR art. 6(1)(d)."
        + REVIEW,
    },
    {
        "code": "legal_duty",
        "name": "A legal duty",
        "description": "The law requires the police to share: the Victims' Code referral to the "
        "commissioned victim service, or a statutory safeguarding duty.",
        "agency_kinds": ["victim_service", "childrens_social_care", "adult_social_care"],
        "source": "Domestic Violence, Crime and Victims Act 2004 s.32 (Victims' Code, Right 4); "
        "Children Act 2004 s.11; Care Act 2014 s.6." + REVIEW,
    },
]


def seed(apps, schema_editor):
    SharingException = apps.get_model("referrals", "SharingException")
    for row in EXCEPTIONS:
        SharingException.objects.get_or_create(code=row["code"], effective_from=FROM, defaults=row)


def unseed(apps, schema_editor):
    SharingException = apps.get_model("referrals", "SharingException")
    SharingException.objects.filter(
        code__in=[row["code"] for row in EXCEPTIONS], effective_from=FROM, referrals=None
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("referrals", "0007_sharing_exceptions")]

    operations = [migrations.RunPython(seed, unseed)]
