# The end-of-effect clock counts from the announcement (discipline_effect_end), the Charter's bar
# after cách chức (discipline_bar), the commune đảng ủy's dated level (unit_level) and the QĐ 208
# rows of the đảng ủy cơ sở (discipline_competence). Like 0002_load_pack, it brings the pack rows
# of the database in line with ktgs/rules/data/*.toml.
from django.db import migrations


def load(apps, schema_editor):
    from ktgs.rules.pack import load_pack

    load_pack(apps.get_model("rules", "RuleRow"))


class Migration(migrations.Migration):
    dependencies = [("rules", "0008_pack_limitation_scope")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
