"""The seeded surveys in Welsh (the survey page shows them to a victim who chose Welsh)."""

from django.db import migrations

NAMES = {
    "victim_satisfaction": (
        "Sut wnaethon ni?",
        "Diolch am ein helpu. Mae'n cymryd tua 3 munud. Gallwch stopio unrhyw bryd a gorffen "
        "rywbryd eto gan ddefnyddio'r un ddolen.",
    ),
    "witness_experience": (
        "Eich profiad fel tyst",
        "Diolch am roi tystiolaeth. Mae'r cwestiynau hyn yn cymryd tua 2 funud.",
    ),
}
QUESTIONS = {
    "How satisfied were you with how easy it was to contact us?": (
        "Pa mor fodlon oeddech chi â pha mor hawdd oedd cysylltu â ni?"
    ),
    "How satisfied were you with what we did about the crime?": (
        "Pa mor fodlon oeddech chi â'r hyn a wnaethon ni am y drosedd?"
    ),
    "How satisfied were you with how well we kept you informed?": (
        "Pa mor fodlon oeddech chi â pha mor dda y gwnaethon ni roi gwybod i chi?"
    ),
    "How satisfied were you with how you were treated by our staff?": (
        "Pa mor fodlon oeddech chi â sut y cawsoch eich trin gan ein staff?"
    ),
    "Overall, how satisfied were you with the service we gave?": (
        "At ei gilydd, pa mor fodlon oeddech chi â'r gwasanaeth a roddon ni?"
    ),
    "What could we have done better?": "Beth allen ni fod wedi'i wneud yn well?",
    "May we contact you about your answers, for example to take part in a small group "
    "discussion?": (
        "A gawn ni gysylltu â chi am eich atebion, er enghraifft i gymryd rhan mewn trafodaeth "
        "grŵp bach?"
    ),
    "How satisfied were you with knowing who to contact?": (
        "Pa mor fodlon oeddech chi â gwybod â phwy i gysylltu?"
    ),
    "How satisfied were you with the information about the court and what would happen?": (
        "Pa mor fodlon oeddech chi â'r wybodaeth am y llys a beth fyddai'n digwydd?"
    ),
    "How satisfied were you with the support you had to give evidence?": (
        "Pa mor fodlon oeddech chi â'r cymorth a gawsoch i roi tystiolaeth?"
    ),
    "Overall, how satisfied were you with your experience as a witness?": (
        "At ei gilydd, pa mor fodlon oeddech chi â'ch profiad fel tyst?"
    ),
    "May we contact you about your answers?": "A gawn ni gysylltu â chi am eich atebion?",
}
CHOICES = {"Yes": "Cewch", "No": "Na chewch"}


def seed(apps, schema_editor):
    Template = apps.get_model("surveys", "SurveyTemplate")
    Question = apps.get_model("surveys", "Question")
    for code, (name, introduction) in NAMES.items():
        Template.objects.filter(code=code, name_cy="").update(
            name_cy=name, introduction_cy=introduction
        )
    for question in Question.objects.filter(text__in=QUESTIONS, text_cy=""):
        question.text_cy = QUESTIONS[question.text]
        question.choices_cy = [CHOICES.get(choice, choice) for choice in question.choices]
        question.save(update_fields=["text_cy", "choices_cy"])


class Migration(migrations.Migration):
    dependencies = [("surveys", "0006_welsh")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
