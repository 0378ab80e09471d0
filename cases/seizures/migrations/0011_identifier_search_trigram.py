"""PostgreSQL: a trigram index over identifiers' normalised values, for the free-text filter `q`
(cases.seizures.selectors.text_search), which finds a seizure by part of an identifier
("GOLDEN LOTUS" in the company "GOLDEN LOTUS TRADING"). Exact normalised forms use the btree
index seizure_identifier_norm. Other databases search by scanning.
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS seizure_identifier_trgm "
        "ON seizures_seizureidentifier USING gin ((upper(normalized)) gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS seizure_identifier_trgm")


class Migration(migrations.Migration):
    # CONCURRENTLY: a live database keeps taking seizures while the index builds.
    atomic = False
    dependencies = [("seizures", "0010_kg_equivalent_tablets")]

    operations = [migrations.RunPython(create, drop)]
