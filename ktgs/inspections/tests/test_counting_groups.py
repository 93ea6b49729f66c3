"""The reports' sums over groups of performing bodies (docs/counting.md, "Sums over groups of
bodies"): `group_counts` and `group_kind_figures` must say what `count` and `kind_figures` say of
the same rows, added up per place and side of the body — the same definition, summed in SQL."""

from dataclasses import fields
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ktgs.inspections import counting
from ktgs.inspections.models import Inspection
from ktgs.orgs.models import Body, OrgUnit, Term

pytestmark = pytest.mark.django_db
REFERENCE = date(2023, 6, 30)
FIGURES = ("inspections", "supervisions", "organisations", "committee_members", "members")


def _place_side(unit: OrgUnit, key: str) -> tuple[str, str]:
    """A row's (place, side) read from its body, in Python (the rule of counting.places)."""
    if key.startswith("cu-"):
        owner, side = OrgUnit.objects.select_related("kind").get(pk=int(key[3:])), "committee"
    else:
        body = Body.objects.select_related("unit__kind").get(pk=int(key))
        owner = body.unit
        side = {"committee": "committee", "standing": "committee", "cell_meeting": "committee"}
        side = side.get(body.kind, "inspection" if body.kind == "inspection" else "other")
    if owner.pk == unit.pk:
        return "own", side
    return ("grassroots" if owner.kind.level in ("base", "below_base") else "between"), side


@pytest.mark.parametrize("code", ["HA.DBK", "HA"])
def test_group_counts_are_the_sums_of_the_rows_of_count(demo, code):
    unit = OrgUnit.objects.get(code=code)
    start = Term.objects.get(unit__code="HA.DBK", name="2020–2025").starts_on
    rows = counting.count(unit, start, REFERENCE).rows
    expected: dict = {}
    for row in rows:
        part = expected.setdefault(_place_side(unit, row.key), {"rows": [], "kinds": {}})
        part["rows"].append(row)
    groups = counting.group_counts(unit, start, REFERENCE)
    assert set(groups) == set(expected) and len(groups) >= 2
    for part, want in expected.items():
        got = groups[part]
        for name in (*FIGURES, "violations"):
            assert getattr(got, name) == sum(getattr(r, name) for r in want["rows"]), (part, name)
        by_kind: dict = {}
        for r in want["rows"]:
            for kind, n in r.by_kind.items():
                by_kind[kind] = by_kind.get(kind, 0) + n
        assert got.by_kind == by_kind
        assert got.rows == len(want["rows"])
        assert (got.key == want["rows"][0].key) or got.rows > 1

    per_kind = counting.kind_figures(unit, start, REFERENCE)
    summed: dict = {}
    names = [f.name for f in fields(counting.KindFigures)]
    for (key, kind), f in per_kind.items():
        total = summed.setdefault((*_place_side(unit, key), kind), dict.fromkeys(names, 0))
        for name in names:
            total[name] += getattr(f, name)
    grouped = counting.group_kind_figures(unit, start, REFERENCE)
    assert {k: {n: getattr(v, n) for n in names} for k, v in grouped.items()} == summed


def test_group_figures_take_a_fixed_number_of_queries(demo):
    unit = OrgUnit.objects.get(code="HA.DBK")
    start = Term.objects.get(unit__code="HA.DBK", name="2020–2025").starts_on
    with CaptureQueriesContext(connection) as queries:
        counting.group_counts(unit, start, REFERENCE)
        counting.group_kind_figures(unit, start, REFERENCE)
    assert len(queries) == 2
    assert not any("orgs_unitname" in q["sql"] for q in queries.captured_queries)


def test_an_inspection_without_subjects_is_a_case_in_the_group_sums(demo):
    """`group_counts` reads cases and subjects in one query (the inspections joined to their
    subjects): a case without any subject still counts once, a case of several subjects once."""
    unit = OrgUnit.objects.get(code="HA.DBK")
    start = Term.objects.get(unit__code="HA.DBK", name="2020–2025").starts_on
    several = next(
        i
        for i in Inspection.objects.filter(unit=unit, voided_at__isnull=True)
        if i.subjects.count() > 1 and start <= i.decided_on <= REFERENCE
    )
    before = counting.group_counts(unit, start, REFERENCE)
    bare = Inspection.objects.get(pk=several.pk)
    bare.pk = bare.id = None
    bare.save()
    assert not bare.subjects.exists()
    after = counting.group_counts(unit, start, REFERENCE)
    key = _place_side(unit, str(several.body_id))
    kind = several.kind
    assert after[key].by_kind[kind] == before[key].by_kind[kind] + 1
    total = lambda g: g.inspections + g.supervisions  # noqa: E731
    assert total(after[key]) == total(before[key]) + 1
    assert after[key].members == before[key].members  # no subject: none more
    rows = counting.count(unit, start, REFERENCE).rows
    assert sum(total(r) for r in rows) == sum(total(g) for g in after.values())
