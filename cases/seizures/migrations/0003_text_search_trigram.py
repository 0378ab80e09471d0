"""PostgreSQL: trigram indexes for the free-text filter `q` (cases.seizures.selectors.text_search).

One GIN index over the seizure's searchable text (reference, location, concealment, notes,
joined by a unit separator so that no term matches across two fields) and one over item
descriptions. Other databases search by scanning, as before. The expression is repeated in
cases.seizures.selectors._TEXT_SQL; tests/cases/seizures/test_text_search.py checks that the
search uses this index.
"""

from django.db import migrations

SEIZURE_TEXT = (
    "upper(reference || chr(31) || location || chr(31) || concealment || chr(31) || notes)"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS seizure_text_trgm ON seizures_seizure USING gin (({SEIZURE_TEXT}) gin_trgm_ops)"
    )
    schema_editor.execute(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS seizure_item_description_trgm "
        "ON seizures_seizureitem USING gin ((upper(description)) gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS seizure_text_trgm")
    schema_editor.execute("DROP INDEX IF EXISTS seizure_item_description_trgm")


class Migration(migrations.Migration):
    # CONCURRENTLY: a live database keeps taking seizures while the indexes build.
    atomic = False
    dependencies = [("seizures", "0002_seizure_stat")]

    operations = [migrations.RunPython(create, drop)]
