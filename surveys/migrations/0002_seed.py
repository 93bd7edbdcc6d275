"""Seed the victim satisfaction survey (the five stages forces have long asked about, on a
7-point scale), a witness survey for the Witness Charter standards, and the rules for inviting.
Timing and sampling are unconfirmed [U] (DOMAIN.md section 9): change them in the admin."""

import datetime

from django.db import migrations

VICTIM_QUESTIONS = [
    ("scale", "ease_of_contact", "How satisfied were you with how easy it was to contact us?"),
    ("scale", "actions_taken", "How satisfied were you with what we did about the crime?"),
    ("scale", "follow_up", "How satisfied were you with how well we kept you informed?"),
    ("scale", "treatment", "How satisfied were you with how you were treated by our staff?"),
    ("scale", "whole_experience", "Overall, how satisfied were you with the service we gave?"),
    ("text", "other", "What could we have done better?"),
    (
        "choice",
        "other",
        "May we contact you about your answers, for example to take part in a "
        "small group discussion?",
    ),
]
WITNESS_QUESTIONS = [
    ("scale", "ease_of_contact", "How satisfied were you with knowing who to contact?"),
    (
        "scale",
        "follow_up",
        "How satisfied were you with the information about the court and what would happen?",
    ),
    ("scale", "treatment", "How satisfied were you with the support you had to give evidence?"),
    (
        "scale",
        "whole_experience",
        "Overall, how satisfied were you with your experience as a witness?",
    ),
    ("text", "other", "What could we have done better?"),
    ("choice", "other", "May we contact you about your answers?"),
]


def seed(apps, schema_editor):
    Template = apps.get_model("surveys", "SurveyTemplate")
    Question = apps.get_model("surveys", "Question")
    Rule = apps.get_model("surveys", "SurveyRule")
    victim, _ = Template.objects.get_or_create(
        code="victim_satisfaction",
        version=1,
        defaults={
            "name": "How did we do?",
            "audience": "victim",
            "introduction": "Thank you for helping us. It takes about 3 minutes. You can stop "
            "at any time and finish later using the same link.",
        },
    )
    witness, _ = Template.objects.get_or_create(
        code="witness_experience",
        version=1,
        defaults={
            "name": "Your experience as a witness",
            "audience": "witness",
            "introduction": "Thank you for giving evidence. These questions take about 2 minutes.",
        },
    )
    for template, questions in ((victim, VICTIM_QUESTIONS), (witness, WITNESS_QUESTIONS)):
        for number, (kind, stage, text) in enumerate(questions, start=1):
            consent = kind == "choice"
            Question.objects.get_or_create(
                template=template,
                number=number,
                defaults={
                    "kind": kind,
                    "stage": stage,
                    "text": text,
                    "choices": ["Yes", "No"] if consent else [],
                    "is_contact_consent": consent,
                },
            )
    start = datetime.date(2021, 4, 1)
    Rule.objects.get_or_create(
        name="Victims: 6 weeks after the report",
        defaults={
            "template": victim,
            "trigger": "after_report",
            "delay_days": 42,
            "window_days": 28,
            "roles": ["victim", "bereaved", "parent_guardian", "family_spokesperson"],
            "always_flags": ["domestic_abuse"],
            "sampling_rate": "0.250",
            "effective_from": start,
            "source": "Home Office user satisfaction survey practice; domestic abuse mandatory "
            "since April 2017 [C]; 6 weeks and 25% sampling are local choices [U].",
        },
    )
    Rule.objects.get_or_create(
        name="Witnesses: after the court outcome",
        defaults={
            "template": witness,
            "trigger": "court_outcome",
            "delay_days": 7,
            "window_days": 28,
            "roles": ["witness"],
            "always_flags": [],
            "sampling_rate": "1.000",
            "effective_from": start,
            "source": "Witness Charter 2013 standards; timing is a local choice [U].",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
