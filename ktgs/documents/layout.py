"""The shipped Word templates, drawn with python-docx in the Party layout (docs/documents.md).

`scripts/build_docx_templates.py` writes them to `ktgs/documents/docx/<type>.docx`; they are
committed so that an office can download one, change it in Word or LibreOffice and upload it
back (`printing.check_template` reads its placeholders). Layout, after HD 36-HD/VPTW (2018)
until HD 05-HD/VPTW (2026) is found: A4, margins 25/25/35/15 mm, Times New Roman 14 (body),
issuer block top left (superior in plain capitals, the issuer in bold capitals, a star, the
number), "ĐẢNG CỘNG SẢN VIỆT NAM" top right, underlined, the place and date in italics under it,
the title centred in bold capitals, the body, the signature block right, "Nơi nhận" left.
"""

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

FONT = "Times New Roman"
BODY_PT = 14
SMALL_PT = 12  # "Nơi nhận" and its lines
CENTER, LEFT, JUSTIFY = (
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.LEFT,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
)

# (type, title in capitals shown in the template, its heading placeholder)
SHIPPED = {
    "bao-cao": "BÁO CÁO",
    "bieu-bao-cao": "BÁO CÁO",
    "qd-kiem-tra": "QUYẾT ĐỊNH",
    "tb-ket-luan": "THÔNG BÁO",
    "qd-ky-luat": "QUYẾT ĐỊNH",
    "phieu-chuyen-don": "PHIẾU CHUYỂN ĐƠN",
}


def _font(doc) -> None:
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.space_before = Pt(0)


def _page(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(25), Mm(25)
    section.left_margin, section.right_margin = Mm(35), Mm(15)


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    table._tbl.tblPr.append(borders)


def _line(
    cell_or_doc,
    text: str,
    *,
    align=CENTER,
    bold=False,
    italic=False,
    underline=False,
    size=BODY_PT,
    first=False,
):
    p = cell_or_doc.paragraphs[0] if first else cell_or_doc.add_paragraph()
    p.alignment = align
    run = p.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = Pt(size)
    return p


COLUMNS = (Mm(75), Mm(85))  # the two halves of the header and signature rows


def _two_columns(doc, widths=COLUMNS):
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    for cell, width in zip(table.rows[0].cells, widths, strict=True):
        cell.width = width
    return table.rows[0].cells


def _header(doc) -> None:
    left, right = _two_columns(doc)
    _line(left, "{{ cap_tren }}", first=True)
    _line(left, "{{ co_quan }}", bold=True)
    _line(left, "*")
    _line(left, "Số {{ so }}")
    _line(right, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, underline=True, size=15, first=True)
    _line(right, "")
    _line(right, "{{ dia_danh }}, {{ ngay_thang }}", italic=True)


def _title(doc, kind: str) -> None:
    _line(doc, "")
    _line(doc, kind, bold=True, size=15)
    _line(doc, "{{ trich_yeu }}", bold=True)
    _line(doc, "-----")


def _body(doc) -> None:
    _line(doc, "{%p for d in doan_van %}", align=LEFT)
    _line(doc, "{%p if d.loai == 'heading' %}", align=LEFT)
    heading = _line(doc, "{{ d.noi_dung }}", align=JUSTIFY, bold=True)
    heading.paragraph_format.first_line_indent = Mm(10)
    heading.paragraph_format.space_before = Pt(6)
    _line(doc, "{%p else %}", align=LEFT)
    text = _line(doc, "{{ d.noi_dung }}", align=JUSTIFY)
    text.paragraph_format.first_line_indent = Mm(10)
    text.paragraph_format.space_before = Pt(6)
    _line(doc, "{%p endif %}", align=LEFT)
    _line(doc, "{%p endfor %}", align=LEFT)


def _signature(doc) -> None:
    _line(doc, "")
    left, right = _two_columns(doc)
    _line(left, "Nơi nhận:", align=LEFT, size=SMALL_PT, underline=True, first=True)
    _line(left, "{%p for n in noi_nhan %}", align=LEFT, size=SMALL_PT)
    _line(left, "- {{ n }}", align=LEFT, size=SMALL_PT)
    _line(left, "{%p endfor %}", align=LEFT, size=SMALL_PT)
    _line(right, "{{ tm }}", bold=True, first=True)
    _line(right, "{{ chuc_vu }}", bold=True)
    for _ in range(3):
        _line(right, "")
    _line(right, "{{ nguoi_ky }}", bold=True)


def template(doc_type: str):
    """The python-docx Document of a shipped template."""
    doc = Document()
    _font(doc)
    _page(doc)
    _header(doc)
    _title(doc, SHIPPED[doc_type])
    _body(doc)
    if doc_type == "bieu-bao-cao":
        _line(doc, "{{ bang_bieu }}", align=LEFT)
    _signature(doc)
    props = doc.core_properties
    props.author, props.title = "KTGS", SHIPPED[doc_type].capitalize()
    return doc


def write_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for doc_type in SHIPPED:
        path = folder / f"{doc_type}.docx"
        template(doc_type).save(path)
        written.append(path)
    return written
