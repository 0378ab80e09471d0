"""PostgreSQL: a covering index of the seizures shared beyond all members (with one agency or
through an operation), by date.

The dashboard counts these live for each reader (cases.stats.cells._visible_beyond_summary):
with this index a period of them is read from the index alone instead of from the table. The
columns are the dimensions the dashboard groups them by; the predicate is written as the
query writes it, so that PostgreSQL can prove the index applies. Other databases do without.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS seizure_beyond_members ON seizures_seizure (occurred_at) "
    "INCLUDE (id, agency_id, transport_mode, total_weight_kg, origin_country, destination_country, "
    "transit_countries) WHERE sharing IN ('agency', 'operation') AND status IN ('submitted', 'verified')"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS seizure_beyond_members")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("seizures", "0003_text_search_trigram")]

    operations = [migrations.RunPython(create, drop)]
