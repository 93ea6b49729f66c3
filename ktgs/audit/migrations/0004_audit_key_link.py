"""Each event names its link ("sha256" for every event written so far; the keyed chain starts
with the `audit.chain.keyed` event written after `migrate`). Existing links are not recomputed.

SQLite adds the column by rebuilding the table, which drops its triggers: they are put back here
(and after every `migrate`, by the post_migrate handler in ktgs/audit/apps.py)."""

from django.db import migrations, models

from ktgs.audit import triggers


def install_triggers(apps, schema_editor):
    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_read_log")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="link",
            field=models.CharField(default="sha256", editable=False, max_length=40),
        ),
        migrations.RunPython(install_triggers, migrations.RunPython.noop),
    ]
