"""Units get a folded search key (what the pickers match typed names against); on PostgreSQL the
folded keys of units and members get trigram indexes, so that a name typed anywhere in the key
(`LIKE '%mai%'`) is found through an index at national scale (docs/decisions/0008)."""

from django.db import migrations, models

from ktgs.core.vietnamese import fold

TRIGRAM_INDEXES = (
    ("orgs_orgunit_search_trgm", "orgs_orgunit"),
    ("orgs_member_search_trgm", "orgs_member"),
)


def fill(apps, schema_editor):
    OrgUnit = apps.get_model("orgs", "OrgUnit")
    rows = OrgUnit.objects.only("pk", "name", "short_name").order_by("pk")
    batch = []
    for unit in rows.iterator(chunk_size=2000):
        unit.search_key = fold(f"{unit.name} {unit.short_name}")[:400]
        batch.append(unit)
        if len(batch) == 2000:
            OrgUnit.objects.bulk_update(batch, ["search_key"])
            batch = []
    OrgUnit.objects.bulk_update(batch, ["search_key"])


def trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite scans: the embedded default serves a bloc, not the nation
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table in TRIGRAM_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_key gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


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
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(trigram_indexes, drop_trigram_indexes),
    ]
