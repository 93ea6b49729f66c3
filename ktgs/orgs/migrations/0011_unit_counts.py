"""Per-unit counters (`UnitCount`): what the tree and unit pages read on every view, kept by the
services (`orgs.counters`, docs/decisions/0013-unit-counters.md); filled here from the members
and units already stored.

The children of a unit in today's tree (path = its path + one step) are found through an index
on (length(path), path): the counters' refresh and the tree read them without scanning the
whole subtree (on PostgreSQL the path with `varchar_pattern_ops`, so that the prefix LIKE uses
it whatever the collation)."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    from ktgs.orgs.counters import rebuild

    rebuild(
        count_model=apps.get_model("orgs", "UnitCount"),
        unit_model=apps.get_model("orgs", "OrgUnit"),
        member_model=apps.get_model("orgs", "Member"),
    )


CHILDREN_INDEX = "orgs_orgunit_depth_path"


def children_index(apps, schema_editor):
    opclass = " varchar_pattern_ops" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(
        f"CREATE INDEX {CHILDREN_INDEX} ON orgs_orgunit ((length(path)), path{opclass})"
    )


def drop_children_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {CHILDREN_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0010_committee_short_name_key"),
    ]

    operations = [
        migrations.CreateModel(
            name="UnitCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("members", models.PositiveIntegerField(default=0)),
                ("sub_members", models.PositiveIntegerField(default=0)),
                ("sub_pending", models.JSONField(default=dict)),
                ("sub_kinds", models.JSONField(default=dict)),
                ("counted_on", models.DateField()),
                (
                    "unit",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="counts",
                        to="orgs.orgunit",
                    ),
                ),
            ],
            options={
                "verbose_name": "số liệu của tổ chức",
            },
        ),
        migrations.RunPython(children_index, drop_children_index),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
