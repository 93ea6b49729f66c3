"""Units get a folded search key (what the pickers match typed names against) and the folded name
of their superior (`place_key`: "van phong y te" finds Chi bộ Văn phòng of Đảng bộ Sở Y tế); on
PostgreSQL the folded keys of units and members get trigram indexes, so that a name typed
anywhere in the key (`LIKE '%mai%'`) is found through an index at national scale
(docs/decisions/0008)."""

from django.db import migrations, models

from ktgs.core.vietnamese import fold
from ktgs.orgs import trigram

STEP = 7  # one level of OrgUnit.path


def fill(apps, schema_editor):
    OrgUnit = apps.get_model("orgs", "OrgUnit")
    rows = list(OrgUnit.objects.values_list("pk", "path", "name", "short_name"))
    keys = {path: fold(f"{name} {short}")[:400] for _pk, path, name, short in rows}
    units = [
        OrgUnit(pk=pk, search_key=keys[path], place_key=keys.get(path[:-STEP], ""))
        for pk, path, _name, _short in rows
    ]
    OrgUnit.objects.bulk_update(units, ["search_key", "place_key"], batch_size=1000)


def trigram_indexes(apps, schema_editor):
    # SQLite scans: the embedded default serves a bloc, not the nation. On PostgreSQL, when
    # pg_trgm cannot be created, the migration still passes: ktgs/orgs/trigram.py says so, and
    # creates the indexes at a later `migrate` once the extension is there (decision 0012).
    if why := trigram.install(schema_editor.connection):
        print(f"\n  {why}")


def drop_trigram_indexes(apps, schema_editor):
    trigram.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0008_versioned_unit_member"),
    ]

    operations = [
        migrations.AddField(
            model_name="orgunit",
            name="search_key",
            field=models.CharField(db_index=True, default="", editable=False, max_length=400),
        ),
        migrations.AddField(
            model_name="orgunit",
            name="place_key",
            field=models.CharField(default="", editable=False, max_length=400),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(trigram_indexes, drop_trigram_indexes),
    ]
