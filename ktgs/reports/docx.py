"""The report's tables as a Party-format DOCX (`documents.printing`, type "bieu-bao-cao"): the
template's issuer block, title and signature, and at its `{{ bang_bieu }}` paragraph one Word
table per report table, its header merged like the XLSX (a group over its columns, a column
without a group over both header rows), totals in bold, the source and any flags under it; then
the report's charts (`reports.charts`, PNG). The narrative review (type "bao-cao",
`issue_review`): a draft's title and paragraphs, then the charts of its period after the text.
Both through `issue`, which books the document's number."""

import io
import re

from django.db import transaction

from ktgs.core.vietnamese import format_int
from ktgs.documents import printing
from ktgs.documents.services import number_use
from ktgs.documents.templates_office import template_bytes
from ktgs.orgs.choices import BodyKind

TABLE_PT = 11
CHARTS_MARK = "[[KTGS-BIEU-DO]]"  # the paragraph after the review's body, replaced by its charts


def issuing_body(unit):
    """The body that issues the unit's report: its standing committee, else its committee."""
    bodies = {b.kind: b for b in unit.bodies.all()}
    return bodies.get(BodyKind.STANDING) or bodies.get(BodyKind.COMMITTEE)


def _cell(cell, text: str, *, bold: bool = False, center: bool = True) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.LEFT
    run = p.add_run(text)
    run.bold = bold
    run.font.size = Pt(TABLE_PT)


def _table(doc, computed):
    table = computed.table
    header = table.header_rows
    depth = len(header)
    width = len(table.columns) + 1
    out = doc.add_table(rows=depth + len(computed.rows), cols=width)
    out.style = "Table Grid"
    for r, cells in enumerate(header):
        col = 0 if r == 0 else 1
        if r == 1:  # below: only the grouped columns; skip the columns spanning both rows
            col = _next_free(header[0], 0)
        for label, colspan, rowspan in cells:
            while r == 1 and _covered(header[0], col):
                col += 1
            start = out.cell(r, col)
            end = out.cell(r + rowspan - 1, col + colspan - 1)
            merged = start.merge(end) if (colspan, rowspan) != (1, 1) else start
            _cell(merged, label, bold=True)
            col += colspan
    for i, row in enumerate(computed.rows, start=depth):
        _cell(out.cell(i, 0), row.label, bold=row.total, center=False)
        for j, c in enumerate(row.cells, start=1):
            _cell(out.cell(i, j), format_int(c.value), bold=row.total or c.total)
    return out


def _covered(top, col: int) -> bool:
    """Is column `col` of the second header row under a cell spanning both rows?"""
    n = 0
    for _label, colspan, rowspan in top:
        if n <= col < n + colspan:
            return rowspan == 2
        n += colspan
    return False


def _next_free(top, col: int) -> int:
    while _covered(top, col):
        col += 1
    return col


def put_charts(doc, charts: list[tuple[str, bytes]], mark) -> None:
    """Each chart (title, PNG from `reports.charts.chart_png`) under its title, as wide as the
    text (the template's margins) at most."""
    from docx.shared import Inches

    from ktgs.reports.charts import WIDTH_IN

    section = doc.sections[-1]
    text_width = section.page_width - section.left_margin - section.right_margin
    width = min(Inches(WIDTH_IN), text_width)
    for title, png in charts:
        head = doc.add_paragraph()
        head.add_run(title).bold = True
        head.alignment = 1
        head.paragraph_format.keep_with_next = True  # never a title alone at a page's foot
        picture = doc.add_paragraph()
        picture.alignment = 1
        picture.add_run().add_picture(io.BytesIO(png), width=width)
        if mark is not None:
            mark._p.addprevious(head._p)
            mark._p.addprevious(picture._p)


def put_tables(doc, computed: list, charts: list[tuple[str, bytes]] = ()) -> None:
    """Replace the paragraph holding the tables' mark with the tables, then the charts (at the
    end of the document when the template has no mark)."""
    from docx.shared import Pt

    mark = next((p for p in doc.paragraphs if printing.TABLES_MARK in p.text), None)
    for c in computed:
        title = doc.add_paragraph()
        run = title.add_run(c.table.title.upper())
        run.bold = True
        title.alignment = 1
        title.paragraph_format.space_before = Pt(12)
        title.paragraph_format.keep_with_next = True
        table = _table(doc, c)
        notes = [f"Nguồn: {c.table.source}", *(f"Chưa khớp: {f}" for f in c.flags)]
        note_ps = []
        for text in notes:
            p = doc.add_paragraph()
            p.add_run(text).italic = True
            note_ps.append(p)
        if mark is not None:
            for el in (title._p, table._tbl, *(p._p for p in note_ps)):
                mark._p.addprevious(el)
    put_charts(doc, list(charts), mark)
    if mark is not None:
        mark._p.getparent().remove(mark._p)


def tables_docx(
    context: printing.DocumentContext, unit, computed: list, charts: list | None = None
) -> bytes:
    """`charts`: [(title, PNG)] put after the tables."""
    template = template_bytes("bieu-bao-cao", unit)
    return printing.render(
        "bieu-bao-cao",
        context,
        template=template,
        after=lambda doc: put_tables(doc, computed, charts or []),
    )


def review_chart_images(unit, period) -> list[tuple[str, bytes]]:
    """The report's charts that have something to show over `period` (`reports.charts`: a
    period too long for a chart, or without any figure the chart draws, leaves it out)."""
    from ktgs.reports.charts import chart_data, render, report_charts

    out = []
    for name, title in report_charts(unit, period):
        data = chart_data(name, unit, period)
        if not data.empty:
            out.append((title, render(data, "png")))
    return out


def review_docx(context: printing.DocumentContext, unit, charts: list) -> bytes:
    """The review ("bao-cao"): the template's body (`doan_van`), then the charts right after the
    last paragraph of the body (a mark paragraph added to `doan_van` shows where; at the end of
    the document when the office's template does not print `doan_van`)."""
    if not charts:
        return printing.render("bao-cao", context, template=template_bytes("bao-cao", unit))
    context.paragraphs = [*context.paragraphs, ("text", CHARTS_MARK)]

    def after(doc) -> None:
        mark = next((p for p in reversed(doc.paragraphs) if CHARTS_MARK in p.text), None)
        put_charts(doc, charts, mark)
        if mark is not None:
            mark._p.getparent().remove(mark._p)

    return printing.render(
        "bao-cao", context, template=template_bytes("bao-cao", unit), after=after
    )


def report_chart_images(unit, period) -> list[tuple[str, bytes]]:
    """The report's charts (`reports.charts`) as (title, PNG), in the report's order."""
    from ktgs.reports.charts import chart_png, report_charts

    return [(title, chart_png(name, unit, period)) for name, title in report_charts(unit, period)]


def issue(
    unit,
    *,
    doc_type: str,
    title: str,
    paragraphs: list[tuple[str, str]],
    number: str,
    on,
    place: str,
    signer_title: str = "",
    signer: str = "",
    recipients: list[str] | None = None,
    computed: list | None = None,
    charts: list | None = None,
    extra: dict | None = None,
) -> bytes:
    """Book `number` for the unit's issuing body (`number_use`: a number already used for that
    type, symbol and term → ValidationError, nothing saved) and print `doc_type` ("bao-cao": the
    narrative review, its `paragraphs` from the draft; "bieu-bao-cao": `computed` tables)."""
    from django.core.exceptions import ValidationError

    body = issuing_body(unit)
    if body is None:
        raise ValidationError({"number": f"{unit.name} chưa có cấp ủy hoặc ban thường vụ."})
    issuer = printing.issuer_of(body, on)
    context = printing.DocumentContext(
        superior=issuer.superior,
        issuer=issuer.issuer,
        number=number,
        place=place,
        on=on,
        kind="BÁO CÁO",
        title=title,
        paragraphs=paragraphs,
        on_behalf=issuer.on_behalf,
        signer_title=signer_title or issuer.signer_title,
        signer=signer,
        recipients=recipients or [],
        extra=extra or {},
    )
    with transaction.atomic():
        used = number_use(body, number, on)
        context.number = str(used.number)
        if computed is not None:
            return tables_docx(context, unit, computed, charts)
        if doc_type == "bao-cao":
            return review_docx(context, unit, list(charts or []))
        return printing.render(doc_type, context, template=template_bytes(doc_type, unit))


def issue_tables(unit, period, computed, **fields) -> bytes:
    """The report's tables for `period`, issued under a new number (`issue`)."""
    return issue(
        unit,
        doc_type="bieu-bao-cao",
        title=f"số liệu công tác kiểm tra, giám sát và thi hành kỷ luật đảng {period.label}",
        paragraphs=[],
        computed=computed,
        charts=report_chart_images(unit, period),
        extra={"ky_bao_cao": period.label},
        **fields,
    )


def summary(title: str) -> str:
    """The trích yếu of a report from its title: "Báo cáo kết quả …" → "kết quả …" (the type
    "BÁO CÁO" is printed on its own line above it)."""
    return re.sub(r"^\s*báo cáo\s+", "", title, flags=re.IGNORECASE).strip() or title


def issue_review(draft, **fields) -> bytes:
    """The draft review as a Party-format report ("bao-cao") under a new number (`issue`): its
    title, its paragraphs (`ReportDraft.document_paragraphs`), then the charts of its period."""
    from ktgs.reports.drafts import period_of

    unit = draft.unit
    return issue(
        unit,
        doc_type="bao-cao",
        title=summary(draft.title),
        paragraphs=draft.document_paragraphs(),
        charts=review_chart_images(unit, period_of(draft)),
        **fields,
    )
