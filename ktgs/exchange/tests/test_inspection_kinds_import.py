"""The kinds the sector counts apart (kiểm tra thu, nộp đảng phí; kiểm tra việc thi hành kỷ luật)
through the interchange format: typed as docs/formats.md lists them (label, short form or code),
the earlier combined label still read, and their competence rows applied on import."""

from datetime import date
from pathlib import Path

import pytest

from ktgs.core.choices import InspectionKind
from ktgs.exchange.importer import run_import
from ktgs.exchange.tests.helpers import headers, workbook
from ktgs.exchange.tests.test_inspection_import import (
    SHEET,
    SUBJECT_SHEET,
    inspection_row,
    subject_row,
)
from ktgs.inspections.models import Inspection
from ktgs.inspections.services import office_in_use_since_set

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[3] / "docs" / "formats.md"


def book(tmp_path, kind: str, **changes):
    """The bloc's UBKT inspects HA.DBK.001 in 2022, with `kind` typed in «Loại»."""
    return workbook(
        tmp_path / "loai.xlsx",
        {
            SHEET: [headers(SHEET), inspection_row("KT-L", **{"Loại": kind, **changes})],
            SUBJECT_SHEET: [
                headers(SUBJECT_SHEET),
                subject_row(
                    "KT-L", unit="HA.DBK.001", result="Có ưu điểm, có hạn chế, khuyết điểm"
                ),
            ],
        },
    )


@pytest.mark.parametrize(
    "typed, kind",
    [
        ("Kiểm tra thu, nộp đảng phí", "party_fees"),
        ("kiem tra dang phi", "party_fees"),
        ("party_fees", "party_fees"),
        ("Kiểm tra việc thi hành kỷ luật trong Đảng", "discipline_enforcement"),
        ("Kiểm tra thi hành kỷ luật", "discipline_enforcement"),
        ("discipline_enforcement", "discipline_enforcement"),
        ("Kiểm tra việc thực hiện nhiệm vụ kiểm tra, giám sát", "ktgs_duty"),
        # files of earlier versions: the combined label of Điều lệ Đảng, Điều 32, khoản 2
        ("Kiểm tra việc thực hiện nhiệm vụ kiểm tra, giám sát và thi hành kỷ luật", "ktgs_duty"),
        ("Kiểm tra tài chính", "finance"),
    ],
)
def test_each_kind_is_read_as_the_format_describes_it(tmp_path, typed, kind):
    result = run_import(book(tmp_path, typed), file_name="loai.xlsx")
    assert result.ok, result.problems
    assert Inspection.objects.get(external_ref="KT-L").kind == kind


def test_a_committee_may_not_inspect_discipline_enforcement_the_ubkt_does(tmp_path):
    office_in_use_since_set(date(2018, 1, 1))
    path = book(
        tmp_path, "Kiểm tra việc thi hành kỷ luật trong Đảng", **{"Cơ quan thực hiện": "Cấp ủy"}
    )
    result = run_import(path, file_name=path.name)
    assert not result.ok
    [p] = result.problems
    assert p.column == "Cơ quan thực hiện"
    assert "Chỉ ủy ban kiểm tra mới kiểm tra việc thi hành kỷ luật trong Đảng" in p.message
    assert "Điều lệ Đảng, Điều 32, khoản 2" in p.message
    assert not Inspection.objects.filter(external_ref="KT-L").exists()


def test_formats_md_lists_every_kind_by_label_and_code():
    text = DOC.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| Loại | có | Kiểm tra"))
    for value, label in InspectionKind.choices:
        assert label in row and f"`{value}`" in row, value
