# The rule pack gains "discipline_suspension_competence" (who may suspend a member or an
# organisation's activity). Like 0002_load_pack, it brings the pack rows in line with the files.
from django.db import migrations


def load(apps, schema_editor):
    from ktgs.rules.pack import load_pack

    load_pack(apps.get_model("rules", "RuleRow"))


class Migration(migrations.Migration):
    dependencies = [("rules", "0006_office_row_unit")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
