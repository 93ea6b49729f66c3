"""Round trip: export the demo bloc, import it into an EMPTY database (a child process on its
own SQLite file, or a second PostgreSQL database in the PostgreSQL run), export again: every
sheet has the same cells and both databases hold the same entities by natural key."""

import json
import zipfile
from datetime import date

import pytest
import python_calamine

from ktgs.core.vietnamese import text_sort_key
from ktgs.exchange.exporter import export_csv, export_xlsx
from ktgs.exchange.format import SHEETS
from ktgs.exchange.importer import run_import
from ktgs.exchange.tests.helpers import SNAPSHOT, snapshot_json
from ktgs.inspections.services import SubjectInput, inspection_create
from ktgs.ops.tests.helpers import ktgs
from ktgs.orgs.choices import MembershipEnd
from ktgs.orgs.models import (
    Body,
    Member,
    Membership,
    OrgUnit,
    UnitAttribute,
    UnitLink,
    UnitName,
    UnitSuccession,
    path_segment,
    unit_search_key,
)
from ktgs.orgs.services import default_bodies

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(demo):
    """History the demo lacks, so the round trip carries every sheet: a cell merged into
    HA.DBK.001.01 (closed, with its succession), an older name, an attribute that ended, and a
    member who moved twice; an inspection (none in the demo yet)."""
    cell = OrgUnit.objects.get(code="HA.DBK.001.01")
    closed = OrgUnit.objects.create(
        code="HA.DBK.001.99",
        name="Chi bộ Phòng Kế hoạch (cũ)",
        kind=cell.kind,
        established_on=date(2010, 1, 1),
        closed_on=date(2020, 1, 1),
        closed_decision="12-QĐ/ĐU",
        path="",
        sort_key=text_sort_key("Chi bộ Phòng Kế hoạch (cũ)"),
        search_key=unit_search_key("Chi bộ Phòng Kế hoạch (cũ)"),
        place_key=cell.search_key,  # today it lies under its successor
    )
    closed.path = cell.path + path_segment(closed.pk)
    closed.save(update_fields=["path"])
    Body.objects.bulk_create(default_bodies(closed))
    UnitLink.objects.create(
        unit=closed,
        parent=demo.base_committee,
        starts_on=date(2010, 1, 1),
        ends_on=date(2020, 1, 1),
    )
    UnitSuccession.objects.create(
        predecessor=closed, successor=cell, on=date(2020, 1, 1), kind="merged", decision="12-QĐ/ĐU"
    )
    UnitName.objects.create(
        unit=cell, name="Chi bộ Văn phòng", starts_on=date(2000, 1, 1), ends_on=date(2015, 1, 1)
    )
    UnitAttribute.objects.create(
        unit=cell,
        key="may_admit_members",
        value=False,
        starts_on=date(2018, 1, 1),
        ends_on=date(2019, 1, 1),
        decision="=1+1",
    )
    member = Member.objects.filter(
        current_unit=cell,
        admitted_on__lt=date(2008, 1, 1),
        seats__isnull=True,
        headships__isnull=True,
        managed_by__isnull=True,
    ).first()
    first = member.memberships.get()
    first.ends_on, first.end_reason = date(2012, 1, 1), MembershipEnd.TRANSFERRED
    first.save()
    Membership.objects.create(
        member=member,
        unit=closed,
        starts_on=date(2012, 1, 1),
        ends_on=date(2020, 1, 1),
        end_reason=MembershipEnd.REORGANISED,
        decision="12-QĐ/ĐU",
    )
    Membership.objects.create(member=member, unit=cell, starts_on=date(2020, 1, 1))
    inspection_create(  # exported as «KTGS-<id>», created with that Mã hồ sơ on the other side
        body=Body.objects.get(unit=demo.bloc, kind="inspection"),
        kind="supervision_thematic",
        decided_on=date(2022, 3, 15),
        decision_number="15-QĐ/UBKTĐUK",
        topic="=Giám sát việc thực hiện quy chế làm việc",
        subjects=[SubjectInput(unit=demo.base_committee), SubjectInput(member=member)],
        plan_ends_on=date(2022, 6, 30),
    )
    return member


def cells_of(path):
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def csv_files(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_xlsx_round_trip_into_an_empty_database(tmp_path, empty_database, history):
    data_dir, url = empty_database
    first = export_xlsx(tmp_path / "khoi-mau.xlsx")
    imported = ktgs("import", str(first), data_dir=data_dir, database_url=url)
    # every member of the database: 4.759 of the bloc, 90 of the province's agencies and the
    # 5 the demo's discipline plan expelled (ktgs/demo/discipline.py)
    assert "Đảng viên: thêm 4.854" in imported.stdout
    second = tmp_path / "lan-hai.xlsx"
    ktgs("export", "--output", str(second), data_dir=data_dir, database_url=url)

    before, after = cells_of(first), cells_of(second)
    assert list(before) == list(after)
    for name in before:
        assert before[name] == after[name], name
    assert len(before["Đảng viên"]) == 4854 + 1
    import_only = {s.name for s in SHEETS.values() if s.import_only}
    exported = [rows for name, rows in before.items() if name not in import_only]
    assert all(len(rows) > 1 for rows in exported), "every sheet carries rows"
    assert all(len(before[name]) == 1 for name in import_only)  # headers only
    other = ktgs("-c", SNAPSHOT, data_dir=data_dir, database_url=url)
    assert json.loads(other.stdout) == snapshot_json()

    again = ktgs("import", str(first), data_dir=data_dir, database_url=url)
    assert "Đảng viên: thêm 0, sửa 0, không đổi 4.854" in again.stdout


def test_csv_round_trip_into_an_empty_database(tmp_path, empty_database, history):
    data_dir, url = empty_database
    first = export_csv(tmp_path / "khoi-mau.zip")
    ktgs("import", str(first), data_dir=data_dir, database_url=url)
    second = tmp_path / "lan-hai.zip"
    ktgs("export", "--format", "csv", "--output", str(second), data_dir=data_dir, database_url=url)
    assert csv_files(first) == csv_files(second)
    assert "Đảng viên.csv" in csv_files(first)
    other = ktgs("-c", SNAPSHOT, data_dir=data_dir, database_url=url)
    assert json.loads(other.stdout) == snapshot_json()


def test_text_that_looks_like_a_formula_is_neutralised_and_read_back(tmp_path):
    OrgUnit.objects.filter(code="HA.DBK.001").update(short_name='=HYPERLINK("http://x")')
    out = export_xlsx(tmp_path / "xuat.xlsx")
    units = cells_of(out)["Tổ chức"]
    row = next(r for r in units if r[0] == "HA.DBK.001")
    assert row[2] == '\'=HYPERLINK("http://x")'
    with zipfile.ZipFile(out) as archive:
        assert all(b"<f>" not in archive.read(n) for n in archive.namelist() if "worksheets" in n)
    zipped = export_csv(tmp_path / "xuat.zip")
    assert "'=HYPERLINK" in csv_files(zipped)["Tổ chức.csv"].decode("utf-8")

    result = run_import(out, file_name=out.name, dry_run=True)
    assert result.ok, result.problems[:3]
    assert all(c["created"] == c["updated"] == 0 for c in result.counts.values()), result.counts
    assert result.counts["Tổ chức"]["unchanged"] == OrgUnit.objects.count()
