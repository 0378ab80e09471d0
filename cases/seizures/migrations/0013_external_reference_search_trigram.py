"""PostgreSQL: a trigram index over the external references that bulk import brings (only the
seizures that have one), for the free-text filter `q` (cases.seizures.selectors.text_search):
an officer finds an imported record by its national system's number, or part of it. Other
databases search by scanning.
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS seizure_external_reference_trgm "
        "ON seizures_seizure USING gin ((upper(external_reference)) gin_trgm_ops) "
        "WHERE external_reference <> ''"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS seizure_external_reference_trgm")


class Migration(migrations.Migration):
    # CONCURRENTLY: a live database keeps taking seizures while the index builds.
    atomic = False
    dependencies = [("seizures", "0012_access_audit_one_row_per_action")]

    operations = [migrations.RunPython(create, drop)]
