"""SeizureNotice moves from the alerts app to seizures: the model only, its table stays."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0001_initial"),
        ("members", "0002_load_agencies"),
        ("seizures", "0006_field_rules"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SeizureNotice",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "agency",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="members.agency"
                            ),
                        ),
                        (
                            "seizure",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="seizures.seizure"
                            ),
                        ),
                    ],
                    options={
                        "db_table": "alerts_seizurenotice",
                        "constraints": [
                            models.UniqueConstraint(fields=("seizure", "agency"), name="seizure_notice_once")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
