"""Attachments: what is accepted, what is refused (and that nothing is left behind), the
download (headers, who may have it, the access log) and the panel on the member page."""

import errno
import hashlib
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ktgs.audit.models import AuditEvent, ReadEvent
from ktgs.core.models import Secrecy
from ktgs.documents import filecheck
from ktgs.documents.models import Attachment
from ktgs.documents.services import attachment_add, attachment_void
from ktgs.documents.tests import files
from ktgs.orgs import services as org_services
from ktgs.orgs.models import Member


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "files"
    return settings.MEDIA_ROOT


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def member_in(code: str) -> Member:
    return Member.objects.live().filter(current_unit__code__startswith=code).order_by("code")[0]


@pytest.fixture
def member(db) -> Member:
    return member_in("HA.DBK.001.")


# --- accepted --------------------------------------------------------------------------------

ACCEPTED = [
    ("Kết luận kiểm tra số 05.pdf", files.pdf, "pdf", "application/pdf"),
    ("ảnh biên bản.PNG", files.png, "png", "image/png"),
    ("scan.jpeg", files.jpeg, "jpg", "image/jpeg"),
    ("Biên bản.docx", files.docx, "docx", filecheck.KINDS["docx"].mime),
    ("Danh sách.xlsx", files.xlsx, "xlsx", filecheck.KINDS["xlsx"].mime),
    ("Tờ trình.odt", files.odt, "odt", filecheck.KINDS["odt"].mime),
    ("cũ.doc", files.ole2, "doc", "application/msword"),
    ("cũ.xls", files.ole2, "xls", "application/vnd.ms-excel"),
]


@pytest.mark.parametrize(("name", "make", "kind", "mime"), ACCEPTED)
def test_allowed_files_are_stored_under_a_generated_name(media, member, name, make, kind, mime):
    content = make()
    events = AuditEvent.objects.count()
    added = attachment_add(member, files.upload(name, content), note="Bản chụp")
    assert added.name == name and added.kind == kind and added.content_type == mime
    assert added.size == len(content) and added.sha256 == hashlib.sha256(content).hexdigest()
    assert (added.owner_type, added.owner_id) == ("orgs.member", str(member.pk))
    stored = media / added.path
    assert stored.read_bytes() == content
    parts = Path(added.path).parts
    assert parts[0] == "dinh-kem" and len(parts[1]) == 4 and len(parts[2]) == 2
    assert Path(added.path).suffix == f".{kind}" and Path(added.path).stem.isalnum()
    event = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == events + 1
    assert event.action == "documents.attachment.added" and event.target_id == str(member.pk)
    assert event.details["file"] == name


def test_original_name_is_kept_nfc_without_its_folder(media, member):
    import unicodedata

    typed = "C:\\fakepath\\" + unicodedata.normalize("NFD", "Quyết định kỷ luật.pdf")
    added = attachment_add(member, files.upload(typed, files.pdf()))
    assert added.name == "Quyết định kỷ luật.pdf"


# --- refused: a message naming the file, and nothing written ------------------------------------

REFUSED = [
    ("Kết luận.pdf", files.png, ["Kết luận.pdf", "không phải PDF", "ảnh PNG"]),
    ("Kết luận.pdf", lambda: b"<html><body>x</body></html>", ["không phải PDF", "trang web"]),
    ("Kết luận.pdf", lambda: "Chỉ là chữ".encode(), ["không phải PDF", "văn bản thuần"]),
    ("báo cáo.docx", files.pdf, ["báo cáo.docx", "không phải Word (.docx)", "PDF"]),
    ("báo cáo.docx", files.plain_zip_claiming_docx, ["bên trong không phải Word (.docx)"]),
    ("báo cáo.docx", files.xlsx, ["bên trong không phải Word (.docx)"]),
    ("bảng.xlsx", files.docx, ["bên trong không phải Excel (.xlsx)"]),
    ("bom.docx", files.zip_bomb, ["bom.docx", "nén bất thường"]),
    ("cũ.doc", files.pdf, ["không phải Word 97–2003"]),
    ("ảnh.jpg", files.png, ["không phải ảnh JPEG", "ảnh PNG"]),
    ("virus.exe", lambda: b"MZ\x90\x00" + b"\x00" * 100, ["đuôi .exe", "Chỉ nhận: PDF, DOCX"]),
    ("không đuôi", files.pdf, ["không có đuôi"]),
    ("rỗng.pdf", lambda: b"", ["rỗng"]),
]


@pytest.mark.parametrize(("name", "make", "words"), REFUSED)
def test_refused_files_leave_nothing_behind(media, member, name, make, words):
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        attachment_add(member, files.upload(name, make()))
    message = " ".join(caught.value.message_dict["file"])
    for word in words:
        assert word in message, message
    assert not Attachment.objects.exists() and not stored_files(media)
    assert AuditEvent.objects.count() == events


def test_size_limit_is_a_setting(media, member, settings):
    settings.KTGS_ATTACHMENT_MAX_MB = 1
    big = files.pdf() + b"0" * (1024 * 1024)
    with pytest.raises(ValidationError, match="vượt giới hạn 1 MB"):
        attachment_add(member, files.upload("lớn.pdf", big))
    assert not stored_files(media)


def test_a_failure_after_the_file_is_written_removes_it(media, member, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr("ktgs.documents.services.record", broken)
    with pytest.raises(RuntimeError):
        attachment_add(member, files.upload("a.pdf", files.pdf()))
    assert not stored_files(media) and not Attachment.objects.exists()


def test_void_hides_the_file_keeps_it_and_needs_a_reason(media, member):
    added = attachment_add(member, files.upload("nhầm.pdf", files.pdf()))
    with pytest.raises(ValidationError, match="lý do"):
        attachment_void(added, reason="  ")
    attachment_void(added, reason="Đính kèm nhầm hồ sơ")
    added.refresh_from_db()
    assert added.is_voided and added.void_reason == "Đính kèm nhầm hồ sơ"
    assert (media / added.path).exists()  # never deleted
    assert AuditEvent.objects.order_by("-seq").first().action == "documents.attachment.voided"
    with pytest.raises(ValidationError, match="đã được hủy"):
        attachment_void(added, reason="lần nữa")


# --- pages -----------------------------------------------------------------------------------


def test_download_sends_the_vietnamese_name_and_safe_headers(media, member, client_as):
    content = files.pdf()
    added = attachment_add(member, files.upload('Kết luận số 05-KL "UBKTĐUK".pdf', content))
    response = client_as("inspector").get(reverse("documents:attachment_download", args=[added.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    utf8 = quote('Kết luận số 05-KL "UBKTĐUK".pdf', safe="")
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"Ket luan so 05-KL UBKTDUK.pdf\"; filename*=UTF-8''{utf8}"
    )


def test_a_slash_in_the_name_is_a_folder_and_is_dropped(media, member):
    added = attachment_add(member, files.upload("hồ sơ/Kết luận.pdf", files.pdf()))
    assert added.name == "Kết luận.pdf"


def test_download_is_404_for_users_who_do_not_see_the_owner(media, client_as):
    outside = member_in("HA.DBK.002.")
    added = attachment_add(outside, files.upload("a.pdf", files.pdf()))
    url = reverse("documents:attachment_download", args=[added.pk])
    assert client_as("grassroots_officer").get(url).status_code == 404  # HA.DBK.001 only
    assert client_as("sysadmin").get(url).status_code == 404
    assert client_as("inspector").get(url).status_code == 200
    attachment_void(added, reason="nhầm")
    assert client_as("inspector").get(url).status_code == 404


def test_download_of_a_file_of_a_confidential_member_is_logged(media, member, client_as, cast):
    member = org_services.member_update(member=member, secrecy=Secrecy.CONFIDENTIAL)
    added = attachment_add(member, files.upload("mật.pdf", files.pdf()))
    url = reverse("documents:attachment_download", args=[added.pk])
    assert client_as("grassroots_officer").get(url).status_code == 404  # cleared for thường
    assert not ReadEvent.objects.exists()
    assert client_as("inspector").get(url).status_code == 200
    read = ReadEvent.objects.get()
    assert (read.target_type, read.target_id) == ("documents.attachment", str(added.pk))
    assert (read.secrecy, read.user_id) == (Secrecy.CONFIDENTIAL, cast["inspector"].pk)


def test_member_page_panel_lists_files_and_offers_upload_to_editors_only(media, member, client_as):
    added = attachment_add(member, files.upload("Bản tự kiểm điểm.docx", files.docx()))
    page_url = reverse("orgs:member_detail", args=[member.code])
    editor = client_as("inspector").get(page_url).content.decode()
    assert "Tài liệu đính kèm" in editor and "Bản tự kiểm điểm.docx" in editor
    assert reverse("documents:attachment_download", args=[added.pk]) in editor
    assert 'enctype="multipart/form-data"' in editor and "csrfmiddlewaretoken" in editor
    assert reverse("documents:attachment_void", args=[added.pk]) in editor
    reader = client_as("committee_leader").get(page_url).content.decode()
    assert "Bản tự kiểm điểm.docx" in reader
    assert 'enctype="multipart/form-data"' not in reader
    assert reverse("documents:attachment_void", args=[added.pk]) not in reader


def test_upload_through_the_page(media, member, client_as):
    client = client_as("inspector")
    url = reverse("documents:attachment_add", args=["orgs.member", member.pk])
    response = client.post(url, {"file": files.upload("Đơn.pdf", files.pdf()), "note": "bản gốc"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("orgs:member_detail", args=[member.code]))
    added = Attachment.objects.get()
    assert (added.name, added.note, added.uploaded_by.username) == (
        "Đơn.pdf",
        "bản gốc",
        "kiemtravien",
    )
    page = client.get(response["Location"]).content.decode()
    assert "Đã đính kèm tệp “Đơn.pdf”" in page


def test_upload_of_an_impostor_shows_the_reason_and_writes_nothing(media, member, client_as):
    url = reverse("documents:attachment_add", args=["orgs.member", member.pk])
    response = client_as("inspector").post(url, {"file": files.upload("Đơn.pdf", files.png())})
    assert response.status_code == 200
    assert (
        "Tệp “Đơn.pdf” mang đuôi của PDF nhưng nội dung không phải PDF" in response.content.decode()
    )
    assert not Attachment.objects.exists() and not stored_files(media)


def test_upload_is_refused_to_read_only_roles_and_to_unknown_owner_kinds(media, member, client_as):
    url = reverse("documents:attachment_add", args=["orgs.member", member.pk])
    upload = files.upload("Đơn.pdf", files.pdf())
    assert client_as("committee_leader").post(url, {"file": upload}).status_code == 403
    other = reverse("documents:attachment_add", args=["accounts.user", 1])
    assert client_as("inspector").get(other).status_code == 404
    assert not Attachment.objects.exists()


def test_void_through_the_page(media, member, client_as):
    added = attachment_add(member, files.upload("nhầm.pdf", files.pdf()))
    url = reverse("documents:attachment_void", args=[added.pk])
    client = client_as("inspector")
    assert "Chưa nhập lý do hủy tài liệu." in client.post(url, {}).content.decode()
    response = client.post(url, {"reason": "Nhầm hồ sơ"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Đã hủy tài liệu “nhầm.pdf”" in page and "Chưa có tài liệu đính kèm." in page


def test_an_oversize_request_is_refused_before_the_file_is_read(media, member, client_as, settings):
    settings.KTGS_ATTACHMENT_MAX_MB = 0  # only the multipart overhead is allowed
    url = reverse("documents:attachment_add", args=["orgs.member", member.pk])
    big = files.pdf() + b"0" * (200 * 1024)
    response = client_as("inspector").post(url, {"file": files.upload("lớn.pdf", big)})
    assert response.status_code == 200
    assert "Tệp vượt giới hạn 0 MB của một tệp đính kèm." in response.content.decode()
    assert not Attachment.objects.exists() and not stored_files(media)


# --- a full disk -------------------------------------------------------------------------------


def _post_attachment(client, member, content=None):
    url = reverse("documents:attachment_add", args=["orgs.member", member.pk])
    upload = files.upload("Biên bản.pdf", content or files.pdf())
    return client.post(url, {"file": upload, "note": ""})


def test_an_attachment_on_a_full_disk_says_so_and_keeps_nothing(
    media, member, client_as, monkeypatch
):
    from ktgs.documents import services

    real_open = open

    def full_open(path, mode="r", *args, **kwargs):
        handle = real_open(path, mode, *args, **kwargs)
        if mode == "xb":
            handle.write = _no_space
        return handle

    monkeypatch.setattr(services, "open", full_open, raising=False)
    events = AuditEvent.objects.count()
    response = _post_attachment(client_as("inspector"), member)
    assert response.status_code == 200
    assert "Ổ đĩa máy chủ đã đầy" in response.content.decode()
    assert stored_files(media) == [] and AuditEvent.objects.count() == events
    assert _NO_SPACE.errno == errno.ENOSPC


_NO_SPACE = OSError(28, "No space left on device")


def _no_space(*args):
    raise _NO_SPACE


def test_an_attachment_on_a_really_full_disk(settings, tmp_path, member, client_as):
    from ktgs.core.tests import mounts

    settings.MEDIA_ROOT = tmp_path / "files"
    pdf = files.pdf() + b"%" + b"x" * 200_000 + b"\n%%EOF\n"
    with mounts.tmpfs(settings.MEDIA_ROOT, "64k"):
        response = _post_attachment(client_as("inspector"), member, pdf)
        assert "Ổ đĩa máy chủ đã đầy" in response.content.decode()
        assert stored_files(settings.MEDIA_ROOT) == []


def test_a_full_disk_while_the_server_buffers_the_upload_is_a_clear_503(
    media, member, client_as, monkeypatch, settings
):
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload buffered in a temporary file
    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", _no_space)
    client = client_as("inspector")
    client.raise_request_exception = False
    response = _post_attachment(client, member)
    assert response.status_code == 503
    assert "Ổ đĩa máy chủ đã đầy" in response.content.decode()
    assert stored_files(media) == []
