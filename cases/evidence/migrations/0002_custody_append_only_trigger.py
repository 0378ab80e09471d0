"""Custody records are append-only in the database itself (PostgreSQL triggers).

An UPDATE of a custody entry, of its lab results or of its links to files fails, whoever
sends it (the ORM, a shell, psql). A DELETE fails too, except while the seizure is still a
draft: a draft deleted by its agency takes its record with it (Django deletes the rows of a
cascade before the seizure's own, so the draft is still there when they go). Other databases
rely on the model and queryset guards (cases/evidence/models.py). TRUNCATE, the table owner's
reset of a whole database (test flushes), is left alone.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION evidence_custody_append_only() RETURNS trigger AS $$
DECLARE
    seizure bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF TG_TABLE_NAME = 'evidence_custodyentry' THEN
            seizure := OLD.seizure_id;
        ELSIF TG_TABLE_NAME = 'evidence_itempurity' THEN
            SELECT e.seizure_id INTO seizure FROM evidence_custodyentry e WHERE e.id = OLD.entry_id;
        ELSE
            SELECT e.seizure_id INTO seizure FROM evidence_custodyentry e WHERE e.id = OLD.custodyentry_id;
        END IF;
        IF seizure IS NULL OR EXISTS (
            SELECT 1 FROM seizures_seizure s WHERE s.id = seizure AND s.status = 'draft'
        ) THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'custody records are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""

TABLES = ("evidence_custodyentry", "evidence_itempurity", "evidence_custodyentry_evidence")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)  # no placeholders: its % are RAISE formats
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION evidence_custody_append_only()"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS evidence_custody_append_only()")


class Migration(migrations.Migration):
    dependencies = [("evidence", "0001_evidence_and_custody")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
