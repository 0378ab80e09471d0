"""The access audit keeps one entry per action: an export becomes one entry per owning agency
with the number of its seizures sent (`rows`) and no seizure; every entry names the agency
whose seizures were accessed (`owner`), filled from the seizure for the entries already kept."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_owner(apps, schema_editor):
    SeizureAccess = apps.get_model("seizures", "SeizureAccess")
    Seizure = apps.get_model("seizures", "Seizure")
    SeizureAccess.objects.filter(owner__isnull=True).update(
        owner_id=Subquery(Seizure.objects.filter(pk=OuterRef("seizure_id")).values("agency_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_load_agencies"),
        ("seizures", "0011_identifier_search_trigram"),
    ]

    operations = [
        migrations.AddField(
            model_name="seizureaccess",
            name="owner",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="members.agency"
            ),
        ),
        migrations.AddField(
            model_name="seizureaccess",
            name="rows",
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.RunPython(fill_owner, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="seizureaccess",
            name="owner",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="members.agency"),
        ),
        migrations.AlterField(
            model_name="seizureaccess",
            name="seizure",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="accesses",
                to="seizures.seizure",
            ),
        ),
        migrations.AddIndex(
            model_name="seizureaccess",
            index=models.Index(fields=["owner", "-at", "-id"], name="seizure_access_owner_order"),
        ),
    ]
