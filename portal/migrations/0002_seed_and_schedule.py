"""Track my case's policy and which events reach a victim, as dated rows; and its sweep's
schedule (every minute: urgent news is retried on the policy's schedule and must first reach the
person within 15 minutes)."""

import datetime

from django.db import migrations

SCHEDULE = "Track my case: send links and codes again, retry urgent news, tell officers"
FROM = datetime.date(2026, 12, 7)
POLICY_SOURCE = (
    "Local policy for Track my case (issue 20); after TrackMyCrime (DOMAIN.md section 13). "
    "Link and session lengths are a force's choice, not the Code's."
)
RULE_SOURCE = (
    "Victims' Code 2020 Rights 6 and 7 (information about the investigation and prosecution); "
    "urgent kinds as the US victim notification network (issue 20). Force policy."
)
# kind: (shareable with the victim, urgent news)
RULES = {
    "arrest": (True, False),
    "interview": (True, False),
    "released_no_charge": (True, True),
    "bail": (True, True),
    "rui": (True, True),
    "bail_changed": (True, True),
    "escape": (True, True),
    "not_investigated": (True, False),
    "charge": (True, False),
    "out_of_court": (True, False),
    "no_prosecution": (True, False),
    "passed_to_wcu": (True, False),
    "hearing_listed": (True, False),
    "hearing_outcome": (True, False),
    "hearing_moved": (True, True),
    "required_to_give_evidence": (True, False),
    "special_measures_decision": (True, False),
    "verdict": (True, False),
    "sentence": (True, False),
    "appeal": (True, False),
    # Not shown: a review request and a complaint are answered by letter, and the record of
    # either may name someone else.
    "vrr_request": (False, False),
    "complaint": (False, False),
}


def create(apps, schema_editor):
    PortalPolicy = apps.get_model("portal", "PortalPolicy")
    VictimEventRule = apps.get_model("portal", "VictimEventRule")
    PortalPolicy.objects.get_or_create(
        name="Track my case", effective_from=FROM, defaults={"source": POLICY_SOURCE}
    )
    for kind, (shareable, urgent) in RULES.items():
        VictimEventRule.objects.get_or_create(
            kind=kind,
            effective_from=FROM,
            defaults={"shareable": shareable, "urgent": urgent, "source": RULE_SOURCE},
        )
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=60, period="seconds")
    PeriodicTask.objects.get_or_create(
        name=SCHEDULE, defaults={"task": "portal.sweep", "interval": every}
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SCHEDULE).delete()
    apps.get_model("portal", "VictimEventRule").objects.filter(effective_from=FROM).delete()
    apps.get_model("portal", "PortalPolicy").objects.filter(effective_from=FROM).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
