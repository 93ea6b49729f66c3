"""Party-format documents: the engine, office templates, prints from records, the report's tables
DOCX with its number, and (where LibreOffice is installed; required in CI) the PDF conversion."""

import io
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ktgs.core.vietnamese import format_int
from ktgs.documents import layout, printing, templates_office
from ktgs.documents.models import NumberUse, OfficeTemplate

REPO = Path(__file__).resolve().parents[3]
ARTIFACTS = REPO / "test-artifacts"
YEAR_2023 = {"ky": "nam", "nam": "2023"}


def _context(**over) -> printing.DocumentContext:
    values = dict(
        superior="Đảng bộ tỉnh Thử",
        issuer="Đảng ủy Khối Thử nghiệm",
        number="07-BC/ĐUKT",
        place="Thành Thử",
        on=date(2024, 2, 5),
        kind="BÁO CÁO",
        title="kết quả công tác <kiểm tra> & giám sát",
        paragraphs=[("heading", "I. TÌNH HÌNH"), ("text", "Đảng bộ có 1.234 đảng viên.")],
        on_behalf="T/M Ban Thường vụ",
        signer_title="Phó Bí thư",
        signer="Trần Văn Thử",
        recipients=["Ban Thường vụ Tỉnh ủy", "Lưu VP"],
    )
    values.update(over)
    return printing.DocumentContext(**values)


def _template_with(extra_line: str, doc_type: str = "bao-cao") -> bytes:
    doc = layout.template(doc_type)
    doc.add_paragraph(extra_line)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_a_report_prints_the_issuer_block_number_title_body_and_signature():
    text = printing.document_text(printing.render("bao-cao", _context()))
    lines = text.splitlines()
    top = lines.index("ĐẢNG BỘ TỈNH THỬ")
    assert lines[top + 1 : top + 4] == ["ĐẢNG ỦY KHỐI THỬ NGHIỆM", "*", "Số 07-BC/ĐUKT"]
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in lines
    assert "Thành Thử, ngày 05 tháng 02 năm 2024" in lines
    assert "kết quả công tác <kiểm tra> & giám sát" in lines  # escaped, not broken XML
    assert "Đảng bộ có 1.234 đảng viên." in lines
    for line in ("T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ", "Trần Văn Thử", "- Lưu VP"):
        assert line in lines


def test_every_shipped_template_names_only_known_placeholders_and_is_a_real_docx():
    for code, kind in printing.TYPES.items():
        found = printing.check_template(code, printing.shipped_template(code))
        assert {"cap_tren", "co_quan", "so", "doan_van", "noi_nhan"} <= found <= set(kind.known)


def test_a_template_with_an_unknown_placeholder_is_refused_naming_it():
    content = _template_with("{{ ten_la }}")
    with pytest.raises(ValidationError) as exc:
        printing.check_template("bao-cao", content)
    message = " ".join(exc.value.messages)
    assert "{{ ten_la }}" in message and "co_quan" in message and "noi_nhan" in message


def test_a_file_that_is_not_a_word_document_is_refused_plainly():
    with pytest.raises(ValidationError) as exc:
        printing.check_template("bao-cao", b"%PDF-1.4 not a docx")
    assert "không phải văn bản Word" in " ".join(exc.value.messages)
    with pytest.raises(ValidationError) as exc:
        printing.check_template("bao-cao", _broken_zip())
    assert "Không đọc được tệp Word" in " ".join(exc.value.messages)


def _broken_zip() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "no word here")
    return out.getvalue()


def test_an_uploaded_template_cannot_reach_python_objects():
    content = _template_with("{{ cap_tren.__class__.__mro__ }}")
    with pytest.raises(Exception) as exc:  # jinja2's SecurityError from the sandbox
        printing.render("bao-cao", _context(), template=content)
    assert "unsafe" in str(exc.value) or "__class__" in str(exc.value)


def test_an_office_template_is_versioned_audited_and_prints_for_units_below(
    demo, cast, settings, tmp_path
):
    from ktgs.audit.models import AuditEvent
    from ktgs.orgs.models import OrgUnit

    settings.MEDIA_ROOT = tmp_path
    bloc = OrgUnit.objects.get(code="HA.DBK")
    below = OrgUnit.objects.filter(path__startswith=bloc.path).exclude(pk=bloc.pk).first()
    content = _template_with("MẪU RIÊNG CỦA CƠ QUAN {{ so }}")
    first = templates_office.template_upload(
        bloc, "bao-cao", SimpleUploadedFile("mau.docx", content)
    )
    second = templates_office.template_upload(
        bloc, "bao-cao", SimpleUploadedFile("mau2.docx", content)
    )
    assert (first.version, second.version) == (1, 2)
    assert templates_office.in_force("bao-cao", below) == second
    assert templates_office.in_force("qd-ky-luat", below) is None
    text = printing.document_text(
        printing.render(
            "bao-cao", _context(), template=templates_office.template_bytes("bao-cao", below)
        )
    )
    assert "MẪU RIÊNG CỦA CƠ QUAN 07-BC/ĐUKT" in text
    assert AuditEvent.objects.filter(action="documents.template.uploaded").count() == 2


def test_an_upload_with_an_unknown_placeholder_saves_nothing(client_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_as("ubkt_leader")
    upload = SimpleUploadedFile("mau.docx", _template_with("{{ ho_ten_sai }}"))
    page = client.post(reverse("documents:templates"), {"doc_type": "bao-cao", "file": upload})
    assert page.status_code == 400
    assert "ho_ten_sai" in page.content.decode()
    assert not OfficeTemplate.objects.exists()
    assert not any(tmp_path.rglob("*.docx"))


def test_an_inspector_may_download_but_not_replace_templates(client_as):
    client = client_as("inspector")
    assert (
        client.get(reverse("documents:template_download", args=["qd-ky-luat"])).status_code == 200
    )
    upload = SimpleUploadedFile("mau.docx", printing.shipped_template("bao-cao"))
    page = client.post(reverse("documents:templates"), {"doc_type": "bao-cao", "file": upload})
    assert page.status_code == 403


# --- prints from records -----------------------------------------------------------------------


def test_a_discipline_decision_prints_from_its_record(client_as):
    from ktgs.discipline.models import Decision

    decision = Decision.objects.live().filter(secrecy="normal").exclude(number="").first()
    client = client_as("ubkt_leader")
    response = client.get(reverse("discipline:print", args=[decision.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == printing.DOCX
    text = printing.document_text(response.content)
    assert f"Số {decision.number}" in text
    assert decision.subject_name in text
    assert decision.get_form_display().lower() in text
    assert decision.body.unit.name.upper() in text or "ỦY BAN KIỂM TRA" in text


def test_an_inspection_decision_and_notice_print_from_the_record(client_as):
    from ktgs.inspections.models import Inspection

    inspection = (
        Inspection.objects.live()
        .filter(secrecy="normal", concluded_on__isnull=False)
        .exclude(decision_number="")
        .first()
    )
    client = client_as("ubkt_leader")
    decision = client.get(reverse("inspections:print_decision", args=[inspection.pk]))
    text = printing.document_text(decision.content)
    assert f"Số {inspection.decision_number}" in text
    assert inspection.topic in text
    for subject in inspection.subjects.all():
        assert subject.name in text
    notice = client.get(reverse("inspections:print_notice", args=[inspection.pk]))
    lines = printing.document_text(notice.content).splitlines()
    assert "THÔNG BÁO" in lines
    symbol = inspection.decision_number.split("/")[1]  # the notice's number: written by hand
    assert any(line.startswith("Số ") and line.endswith(f"-TB/{symbol}") for line in lines)
    for subject in inspection.subjects.all():
        assert f"Đối với {subject.name}" in " ".join(lines)


# --- the report's tables -------------------------------------------------------------------------


def _issue(client, number: str):
    return client.post(
        reverse("reports:docx", args=["HA.DBK"]) + "?ky=nam&nam=2023",
        {
            "number": number,
            "on": "30/06/2023",
            "place": "Hòa An",
            "signer_title": "Phó Bí thư",
            "signer": "Nguyễn Văn Ký",
            "recipients": "Ban Thường vụ Tỉnh ủy\nLưu",
        },
    )


def _figures(unit_code: str) -> list[str]:
    from ktgs.orgs.models import OrgUnit
    from ktgs.reports.periods import UnitPeriods
    from ktgs.reports.views import build

    unit = OrgUnit.objects.get(code=unit_code)
    period = UnitPeriods(unit).parse(YEAR_2023)
    _ctx, _before, computed = build(unit, period, previous=False)
    return [format_int(c.value) for t in computed for r in t.rows for c in r.cells]


def test_issuing_the_tables_books_the_number_and_prints_every_figure(client_as):
    client = client_as("ubkt_leader")
    form = client.get(reverse("reports:docx", args=["HA.DBK"]), YEAR_2023)
    number = form.context["form"].initial["number"]
    response = _issue(client, number)
    assert response.status_code == 200, response.content.decode()[:2000]
    assert NumberUse.objects.filter(number=number).count() == 1
    text = printing.document_text(response.content)
    assert f"Số {number}" in text and "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    from docx import Document

    from ktgs.reports.charts import TITLES

    assert len(Document(io.BytesIO(response.content)).inline_shapes) == len(TITLES)
    cells = text.splitlines()
    for title in TITLES.values():  # each chart under its title
        assert title in cells
    for figure in _figures("HA.DBK"):
        assert figure in cells
    again = _issue(client, number)  # the same number again: refused, nothing saved
    assert again.status_code == 200 and again["Content-Type"].startswith("text/html")
    assert "đã được dùng" in again.content.decode()
    assert NumberUse.objects.filter(number=number).count() == 1


# --- LibreOffice: DOCX → PDF → text and the first page as PNG ---------------------------------


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _need(tool: str) -> str:
    found = shutil.which(tool)
    if found:
        return found
    reason = f"{tool} not found: apt-get install libreoffice-writer-nogui poppler-utils"
    if _in_ci():
        pytest.fail(f"{reason}; required when CI=true", pytrace=False)
    pytest.skip(reason)


def _issuer(unit_code: str, on: date) -> printing.Issuer:
    from ktgs.orgs.models import OrgUnit
    from ktgs.reports import docx

    return printing.issuer_of(docx.issuing_body(OrgUnit.objects.get(code=unit_code)), on)


def convert(content: bytes, tmp_path: Path, stem: str) -> tuple[str, Path]:
    """(the PDF's text, the PDF) of a DOCX converted by LibreOffice; page 1 kept as
    test-artifacts/<stem>-trang-1.png (a CI artefact for people to look at)."""
    office, pdftotext, pdftoppm = _need("libreoffice"), _need("pdftotext"), _need("pdftoppm")
    docx = tmp_path / f"{stem}.docx"
    docx.write_bytes(content)
    env = {**os.environ, "HOME": str(tmp_path)}  # LibreOffice's profile in the test's folder
    subprocess.run(
        [office, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
        check=True,
        capture_output=True,
        timeout=180,
        env=env,
    )
    pdf = tmp_path / f"{stem}.pdf"
    text = subprocess.run(
        [pdftotext, str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    ARTIFACTS.mkdir(exist_ok=True)
    page = ARTIFACTS / f"{stem}-trang-1"
    subprocess.run(
        [pdftoppm, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(page)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert page.with_suffix(".png").stat().st_size > 1000
    return text, pdf


def test_the_tables_docx_converts_with_libreoffice_and_keeps_every_figure(client_as, tmp_path):
    _need("libreoffice")
    client = client_as("ubkt_leader")
    form = client.get(reverse("reports:docx", args=["HA.DBK"]), YEAR_2023)
    number = form.context["form"].initial["number"]
    response = _issue(client, number)
    text, _pdf = convert(response.content, tmp_path, "docx-bao-cao")
    flowing = " ".join(text.split())  # a name wrapped over two lines reads as one
    issuer = _issuer("HA.DBK", date(2023, 6, 30))
    block = f"{issuer.superior.upper()} {issuer.issuer.upper()} * Số {number}"
    assert block in flowing
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in flowing and "T/M BAN THƯỜNG VỤ" in flowing
    words = text.split()
    for figure in _figures("HA.DBK"):
        assert figure in words


def test_the_review_docx_converts_with_libreoffice_and_keeps_every_figure(client_as, tmp_path):
    """The review of "Năm 2023" (the report page's button), exported from its draft page: the
    PDF has the issuer block, the number, every figure the draft was written from (a zero the
    review leaves out aside) and each paragraph's text; page 1 as docx-bao-cao-thuyet-minh."""
    from ktgs.core.vietnamese import format_count
    from ktgs.reports.models import ReportDraft

    _need("libreoffice")
    client = client_as("ubkt_leader")
    client.post(reverse("reports:draft_create", args=["HA.DBK"]), YEAR_2023)
    draft = ReportDraft.objects.latest("pk")
    url = reverse("reports:draft_docx", args=["HA.DBK", draft.pk])
    number = client.get(url).context["form"].initial["number"]
    response = client.post(
        url, {"number": number, "on": "31/12/2023", "place": "Hòa An", "recipients": "Lưu"}
    )
    assert response["Content-Type"] == printing.DOCX, response.content.decode()[:2000]
    text, _pdf = convert(response.content, tmp_path, "docx-bao-cao-thuyet-minh")
    flowing = " ".join(text.split())
    issuer = _issuer("HA.DBK", draft.ends_on)
    assert f"{issuer.superior.upper()} {issuer.issuer.upper()} * Số {number}" in flowing
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in flowing and "BÁO CÁO" in flowing
    words = {w.strip(",.;:()") for w in text.split()}
    figures = [f for p in draft.paragraphs for f in p["figures"]]
    assert figures
    for f in figures:
        if f["value"]:
            assert format_count(f["value"]) in words, f
    # each paragraph as written; spaces aside (pdftotext splits justified words: "c ơ s ở")
    packed = "".join(text.split())
    for _kind, paragraph in draft.document_paragraphs():
        assert "".join(paragraph.split()) in packed, paragraph


def test_the_review_report_is_issued_from_its_paragraphs_under_a_new_number(db, demo):
    from ktgs.documents.services import suggest_next_number
    from ktgs.orgs.models import OrgUnit
    from ktgs.reports import docx

    unit = OrgUnit.objects.get(code="HA.DBK")
    on = date(2023, 6, 30)
    number = str(suggest_next_number(docx.issuing_body(unit), "BC", on))
    paragraphs = [("heading", "I. KẾT QUẢ"), ("text", "Đã kiểm tra 12 tổ chức đảng.")]
    fields = dict(number=number, on=on, place="Nơi Thử", recipients=["Lưu"])
    content = docx.issue(
        unit, doc_type="bao-cao", title="tổng kết", paragraphs=paragraphs, **fields
    )
    text = printing.document_text(content).splitlines()
    assert (
        f"Số {number}" in text and "I. KẾT QUẢ" in text and "Đã kiểm tra 12 tổ chức đảng." in text
    )
    assert "Nơi Thử, ngày 30 tháng 6 năm 2023" in text
    with pytest.raises(ValidationError) as exc:
        docx.issue(unit, doc_type="bao-cao", title="lần hai", paragraphs=paragraphs, **fields)
    assert "đã được dùng" in " ".join(exc.value.messages)
    assert NumberUse.objects.filter(number=number).count() == 1
