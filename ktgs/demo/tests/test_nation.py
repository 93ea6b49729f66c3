"""The nation tier (`ktgs demo --tier nation`) at a tiny scale, and the member codes at any size.

The nation is built beside the session's demo bloc (`alongside`, inside the test's transaction),
so the checks below run over both: every unit's path and name keys, every office holder
registered in the body's subtree, every subject where the inspection says it was.
"""

import random
from collections import Counter
from datetime import date

import pytest
from django.db.models import Count, Exists, F, OuterRef, Q

from ktgs.audit.models import AuditEvent
from ktgs.demo.discipline import expelled_code
from ktgs.demo.nation import (
    NATION_MEMBERS,
    NationError,
    _Tree,
    allocate,
    build_nation,
    check_scale,
)
from ktgs.demo.people import CCCD_SERIALS, _ids, member_code
from ktgs.demo.tests.test_demo import _registered_within
from ktgs.discipline.models import Decision
from ktgs.inspections.models import InspectionSubject
from ktgs.orgs import areas, counters
from ktgs.orgs.choices import BodyKind
from ktgs.orgs.models import (
    CommitteeSeat,
    HeadOfUnit,
    ManagedBy,
    Member,
    Membership,
    OrgUnit,
    UnitAttribute,
    UnitLink,
    path_segment,
)
from ktgs.orgs.tests.test_placekeys import stale_keys

SCALE = 0.001


@pytest.mark.parametrize(
    ("index", "code"),
    [(1, "DV000001"), (999_999, "DV999999"), (1_000_000, "DV1000000"), (5_600_000, "DV5600000")],
)
def test_member_codes_go_past_a_million(index, code):
    assert member_code(index) == code


def test_citizen_ids_stay_unique_past_a_million_members():
    """A CCCD's serial is a bijection of the index below a million; past that, with the province
    and birth year drawn at random, numbers met (the first full nation stopped on a duplicate
    CCCD): those members get an old CMND, unique up to a billion."""
    rng = random.Random(1)
    cccd, cmnd = {}, {}
    for index in [*range(1, 20_001), *range(990_000, 1_030_000), *range(5_580_000, 5_600_001)]:
        new, old = _ids(rng, index, date(1980, 5, 17), "M")
        if new:
            assert index < CCCD_SERIALS and new not in cccd, (index, cccd.get(new))
            cccd[new] = index
        if old:
            assert old not in cmnd, (index, cmnd[old])
            cmnd[old] = index
    assert cccd and any(i >= CCCD_SERIALS for i in cmnd.values())


@pytest.mark.parametrize("planned", [4_759, 900_000, 950_000, 5_600_000])
def test_the_expelled_members_codes_never_meet_the_plans(planned):
    """At 950,000 members the expelled ones were coded DV900001…, a plan member's code."""
    expelled = {expelled_code(planned, i) for i in range(5)}
    assert len(expelled) == 5
    planned_indices = {1, 900_001, 900_005, planned - 4, planned}
    near = {member_code(i) for i in planned_indices if i <= planned}
    assert not expelled & near
    assert min(int(code[2:]) for code in expelled) == planned + 1


def test_allocate_keeps_the_total_and_the_floor():
    counts = allocate(1000, [1.0, 2.0, 0.1, 5.0], 3)
    assert sum(counts) == 1000 and min(counts) >= 3
    assert counts[3] > counts[1] > counts[0] > counts[2]


def test_the_full_nation_is_refused_on_sqlite_with_a_way_out():
    with pytest.raises(NationError, match="PostgreSQL.*--scale"):
        check_scale(1.0, "sqlite")
    check_scale(0.01, "sqlite")
    check_scale(1.0, "postgresql")
    with pytest.raises(NationError, match="--scale"):
        check_scale(0, "postgresql")


def test_the_full_nation_has_the_2025_shape():
    """The plan alone (no database): 34 provinces, 3,321 communes, about 55,000 grassroots
    organisations with their cells."""
    units = list(_Tree(1.0).walk())
    kinds = Counter(u.kind for u in units)
    communes = sum(u.commune for u in units)
    assert kinds["province"] == 34 and communes == 3_321
    assert kinds["superior"] == 3_321 + 4 * 34
    grassroots = kinds["base_committee"] + kinds["base_cell"]
    assert 53_000 <= grassroots <= 57_000
    assert 3 * kinds["base_committee"] <= kinds["cell"] <= 9 * kinds["base_committee"]
    assert 30 <= NATION_MEMBERS / (kinds["cell"] + kinds["base_cell"]) <= 80  # a chi bộ


@pytest.fixture
def nation(db):
    counts = build_nation(scale=SCALE, alongside=True)
    return counts, OrgUnit.objects.get(code="VN")


def test_a_tiny_nation_has_the_shape(nation):
    counts, root = nation
    units = OrgUnit.objects.filter(path__startswith=root.path)
    provinces = units.filter(kind__code="province")
    assert provinces.count() == 34 == counts["provinces"]
    communes = UnitAttribute.objects.filter(key="commune", unit__path__startswith=root.path)
    assert communes.count() == counts["communes"] >= 34
    blocs = units.filter(kind__code="superior").exclude(pk__in=communes.values("unit"))
    assert set(blocs.values_list("code", flat=True)) == {
        f"{p}.{b}"
        for p in provinces.values_list("code", flat=True)
        for b in ("UB", "CQD", "CA", "QS")
    }
    grassroots = units.filter(kind__is_grassroots=True)
    assert grassroots.count() == counts["grassroots"]
    cells = units.filter(kind__code="cell").values("links__parent").annotate(n=Count("pk"))
    assert {row["n"] for row in cells} <= set(range(3, 10))
    members = Member.objects.filter(current_unit__path__startswith=root.path)
    assert members.count() == counts["members"] == round(NATION_MEMBERS * SCALE)
    per_cell = members.values("current_unit").annotate(n=Count("pk")).values_list("n", flat=True)
    assert min(per_cell) >= 3
    assert 15 <= counts["members"] / counts["grassroots"] <= 60
    assert AuditEvent.objects.filter(action="demo.loaded").count() == 2


def test_a_tiny_nation_keeps_the_tree_caches(nation):
    assert stale_keys() == []
    links = UnitLink.objects.filter(ends_on__isnull=True)
    units = dict(OrgUnit.objects.values_list("pk", "path"))
    for unit, parent in links.values_list("unit", "parent"):
        assert units[unit] == units[parent] + path_segment(unit), unit
    roots = OrgUnit.objects.exclude(pk__in=links.values("unit"))
    assert all(len(path) == 7 for path in roots.values_list("path", flat=True))
    assert (
        not Member.objects.exclude(
            Exists(
                Membership.objects.filter(
                    member=OuterRef("pk"), unit=OuterRef("current_unit"), ends_on__isnull=True
                )
            )
        )
        .filter(current_unit__isnull=False)
        .exists()
    )
    codes = Member.objects.values_list("code", flat=True)
    assert len(set(codes)) == len(codes)
    assert counters.check() == []  # the per-unit counters the tree and unit pages read
    assert areas.drifted() == 0  # and the areas the province lists walk, written by the COPY


OFFICES = [
    (CommitteeSeat, "body__unit__path"),
    (HeadOfUnit, "unit__path"),
    (ManagedBy, "body__unit__path"),
]


def test_a_tiny_nations_office_holders_sit_in_the_subtree(nation):
    for model, unit_path in OFFICES:
        rows = model.objects.filter(**{f"{unit_path}__startswith": nation[1].path})
        assert rows.count() > 100, model
        assert not rows.exclude(Exists(_registered_within(unit_path))).exists(), model
    seats = CommitteeSeat.objects.filter(body__unit__path__startswith=nation[1].path)
    assert not seats.exclude(term__unit_id=F("body__unit_id")).exists()


def test_a_tiny_nations_subjects_are_where_the_inspection_says(nation):
    counts, root = nation
    subjects = InspectionSubject.objects.filter(inspection__unit__path__startswith=root.path)
    assert subjects.count() == counts["subjects"]
    members = subjects.filter(member__isnull=False)
    assert not members.exclude(unit=F("member__current_unit")).exists()
    seated = CommitteeSeat.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=OuterRef("inspection__decided_on")),
        member=OuterRef("member"),
        body__unit=OuterRef("committee_unit"),
        body__kind=BodyKind.COMMITTEE,
        starts_on__lte=OuterRef("inspection__decided_on"),
    )
    committee = members.filter(committee_unit__isnull=False)
    assert committee.count() > 50
    assert not committee.exclude(Exists(seated)).exists()
    in_scope = subjects.exclude(unit__path__startswith=F("inspection__unit__path"))
    assert not in_scope.exists()
    decisions = Decision.objects.filter(subject_unit__path__startswith=root.path)
    assert decisions.count() == counts["decisions"] > 0
    # over 2 million subjects and decisions at full scale (the members scale linearly)
    per_member = (counts["subjects"] + counts["decisions"]) / counts["members"]
    assert per_member * NATION_MEMBERS > 2_000_000
