"""PostgreSQL: the covering index seizure_beyond_members also holds each row's sharing level
and operation, so that the dashboard's test "named in shared_with, or shared with an
operation the agency accepted" (cases.stats.cells._visible_beyond_summary) is answered from
the index alone. Other databases do without.
"""

from django.db import migrations

COLUMNS = "id, agency_id, transport_mode, total_weight_kg, origin_country, destination_country, transit_countries"
WHERE = "WHERE sharing IN ('agency', 'operation') AND status IN ('submitted', 'verified')"
INDEX = "CREATE INDEX CONCURRENTLY IF NOT EXISTS seizure_beyond_members ON seizures_seizure (occurred_at) INCLUDE ({})"


def _rebuild(schema_editor, columns: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS seizure_beyond_members")
        schema_editor.execute(f"{INDEX.format(columns)} {WHERE}")


def forwards(apps, schema_editor):
    _rebuild(schema_editor, f"{COLUMNS}, sharing, operation_id")


def backwards(apps, schema_editor):
    _rebuild(schema_editor, COLUMNS)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("seizures", "0004_beyond_members_index")]

    operations = [migrations.RunPython(forwards, backwards)]
