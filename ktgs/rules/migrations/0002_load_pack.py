# The rule pack's rows from ktgs/rules/data/*.toml. When the files change, add a migration like
# this one (or run `ktgs rules load`) so that every database carries the new rows.
from django.db import migrations


def load(apps, schema_editor):
    from ktgs.rules.pack import load_pack

    load_pack(apps.get_model("rules", "RuleRow"))


class Migration(migrations.Migration):
    dependencies = [("rules", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
