"""Historical inspections through the interchange format (sheets «Kiểm tra, giám sát» and «Đối
tượng KTGS»), on the demo bloc: all or nothing, idempotent by Mã hồ sơ, competence failures kept
as warnings before the office's in_use_since date and refused from it on."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from ktgs.audit.models import AuditEvent
from ktgs.exchange.exporter import export_xlsx, write_template
from ktgs.exchange.importer import run_import
from ktgs.exchange.tests.helpers import headers, workbook
from ktgs.inspections.choices import ConclusionResult, Origin
from ktgs.inspections.exchange import INSPECTIONS, SUBJECTS
from ktgs.inspections.models import Inspection
from ktgs.inspections.services import in_use_since, office_in_use_since_set
from ktgs.orgs.models import CommitteeSeat, Membership
from ktgs.rules.choices import Step

pytestmark = pytest.mark.django_db

SHEET, SUBJECT_SHEET = INSPECTIONS.name, SUBJECTS.name
CELL = "HA.DBK.001.01"
CELL_RULE = "Chi bộ không được giám sát chuyên đề"


def cell_member(on: date) -> str:
    """A member of the demo's first cell on `on` and still there today."""
    rows = Membership.objects.filter(
        Membership.q_on(on), Membership.q_on(date.today()), unit__code=CELL
    )
    return rows.order_by("member__code").values_list("member__code", flat=True).first()


def secretary_on(on: date) -> str:
    seat = CommitteeSeat.objects.filter(
        CommitteeSeat.q_on(on), body__unit__code="HA.DBK.001", body__kind="committee"
    ).filter(role="secretary")
    return seat.values_list("member__code", flat=True).get()


def inspection_row(ref, **kw):
    values = {
        "Mã hồ sơ": ref,
        "Loại": "Giám sát chuyên đề",
        "Tổ chức thực hiện": "HA.DBK",
        "Cơ quan thực hiện": "Ủy ban kiểm tra",
        "Số quyết định": "15-QĐ/UBKTĐUK",
        "Ngày quyết định": "15/03/2022",
        "Nội dung": "Giám sát việc thực hiện quy chế làm việc",
        "Căn cứ": "Chương trình kiểm tra, giám sát năm 2022",
        "Kết thúc theo kế hoạch": "30/06/2022",
        "Ngày thông báo kết luận": "20/06/2022",
        "Độ mật": "",
    }
    values.update(kw)
    return [values[h] for h in headers(SHEET)]


def subject_row(ref, unit="", member="", result="", on=""):
    return [ref, unit, member, result, on]


def good_book(tmp_path, name="kiem-tra.xlsx", **changes):
    """KT-01: the bloc's UBKT supervises HA.DBK.001 and its secretary in 2022, concluded.
    KT-02: a cell's thematic supervision of one of its members in 2019 (a cell without the
    conditions may not do one; in 2019 the row of QĐ 30-QĐ/TW), not concluded."""
    member = cell_member(date(2019, 5, 10))
    return workbook(
        tmp_path / name,
        {
            SHEET: [
                headers(SHEET),
                inspection_row("KT-01", **changes),
                inspection_row(
                    "KT-02",
                    **{
                        "Tổ chức thực hiện": CELL,
                        "Cơ quan thực hiện": "Chi bộ (hội nghị chi bộ)",
                        "Số quyết định": "01-QĐ/CB",
                        "Ngày quyết định": date(2019, 5, 10),
                        "Kết thúc theo kế hoạch": "",
                        "Ngày thông báo kết luận": "",
                    },
                ),
            ],
            SUBJECT_SHEET: [
                headers(SUBJECT_SHEET),
                subject_row(
                    "KT-01", unit="HA.DBK.001", result="Có ưu điểm, có hạn chế, khuyết điểm"
                ),
                subject_row(
                    "KT-01",
                    member=secretary_on(date(2022, 3, 15)),
                    result="co dau hieu vi pham",
                    on="10/06/2022",
                ),
                subject_row("KT-02", member=member),
            ],
        },
    )


@pytest.fixture
def in_use_2024():
    office_in_use_since_set(date(2024, 1, 1))


def test_history_is_imported_with_the_warning_kept_and_a_second_run_changes_nothing(
    tmp_path, in_use_2024
):
    path = good_book(tmp_path)
    result = run_import(path, file_name=path.name)
    assert result.ok, result.problems
    assert result.counts[SHEET] == {"created": 2, "updated": 0, "unchanged": 0}
    assert result.counts[SUBJECT_SHEET] == {"created": 3, "updated": 0, "unchanged": 0}
    # the cell's supervision: a warning in the report, citing the rule, and on the record
    assert [(w.sheet, w.row, w.column) for w in result.warnings] == [
        (SHEET, 3, "Cơ quan thực hiện")
    ]
    assert CELL_RULE in result.warnings[0].message and "KT-02" in result.warnings[0].message
    old = Inspection.objects.get(external_ref="KT-02")
    assert CELL_RULE in old.warnings and "QĐ 30-QĐ/TW" in old.warnings  # the row in force in 2019
    assert old.source == Origin.IMPORTED and old.concluded_on is None
    assert old.steps.filter(done_on__isnull=True).exists()  # not concluded: steps left open
    # the UBKT's supervision: concluded, every step done, results per subject, no warning
    done = Inspection.objects.get(external_ref="KT-01")
    assert done.warnings == "" and done.concluded_on == date(2022, 6, 20)
    assert str(done.decision_number) == "15-QĐ/UBKTĐUK" and done.body.kind == "inspection"
    assert set(done.steps.values_list("done_on", flat=True)) == {
        date(2022, 3, 15),
        date(2022, 6, 20),
    }
    assert done.steps.get(step=Step.DECISION).done_on == date(2022, 3, 15)
    results = dict(done.subjects.values_list("member__code", "result"))
    assert results[None] == ConclusionResult.SHORTCOMINGS
    secretary = done.subjects.get(member__isnull=False)
    assert secretary.result == ConclusionResult.SIGNS_OF_VIOLATION
    assert secretary.concluded_on == date(2022, 6, 10)
    assert secretary.committee_unit.code == "HA.DBK.001"  # snapshot on the decision date
    assert AuditEvent.objects.filter(
        action="inspections.inspection.imported", target_id=str(done.pk)
    ).exists()

    again = run_import(path, file_name=path.name)
    assert again.ok, again.problems
    assert again.counts[SHEET] == {"created": 0, "updated": 0, "unchanged": 2}
    assert again.counts[SUBJECT_SHEET] == {"created": 0, "updated": 0, "unchanged": 3}
    assert again.warnings == []
    assert Inspection.objects.filter(external_ref__in=["KT-01", "KT-02"]).count() == 2


def test_changed_content_of_an_imported_record_is_an_error_and_nothing_is_written(
    tmp_path, in_use_2024
):
    assert run_import(good_book(tmp_path), file_name="a.xlsx").ok
    path = good_book(tmp_path, "b.xlsx", **{"Nội dung": "Nội dung khác"})
    book = load_workbook(path)
    book[SHEET].append(inspection_row("KT-03", **{"Số quyết định": "16-QĐ/UBKTĐUK"}))
    book[SUBJECT_SHEET].append(
        subject_row("KT-03", unit="HA.DBK.002", result="Không có khuyết điểm")
    )
    book.save(path)
    result = run_import(path, file_name=path.name)
    assert not result.ok
    [p] = result.problems
    assert (p.sheet, p.row) == (SHEET, 2)
    assert "KT-01" in p.message and "nội dung khác" in p.message and "Nội dung" in p.message
    assert not Inspection.objects.filter(external_ref="KT-03").exists()
    assert Inspection.objects.get(external_ref="KT-01").topic.startswith("Giám sát việc")


def test_bad_rows_are_named_by_sheet_row_and_column_and_nothing_is_written(tmp_path, in_use_2024):
    member = cell_member(date(2019, 5, 10))
    path = workbook(
        tmp_path / "loi.xlsx",
        {
            SHEET: [
                headers(SHEET),
                inspection_row("KT-01"),  # fine on its own
                inspection_row("KT-02", **{"Tổ chức thực hiện": "HA.KHONG.CO"}),
                inspection_row("KT-03", **{"Ngày quyết định": "2019-05-10"}),
                inspection_row("KT-04", **{"Ngày thông báo kết luận": "01/03/2022"}),
                inspection_row("KT-05", **{"Loại": "Thanh tra"}),
                inspection_row("KT-06", **{"Số quyết định": "16-QĐ/UBKTĐUK"}),
            ],
            SUBJECT_SHEET: [
                headers(SUBJECT_SHEET),
                subject_row("KT-01", unit="HA.DBK.001", result="Không có khuyết điểm"),
                subject_row("KT-02", unit="HA.DBK.001", result="Không có khuyết điểm"),
                subject_row("KT-03", unit="HA.DBK.001"),
                subject_row("KT-04", unit="HA.DBK.001", result="Không có khuyết điểm"),
                subject_row("KT-05", unit="HA.DBK.001"),
                # a member not yet in the Party on the decision date
                subject_row("KT-06", member="DV999999", result="Không có khuyết điểm"),
                subject_row("KT-06", unit="HA.DBK.001", member=member),  # both codes
                subject_row("KT-99", unit="HA.DBK.001"),  # no such record in the file
            ],
        },
    )
    result = run_import(path, file_name=path.name)
    assert not result.ok
    where = {(p.sheet, p.row, p.column) for p in result.problems}
    assert (SHEET, 3, "Tổ chức thực hiện") in where
    assert (SHEET, 4, "Ngày quyết định") in where
    assert (SHEET, 5, "Ngày thông báo kết luận") in where
    assert (SHEET, 6, "Loại") in where
    assert (SUBJECT_SHEET, 7, "Mã đảng viên") in where
    assert (SUBJECT_SHEET, 8, "Mã tổ chức") in where
    assert (SUBJECT_SHEET, 9, "Mã hồ sơ") in where
    assert all(p.fix for p in result.problems)
    kind = next(p for p in result.problems if p.column == "Loại")
    assert "Thanh tra" in kind.message and "Giám sát chuyên đề" in kind.fix
    assert not Inspection.objects.filter(source=Origin.IMPORTED).exists()


def test_member_not_registered_on_the_decision_date_is_refused(tmp_path):
    newcomer = (
        Membership.objects.filter(
            starts_on__gt=date(2022, 3, 15), unit__code__startswith="HA.DBK.001"
        )
        .order_by("starts_on")
        .values_list("member__code", flat=True)
        .first()
    )
    has_earlier = Membership.objects.filter(
        member__code=newcomer, starts_on__lte=date(2022, 3, 15)
    ).exists()
    assert newcomer and not has_earlier
    path = workbook(
        tmp_path / "moi.xlsx",
        {
            SHEET: [headers(SHEET), inspection_row("KT-01")],
            SUBJECT_SHEET: [
                headers(SUBJECT_SHEET),
                subject_row("KT-01", member=newcomer, result="Không có khuyết điểm"),
            ],
        },
    )
    result = run_import(path, file_name=path.name)
    [p] = result.problems
    assert (p.sheet, p.row, p.column) == (SUBJECT_SHEET, 2, "Mã đảng viên")
    assert "không sinh hoạt ở chi bộ nào" in p.message and "15/03/2022" in p.message


@pytest.mark.parametrize("since", [None, date(2018, 1, 1)])
def test_from_in_use_since_on_a_competence_failure_is_refused_with_rule_and_source(tmp_path, since):
    if since:
        office_in_use_since_set(since)
    path = good_book(tmp_path)
    result = run_import(path, file_name=path.name)
    assert not result.ok
    [p] = result.problems
    assert (p.sheet, p.row, p.column) == (SHEET, 3, "Cơ quan thực hiện")
    assert CELL_RULE in p.message and "QĐ 30-QĐ/TW" in p.message
    assert "in-use-since" in p.fix
    assert not Inspection.objects.filter(external_ref__in=["KT-01", "KT-02"]).exists()


def early_book(tmp_path):
    """An inspection of 01/03/2016, before the earliest rule row (26/07/2016)."""
    return workbook(
        tmp_path / "som.xlsx",
        {
            SHEET: [
                headers(SHEET),
                inspection_row(
                    "KT-2016",
                    **{
                        "Loại": "kiem tra chap hanh",
                        "Số quyết định": "03-QĐ/UBKTĐUK",
                        "Ngày quyết định": "1/3/2016",
                        "Kết thúc theo kế hoạch": "",
                        "Ngày thông báo kết luận": "",
                    },
                ),
            ],
            SUBJECT_SHEET: [headers(SUBJECT_SHEET), subject_row("KT-2016", unit="HA.DBK.001")],
        },
    )


def test_before_the_first_rule_row_history_is_a_warning(tmp_path, in_use_2024):
    result = run_import(early_book(tmp_path), file_name="som.xlsx")
    assert result.ok, result.problems
    assert result.warnings and "Chưa có quy định" in result.warnings[0].message
    record = Inspection.objects.get(external_ref="KT-2016")
    assert "Chưa có quy định" in record.warnings and "01/03/2016" in record.warnings
    assert record.kind == "compliance" and not record.steps.exists()


def test_before_the_first_rule_row_without_the_setting_is_an_error(tmp_path):
    result = run_import(early_book(tmp_path), file_name="som.xlsx")
    assert not result.ok
    assert {p.row for p in result.problems} == {2}
    assert "Chưa có quy định" in result.problems[0].message
    assert not Inspection.objects.filter(external_ref="KT-2016").exists()


def test_export_lists_the_records_and_importing_the_export_changes_nothing(tmp_path, in_use_2024):
    assert run_import(good_book(tmp_path), file_name="a.xlsx").ok
    out = export_xlsx(tmp_path / "xuat.xlsx")
    book = load_workbook(out, read_only=True)
    rows = [r for r in book[SHEET].iter_rows(values_only=True)]
    assert list(rows[0]) == headers(SHEET)
    refs = {r[0] for r in rows[1:]}
    assert {"KT-01", "KT-02"} <= refs
    kt01 = next(r for r in rows if r[0] == "KT-01")
    assert kt01[1] == "Giám sát chuyên đề" and kt01[3] == "Ủy ban kiểm tra"
    subjects = list(book[SUBJECT_SHEET].iter_rows(values_only=True))
    assert sum(1 for r in subjects if r[0] in ("KT-01", "KT-02")) == 3
    book.close()
    again = run_import(out, file_name=out.name)
    assert again.ok, again.problems[:5]
    assert again.counts[SHEET]["created"] == 0 and again.counts[SHEET]["unchanged"] == len(refs)
    assert all(c["created"] == c["updated"] == 0 for c in again.counts.values())


def test_template_lists_the_new_sheets_with_guidance(tmp_path):
    book = load_workbook(write_template(tmp_path / "mau.xlsx"), read_only=True)
    assert {SHEET, SUBJECT_SHEET} <= set(book.sheetnames)
    guide = [c for row in book["Hướng dẫn"].iter_rows(values_only=True) for c in row if c]
    assert f"Sheet «{SHEET}»" in guide and f"Sheet «{SUBJECT_SHEET}»" in guide
    assert any("in-use-since" in str(c) for c in guide)
    book.close()


def test_setting_command_sets_and_shows_in_use_since():
    out = StringIO()
    call_command("setting", "show", stdout=out)
    assert "chưa đặt" in out.getvalue()
    call_command("setting", "in-use-since", "01/01/2024", stdout=StringIO())
    assert in_use_since() == date(2024, 1, 1)
    assert AuditEvent.objects.filter(action="core.setting.changed").exists()
    out = StringIO()
    call_command("setting", "show", stdout=out)
    assert "01/01/2024" in out.getvalue()
