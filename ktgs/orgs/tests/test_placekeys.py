"""`OrgUnit.search_key` and `place_key` (its superior's folded name) stay in step with names and
today's tree after every write that changes them, so the pickers find a unit by its own name or
its superior's ("van phong y te")."""

from datetime import date

import pytest

from ktgs.accounts.access import visible_to
from ktgs.orgs import picking, restructure, services
from ktgs.orgs.models import PATH_STEP, OrgUnit, unit_search_key

pytestmark = pytest.mark.django_db


def stale_keys() -> list[str]:
    """Units whose keys differ from their name and their superior's, recomputed from scratch."""
    rows = list(
        OrgUnit.objects.values_list("code", "path", "name", "short_name", "search_key", "place_key")
    )
    keys = {path: unit_search_key(name, short) for _c, path, name, short, _s, _p in rows}
    wrong = []
    for code, path, name, short, search, place in rows:
        parent = keys.get(path[:-PATH_STEP], "") if len(path) > PATH_STEP else ""
        if search != unit_search_key(name, short) or place != parent:
            wrong.append(code)
    return wrong


def test_the_demo_and_migration_keys_are_consistent(demo):
    assert stale_keys() == []
    assert OrgUnit.objects.exclude(place_key="").count() == OrgUnit.objects.count() - 1


def test_a_cell_is_found_by_its_name_and_its_superiors(cast, demo):
    scope = visible_to(cast["inspector"])
    cell = demo.cell
    parent = OrgUnit.objects.get(path=cell.path[:-PATH_STEP])
    typed = f"{picking.fold(cell.name).split()[-1]} {picking.fold(parent.name).split()[-1]}"
    found = picking.unit_rows(scope, typed, limit=100)
    assert cell in found
    # typed with the superior's full name, the superior itself comes first
    first = picking.unit_rows(scope, picking.fold(parent.name))[0]
    assert first == parent


def test_rename_edit_and_move_keep_the_keys(cast, demo):
    base = OrgUnit.objects.get(code="HA.DBK.003")
    restructure.unit_rename(unit=base, name="Đảng bộ Sở Khoa học Công nghệ", on=date(2026, 7, 1))
    assert stale_keys() == []
    base.refresh_from_db()
    services.unit_update(unit=base, name="Đảng bộ Sở Khoa học và Công nghệ", version=base.version)
    assert stale_keys() == []
    cell = OrgUnit.objects.filter(path__startswith=base.path, kind__is_cell=True).first()
    target = OrgUnit.objects.get(code="HA.DBK.004")
    services.unit_move(unit=cell, new_parent=target, on=date(2026, 8, 3))
    assert stale_keys() == []
    cell.refresh_from_db()
    assert cell.place_key == target.search_key
    scope = visible_to(cast["inspector"])
    assert picking.pick_unit(scope, "dang bo so khoa hoc va cong nghe") == base


def test_a_new_unit_gets_its_superiors_name(cast, demo):
    parent = OrgUnit.objects.get(code="HA.DBK.001")
    unit = services.unit_create(
        code="HA.DBK.001.99",
        name="Chi bộ Phòng Thử nghiệm",
        kind=OrgUnit.objects.get(code="HA.DBK.001.01").kind,
        parent=parent,
        starts_on=date(2024, 1, 1),
    )
    assert unit.place_key == parent.search_key and stale_keys() == []
