# The two kinds the sector counts apart get their competence rows (competence.toml:
# discipline_enforcement, party_fees). Like 0002_load_pack, it brings the pack rows of the database
# in line with ktgs/rules/data/*.toml.
from django.db import migrations


def load(apps, schema_editor):
    from ktgs.rules.pack import load_pack

    load_pack(apps.get_model("rules", "RuleRow"))


class Migration(migrations.Migration):
    dependencies = [("rules", "0009_pack_effect_end_bar_unit_level")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
