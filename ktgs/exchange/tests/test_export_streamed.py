"""The sheets that grow with the members are exported streamed from the database, a chunk at a
time (issue 19): in exactly the order the other sheets get from `sorted_rows` (by code point,
whatever the database's collation), so exporting the same data gives the same file."""

import csv

import pytest

from ktgs.exchange import orgdata
from ktgs.exchange.exporter import export_csv
from ktgs.exchange.format import MEMBERS, SHEETS
from ktgs.orgs.models import Member

pytestmark = pytest.mark.django_db


def test_the_streamed_sheets_come_in_key_order(demo):
    # lower case sorts after every upper-case code by code point, not under a language's order
    first, second = Member.objects.order_by("code").values_list("pk", flat=True)[:2]
    Member.objects.filter(pk=first).update(code="dv000002a")
    Member.objects.filter(pk=second).update(code="Đ000001")
    loaded = orgdata.load_rows()
    for name, read in orgdata.STREAMED.items():
        streamed = list(read(chunk=50))
        assert len(streamed) > 100, name
        assert streamed == orgdata.sorted_rows(SHEETS[name], loaded[name]), name
    codes = [row["member"] for row in orgdata.member_rows()]
    assert codes[-2:] == ["dv000002a", "Đ000001"]


def test_the_subjects_are_streamed_in_key_order(demo):
    from ktgs.inspections.exchange import (
        INSPECTIONS,
        SUBJECTS,
        inspection_rows,
        load_rows,
        subject_rows,
    )
    from ktgs.inspections.models import Inspection

    Inspection.objects.filter(pk=Inspection.objects.order_by("pk")[1].pk).update(
        external_ref="hs-01"
    )
    loaded = load_rows()
    streamed = list(subject_rows(chunk=50))
    assert len(streamed) > 200
    assert streamed == orgdata.sorted_rows(SUBJECTS, loaded[SUBJECTS.name])
    assert list(inspection_rows(chunk=50)) == orgdata.sorted_rows(
        INSPECTIONS, loaded[INSPECTIONS.name]
    )


def test_the_csv_export_writes_every_member_once_in_order(demo, tmp_path):
    export_csv(tmp_path / "out.zip")
    export_csv(tmp_path / "dir")
    with (tmp_path / "dir" / f"{MEMBERS.name}.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == MEMBERS.headers
    codes = [row[rows[0].index(MEMBERS.columns[0].header)] for row in rows[1:]]
    assert codes == sorted(codes) and len(codes) == Member.objects.live().count()
