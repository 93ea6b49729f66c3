"""An inspection's decision and its conclusion notice printed from the record, in Party format
(`documents.printing`; the office's template in force for the performing body's unit)."""

from django.utils import timezone

from ktgs.core.vietnamese import format_date
from ktgs.documents import printing
from ktgs.documents.templates_office import template_bytes
from ktgs.inspections.models import Inspection


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _base(inspection: Inspection, kind: str, number: str, on, title: str, paragraphs, extra):
    issuer = printing.issuer_of(inspection.body, on)
    subjects = [s.name for s in inspection.subjects.all()]
    return printing.DocumentContext(
        superior=issuer.superior,
        issuer=issuer.issuer,
        number=number,
        place=printing.place_name(),
        on=on,
        kind=kind,
        title=title,
        paragraphs=paragraphs,
        on_behalf=issuer.on_behalf,
        signer_title=issuer.signer_title,
        recipients=[*subjects, "Lưu"],
        symbol=issuer.symbol,
        extra={"noi_dung": inspection.topic, "doi_tuong": subjects, **extra},
    )


def decision_context(inspection: Inspection) -> printing.DocumentContext:
    kind = inspection.get_kind_display()
    subjects = ", ".join(s.name for s in inspection.subjects.all())
    paragraphs = [("text", f"Căn cứ {line}") for line in _lines(inspection.legal_basis)]
    paragraphs += [
        ("heading", "QUYẾT ĐỊNH"),
        ("text", f"Điều 1. {kind} đối với {subjects}."),
        ("text", f"Nội dung: {inspection.topic}"),
    ]
    if inspection.plan_ends_on:
        paragraphs.append(
            (
                "text",
                f"Thời gian: từ ngày {format_date(inspection.decided_on)} đến ngày "
                f"{format_date(inspection.plan_ends_on)}.",
            )
        )
    team = list(inspection.team.all())
    if team:
        paragraphs.append(("text", "Điều 2. Thành lập Đoàn gồm các đồng chí:"))
        paragraphs += [
            (
                "text",
                f"- Đồng chí {m.name}{', ' + m.position if m.position else ''}, "
                f"{m.get_role_display().lower()};",
            )
            for m in team
        ]
    paragraphs.append(
        (
            "text",
            f"Điều {3 if team else 2}. Đoàn, các tổ chức đảng và đảng viên có tên tại Điều 1 "
            "chịu trách nhiệm thi hành Quyết định này.",
        )
    )
    return _base(
        inspection,
        "QUYẾT ĐỊNH",
        inspection.decision_number,
        inspection.decided_on,
        f"về {kind[0].lower()}{kind[1:]}",
        paragraphs,
        {},
    )


def notice_context(inspection: Inspection) -> printing.DocumentContext:
    kind = inspection.get_kind_display()
    on = inspection.concluded_on or timezone.localdate()
    paragraphs = []
    number = f" số {inspection.decision_number}" if inspection.decision_number else ""
    paragraphs.append(
        (
            "text",
            f"Thực hiện Quyết định{number} ngày {format_date(inspection.decided_on)} về "
            f"{kind[0].lower()}{kind[1:]}; nội dung: {inspection.topic}. Kết luận như sau:",
        )
    )
    for n, s in enumerate(inspection.subjects.all(), start=1):
        paragraphs.append(("heading", f"{n}. Đối với {s.name}"))
        if s.result:
            paragraphs.append(("text", f"Kết luận: {s.get_result_display()}."))
        for label, text in (
            ("Ưu điểm", s.strengths),
            ("Hạn chế, khuyết điểm, vi phạm", s.shortcomings),
            ("Nhân tố tích cực cần nhân rộng", s.good_practice),
            ("Kiến nghị", s.recommendations),
        ):
            if text.strip():
                paragraphs.append(("text", f"{label}: {text.strip()}"))
    return _base(
        inspection, "THÔNG BÁO", "", on, f"kết luận {kind[0].lower()}{kind[1:]}", paragraphs, {}
    )


def decision_docx(inspection: Inspection) -> bytes:
    template = template_bytes("qd-kiem-tra", inspection.unit)
    return printing.render("qd-kiem-tra", decision_context(inspection), template=template)


def notice_docx(inspection: Inspection) -> bytes:
    template = template_bytes("tb-ket-luan", inspection.unit)
    return printing.render("tb-ket-luan", notice_context(inspection), template=template)
