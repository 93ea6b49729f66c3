"""A discipline decision printed from its record, in Party format (`documents.printing`; the
office's template in force for the deciding body's unit)."""

from ktgs.core.vietnamese import format_date
from ktgs.discipline.models import Decision
from ktgs.documents import printing
from ktgs.documents.templates_office import template_bytes


def decision_context(decision: Decision) -> printing.DocumentContext:
    issuer = printing.issuer_of(decision.body, decision.signed_on)
    form = decision.get_form_display()
    subject = decision.subject_name
    paragraphs = [
        ("text", f"Căn cứ {line.strip()}")
        for line in (decision.basis or "").splitlines()
        if line.strip()
    ]
    case = decision.case
    if case is not None:
        paragraphs += [("text", f"Xét vi phạm: {v.description}") for v in case.violations.all()]
    paragraphs += [
        ("heading", "QUYẾT ĐỊNH"),
        ("text", f"Điều 1. Thi hành kỷ luật bằng hình thức {form.lower()} đối với {subject}."),
        ("text", f"Điều 2. Quyết định có hiệu lực từ ngày {format_date(decision.effective_on)}."),
        (
            "text",
            f"Điều 3. {subject} và các tổ chức đảng, đảng viên có liên quan chịu trách nhiệm "
            "thi hành Quyết định này.",
        ),
    ]
    return printing.DocumentContext(
        superior=issuer.superior,
        issuer=issuer.issuer,
        number=decision.number,
        place=printing.place_name(),
        on=decision.signed_on,
        kind="QUYẾT ĐỊNH",
        title=f"về việc thi hành kỷ luật {subject}",
        paragraphs=paragraphs,
        on_behalf=issuer.on_behalf,
        signer_title=issuer.signer_title,
        recipients=[subject, "Như Điều 3", "Lưu"],
        symbol=issuer.symbol,
        extra={"doi_tuong": subject, "hinh_thuc": form},
    )


def decision_docx(decision: Decision) -> bytes:
    template = template_bytes("qd-ky-luat", decision.body.unit)
    return printing.render("qd-ky-luat", decision_context(decision), template=template)
