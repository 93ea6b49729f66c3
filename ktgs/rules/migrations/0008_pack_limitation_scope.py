# The rule pack gains "discipline_limitation_scope" (violation categories without a limitation
# period per subject kind; a new violation restarts the count). Like 0002_load_pack, it brings
# the pack rows in line with the data files.
from django.db import migrations


def load(apps, schema_editor):
    from ktgs.rules.pack import load_pack

    load_pack(apps.get_model("rules", "RuleRow"))


class Migration(migrations.Migration):
    dependencies = [("rules", "0007_pack_suspension_competence")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
