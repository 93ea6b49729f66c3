"""Issue 11, defect 5: the root stored with a late founding date (`createadmin` used to found it
"today"), and one file that repeats the root with its real, earlier founding date and holds units
and records of the root's own bodies dated before the stored date: the checks read the file's
date, so the file imports in one go (no separate file for the organisations first)."""

from datetime import date

import pytest

from ktgs.discipline.exchange import DECISIONS
from ktgs.discipline.models import Decision
from ktgs.exchange.importer import run_import
from ktgs.exchange.tests.helpers import headers, workbook
from ktgs.inspections.exchange import INSPECTIONS, SUBJECTS
from ktgs.inspections.models import Inspection
from ktgs.inspections.services import office_in_use_since_set
from ktgs.ops.tests.helpers import ADMIN_PASSWORD, ktgs
from ktgs.orgs.models import CommitteeSeat, Member, OrgUnit

pytestmark = pytest.mark.django_db

STORED, FOUNDED = date(2026, 1, 1), date(1990, 1, 1)


@pytest.fixture
def late_root():
    """HA as `createadmin` without --root-founded left it: founded on the day of install."""
    OrgUnit.objects.filter(code="HA").update(established_on=STORED)
    office_in_use_since_set(date(2026, 1, 1))  # what comes before is history
    return OrgUnit.objects.get(code="HA")


def row(sheet, **values):
    return [values.get(h, "") for h in headers(sheet)]


def history_book(tmp_path, root, founded=FOUNDED, stored="HA.DBK", seat=None):
    """`stored`: a unit under the root that the database already holds; `seat`: (member code,
    from) of a seat in the root's committee."""
    inspection = {
        "Loại": "Giám sát chuyên đề",
        "Tổ chức thực hiện": "HA",
        "Cơ quan thực hiện": "Ủy ban kiểm tra",
        "Số quyết định": "15-QĐ/UBKTTU",
        "Ngày quyết định": "15/03/2020",
        "Nội dung": "Giám sát việc thực hiện quy chế làm việc",
        "Ngày thông báo kết luận": "20/06/2020",
    }
    result = {"Kết quả": "Không có khuyết điểm"}
    return workbook(
        tmp_path / "lich-su.xlsx",
        {
            "Tổ chức": [
                headers("Tổ chức"),
                row(
                    "Tổ chức",
                    **{
                        "Mã tổ chức": root.code,
                        "Tên tổ chức": root.name,
                        "Tên gọi tắt": root.short_name,
                        "Mã loại": root.kind.code,
                        "Ngày thành lập": founded,
                    },
                ),
                row(
                    "Tổ chức",
                    **{
                        "Mã tổ chức": "HA.MOI",
                        "Tên tổ chức": "Đảng bộ Thử nghiệm",
                        "Mã loại": "superior",
                        "Ngày thành lập": "01/01/2015",
                    },
                ),
            ],
            "Trực thuộc": [
                headers("Trực thuộc"),
                row(
                    "Trực thuộc",
                    **{"Mã tổ chức": "HA.MOI", "Mã cấp trên": "HA", "Từ ngày": "01/01/2015"},
                ),
            ],
            "Cấp ủy viên": [
                headers("Cấp ủy viên"),
                *(
                    [
                        row(
                            "Cấp ủy viên",
                            **{
                                "Mã đảng viên": seat[0],
                                "Mã tổ chức": "HA",
                                "Cơ quan": "Cấp ủy",
                                "Chức danh": "Cấp ủy viên",
                                "Từ ngày": seat[1],
                            },
                        )
                    ]
                    if seat
                    else []
                ),
            ],
            INSPECTIONS.name: [
                headers(INSPECTIONS.name),
                row(INSPECTIONS.name, **{"Mã hồ sơ": "GS-2020-01", **inspection}),
                row(
                    INSPECTIONS.name,
                    **{**inspection, "Mã hồ sơ": "GS-2020-02", "Số quyết định": "16-QĐ/UBKTTU"},
                ),
            ],
            SUBJECTS.name: [
                headers(SUBJECTS.name),
                row(SUBJECTS.name, **{"Mã hồ sơ": "GS-2020-01", "Mã tổ chức": "HA.MOI", **result}),
                row(SUBJECTS.name, **{"Mã hồ sơ": "GS-2020-02", "Mã tổ chức": stored, **result}),
            ],
            DECISIONS.name: [
                headers(DECISIONS.name),
                row(
                    DECISIONS.name,
                    **{
                        "Mã hồ sơ": "KL-2021-01",
                        "Mã tổ chức": stored,
                        "Tổ chức quyết định": "HA",
                        "Cơ quan quyết định": "Cấp ủy",
                        "Hình thức": "Khiển trách",
                        "Ngày ký": "10/05/2021",
                        "Vi phạm": "Buông lỏng lãnh đạo công tác kiểm tra",
                        "Vi phạm từ ngày": "01/01/2020",
                        "Vi phạm đến ngày": "01/12/2020",
                    },
                ),
            ],
        },
    )


def test_one_file_with_the_roots_real_founding_and_its_history_imports(tmp_path, late_root):
    member = Member.objects.filter(
        current_unit__path__startswith=late_root.path,
        memberships__starts_on__lt=date(2020, 1, 1),
        memberships__ends_on__isnull=True,
    ).first()
    since = member.memberships.get(ends_on__isnull=True).starts_on
    path = history_book(tmp_path, late_root, seat=(member.code, max(since, date(2016, 1, 1))))
    result = run_import(path, file_name=path.name)
    assert result.written, [(p.sheet, p.row, p.column, p.message) for p in result.problems]
    assert OrgUnit.objects.get(code="HA").established_on == FOUNDED
    assert Inspection.objects.filter(external_ref__in=["GS-2020-01", "GS-2020-02"]).count() == 2
    assert Decision.objects.filter(external_ref="KL-2021-01").exists()
    assert CommitteeSeat.objects.filter(member=member, body__unit=late_root).exists()


def test_without_the_root_row_the_stored_founding_still_refuses(tmp_path, late_root):
    """A file that repeats the stored (late) founding date is refused, naming the row."""
    path = history_book(tmp_path, late_root, founded=STORED)
    result = run_import(path, file_name=path.name)
    assert not result.written
    refused = {(p.sheet, p.column) for p in result.problems if "chưa thành lập" in p.message}
    assert (INSPECTIONS.name, "Tổ chức thực hiện") in refused
    assert (DECISIONS.name, "Tổ chức quyết định") in refused


def test_first_install_createadmin_with_the_real_founding_then_the_history_file(
    tmp_path,
    empty_database,  # noqa: F811 (the fixture imported above)
):
    """The README's first install: `createadmin --root-founded`, then `ktgs import` of a file
    holding units and records of the root's bodies long before the day of install."""
    data_dir, url = empty_database
    run = {"data_dir": data_dir, "database_url": url}
    ktgs(
        "createadmin", "quantri", "--root-code", "HA", "--root-name", "Đảng bộ tỉnh Hòa An",
        "--root-founded", "03/02/1990", **run, KTGS_ADMIN_PASSWORD=ADMIN_PASSWORD,
    )  # fmt: skip
    ktgs("setting", "in-use-since", "01/01/2026", **run)
    root = OrgUnit(code="HA", name="Đảng bộ tỉnh Hòa An", short_name="")
    root.kind = OrgUnit._meta.get_field("kind").related_model(code="province")
    path = history_book(tmp_path, root, founded=date(1990, 2, 3), stored="HA.MOI")
    done = ktgs("import", str(path), **run, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    check = ktgs(
        "-c",
        "import django; django.setup(); from ktgs.orgs.models import CommitteeSeat, Member, OrgUnit; "
        "from ktgs.inspections.models import Inspection; "
        "print(OrgUnit.objects.get(code='HA').established_on, Inspection.objects.count())",
        **run,
    )
    assert check.stdout.split() == ["1990-02-03", "2"]
