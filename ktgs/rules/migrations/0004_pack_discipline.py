# The rule pack gains the discipline families (forms, competence, votes, limitation periods,
# effect, appeal windows, suspension) from 1/11/2011 on. Like 0002_load_pack, it brings the pack
# rows of the database in line with ktgs/rules/data/*.toml.
from django.db import migrations


def load(apps, schema_editor):
    from ktgs.rules.pack import load_pack

    load_pack(apps.get_model("rules", "RuleRow"))


class Migration(migrations.Migration):
    dependencies = [("rules", "0003_pack_2016_2025")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
