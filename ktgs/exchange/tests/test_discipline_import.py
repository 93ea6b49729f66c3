"""Historical discipline decisions through the interchange format (sheet «Quyết định kỷ luật»),
on the demo bloc: all or nothing, idempotent by Mã hồ sơ, rule failures kept as warnings before
the office's in_use_since date and refused from it on."""

from datetime import date

import pytest
from openpyxl import load_workbook

from ktgs.audit.models import AuditEvent
from ktgs.discipline.choices import DecisionOrigin
from ktgs.discipline.exchange import DECISIONS
from ktgs.discipline.models import Decision, DisciplineCase
from ktgs.exchange.exporter import export_xlsx, write_template
from ktgs.exchange.importer import run_import
from ktgs.exchange.tests.helpers import headers, workbook
from ktgs.inspections.services import office_in_use_since_set
from ktgs.orgs.choices import MembershipEnd
from ktgs.orgs.models import Membership

pytestmark = pytest.mark.django_db

SHEET = DECISIONS.name
CELL = "HA.DBK.001.01"
EXPELLED_ON = date(2019, 5, 10)


def members() -> list[str]:
    """Two members of the demo's first cell, registered there without a break since before
    2019 (one open membership)."""
    rows = Membership.objects.filter(
        unit__code=CELL, ends_on__isnull=True, starts_on__lt=date(2018, 1, 1)
    ).exclude(member__memberships__starts_on__gte=date(2018, 1, 1))
    codes = list(rows.order_by("member__code").values_list("member__code", flat=True)[:2])
    assert len(codes) == 2
    return codes


def decision_row(ref, member, **kw):
    values = {
        "Mã hồ sơ": ref,
        "Mã đảng viên": member,
        "Mã tổ chức": "",
        "Tổ chức quyết định": CELL,
        "Cơ quan quyết định": "Chi bo",
        "Hình thức": "Khiển trách",
        "Số quyết định": "",
        "Ngày ký": "15/03/2022",
        "Ngày công bố": "15/03/2022",
        "Ngày nhận": "16/03/2022",
        "Vi phạm": "Không thực hiện nhiệm vụ được chi bộ phân công",
        "Loại vi phạm": "",
        "Nhóm vi phạm": "",
        "Vi phạm từ ngày": "01/06/2021",
        "Vi phạm đến ngày": "01/12/2021",
        "Độ mật": "",
    }
    values.update(kw)
    return [values[h] for h in headers(SHEET)]


def good_book(tmp_path, name="ky-luat.xlsx", codes=None, **changes):
    """KL-01: the cell reprimands one of its members in 2022 (within its competence).
    KL-02: the same cell expels another member in 2019 — a cell may not expel (a history
    warning before in_use_since, a refusal from it on)."""
    first, second = codes or members()
    return workbook(
        tmp_path / name,
        {
            SHEET: [
                headers(SHEET),
                decision_row("KL-01", first, **changes),
                decision_row(
                    "KL-02",
                    second,
                    **{
                        "Hình thức": "khai tru",
                        "Ngày ký": EXPELLED_ON,
                        "Ngày công bố": EXPELLED_ON,
                        "Ngày nhận": "",
                        "Vi phạm từ ngày": "01/01/2019",
                        "Vi phạm đến ngày": "01/03/2019",
                    },
                ),
            ]
        },
    )


@pytest.fixture
def in_use_2020():
    office_in_use_since_set(date(2020, 1, 1))


def test_history_is_imported_with_the_warning_kept_and_a_second_run_changes_nothing(
    tmp_path, in_use_2020
):
    path = good_book(tmp_path)
    first, second = members()
    result = run_import(path, file_name=path.name)
    assert result.ok, result.problems
    assert result.counts[SHEET] == {"created": 2, "updated": 0, "unchanged": 0}
    [warning] = result.warnings
    assert (warning.sheet, warning.row, warning.column) == (SHEET, 3, "Cơ quan quyết định")
    assert "KL-02" in warning.message and "khai trừ" in warning.message
    expelled = Decision.objects.get(external_ref="KL-02")
    assert expelled.source == DecisionOrigin.IMPORTED and "khai trừ" in expelled.warnings
    assert expelled.member.code == second and expelled.subject_unit.code == CELL
    assert expelled.effective_on == EXPELLED_ON and expelled.effect_ends_on is None
    ended = Membership.objects.get(member__code=second, unit__code=CELL)
    assert (ended.ends_on, ended.end_reason) == (EXPELLED_ON, MembershipEnd.EXPELLED)
    reprimand = Decision.objects.get(external_ref="KL-01")
    assert reprimand.warnings == "" and reprimand.form == "reprimand"
    assert reprimand.effective_on == date(2022, 3, 15)
    assert reprimand.effect_ends_on and reprimand.effect_ends_on > date(2022, 3, 15)
    assert reprimand.body.kind == "cell_meeting" and reprimand.basis
    case = reprimand.case
    assert case.member.code == first and case.violations.get().ended_on == date(2021, 12, 1)
    assert AuditEvent.objects.filter(
        action="discipline.decision.imported", target_id=str(reprimand.pk)
    ).exists()

    again = run_import(path, file_name=path.name)
    assert again.ok, again.problems
    assert again.counts[SHEET] == {"created": 0, "updated": 0, "unchanged": 2}
    assert again.warnings == []
    assert Decision.objects.filter(external_ref__in=["KL-01", "KL-02"]).count() == 2


def test_changed_content_of_an_imported_decision_is_an_error_and_nothing_is_written(
    tmp_path, in_use_2020
):
    codes = members()
    assert run_import(good_book(tmp_path, codes=codes), file_name="a.xlsx").ok
    path = good_book(tmp_path, "b.xlsx", codes, **{"Hình thức": "Cảnh cáo"})
    book = load_workbook(path)
    book[SHEET].append(
        decision_row(
            "KL-03",
            codes[0],
            **{"Ngày ký": "20/04/2022", "Ngày công bố": "20/04/2022", "Ngày nhận": ""},
        )
    )
    book.save(path)
    result = run_import(path, file_name=path.name)
    assert not result.ok
    [p] = result.problems
    assert (p.sheet, p.row) == (SHEET, 2)
    assert "KL-01" in p.message and "nội dung khác" in p.message and "Hình thức" in p.message
    assert not Decision.objects.filter(external_ref="KL-03").exists()
    assert Decision.objects.get(external_ref="KL-01").form == "reprimand"


def test_bad_rows_are_named_by_sheet_row_and_column_and_nothing_is_written(tmp_path, in_use_2020):
    first, second = members()
    path = workbook(
        tmp_path / "loi.xlsx",
        {
            SHEET: [
                headers(SHEET),
                decision_row("KL-01", first),  # fine on its own
                decision_row("KL-02", first, **{"Tổ chức quyết định": "HA.KHONG.CO"}),
                decision_row("KL-03", first, **{"Ngày ký": "2022-03-15"}),
                decision_row("KL-04", first, **{"Hình thức": "Phê bình"}),
                decision_row("KL-05", first, **{"Mã tổ chức": CELL}),  # two subjects
                decision_row("KL-06", "DV999999"),
                decision_row("KL-07", first, **{"Ngày công bố": "01/03/2022"}),
                decision_row("KL-01", second),  # the same Mã hồ sơ again
            ]
        },
    )
    result = run_import(path, file_name=path.name)
    assert not result.ok
    where = {(p.sheet, p.row, p.column) for p in result.problems}
    assert (SHEET, 3, "Tổ chức quyết định") in where
    assert (SHEET, 4, "Ngày ký") in where
    assert (SHEET, 5, "Hình thức") in where
    assert (SHEET, 6, "Mã đảng viên") in where
    assert (SHEET, 7, "Mã đảng viên") in where
    assert (SHEET, 8, "Ngày công bố") in where
    assert (SHEET, 9, "Mã hồ sơ") in where
    assert all(p.fix for p in result.problems)
    form = next(p for p in result.problems if p.column == "Hình thức")
    assert "Phê bình" in form.message and "Khai trừ" in form.fix
    assert not Decision.objects.filter(source=DecisionOrigin.IMPORTED).exists()
    assert not DisciplineCase.objects.filter(member__code=first).exists()


@pytest.mark.parametrize("since", [None, date(2018, 1, 1)])
def test_from_in_use_since_on_a_cell_expelling_is_refused_with_rule_and_source(tmp_path, since):
    if since:
        office_in_use_since_set(since)
    path = good_book(tmp_path)
    result = run_import(path, file_name=path.name)
    assert not result.ok
    [p] = result.problems
    assert (p.sheet, p.row, p.column) == (SHEET, 3, "Cơ quan quyết định")
    assert "khai trừ" in p.message and "—" in p.message and "in-use-since" in p.fix
    assert not Decision.objects.filter(external_ref__in=["KL-01", "KL-02"]).exists()
    assert not Membership.objects.filter(
        end_reason=MembershipEnd.EXPELLED, member__code=members()[1]
    ).exists()


def test_export_lists_the_decisions_and_importing_the_export_changes_nothing(tmp_path, in_use_2020):
    assert run_import(good_book(tmp_path), file_name="a.xlsx").ok
    out = export_xlsx(tmp_path / "xuat.xlsx")
    book = load_workbook(out, read_only=True)
    rows = list(book[SHEET].iter_rows(values_only=True))
    book.close()
    assert list(rows[0]) == headers(SHEET)
    refs = {r[0] for r in rows[1:]}
    assert {"KL-01", "KL-02"} <= refs
    entered = Decision.objects.exclude(source=DecisionOrigin.IMPORTED).first()
    assert entered is None or f"KTGS-QD-{entered.pk}" in refs
    kl02 = next(r for r in rows if r[0] == "KL-02")
    assert kl02[4] == "Chi bộ (hội nghị chi bộ)" and kl02[5] == "Khai trừ"
    again = run_import(out, file_name=out.name, dry_run=True)
    assert again.ok, again.problems[:5]
    assert again.counts[SHEET] == {"created": 0, "updated": 0, "unchanged": len(refs)}


def test_template_lists_the_sheet_with_guidance(tmp_path):
    book = load_workbook(write_template(tmp_path / "mau.xlsx"), read_only=True)
    assert SHEET in book.sheetnames
    guide = [c for row in book["Hướng dẫn"].iter_rows(values_only=True) for c in row if c]
    book.close()
    assert f"Sheet «{SHEET}»" in guide and "Cơ quan quyết định" in guide


def test_before_the_first_effect_rule_the_signing_date_is_used_with_a_warning(
    tmp_path, in_use_2020
):
    code = (
        Membership.objects.filter(
            unit__code=CELL, ends_on__isnull=True, starts_on__lt=date(2009, 1, 1)
        )
        .order_by("member__code")
        .values_list("member__code", flat=True)
        .first()
    )
    assert code
    day = {"Ngày ký": "01/06/2010", "Ngày công bố": "01/06/2010", "Ngày nhận": ""}
    when = {"Vi phạm từ ngày": "01/01/2010", "Vi phạm đến ngày": "01/03/2010"}
    path = workbook(
        tmp_path / "som.xlsx",
        {SHEET: [headers(SHEET), decision_row("KL-2010", code, **day, **when)]},
    )
    result = run_import(path, file_name=path.name)
    assert result.ok, result.problems
    assert any("Ngày có hiệu lực lấy theo ngày ký" in w.message for w in result.warnings)
    old = Decision.objects.get(external_ref="KL-2010")
    assert old.effective_on == date(2010, 6, 1) and old.effect_ends_on is None
    assert "Ngày có hiệu lực lấy theo ngày ký" in old.warnings


def test_expelling_a_member_no_longer_registered_on_the_effective_date_is_an_error(
    tmp_path, in_use_2020
):
    codes = members()
    assert run_import(good_book(tmp_path, codes=codes), file_name="a.xlsx").ok
    # signed before the first expulsion took effect, announced (effective) after it
    late = {"Hình thức": "Khai trừ", "Ngày ký": "01/05/2019", "Ngày công bố": "01/06/2019"}
    when = {"Ngày nhận": "", "Vi phạm từ ngày": "01/01/2019", "Vi phạm đến ngày": "01/03/2019"}
    path = workbook(
        tmp_path / "b.xlsx",
        {SHEET: [headers(SHEET), decision_row("KL-09", codes[1], **late, **when)]},
    )
    result = run_import(path, file_name=path.name)
    assert not result.ok
    [p] = result.problems
    assert (p.row, p.column) == (2, "Hình thức") and "01/06/2019" in p.message
    assert not Decision.objects.filter(external_ref="KL-09").exists()


def test_a_subject_outside_the_deciding_body_is_refused_even_as_history(tmp_path, in_use_2020):
    other = (
        Membership.objects.filter(
            unit__code__startswith="HA.DBK.002.",
            ends_on__isnull=True,
            starts_on__lt=date(2018, 1, 1),
        )
        .order_by("member__code")
        .values_list("member__code", flat=True)
        .first()
    )
    path = workbook(
        tmp_path / "ngoai.xlsx",
        {
            SHEET: [
                headers(SHEET),
                decision_row(
                    "KL-10",
                    other,
                    **{
                        "Ngày ký": "15/03/2019",
                        "Ngày công bố": "15/03/2019",
                        "Ngày nhận": "",
                        "Vi phạm từ ngày": "01/01/2019",
                        "Vi phạm đến ngày": "01/02/2019",
                    },
                ),
            ]
        },
    )
    result = run_import(path, file_name=path.name)
    [p] = result.problems
    assert (p.row, p.column) == (2, "Mã đảng viên") and "Điều lệ Đảng, Điều 36" in p.message
    assert not Decision.objects.filter(external_ref="KL-10").exists()


@pytest.mark.parametrize(
    ("category", "refused"),
    [
        ("", True),  # Vi phạm khác: khiển trách 5 years (QĐ 69 Đ.4), ended 01/01/2016
        ("Vi phạm về chính trị nội bộ", False),  # QĐ 69 Đ.4 k.2 b: không áp dụng thời hiệu
        ("Su dung van bang, chung chi, chung nhan khong hop phap", False),  # idem, folded
        ("Vi phạm trong công tác quản lý tài chính, tài sản", True),
    ],
)
def test_the_category_of_the_violation_decides_the_limitation(tmp_path, category, refused):
    office_in_use_since_set(date(2020, 1, 1))
    first, _second = members()
    row = decision_row(
        "KL-09",
        first,
        **{
            "Nhóm vi phạm": category,
            "Vi phạm từ ngày": "01/06/2015",
            "Vi phạm đến ngày": "01/01/2016",
        },
    )
    path = workbook(tmp_path / "kl.xlsx", {SHEET: [headers(SHEET), row]})
    result = run_import(path, file_name=path.name)
    assert result.ok != refused, result.problems
    if refused:
        assert "hết thời hiệu" in result.problems[0].message
    else:
        violation = Decision.objects.get(external_ref="KL-09").case.violations.get()
        assert violation.get_category_display().lower() == category.lower() or category.isascii()
