"""PostgreSQL: the covering index seizure_beyond_members also holds each row's sharing level
and operation, so that the dashboard's test "named in shared_with, or shared with an
operation the agency accepted" (cases.stats.cells._visible_beyond_summary) is answered from
the index alone. Other databases do without.

The new index is built beside the old one (CONCURRENTLY: writes go on), then takes its name:
the dashboard is never without one, and a failed build leaves the old index in place.
"""

from django.db import migrations

NAME = "seizure_beyond_members"
COLUMNS = "id, agency_id, transport_mode, total_weight_kg, origin_country, destination_country, transit_countries"
WHERE = "WHERE sharing IN ('agency', 'operation') AND status IN ('submitted', 'verified')"


def _rebuild(schema_editor, columns: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}_next")
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY {NAME}_next ON seizures_seizure (occurred_at) INCLUDE ({columns}) {WHERE}"
    )
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}")
    schema_editor.execute(f"ALTER INDEX {NAME}_next RENAME TO {NAME}")


def forwards(apps, schema_editor):
    _rebuild(schema_editor, f"{COLUMNS}, sharing, operation_id")


def backwards(apps, schema_editor):
    _rebuild(schema_editor, COLUMNS)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("seizures", "0004_beyond_members_index")]

    operations = [migrations.RunPython(forwards, backwards)]
