from django.db import migrations


def forwards(apps, schema_editor):
    from members.reference import load_agencies

    load_agencies(apps.get_model("members", "Agency"))


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
