"""Right 7 at every stage (issue 21): the victim personal statement is offered when the statement
is taken (R14), and again at charge (R14-CH) and before sentence (R14-SE), since a person may make
or update one at any time up to sentence and the impact of the crime may have changed. Each offer
recorded at a stage meets that stage's duty (MetBy), never another stage's.

Added to every edition that holds R14, dated as its R14 (rows of an edition share its dates), so
the edition in force, a scheduled one and a draft copy all carry them; the force edits them in
/code/editions/ like any other rule. The Code sets no clock for the later offers: at charge, as
the charge decision under Right 6 (5 working days, 1 with enhanced rights); before sentence, with
the news of the verdict (1 working day from the Witness Care Unit's receipt), so the person has
the time before the sentencing hearing [E]. The cases record no sentencing hearing as such, so
the verdict is the trigger: after a not guilty verdict the duty is marked not applicable."""

from django.db import migrations

RULES = {
    "R14-CH": {
        "title": "Offer a victim personal statement again at charge",
        "trigger": "charge",
        "clock_from_receipt": False,
        "standard_working_days": 5,
        "enhanced_working_days": 1,
        "owner": "officer",
        "met_by": "vps_offered_at_charge",
        "source": "Victims' Code 2020 Right 7 (a statement may be made or updated at any time up "
        "to sentence); offered again with the charge decision, timed as Right 6: 5 working days, "
        "1 with enhanced rights [E]",
    },
    "R14-SE": {
        "title": "Offer a victim personal statement again before sentence",
        "trigger": "verdict",
        "clock_from_receipt": True,
        "standard_working_days": 1,
        "enhanced_working_days": 1,
        "owner": "wcu",
        "met_by": "vps_offered_before_sentence",
        "source": "Victims' Code 2020 Rights 7 and 9 (the statement is read or considered before "
        "sentence); offered with the verdict, 1 working day from the Witness Care Unit's receipt "
        "[E]",
    },
}


def seed(apps, schema_editor):
    DutyRule = apps.get_model("entitlements", "DutyRule")
    for r14 in DutyRule.objects.filter(code="R14"):
        for code, fields in RULES.items():
            if DutyRule.objects.filter(code_edition_id=r14.code_edition_id, code=code).exists():
                continue
            DutyRule.objects.create(
                code=code,
                right_id=r14.right_id,
                roles=r14.roles,
                edition=r14.edition,
                code_edition_id=r14.code_edition_id,
                effective_from=r14.effective_from,
                effective_to=r14.effective_to,
                **fields,
            )


def unseed(apps, schema_editor):
    DutyRule = apps.get_model("entitlements", "DutyRule")
    DutyRule.objects.filter(code__in=RULES, duties__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("entitlements", "0022_vps_offer_kinds")]

    operations = [migrations.RunPython(seed, unseed)]
