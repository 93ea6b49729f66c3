"""Number and hash-chain the audit events, then make the table append-only."""

import django.utils.timezone
from django.db import migrations, models

from ktgs.audit import triggers
from ktgs.audit.chain import CHAINED_FIELDS, GENESIS, link_hash


def backfill(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    prev = GENESIS
    for seq, event in enumerate(AuditEvent.objects.order_by("id"), start=1):
        event.seq = seq
        row = {name: getattr(event, name) for name in CHAINED_FIELDS}
        event.prev_hash, event.hash = prev, link_hash(prev, row)
        event.save(update_fields=["seq", "prev_hash", "hash"])
        prev = event.hash


def install_triggers(apps, schema_editor):
    triggers.install(schema_editor.connection)


def remove_triggers(apps, schema_editor):
    triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.AlterModelOptions(name="auditevent", options={"ordering": ["-seq"]}),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(null=True, editable=False),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="at",
            field=models.DateTimeField(
                db_index=True, default=django.utils.timezone.now, verbose_name="lúc"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(
                editable=False, unique=True, verbose_name="số thứ tự"
            ),
        ),
        migrations.RunPython(install_triggers, remove_triggers),
    ]
