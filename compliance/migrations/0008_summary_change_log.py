"""The summary's change log, written by triggers on every table the summary counts.

Each trigger writes (team, moment) pairs: the team whose rows hold the record and the moment
whose London day they are counted on (a duty's deadline, a case's report, a referral's sending,
an invitation's making), before and after the change, so compliance.summary.update can count
again exactly the (day, team) rows that may differ. Triggers rather than model signals: bulk
updates (entitlements.mark_missed), deletions by cascade and raw SQL all pass through them.

On PostgreSQL a session can switch them off (`SET LOCAL victimcare.summary_log = 'off'`) for a
bulk load that rebuilds the summary whole afterwards (tools' generate_force).

The SQL is written here, not imported from the app, so that this migration keeps doing what it
did when it was written.
"""

from django.db import migrations, models

CASE_BY_PARTY = (
    "SELECT c.team_id, c.reported_at FROM cases_case c JOIN cases_party p ON p.case_id = c.id "
    "WHERE p.id = {R}.party_id"
)

# table -> (the (team, moment) pairs a row touches, as SELECTs on {R}; the columns whose change
# matters on UPDATE, or None for any change)
SOURCES = {
    "entitlements_duty": (
        ["SELECT c.team_id, {R}.due_at FROM cases_case c WHERE c.id = {R}.case_id"],
        ["status", "due_at", "enhanced", "rule_id", "case_id"],
    ),
    "cases_case": (
        [
            "SELECT {R}.team_id, {R}.reported_at",
            "SELECT {R}.team_id, d.due_at FROM entitlements_duty d WHERE d.case_id = {R}.id",
            "SELECT {R}.team_id, r.sent_at FROM referrals_referral r "
            "WHERE r.case_id = {R}.id AND r.sent_at IS NOT NULL",
            "SELECT {R}.team_id, i.created_at FROM surveys_invitation i WHERE i.case_id = {R}.id",
        ],
        ["team_id", "offence_id", "restricted", "reported_at", "mental_health_demand"],
    ),
    "cases_party": (
        ["SELECT c.team_id, c.reported_at FROM cases_case c WHERE c.id = {R}.case_id"],
        None,
    ),
    "cases_eligibilitybasis": ([CASE_BY_PARTY], None),
    "cases_needsassessment": ([CASE_BY_PARTY], None),
    "cases_riskassessment": ([CASE_BY_PARTY], None),
    "cases_specialmeasuresrecord": ([CASE_BY_PARTY], None),
    "referrals_referral": (
        [
            "SELECT c.team_id, {R}.sent_at FROM cases_case c "
            "WHERE c.id = {R}.case_id AND {R}.sent_at IS NOT NULL"
        ],
        None,
    ),
    "surveys_invitation": (
        ["SELECT c.team_id, {R}.created_at FROM cases_case c WHERE c.id = {R}.case_id"],
        None,
    ),
    "surveys_answer": (
        [
            "SELECT c.team_id, i.created_at FROM surveys_invitation i "
            "JOIN cases_case c ON c.id = i.case_id WHERE i.id = {R}.invitation_id"
        ],
        None,
    ),
}
LOG = "compliance_summarychange"


def _inserts(selects: list[str], row: str) -> str:
    return "".join(
        f"INSERT INTO {LOG} (team_id, at) {select.format(R=row)};\n" for select in selects
    )


def _changed(columns: list[str] | None, distinct: str) -> str:
    return " OR ".join(f"OLD.{c} {distinct} NEW.{c}" for c in columns) if columns else ""


def _postgresql(table: str, selects: list[str], columns: list[str] | None) -> tuple[str, str]:
    name = f"vc_summary_log_{table}"
    changed = _changed(columns, "IS DISTINCT FROM")
    guard = f"IF TG_OP = 'UPDATE' AND NOT ({changed}) THEN RETURN NULL; END IF;" if changed else ""
    create = f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('victimcare.summary_log', true) = 'off' THEN RETURN NULL; END IF;
  {guard}
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
{_inserts(selects, "OLD")}  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
{_inserts(selects, "NEW")}  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE ON {table}
  FOR EACH ROW EXECUTE FUNCTION {name}();
"""
    drop = f"DROP TRIGGER IF EXISTS {name} ON {table}; DROP FUNCTION IF EXISTS {name}();"
    return create, drop


def _sqlite(table: str, selects: list[str], columns: list[str] | None) -> tuple[list, list]:
    name = f"vc_summary_log_{table}"
    changed = _changed(columns, "IS NOT")
    when = f"WHEN {changed}" if changed else ""
    create = [
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} BEGIN\n"
        f"{_inserts(selects, 'NEW')}END",
        f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table} {when} BEGIN\n"
        f"{_inserts(selects, 'OLD')}{_inserts(selects, 'NEW')}END",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} BEGIN\n"
        f"{_inserts(selects, 'OLD')}END",
    ]
    drop = [f"DROP TRIGGER IF EXISTS {name}_{op}" for op in ("insert", "update", "delete")]
    return create, drop


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, (selects, columns) in SOURCES.items():
        if vendor == "postgresql":
            schema_editor.execute(_postgresql(table, selects, columns)[0])
        elif vendor == "sqlite":
            for statement in _sqlite(table, selects, columns)[0]:
                schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, (selects, columns) in SOURCES.items():
        if vendor == "postgresql":
            schema_editor.execute(_postgresql(table, selects, columns)[1])
        elif vendor == "sqlite":
            for statement in _sqlite(table, selects, columns)[1]:
                schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0007_recount_after_new_summary_tables"),
        ("cases", "0008_case_edit_policy"),
        ("entitlements", "0006_duty_due_index"),
        ("referrals", "0010_automatic_referral_schedule"),
        ("surveys", "0005_invitation_closed_by_system"),
    ]

    operations = [
        migrations.CreateModel(
            name="SummaryChange",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("team_id", models.IntegerField(null=True)),
                ("at", models.DateTimeField(null=True)),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
