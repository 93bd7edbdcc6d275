import datetime

from django.db import migrations

SOURCE = (
    "Victims' Code 2020 (in force 1 April 2021), Rights 1-12: a right is delivered by reaching "
    "the person. Force contact recording policy [E]: an attempt that does not reach them is "
    "recorded as evidence of effort. Change to the force's own."
)
FROM = datetime.date(2021, 4, 1)

# code, label, counts as contact, leaves a message
OUTCOMES = [
    ("reached", "Reached the person", True, False),
    ("no_answer", "No answer", False, False),
    ("message_left", "Voicemail or message left", False, True),
    ("wrong_number", "Wrong or dead number", False, False),
    ("refused", "Refused to talk", False, False),
    (
        "reached_on_their_behalf",
        "Reached someone for them (a parent, guardian or intermediary)",
        True,
        False,
    ),
    ("interpreter_booked", "Interpreter booked, the person not reached yet", False, False),
]


def seed(apps, schema_editor):
    ContactOutcome = apps.get_model("cases", "ContactOutcome")
    for order, (code, label, counts, leaves_message) in enumerate(OUTCOMES, start=1):
        ContactOutcome.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "counts_as_contact": counts,
                "leaves_message": leaves_message,
                "order": order * 10,
                "effective_from": FROM,
                "source": SOURCE,
            },
        )
    # Before outcomes were recorded, a contact was logged only when the person was reached.
    reached = ContactOutcome.objects.get(code="reached")
    apps.get_model("cases", "Contact").objects.filter(outcome__isnull=True).update(outcome=reached)
    apps.get_model("cases", "HistoricalContact").objects.filter(outcome__isnull=True).update(
        outcome=reached
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_contact_outcome"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
