"""Party-format documents from Word templates (docxtpl over python-docx; docs/documents.md).

`render(doc_type, context, unit=...)` fills the template of `doc_type` in force for `unit` (the
office's own, uploaded on "Mẫu văn bản", else the shipped one in `documents/docx/`) and returns
the DOCX bytes. Every type reads the same document context (`FIELDS`: issuer block, number, place
and date, title, paragraphs, signature, recipients) plus its own fields (`DocType.extra`);
`check_template` refuses a template naming anything else. Templates run in Jinja's sandbox with
autoescape: an uploaded template cannot reach Python objects, and text from the records cannot
break the document's XML.
"""

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from docx import Document
from docxtpl import DocxTemplate
from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment

from ktgs.core.vietnamese import nfc

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SHIPPED_DIR = Path(__file__).resolve().parent / "docx"
TABLES_MARK = "[[KTGS-BANG-BIEU]]"  # where `bang_bieu` stands until the tables replace it

FIELDS: dict[str, str] = {
    "cap_tren": "tên cấp ủy cấp trên trực tiếp, chữ in hoa (TỈNH ỦY …)",
    "co_quan": "tên cơ quan ban hành, chữ in hoa (ĐẢNG ỦY KHỐI …, ỦY BAN KIỂM TRA)",
    "so": "số và ký hiệu (05-BC/ĐUK)",
    "dia_danh": "địa danh",
    "ngay_thang": "ngày ban hành (ngày 30 tháng 6 năm 2023)",
    "ten_loai": "tên loại văn bản (BÁO CÁO, QUYẾT ĐỊNH, THÔNG BÁO)",
    "trich_yeu": "trích yếu nội dung",
    "doan_van": "các đoạn nội dung; mỗi đoạn có d.loai ('heading' hoặc 'text') và d.noi_dung",
    "tm": "thẩm quyền ký (T/M BAN THƯỜNG VỤ)",
    "chuc_vu": "chức vụ người ký (PHÓ BÍ THƯ)",
    "nguoi_ky": "họ và tên người ký",
    "noi_nhan": "danh sách nơi nhận",
}


@dataclass(frozen=True)
class DocType:
    code: str
    label: str
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def known(self) -> dict[str, str]:
        return {**FIELDS, **self.extra}


TYPES: dict[str, DocType] = {
    t.code: t
    for t in (
        DocType("bao-cao", "Báo cáo"),
        DocType(
            "bieu-bao-cao",
            "Biểu số liệu của báo cáo",
            {"bang_bieu": "chỗ đặt các biểu số liệu (một đoạn riêng)", "ky_bao_cao": "kỳ báo cáo"},
        ),
        DocType(
            "qd-kiem-tra",
            "Quyết định kiểm tra, giám sát",
            {"noi_dung": "nội dung kiểm tra, giám sát", "doi_tuong": "danh sách đối tượng"},
        ),
        DocType(
            "tb-ket-luan",
            "Thông báo kết luận kiểm tra, giám sát",
            {"noi_dung": "nội dung kiểm tra, giám sát", "doi_tuong": "danh sách đối tượng"},
        ),
        DocType(
            "qd-ky-luat",
            "Quyết định kỷ luật",
            {"doi_tuong": "đối tượng bị kỷ luật", "hinh_thuc": "hình thức kỷ luật"},
        ),
        DocType("phieu-chuyen-don", "Phiếu chuyển đơn"),  # letters/routing.py
    )
}


@dataclass
class Paragraph:
    """One paragraph of the body: `loai` "heading" (bold) or "text"."""

    noi_dung: str
    loai: str = "text"


@dataclass
class DocumentContext:
    """What every Party document prints (HD 36-HD/VPTW's mandatory parts)."""

    superior: str
    issuer: str
    number: str
    place: str
    on: date
    kind: str  # "BÁO CÁO"
    title: str
    paragraphs: list[tuple[str, str]] = field(default_factory=list)  # (kind, text)
    on_behalf: str = ""  # "T/M BAN THƯỜNG VỤ"
    signer_title: str = ""
    signer: str = ""
    recipients: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    symbol: str = ""  # the issuer's symbol, for a number left blank to write by hand

    def as_dict(self) -> dict:
        return {
            "cap_tren": self.superior.upper(),
            "co_quan": self.issuer.upper(),
            "so": self.number or f"      -{self.kind_code()}/{self.symbol or '      '}",
            "dia_danh": self.place or "…………",
            "ngay_thang": date_line(self.on),
            "ten_loai": self.kind,
            "trich_yeu": self.title,
            "doan_van": [Paragraph(nfc(t), k) for k, t in self.paragraphs],
            "tm": self.on_behalf.upper(),
            "chuc_vu": self.signer_title.upper(),
            "nguoi_ky": self.signer,
            "noi_nhan": list(self.recipients) or ["Lưu"],
            **self.extra,
        }

    def kind_code(self) -> str:
        return {"BÁO CÁO": "BC", "QUYẾT ĐỊNH": "QĐ", "THÔNG BÁO": "TB"}.get(self.kind, "")


def date_line(on: date) -> str:
    """ "ngày 30 tháng 6 năm 2023"; a day below 10 and the months 1 and 2 with a leading zero
    ("ngày 03 tháng 4 năm 2018" heads HD 36 itself; assumed for months, docs/documents.md)."""
    day = f"{on.day:02d}" if on.day < 10 else str(on.day)
    month = f"{on.month:02d}" if on.month < 3 else str(on.month)
    return f"ngày {day} tháng {month} năm {on.year}"


def place_name() -> str:
    return getattr(settings, "KTGS_PLACE_NAME", "")


# --- templates -------------------------------------------------------------------------------


def doc_type(code: str) -> DocType:
    try:
        return TYPES[code]
    except KeyError:
        raise ValidationError({"doc_type": f"Không có loại văn bản “{code}”."}) from None


def shipped_template(code: str) -> bytes:
    return (SHIPPED_DIR / f"{doc_type(code).code}.docx").read_bytes()


def _env() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=True)


def _open(content: bytes) -> DocxTemplate:
    """A DocxTemplate of `content`; a file that is not a Word document → ValidationError."""
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise ValidationError(
            {
                "file": "Tệp này không phải văn bản Word (.docx). Đồng chí hãy lưu mẫu bằng Word "
                "hoặc LibreOffice dưới dạng “Word 2007-365 (.docx)” rồi tải lên lại."
            }
        )
    try:
        tpl = DocxTemplate(io.BytesIO(content))
        tpl.init_docx()
    except Exception as exc:  # a damaged package: python-docx raises several kinds
        raise ValidationError(
            {
                "file": "Không đọc được tệp Word này (tệp hỏng hoặc không phải .docx). Đồng chí hãy "
                "mở lại bằng Word hoặc LibreOffice, lưu dưới dạng .docx rồi tải lên lại."
            }
        ) from exc
    return tpl


def placeholders(content: bytes) -> set[str]:
    tpl = _open(content)
    try:
        return tpl.get_undeclared_template_variables(jinja_env=_env())
    except TemplateError as exc:
        raise ValidationError(
            {
                "file": f"Mẫu có lỗi cú pháp ở chỗ điền dữ liệu: {exc}. Mỗi chỗ điền viết dạng "
                "{{ ten }}; vòng lặp {%p for … %} … {%p endfor %}."
            }
        ) from exc


def check_template(code: str, content: bytes) -> set[str]:
    """The placeholders of `content`, all known to the type `code`; else ValidationError naming
    the unknown ones and listing the known."""
    kind = doc_type(code)
    found = placeholders(content)
    unknown = sorted(found - set(kind.known))
    if unknown:
        names = ", ".join(f"{{{{ {n} }}}}" for n in unknown)
        known = "; ".join(f"{n} ({about})" for n, about in kind.known.items())
        raise ValidationError(
            {
                "file": f"Mẫu “{kind.label}” có chỗ điền không biết: {names}. Đồng chí hãy sửa "
                f"theo các tên mà KTGS điền: {known}."
            }
        )
    return found


# --- rendering -------------------------------------------------------------------------------


def render(
    code: str,
    context: DocumentContext,
    *,
    template: bytes | None = None,
    after: Callable | None = None,
) -> bytes:
    """The DOCX of `code` filled with `context`. `template`: the office's template (by default
    the shipped one). `after(document)`: a last touch on the python-docx Document (the tables)."""
    tpl = _open(template if template is not None else shipped_template(code))
    values = context.as_dict()
    if "bang_bieu" in doc_type(code).known:
        values.setdefault("bang_bieu", TABLES_MARK)
    tpl.render(values, jinja_env=_env(), autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    if after is None:
        return out.getvalue()
    doc = Document(io.BytesIO(out.getvalue()))
    after(doc)
    final = io.BytesIO()
    doc.save(final)
    return final.getvalue()


def document_text(content: bytes) -> str:
    """All the text of a DOCX, tables included, one paragraph a line (for checks and tests)."""
    doc = Document(io.BytesIO(content))
    lines: list[str] = []

    def walk(container) -> None:
        for block in container.iter_inner_content():
            if hasattr(block, "rows"):
                for row in block.rows:
                    for cell in row.cells:
                        walk(cell)
            else:
                lines.append(block.text)

    walk(doc)
    return "\n".join(lines)


# --- the issuer block of a body ----------------------------------------------------------------

ON_BEHALF = {
    "standing": "T/M BAN THƯỜNG VỤ",
    "committee": "T/M {unit}",
    "inspection": "T/M ỦY BAN KIỂM TRA",
    "cell_meeting": "T/M CHI BỘ",
}
SIGNER_TITLE = {
    "standing": "BÍ THƯ",
    "committee": "BÍ THƯ",
    "inspection": "CHỦ NHIỆM",
    "cell_meeting": "BÍ THƯ",
}


@dataclass(frozen=True)
class Issuer:
    superior: str
    issuer: str
    on_behalf: str
    signer_title: str
    symbol: str = ""  # IssuerSymbol on the day, "" when none is recorded


def issuer_of(body, on: date) -> Issuer:
    """The issuer block of `body` on `on` (HD 36, docs/documents.md), in the committees' names
    of that day as a heading writes them (`orgs.shortnames.committee_formal_name`: "Tỉnh ủy Hòa
    An", "Đảng ủy Khối …", from the unit's dated name). A UBKT writes its committee above
    "ỦY BAN KIỂM TRA"; a committee or its standing committee writes the superior's committee
    above its own; a cell's meeting writes its superior's committee above the cell's name."""
    from ktgs.orgs.selectors import parent_on
    from ktgs.orgs.shortnames import body_short_name, committee_formal_name

    unit = body.unit
    if body.kind == "inspection":
        superior, issuer = str(committee_formal_name(unit, on)), "Ủy ban Kiểm tra"
    else:
        parent = parent_on(unit, on)
        superior = str(committee_formal_name(parent, on)) if parent is not None else ""
        if body.kind == "cell_meeting":
            issuer = str(body_short_name(body, on))
        else:
            issuer = str(committee_formal_name(unit, on))
    on_behalf = ON_BEHALF.get(body.kind, "T/M {unit}").format(unit=issuer.upper())
    return Issuer(superior, issuer, on_behalf, SIGNER_TITLE.get(body.kind, ""), _symbol(body, on))


def _symbol(body, on: date) -> str:
    from ktgs.documents.models import IssuerSymbol

    row = IssuerSymbol.objects.filter(IssuerSymbol.q_on(on), body=body).order_by("-starts_on")
    found = row.first()
    return found.symbol if found is not None else ""


def docx_response(content: bytes, name: str):
    """A download of `content` as `name` (ASCII; `.docx` added)."""
    from django.http import HttpResponse

    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{name}.docx"'
    return response
