"""An import runs as the user who uploaded it: within their units and clearance, as the forms
(issue 10, finding 5), and every audit event it writes names them, their IP and the unit the
file concerns, also when the detached worker runs it (finding 9)."""

import io
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from ktgs.accounts.access import visible_to
from ktgs.audit.models import AuditEvent
from ktgs.audit.selectors import Search, event_search
from ktgs.discipline.models import Decision
from ktgs.exchange import format, jobs
from ktgs.exchange.importer import ACTION, Problem, run_import
from ktgs.exchange.reach import outside_reach
from ktgs.exchange.tests import test_discipline_import as discipline_files
from ktgs.exchange.tests import test_inspection_import as inspection_files
from ktgs.inspections.models import Inspection
from ktgs.inspections.services import office_in_use_since_set
from ktgs.orgs.models import Member, OrgUnit

pytestmark = pytest.mark.django_db

CELL = "HA.DBK.001.01"
SECRECY = "Độ mật"


@pytest.fixture(autouse=True)
def private_data(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.KTGS_JOB_RUNNER = "inline"
    office_in_use_since_set(date(2024, 1, 1))  # the inspection and decision files are history


def members_book(secrecy: str) -> bytes:
    """One new member of the cell HA.DBK.001.01 (the grassroots officer's unit) at `secrecy`."""
    member = {"Mã đảng viên": "NV910001", "Họ": "Lê", "Tên đệm": "Thị", "Tên": "Hoa",
              "Ngày sinh": "12/03/1985", "Giới tính": "Nữ", "Ngày vào Đảng": "19/05/2010",
              "Ngày chính thức": "19/05/2011", SECRECY: secrecy}  # fmt: skip
    life = {"Mã đảng viên": "NV910001", "Mã chi bộ": CELL, "Từ ngày": "19/05/2010"}
    book = openpyxl.Workbook()
    for sheet, (spec, row) in zip(
        (book.active, book.create_sheet()),
        ((format.MEMBERS, member), (format.MEMBERSHIPS, life)),
        strict=True,
    ):
        sheet.title = spec.name
        sheet.append(spec.headers)
        sheet.append([row.get(h, "") for h in spec.headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, content: bytes, name="dang-vien.xlsx"):
    file = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    response = client.post(reverse("exchange:upload"), {"tep": file})
    return client.get(response["Location"]).content.decode()


# --- clearance (finding 5) ---------------------------------------------------------------------


def test_a_member_above_the_users_clearance_is_refused_through_the_page(client_as):
    client = client_as("grassroots_officer")  # clearance thường, edit rights in HA.DBK.001
    html = upload(client, members_book("Tối mật"))
    assert "chưa dòng nào được ghi" in html
    assert "Độ mật «Tối mật» cao hơn độ mật đồng chí được xem («Thường»)" in html
    assert "nhờ người được xem hồ sơ «Tối mật» nhập" in html
    assert not Member.objects.filter(code="NV910001").exists()
    assert "Đã nhập xong" in upload(client, members_book("Thường"))  # the same row, allowed


@pytest.mark.parametrize(
    ("files", "sheet", "model"),
    [
        (inspection_files, inspection_files.SHEET, Inspection),
        (discipline_files, discipline_files.SHEET, Decision),
    ],
    ids=["inspections", "decisions"],
)
def test_every_sheet_with_a_secrecy_column_refuses_a_level_above_the_user(
    tmp_path, cast, files, sheet, model
):
    inspector = cast["inspector"]  # clearance mật, edit rights in the whole bloc
    path = files.good_book(tmp_path, **{SECRECY: "Tối mật"})
    result = run_import(path, file_name=path.name, user=inspector)
    assert not result.ok
    refused = [(p.sheet, p.row, p.column) for p in result.problems if "cao hơn" in p.message]
    assert refused == [(sheet, 2, SECRECY)]
    assert "«Mật»" in result.problems[0].message
    assert not model.objects.filter(external_ref__endswith="-01").exists()
    allowed = files.good_book(tmp_path, "mat.xlsx", **{SECRECY: "Mật"})
    assert run_import(allowed, file_name="mat.xlsx", user=inspector).ok


def test_the_command_line_import_runs_as_the_named_user(tmp_path):
    path = tmp_path / "dang-vien.xlsx"
    path.write_bytes(members_book("Tối mật"))
    with pytest.raises(SystemExit):
        call_command("import", str(path), user="canbo.coso", stdout=io.StringIO())
    assert not Member.objects.filter(code="NV910001").exists()
    call_command("import", str(path), stdout=io.StringIO())  # the server's administrator
    assert Member.objects.get(code="NV910001").secrecy == "secret"
    event = AuditEvent.objects.filter(action=ACTION).latest("seq")
    assert event.actor_id is None and event.actor_name.startswith("dòng lệnh «ktgs import»")


# --- scope (finding 5, verified) ----------------------------------------------------------------


def test_inspection_rows_of_units_outside_the_users_scope_are_refused(tmp_path, cast):
    """The grassroots officer of HA.DBK.001 may not import the bloc UBKT's supervision of it."""
    path = inspection_files.good_book(tmp_path)
    problems = outside_reach(path, path.name, visible_to(cast["grassroots_officer"]), Problem)
    assert [(p.sheet, p.row, p.column) for p in problems] == [
        (inspection_files.SHEET, 2, "Tổ chức thực hiện")
    ]
    assert "«HA.DBK» không có, hoặc nằm ngoài phạm vi" in problems[0].message


# --- attribution (finding 9) ----------------------------------------------------------------------


def test_the_detached_worker_names_the_importer_their_ip_and_the_unit(tmp_path, cast):
    """jobs.run() is what `python -m ktgs.exchange.worker` runs: no request, no middleware."""
    inspector = cast["inspector"]
    upload_path = jobs.private_upload_dir() / "kiem-tra.xlsx"
    upload_path.write_bytes(inspection_files.good_book(tmp_path).read_bytes())
    job_id = jobs.create_job(
        owner_id=inspector.pk, upload=upload_path, file_name="kiem-tra.xlsx", ip="10.1.2.3"
    )
    last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    state = jobs.run(job_id)
    assert state["ok"], state["problems"]
    events = list(AuditEvent.objects.filter(seq__gt=last))
    actions = {e.action for e in events}
    assert {ACTION, "inspections.inspection.imported"} <= actions
    assert {(e.actor_id, e.actor_name, e.ip) for e in events} == {
        (inspector.pk, "kiemtravien", "10.1.2.3")
    }
    done = next(e for e in events if e.action == ACTION)
    assert done.unit_id == OrgUnit.objects.get(code="HA.DBK").pk  # above HA.DBK and its cell
    leader = visible_to(cast["ubkt_leader"])
    assert event_search(scope=leader, search=Search(action=ACTION)).filter(pk=done.pk).exists()


def test_an_upload_names_the_user_and_the_unit_of_its_rows(client_as, cast):
    client = client_as("grassroots_officer")
    assert "Đã nhập xong" in upload(client, members_book("Thường"))
    done = AuditEvent.objects.filter(action=ACTION).latest("seq")
    officer = cast["grassroots_officer"]
    assert (done.actor_id, done.ip) == (officer.pk, "127.0.0.1")
    assert done.unit_id == OrgUnit.objects.get(code=CELL).pk


def test_a_stored_record_above_the_users_clearance_is_not_compared_with_the_file(tmp_path, cast):
    """Naming a tối mật inspection by its Mã hồ sơ (KTGS-<id>) would say, by «không đổi» or by
    the columns that differ, what it holds: the row is refused as outside the user's reach."""
    from ktgs.inspections import services
    from ktgs.inspections.services import SubjectInput
    from ktgs.orgs.models import Body

    secret = services.inspection_create(
        body=Body.objects.get(unit__code="HA.DBK", kind="inspection"),
        kind="supervision_thematic",
        decided_on=date(2026, 2, 2),
        decision_number="72-QĐ/UBKTĐUK",
        topic="Giám sát tối mật",
        subjects=[SubjectInput(unit=OrgUnit.objects.get(code="HA.DBK.001"))],
        secrecy="secret",
    )
    ref = f"KTGS-{secret.pk}"
    path = inspection_files.good_book(tmp_path, **{"Mã hồ sơ": ref})
    inspector = visible_to(cast["inspector"])  # clearance mật: does not see it
    problems = outside_reach(path, path.name, inspector, Problem)
    assert [(p.sheet, p.row, p.column) for p in problems] == [
        (inspection_files.SHEET, 2, "Mã hồ sơ")
    ]
    assert f"Mã hồ sơ «{ref}» đã dùng cho một hồ sơ ngoài phạm vi" in problems[0].message
    leader = visible_to(cast["ubkt_leader"])  # tối mật, performing unit: compared as usual
    assert outside_reach(path, path.name, leader, Problem) == []
