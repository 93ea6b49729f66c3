"""Seed the unit kinds of the glossary. A reorganisation changes these rows, not code."""

from django.db import migrations

# code, name, level, grassroots, UBKT, standing committee, is a cell, allowed parents, order
KINDS = [
    ("central", "Trung ương", "central", False, True, True, False, [], 10),
    ("province", "Đảng bộ tỉnh, thành phố", "province", False, True, True, False, ["central"], 20),
    (
        "superior",
        "Đảng bộ cấp trên trực tiếp cơ sở",
        "superior",
        False,
        True,
        True,
        False,
        ["province"],
        30,
    ),
    (
        "base_committee",
        "Đảng bộ cơ sở",
        "base",
        True,
        True,
        True,
        False,
        ["superior", "province"],
        40,
    ),
    ("base_cell", "Chi bộ cơ sở", "base", True, False, False, True, ["superior", "province"], 50),
    (
        "sub_base_committee",
        "Đảng bộ trực thuộc cơ sở",
        "below_base",
        False,
        False,
        False,
        False,
        ["base_committee"],
        55,
    ),
    (
        "partial_committee",
        "Đảng bộ bộ phận",
        "below_base",
        False,
        False,
        False,
        False,
        ["base_committee"],
        60,
    ),
    (
        "cell",
        "Chi bộ trực thuộc",
        "below_base",
        False,
        False,
        False,
        True,
        ["base_committee", "partial_committee", "sub_base_committee"],
        70,
    ),
    ("group", "Tổ đảng", "below_base", False, False, False, False, ["cell", "base_cell"], 80),
]


def seed(apps, schema_editor):
    OrgKind = apps.get_model("orgs", "OrgKind")
    by_code = {}
    for code, name, level, grassroots, ubkt, standing, cell, _parents, order in KINDS:
        by_code[code] = OrgKind.objects.create(
            code=code,
            name=name,
            level=level,
            is_grassroots=grassroots,
            has_inspection_commission=ubkt,
            has_standing_committee=standing,
            is_cell=cell,
            order=order,
        )
    for code, *_rest, parents, _order in KINDS:
        by_code[code].allowed_parents.set([by_code[p] for p in parents])


def unseed(apps, schema_editor):
    apps.get_model("orgs", "OrgKind").objects.filter(code__in=[k[0] for k in KINDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
