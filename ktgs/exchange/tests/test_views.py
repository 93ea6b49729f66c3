"""The import pages: upload, follow the job, read the problems, download the report.

The job runs inline here (KTGS_JOB_RUNNER = "inline"): the test database lives inside the test's
transaction, which a child process could not see. The browser journey runs the real child.
"""

import io
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ktgs.exchange import format, jobs
from ktgs.exchange.tests.helpers import SHARED_STRINGS, SHEET, entity_workbook
from ktgs.orgs.models import Member

CELL = "HA.DBK.001.01"
# The columns this test fills; the file carries every header of the format (the rest empty).
MEMBERS = ["Mã đảng viên", "Họ", "Tên đệm", "Tên", "Ngày sinh", "Giới tính", "Ngày vào Đảng",
           "Ngày chính thức"]  # fmt: skip
LIVES = ["Mã đảng viên", "Mã chi bộ", "Từ ngày"]


def _append(sheet, spec, columns: list[str], rows: list[list]) -> None:
    sheet.title = spec.name
    sheet.append(spec.headers)
    for row in rows:
        given = dict(zip(columns, row, strict=True))
        sheet.append([given.get(header, "") for header in spec.headers])


@pytest.fixture(autouse=True)
def private_data(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.KTGS_JOB_RUNNER = "inline"
    return tmp_path


def members_book(rows: list[list], lives: list[list]) -> bytes:
    book = openpyxl.Workbook()
    _append(book.active, format.MEMBERS, MEMBERS, rows)
    _append(book.create_sheet(), format.MEMBERSHIPS, LIVES, lives)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = [
    ["NV900001", "Nguyễn", "Thị", "Mai", "12/03/1985", "Nữ", "19/05/2010", "19/05/2011"],
    ["NV900002", "Trần", "Văn", "Bình", date(1979, 1, 2), "Nam", "03/02/2005", "03/02/2006"],
]
GOOD_LIVES = [["NV900001", CELL, "19/05/2010"], ["NV900002", CELL, "03/02/2005"]]


def xlsx(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def post_file(client, upload):
    return client.post(reverse("exchange:upload"), {"tep": upload})


def test_the_menu_offers_import_to_those_who_may_change_records(client_as):
    assert "Nhập dữ liệu" in client_as("inspector").get(reverse("home")).content.decode()
    assert "Nhập dữ liệu" not in client_as("committee_leader").get(reverse("home")).content.decode()


def test_a_file_of_another_type_is_refused_in_vietnamese(client_as, private_data):
    client = client_as("inspector")
    page = post_file(client, xlsx("danh-sach.xls", b"\xd0\xcf\x11\xe0old excel"))
    assert page.status_code == 200
    assert "chỉ nhận tệp Excel (.xlsx), CSV (.csv)" in page.content.decode()
    renamed = post_file(client, xlsx("danh-sach.xlsx", b"Ma dang vien;Ho\n"))
    assert "không phải là tệp .xlsx thật" in renamed.content.decode()
    assert not list((private_data / "jobs").glob("*/state.json")), "no job was created"
    assert not list(jobs.private_upload_dir().iterdir()), "nothing kept of the refused files"


def test_an_oversize_file_is_refused_before_it_is_kept(client_as, settings, private_data):
    settings.KTGS_IMPORT_MAX_MB = 1
    big = b"Ma dang vien\n" + b"x" * (1024 * 1024 + 100 * 1024)
    page = post_file(client_as("inspector"), xlsx("dang-vien.csv", big))
    assert page.status_code == 200
    assert "Tệp lớn hơn 1 MB, KTGS không nhận" in page.content.decode()
    assert not list(jobs.private_upload_dir().iterdir())
    assert not list((private_data / "jobs").glob("*/state.json"))


def test_a_file_with_errors_writes_nothing_and_reports_every_problem(client_as):
    client = client_as("inspector")
    bad = [GOOD[0], ["NV900002", "Trần", "Văn", "Bình", "31/02/1979", "Nam", "03/02/2005", ""]]
    response = post_file(client, xlsx("dang-vien.xlsx", members_book(bad, GOOD_LIVES)))
    assert response.status_code == 302
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "chưa dòng nào được ghi" in html
    assert "Ngày sinh" in html and "Đảng viên" in html
    assert 'hx-trigger="every 1s"' not in html, "a finished job is not polled"
    assert not Member.objects.filter(code__in=["NV900001", "NV900002"]).exists()

    report = client.get(response["Location"] + "bao-cao-loi/")
    assert report.status_code == 200
    assert report["Content-Disposition"].startswith("attachment")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(report.streaming_content)))
    cells = [str(c) for row in book.active.iter_rows(values_only=True) for c in row if c]
    assert any("Ngày sinh" in c for c in cells), cells[:20]


def test_a_good_file_is_imported_and_its_counts_shown(client_as):
    client = client_as("inspector")
    response = post_file(client, xlsx("dang-vien.xlsx", members_book(GOOD, GOOD_LIVES)))
    page = client.get(response["Location"]).content.decode()
    assert "Đã nhập xong tệp “dang-vien.xlsx”" in page
    assert reverse("orgs:member_list") in page
    assert set(Member.objects.filter(code__in=["NV900001", "NV900002"]).values_list(
        "current_unit__code", flat=True)) == {CELL}  # fmt: skip
    listed = client.get(reverse("orgs:member_list"), {"q": "NV900001"}).content.decode()
    assert "Nguyễn Thị Mai" in listed


def test_only_the_owner_sees_a_job(client_as):
    owner = client_as("inspector")
    response = post_file(owner, xlsx("dang-vien.xlsx", members_book(GOOD[:1], GOOD_LIVES[:1])))
    url = response["Location"]
    assert owner.get(url).status_code == 200
    other = client_as("ubkt_leader")
    assert other.get(url).status_code == 404
    assert other.get(url + "tien-do/", headers={"HX-Request": "true"}).status_code == 404
    assert other.get(url + "bao-cao-loi/").status_code == 404


def test_a_running_job_is_polled_and_shows_its_phase(client_as, cast, private_data):
    upload = jobs.private_upload_dir() / "x.csv"
    upload.write_bytes(b"x")
    job_id = jobs.create_job(owner_id=cast["inspector"].pk, upload=upload, file_name="x.csv")
    folder = private_data / "jobs" / job_id
    jobs.write_state(
        folder,
        {
            **jobs.read_state(folder),
            "state": "queued",
            "phase": "kiemtra",
            "done": 1200,
            "total": 4759,
        },  # fmt: skip
    )
    html = client_as("inspector").get(reverse("exchange:job_progress", args=[job_id])).content
    html = html.decode()
    assert 'hx-trigger="every 1s"' in html
    assert '<progress class="job-bar" max="4759" value="1200">' in html
    assert "Kiểm tra dữ liệu" in html and "1.200/4.759" in html
    assert "<script" not in html


def test_a_job_whose_process_died_says_so(client_as, cast, private_data):
    upload = jobs.private_upload_dir() / "x.csv"
    upload.write_bytes(b"x")
    job_id = jobs.create_job(owner_id=cast["inspector"].pk, upload=upload, file_name="x.csv")
    folder = private_data / "jobs" / job_id
    jobs.write_state(folder, {**jobs.read_state(folder), "state": "running", "phase": "ghi"})
    html = client_as("inspector").get(reverse("exchange:job", args=[job_id])).content.decode()
    assert "dừng giữa chừng" in html
    assert 'hx-trigger="every 1s"' not in html


def test_the_template_downloads_as_a_workbook(client_as):
    response = client_as("committee_leader").get(reverse("exchange:template"))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert "Đảng viên" in book.sheetnames


@pytest.mark.parametrize("part", [SHARED_STRINGS, SHEET])
def test_a_workbook_declaring_entities_ends_the_job_with_a_clear_refusal(client_as, tmp_path, part):
    """XXE / billion laughs through the upload page: the job ends with the reason, not with
    «Có lỗi không mong đợi» (the reach check reads the file first, then the import)."""
    content = entity_workbook(tmp_path / "thuc-the.xlsx", part=part).read_bytes()
    client = client_as("inspector")
    response = post_file(client, xlsx("thuc-the.xlsx", content))
    html = client.get(response["Location"]).content.decode()
    assert "khai báo DTD hoặc thực thể XML" in html
    assert "không mong đợi" not in html


def test_a_csv_not_in_utf8_ends_the_job_with_how_to_save_it(client_as):
    client = client_as("inspector")
    body = "Mã đảng viên,Họ\nNV900001,Nguyễn\n".encode("cp1258", errors="replace")
    response = post_file(client, xlsx("Đảng viên.csv", body))
    html = client.get(response["Location"]).content.decode()
    assert "không phải mã UTF-8" in html
    assert "Nhập tệp khác" in html


def test_an_upload_without_the_csrf_token_is_refused_and_not_kept(cast):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["inspector"])
    response = post_file(client, xlsx("dang-vien.xlsx", members_book(GOOD, GOOD_LIVES)))
    assert response.status_code == 403
    assert not list(jobs.private_upload_dir().iterdir())
    assert not Member.objects.filter(code="NV900001").exists()


def _whole_tree_reader():
    """A UBKT leader at the province (the top of the tree) with clearance tối mật."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ktgs.accounts import services as account_services
    from ktgs.orgs.models import OrgUnit

    user = account_services.user_create(username="xuat.tinh", password="x" * 12, clearance="secret")
    account_services.role_assign(
        user=user,
        unit=OrgUnit.objects.get(code="HA"),
        role="ubkt_leader",
        starts_on=date(2020, 1, 1),
    )
    device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def test_export_is_for_whoever_sees_the_whole_tree(client_as):
    assert client_as("ubkt_leader").get(reverse("exchange:export_xlsx")).status_code == 403
    upload_page = client_as("ubkt_leader").get(reverse("exchange:upload")).content.decode()
    assert "Xuất Excel" not in upload_page
    client = _whole_tree_reader()
    assert "Xuất Excel" in client.get(reverse("exchange:upload")).content.decode()
    response = client.get(reverse("exchange:export_csv"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="du-lieu-ktgs-csv.zip"')
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    members = archive.read("Đảng viên.csv").decode("utf-8-sig")
    assert "DV000001" in members


def test_a_file_reaching_outside_the_users_units_writes_nothing(client_as):
    """The grassroots officer of HA.DBK.001 may import into its cells, not into HA.DBK.002's,
    and may not change a member registered there."""
    client = client_as("grassroots_officer")
    elsewhere = Member.objects.live().filter(current_unit__code="HA.DBK.002.01").first()
    rows = [GOOD[0], [elsewhere.code, "Sửa", "", "Tên", "01/01/1980", "Nam", "01/01/2005", ""]]
    lives = [["NV900001", "HA.DBK.002.01", "19/05/2010"]]
    response = post_file(client, xlsx("dang-vien.xlsx", members_book(rows, lives)))
    html = client.get(response["Location"]).content.decode()
    assert "chưa dòng nào được ghi" in html
    assert "Tổ chức «HA.DBK.002.01» không có, hoặc nằm ngoài phạm vi" in html
    assert f"Mã đảng viên «{elsewhere.code}» đã được dùng ở tổ chức ngoài phạm vi" in html
    assert elsewhere.full_name not in html
    assert not Member.objects.filter(code="NV900001").exists()
    elsewhere.refresh_from_db()
    assert elsewhere.family_name != "Sửa"

    inside = members_book(GOOD, GOOD_LIVES)  # HA.DBK.001.01: inside the officer's unit
    response = post_file(client, xlsx("dang-vien.xlsx", inside))
    assert "Đã nhập xong" in client.get(response["Location"]).content.decode()
