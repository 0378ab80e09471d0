"""SeizureNotice now belongs to seizures (seizures 0007): the model leaves alerts, its table stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0001_initial"),
        ("seizures", "0007_seizure_notice"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SeizureNotice")],
            database_operations=[],
        ),
    ]
