# The rule pack gains the rows of the QĐ 30-QĐ/TW (26/7/2016) and QĐ 22-QĐ/TW (28/7/2021) periods
# for competence and procedure steps, so that cases decided from 26/7/2016 get an answer. Like
# 0002_load_pack, it brings the pack rows of the database in line with ktgs/rules/data/*.toml.
from django.db import migrations


def load(apps, schema_editor):
    from ktgs.rules.pack import load_pack

    load_pack(apps.get_model("rules", "RuleRow"))


class Migration(migrations.Migration):
    dependencies = [("rules", "0002_load_pack")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
