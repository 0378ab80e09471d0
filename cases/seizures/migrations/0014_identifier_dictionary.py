"""The identifier dictionary for the free-text filter `q` (cases.seizures.selectors.text_search).

A search by part of an identifier ("GOLDEN LOTUS" in "GOLDEN LOTUS TRADING") used a trigram
index over every identifier: a company name held by 15,000 seizures' identifiers then read
15,000 rows of the table to recheck and to learn their seizures. Now the part is looked up in
`seizures_identifiervalue` (each normalised value once, trigram-indexed: a few values), and the
identifiers holding those values are read by the btree index on `normalized`, which carries the
seizure id (an index-only read).

PostgreSQL only (other databases search the identifiers directly): the dictionary is filled
from the identifiers already recorded and kept filled by a statement trigger (one INSERT …
SELECT DISTINCT per statement, so a bulk insert pays once); the identifiers' own trigram index
(0011) is dropped, nothing reads it any more. Indexes are built CONCURRENTLY: a live database
keeps taking seizures meanwhile.
"""

from django.db import migrations, models

TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION seizures_identifier_value_fill() RETURNS trigger AS $$
BEGIN
    INSERT INTO seizures_identifiervalue (normalized)
    SELECT DISTINCT normalized FROM new_identifiers WHERE normalized <> ''
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""


def forward(apps, schema_editor):
    identifier = apps.get_model("seizures", "SeizureIdentifier")
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.remove_index(identifier, models.Index(fields=["normalized"], name="seizure_identifier_norm"))
        schema_editor.add_index(
            identifier, models.Index(fields=["normalized"], include=["seizure"], name="seizure_identifier_norm_id")
        )
        return
    run = schema_editor.execute
    run(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS seizure_identifier_norm_id "
        "ON seizures_seizureidentifier (normalized) INCLUDE (seizure_id)"
    )
    run("DROP INDEX CONCURRENTLY IF EXISTS seizure_identifier_norm")
    run(TRIGGER_FUNCTION)
    for event in ("INSERT", "UPDATE"):
        run(f"DROP TRIGGER IF EXISTS seizures_identifier_value_{event.lower()} ON seizures_seizureidentifier")
        run(
            f"CREATE TRIGGER seizures_identifier_value_{event.lower()} AFTER {event} "
            "ON seizures_seizureidentifier REFERENCING NEW TABLE AS new_identifiers "
            "FOR EACH STATEMENT EXECUTE FUNCTION seizures_identifier_value_fill()"
        )
    run(
        "INSERT INTO seizures_identifiervalue (normalized) "
        "SELECT DISTINCT normalized FROM seizures_seizureidentifier WHERE normalized <> '' "
        "ON CONFLICT DO NOTHING"
    )
    run("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    run(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS identifier_value_trgm "
        "ON seizures_identifiervalue USING gin ((upper(normalized)) gin_trgm_ops)"
    )
    run("DROP INDEX CONCURRENTLY IF EXISTS seizure_identifier_trgm")
    run("ANALYZE seizures_identifiervalue")


def backward(apps, schema_editor):
    identifier = apps.get_model("seizures", "SeizureIdentifier")
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.remove_index(
            identifier, models.Index(fields=["normalized"], include=["seizure"], name="seizure_identifier_norm_id")
        )
        schema_editor.add_index(identifier, models.Index(fields=["normalized"], name="seizure_identifier_norm"))
        return
    run = schema_editor.execute
    run(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS seizure_identifier_trgm "
        "ON seizures_seizureidentifier USING gin ((upper(normalized)) gin_trgm_ops)"
    )
    for event in ("insert", "update"):
        run(f"DROP TRIGGER IF EXISTS seizures_identifier_value_{event} ON seizures_seizureidentifier")
    run("DROP FUNCTION IF EXISTS seizures_identifier_value_fill()")
    run("CREATE INDEX CONCURRENTLY IF NOT EXISTS seizure_identifier_norm ON seizures_seizureidentifier (normalized)")
    run("DROP INDEX CONCURRENTLY IF EXISTS seizure_identifier_norm_id")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("seizures", "0013_external_reference_search_trigram")]

    operations = [
        migrations.CreateModel(
            name="IdentifierValue",
            fields=[
                (
                    "normalized",
                    models.CharField(
                        max_length=200, primary_key=True, serialize=False, verbose_name="normalised value"
                    ),
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="seizureidentifier", name="seizure_identifier_norm"),
                migrations.AddIndex(
                    model_name="seizureidentifier",
                    index=models.Index(fields=["normalized"], include=("seizure",), name="seizure_identifier_norm_id"),
                ),
            ],
            database_operations=[migrations.RunPython(forward, backward)],
        ),
    ]
