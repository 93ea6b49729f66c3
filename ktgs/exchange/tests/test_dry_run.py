"""`--dry-run` is the real import, rolled back (issue 11, defect 2): the checks that only run
while writing (rows about units and members the same file creates) run too, so "OK" means "will
import"; nothing stays written, no audit event, the audit head does not move, no ANALYZE."""

import io

import pytest
from django.core.management import call_command

from ktgs.audit.models import AuditEvent
from ktgs.discipline.exchange import DECISIONS
from ktgs.discipline.models import Decision
from ktgs.exchange import importer
from ktgs.exchange.importer import run_import
from ktgs.exchange.tests.helpers import headers, workbook
from ktgs.exchange.tests.test_discipline_import import decision_row
from ktgs.orgs.models import Member, Membership, OrgUnit

pytestmark = pytest.mark.django_db

PARENT = "HA.DBK.001"
NEW_CELL = "HA.DBK.001.90"
NEW_MEMBER = "NV0901"


def first_import(tmp_path, form: str, name: str):
    """A new cell under HA.DBK.001, a new member registered there, and the cell's decision on
    that member in 2022: a reprimand (within its competence) or an expulsion (a cell may not
    expel: with no in_use_since set, refused — found only while writing, as the cell and the
    member are created by the same file)."""
    decision = decision_row(
        "KL-90",
        NEW_MEMBER,
        **{"Tổ chức quyết định": NEW_CELL, "Hình thức": form, "Ngày nhận": ""},
    )
    return workbook(
        tmp_path / name,
        {
            "Tổ chức": [
                headers("Tổ chức"),
                [NEW_CELL, "Chi bộ Phòng Thử nghiệm", "", "cell", "01/01/2015", "", ""],
            ],
            "Trực thuộc": [headers("Trực thuộc"), [NEW_CELL, PARENT, "01/01/2015", "", ""]],
            "Đảng viên": [
                headers("Đảng viên"),
                [NEW_MEMBER, "Trần", "Văn", "Chín", "05/09/1990", "Nam", "", "", "02/09/2015"]
                + ["", ""],
            ],
            "Sinh hoạt": [
                headers("Sinh hoạt"),
                [NEW_MEMBER, NEW_CELL, "02/09/2015", "", "", "", ""],
            ],
            DECISIONS.name: [headers(DECISIONS.name), decision],
        },
    )


def written() -> tuple:
    """What an import of the file would leave behind."""
    return (
        OrgUnit.objects.filter(code=NEW_CELL).exists(),
        Member.objects.filter(code=NEW_MEMBER).exists(),
        Membership.objects.filter(member__code=NEW_MEMBER).exists(),
        Decision.objects.filter(external_ref="KL-90").exists(),
        AuditEvent.objects.count(),
        AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first(),
    )


@pytest.fixture
def analyze(monkeypatch):
    calls = []
    monkeypatch.setattr(importer, "refresh_statistics", lambda: calls.append(1))
    return calls


def test_the_dry_run_finds_what_only_the_write_refuses(
    tmp_path, analyze, django_capture_on_commit_callbacks
):
    path = first_import(tmp_path, "Khai trừ", "khai-tru.xlsx")
    before = written()
    with django_capture_on_commit_callbacks() as head_moves:
        dry = run_import(path, file_name=path.name, dry_run=True)
    assert not dry.ok and not dry.written
    assert any(p.sheet == DECISIONS.name and "khai trừ" in p.message for p in dry.problems)
    assert written() == before and head_moves == [] and analyze == []

    real = run_import(path, file_name=path.name)
    assert not real.ok and real.problems == dry.problems
    assert written() == before


def test_a_good_first_import_dry_run_writes_nothing_then_the_import_does(
    tmp_path, analyze, django_capture_on_commit_callbacks
):
    path = first_import(tmp_path, "Khiển trách", "khien-trach.xlsx")
    before = written()
    with django_capture_on_commit_callbacks() as head_moves:
        dry = run_import(path, file_name=path.name, dry_run=True)
    assert dry.ok, dry.problems
    assert not dry.written and dry.counts[DECISIONS.name]["created"] == 1
    assert written() == before and head_moves == [] and analyze == []

    with django_capture_on_commit_callbacks() as head_moves:
        real = run_import(path, file_name=path.name)
    assert real.ok and real.written and real.counts == dry.counts
    assert Decision.objects.get(external_ref="KL-90").member.code == NEW_MEMBER
    assert Member.objects.get(code=NEW_MEMBER).current_unit.code == NEW_CELL
    assert head_moves and analyze == [1]


def test_the_command_line_dry_run_says_refused_with_the_problems(tmp_path):
    path = first_import(tmp_path, "Khai trừ", "khai-tru.xlsx")
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("import", str(path), "--dry-run", stdout=out, stderr=io.StringIO())
    assert exit_.value.code == 1
    assert f"sheet {DECISIONS.name}" in out.getvalue() and "khai trừ" in out.getvalue()
    assert not OrgUnit.objects.filter(code=NEW_CELL).exists()
    assert (tmp_path / "khai-tru-loi.xlsx").exists()
