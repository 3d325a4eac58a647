"""Make the audit trail append-only in the database, and create the fixed set of roles.

PostgreSQL refuses UPDATE and DELETE of audit rows with a trigger (TRUNCATE, used
only to empty a test database, is not a row operation). SQLite refuses UPDATE;
deletes are refused by the model and its queryset, because the test runner
empties SQLite tables with DELETE.
"""

from django.db import migrations

ROLE_CODES = [
    "initiator",
    "support_provider",
    "contact_team",
    "match_team",
    "programme_staff",
    "analyst",
    "fund_manager",
    "juror",
    "investor",
    "administrator",
]

PG_FORWARD = """
CREATE OR REPLACE FUNCTION core_auditrecord_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit records are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditrecord_append_only
    BEFORE UPDATE OR DELETE ON core_auditrecord
    FOR EACH ROW EXECUTE FUNCTION core_auditrecord_append_only();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS core_auditrecord_append_only ON core_auditrecord;
DROP FUNCTION IF EXISTS core_auditrecord_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER core_auditrecord_no_update BEFORE UPDATE ON core_auditrecord
BEGIN
    SELECT RAISE(ABORT, 'audit records are append-only');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS core_auditrecord_no_update;"


def install_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def remove_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


def create_roles(apps, schema_editor):
    Role = apps.get_model("core", "Role")
    for code in ROLE_CODES:
        Role.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(install_triggers, remove_triggers),
        migrations.RunPython(create_roles, migrations.RunPython.noop),
    ]
