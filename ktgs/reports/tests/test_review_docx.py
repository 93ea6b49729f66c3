"""The narrative review exported as a Party-format DOCX from its draft page (docs/documents.md):
a number booked once, the issuer block in the committees' short names, the draft's title and
paragraphs, the period's charts after the text, the signature; a draft whose figures are outdated
asks to write them again or to confirm; only a user who may write the unit's reports."""

import io
from datetime import date

import pytest
from django.urls import reverse
from docx import Document

from ktgs.documents import printing
from ktgs.documents.models import NumberUse
from ktgs.orgs.models import OrgUnit
from ktgs.orgs.shortnames import (
    committee_formal_name,
    committee_short_name,
    committee_short_name_record,
)
from ktgs.reports import docx
from ktgs.reports.drafts import period_of
from ktgs.reports.models import ReportDraft

YEAR_2023 = {"ky": "nam", "nam": "2023"}


def _draft(client, code: str = "HA.DBK") -> ReportDraft:
    client.post(reverse("reports:draft_create", args=[code]), YEAR_2023)
    return ReportDraft.objects.latest("pk")


def _fields(number: str, **over) -> dict:
    fields = {
        "number": number,
        "on": "31/12/2023",
        "place": "Nơi Thử",
        "signer_title": "Phó Bí thư",
        "signer": "Trần Văn Ký",
        "recipients": "Ban Thường vụ cấp trên\nLưu",
    }
    fields.update(over)
    return fields


def test_the_draft_is_issued_with_its_paragraphs_charts_and_a_new_number(client_as):
    client = client_as("inspector")
    draft = _draft(client)
    texts = [p["text"] for p in draft.paragraphs]
    written = next(n for n, p in enumerate(draft.paragraphs) if p["kind"] == "written")
    texts[written] = "Đoạn của đồng chí kiểm tra viên về năm <2023> & các năm trước."
    client.post(
        reverse("reports:draft", args=["HA.DBK", draft.pk]),
        {"tieu-de": draft.title, "doan": texts, "action": "luu"},
    )
    draft.refresh_from_db()
    page = client.get(reverse("reports:draft", args=["HA.DBK", draft.pk])).content.decode()
    url = reverse("reports:draft_docx", args=["HA.DBK", draft.pk])
    assert url in page
    form = client.get(url)
    assert form.status_code == 200
    number = form.context["form"].initial["number"]
    assert number.split("-")[1].startswith("BC/")
    assert form.context["form"].initial["on"] == "31/12/2023"  # the period's end
    response = client.post(url, _fields(number))
    assert response["Content-Type"] == printing.DOCX, response.content.decode()[:2000]
    assert NumberUse.objects.filter(number=number).count() == 1
    lines = printing.document_text(response.content).splitlines()
    unit = OrgUnit.objects.get(code="HA.DBK")
    issuer = printing.issuer_of(docx.issuing_body(unit), date(2023, 12, 31))
    top = lines.index(issuer.superior.upper())
    assert lines[top + 1 : top + 4] == [issuer.issuer.upper(), "*", f"Số {number}"]
    assert "Nơi Thử, ngày 31 tháng 12 năm 2023" in lines
    assert "BÁO CÁO" in lines and docx.summary(draft.title) in lines
    assert not docx.summary(draft.title).lower().startswith("báo cáo")
    body = [text for _kind, text in draft.document_paragraphs()]
    assert texts[written] in body
    at = [lines.index(text) for text in body]  # every paragraph, in the draft's order
    assert at == sorted(at)
    assert "Trần Văn Ký" in lines and "PHÓ BÍ THƯ" in lines and "T/M BAN THƯỜNG VỤ" in lines
    assert "- Ban Thường vụ cấp trên" in lines
    charts = docx.review_chart_images(unit, period_of(draft))
    assert charts  # the demo's 2023 has inspections and discipline to draw
    assert len(Document(io.BytesIO(response.content)).inline_shapes) == len(charts)
    for title, _png in charts:  # after the text, before the signature
        assert at[-1] < lines.index(title) < lines.index("Trần Văn Ký")
    assert "[[KTGS" not in "\n".join(lines)

    again = client.post(url, _fields(number))  # the same number: refused, nothing saved
    assert again["Content-Type"].startswith("text/html")
    assert "đã được dùng" in again.content.decode()
    assert NumberUse.objects.filter(number=number).count() == 1


@pytest.mark.parametrize("role", ["committee_leader", "sysadmin"])
def test_a_user_who_may_not_write_reports_books_no_number(client_as, role):
    draft = _draft(client_as("inspector"))
    url = reverse("reports:draft_docx", args=["HA.DBK", draft.pk])
    client = client_as(role)
    before = NumberUse.objects.count()
    assert client.get(url).status_code == 403
    assert client.post(url, _fields("90-BC/ĐUK")).status_code == 403
    assert NumberUse.objects.count() == before
    page = client.get(reverse("reports:draft", args=["HA.DBK", draft.pk])).content.decode()
    assert url not in page


def test_an_outdated_draft_asks_to_write_again_or_to_confirm(client_as):
    client = client_as("inspector")
    draft = _draft(client)
    n, p = next((n, p) for n, p in enumerate(draft.paragraphs) if p["kind"] == "generated")
    p["figures"][0]["value"] += 1  # as if the records had changed since the draft was written
    draft.save(update_fields=["paragraphs"])
    url = reverse("reports:draft_docx", args=["HA.DBK", draft.pk])
    form = client.get(url)
    page = form.content.decode()
    assert "số liệu cũ" in page and f"Đoạn {n + 1}:" in page
    assert reverse("reports:draft", args=["HA.DBK", draft.pk]) in page
    number = form.context["form"].initial["number"]
    refused = client.post(url, _fields(number))
    assert refused["Content-Type"].startswith("text/html")
    assert "Viết lại từ số liệu" in refused.content.decode()
    assert not NumberUse.objects.filter(number=number).exists()
    confirmed = client.post(url, _fields(number, confirm_outdated="on"))
    assert confirmed["Content-Type"] == printing.DOCX
    assert NumberUse.objects.filter(number=number).count() == 1


def test_the_issuer_block_reads_the_committees_names_of_the_day(db, demo):
    from ktgs.orgs.choices import BodyKind
    from ktgs.orgs.selectors import parent_on

    unit = OrgUnit.objects.get(code="HA.DBK")
    on = date(2023, 6, 30)
    parent = parent_on(unit, on)
    standing = printing.issuer_of(docx.issuing_body(unit), on)
    assert standing.superior == str(committee_formal_name(parent, on))
    assert standing.issuer == str(committee_formal_name(unit, on))
    # the heading's names are the committees' (Tỉnh ủy …, Đảng ủy …), never "Cấp ủy <unit name>"
    assert not committee_formal_name(unit, on).derived
    for name in (standing.superior, standing.issuer):
        assert name.split()[1] == "ủy" and name != str(committee_short_name(unit, on))
    inspection = printing.issuer_of(unit.bodies.get(kind=BodyKind.INSPECTION), on)
    assert (inspection.superior, inspection.issuer) == (standing.issuer, "Ủy ban Kiểm tra")
    assert inspection.on_behalf == "T/M ỦY BAN KIỂM TRA"
    assert standing.on_behalf == "T/M BAN THƯỜNG VỤ"


def test_a_unit_whose_name_says_no_committee_prints_its_recorded_short_name(db, demo):
    unit = OrgUnit.objects.get(code="HA.DBK")
    on = date(2023, 6, 30)
    committee_short_name_record(unit=unit, name="Đảng ủy Thử Nghiệm", on=date(2023, 1, 2))
    OrgUnit.objects.filter(pk=unit.pk).update(name="Khối Thử Nghiệm", short_name="")
    assert str(committee_formal_name(unit, on)) == "Đảng ủy Thử Nghiệm"
    issuer = printing.issuer_of(docx.issuing_body(unit), on)
    assert issuer.issuer == "Đảng ủy Thử Nghiệm"
    context = printing.DocumentContext(
        superior=issuer.superior,
        issuer=issuer.issuer,
        number="",
        place="",
        on=on,
        kind="BÁO CÁO",
        title="thử",
    )
    assert context.as_dict()["co_quan"] == "ĐẢNG ỦY THỬ NGHIỆM"
