# The letters families (data/letters_*.toml: who may file, grounds not considered, handling of
# anonymous-specific and mixed letters, resolution time limits with their day type and
# extension cap, verdicts) for QĐ 30, 22, 296 and 21. Like 0002_load_pack, it brings the pack
# rows of the database in line with ktgs/rules/data/*.toml.
from django.db import migrations


def load(apps, schema_editor):
    from ktgs.rules.pack import load_pack

    load_pack(apps.get_model("rules", "RuleRow"))


class Migration(migrations.Migration):
    dependencies = [("rules", "0010_pack_kinds_fees_enforcement")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
