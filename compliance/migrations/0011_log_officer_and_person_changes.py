"""The change log also hears what the facet tables (0010) count by: a case's officer, and a
person's sex, ethnicity and date of birth (for each of their duties, and the report day of
each of their cases); and a party's own duties when the party changes."""

import importlib

from django.db import migrations

first = importlib.import_module("compliance.migrations.0008_summary_change_log")

BY_PERSON = (
    "SELECT c.team_id, d.due_at FROM entitlements_duty d JOIN cases_party p ON p.id = d.party_id "
    "JOIN cases_case c ON c.id = d.case_id WHERE p.person_id = {R}.id"
)
PERSON_CASES = (
    "SELECT c.team_id, c.reported_at FROM cases_case c JOIN cases_party p ON p.case_id = c.id "
    "WHERE p.person_id = {R}.id"
)
SOURCES = {
    "cases_case": (
        first.SOURCES["cases_case"][0],
        [*first.SOURCES["cases_case"][1], "officer_id"],
    ),
    "cases_party": (
        [
            *first.SOURCES["cases_party"][0],
            "SELECT c.team_id, d.due_at FROM entitlements_duty d JOIN cases_case c "
            "ON c.id = d.case_id WHERE d.party_id = {R}.id",
        ],
        None,
    ),
    "cases_person": ([BY_PERSON, PERSON_CASES], ["sex", "ethnicity", "date_of_birth"]),
}


def _apply(schema_editor, sources: dict, index: int) -> None:
    vendor = schema_editor.connection.vendor
    for table, (selects, columns) in sources.items():
        if vendor == "postgresql":
            schema_editor.execute(first._postgresql(table, selects, columns)[index])
        elif vendor == "sqlite":
            for statement in first._sqlite(table, selects, columns)[index]:
                schema_editor.execute(statement)


def forwards(apps, schema_editor):
    _apply(schema_editor, SOURCES, 1)  # drop the earlier versions
    _apply(schema_editor, SOURCES, 0)


def backwards(apps, schema_editor):
    _apply(schema_editor, SOURCES, 1)
    earlier = {t: first.SOURCES[t] for t in SOURCES if t in first.SOURCES}
    _apply(schema_editor, earlier, 0)


class Migration(migrations.Migration):
    dependencies = [("compliance", "0010_duty_facets")]

    operations = [migrations.RunPython(forwards, backwards)]
