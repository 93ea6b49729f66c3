# The rule pack gains "discipline_after" (not appointable for N months after a sanction, QĐ 80
# then QĐ 377). Like 0002_load_pack, it brings the pack rows in line with the data files.
from django.db import migrations


def load(apps, schema_editor):
    from ktgs.rules.pack import load_pack

    load_pack(apps.get_model("rules", "RuleRow"))


class Migration(migrations.Migration):
    dependencies = [("rules", "0004_pack_discipline")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
