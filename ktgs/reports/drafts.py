"""Writes of the narrative review's drafts (docs/reports.md, «Báo cáo thuyết minh»): create a
draft from the records, save the clerk's text, regenerate one paragraph, add a paragraph. Each
checks that the user may write reports for the draft's unit (records.change there), checks its
input before writing anything, and records the audit trail."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ktgs.accounts.access import RECORDS_CHANGE, Scope
from ktgs.audit.services import record
from ktgs.core.vietnamese import format_date
from ktgs.orgs.models import OrgUnit
from ktgs.reports.indicators import Context
from ktgs.reports.models import ReportDraft
from ktgs.reports.periods import Period, PeriodError, UnitPeriods
from ktgs.reports.review import GENERATED, Review, ReviewError, load_templates, outdated_in

NO_WRITE = "Vai trò của đồng chí không soạn báo cáo của tổ chức này."
MAX_TEXT = 20_000


def may_write(scope: Scope, unit: OrgUnit) -> bool:
    return scope.may(RECORDS_CHANGE, unit.path)


def _check(scope: Scope, unit: OrgUnit) -> None:
    if not may_write(scope, unit):
        raise PermissionDenied(NO_WRITE)


def _period_ok(start: date, end: date) -> None:
    if end < start:
        raise ValidationError(
            {
                "den": f"Ngày cuối kỳ {format_date(end)} trước ngày đầu kỳ {format_date(start)}: "
                "đồng chí sửa lại «Đến ngày»."
            }
        )


def _review(unit: OrgUnit, period: Period) -> Review:
    try:
        return Review(unit, period, load_templates())
    except ReviewError as exc:
        raise ValidationError({"mau": str(exc)}) from None


def _generated(p) -> dict:
    return {"kind": "generated", "key": p.key, "text": p.text, "figures": p.figures}


def draft_create(*, scope: Scope, unit: OrgUnit, period: Period, user=None) -> ReportDraft:
    """A new draft of `unit` over `period`, its paragraphs laid out as the template file says
    (headings, generated paragraphs, paragraphs for the clerk to write). Nothing is saved when
    the period has no figures or a template is wrong (ValidationError with the reason)."""
    _check(scope, unit)
    _period_ok(period.start, period.end)
    review = _review(unit, period)
    try:
        generated = {p.key: p for p in review.paragraphs()}
        title = review.title()
    except ReviewError as exc:
        raise ValidationError({"ky": str(exc)}) from None
    paragraphs = []
    for kind, value in review.t.layout:
        if kind == "generated":
            paragraphs.append(_generated(generated[value]))
        else:
            paragraphs.append({"kind": kind, "key": "", "text": value, "figures": []})
    with transaction.atomic():
        draft = ReportDraft.objects.create(
            unit=unit,
            period_kind=period.kind,
            period_params=period.params(),
            starts_on=period.start,
            ends_on=period.end,
            title=title[:300],
            paragraphs=paragraphs,
            created_by=user,
            updated_by=user,
        )
        record(
            "reports.draft.created",
            target=draft,
            unit_id=unit.pk,
            details={"starts_on": period.start, "ends_on": period.end, "title": draft.title},
        )
    return draft


def _locked(draft: ReportDraft) -> ReportDraft:
    return ReportDraft.objects.select_for_update().get(pk=draft.pk)


def draft_save(*, scope: Scope, draft: ReportDraft, title: str, texts: list[str], user=None):
    """Save the clerk's title and the text of every paragraph (in the draft's order)."""
    _check(scope, draft.unit)
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": "Chưa có tiêu đề báo cáo: đồng chí ghi tiêu đề."})
    if len(title) > 300:
        raise ValidationError({"title": "Tiêu đề dài quá 300 ký tự: đồng chí rút gọn lại."})
    with transaction.atomic():
        draft = _locked(draft)
        if len(texts) != len(draft.paragraphs):
            raise ValidationError(
                {
                    "paragraphs": "Dự thảo vừa được người khác thay đổi số đoạn: đồng chí tải lại "
                    "trang rồi sửa lại (chưa có gì được lưu)."
                }
            )
        for n, text in enumerate(texts, 1):
            if len(text) > MAX_TEXT:
                raise ValidationError(
                    {"paragraphs": f"Đoạn {n} dài quá {MAX_TEXT:,} ký tự.".replace(",", ".")}
                )
        changed = []
        for n, (p, text) in enumerate(zip(draft.paragraphs, texts, strict=True), 1):
            text = text.replace("\r\n", "\n").strip()
            if text != p["text"]:
                p["text"] = text
                changed.append(n)
        old_title, draft.title = draft.title, title
        if not changed and old_title == title:
            return draft
        draft.updated_by = user
        draft.save(update_fields=["title", "paragraphs", "updated_by", "updated_at"])
        changes = {"title": [old_title, title]} if old_title != title else {}
        record(
            "reports.draft.updated",
            target=draft,
            unit_id=draft.unit_id,
            changes=changes,
            details={"paragraphs": changed},
        )
    return draft


def period_of(draft: ReportDraft) -> Period:
    """The draft's period as it was asked ("năm 2023"), read back from its query string; its
    dates when they no longer read back the same (the office changed a cut-off day since)."""
    periods = UnitPeriods(draft.unit)
    try:
        period = periods.parse(draft.period_params)
    except PeriodError:
        period = None
    if period is None or (period.start, period.end) != (draft.starts_on, draft.ends_on):
        period = periods.range(draft.starts_on, draft.ends_on)
    return period


def draft_regenerate(*, scope: Scope, draft: ReportDraft, index: int, user=None) -> ReportDraft:
    """Write paragraph `index` (0-based, a generated one) again from the records as they are."""
    _check(scope, draft.unit)
    if not 0 <= index < len(draft.paragraphs) or draft.paragraphs[index]["kind"] != "generated":
        raise ValidationError({"paragraphs": "Đoạn này không viết từ số liệu: không tạo lại được."})
    key = draft.paragraphs[index]["key"]
    if key not in GENERATED:
        raise ValidationError({"paragraphs": f"Không có đoạn sinh từ số liệu «{key}»."})
    review = _review(draft.unit, period_of(draft))
    try:
        paragraph = review.paragraph(key)
    except ReviewError as exc:
        raise ValidationError({"mau": str(exc)}) from None
    with transaction.atomic():
        draft = _locked(draft)
        old = draft.paragraphs[index]
        draft.paragraphs[index] = _generated(paragraph)
        draft.updated_by = user
        draft.save(update_fields=["paragraphs", "updated_by", "updated_at"])
        record(
            "reports.draft.regenerated",
            target=draft,
            unit_id=draft.unit_id,
            changes={"text": [old["text"], paragraph.text]},
            details={"paragraphs": [index + 1]},
        )
    return draft


def draft_add_paragraph(*, scope: Scope, draft: ReportDraft, after: int, user=None):
    """An empty paragraph for the clerk to write, after paragraph `after` (0-based; -1: first)."""
    _check(scope, draft.unit)
    with transaction.atomic():
        draft = _locked(draft)
        if not -1 <= after < len(draft.paragraphs):
            raise ValidationError({"paragraphs": "Không có đoạn này trong dự thảo."})
        draft.paragraphs.insert(
            after + 1, {"kind": "written", "key": "", "text": "", "figures": []}
        )
        draft.updated_by = user
        draft.save(update_fields=["paragraphs", "updated_by", "updated_at"])
        record(
            "reports.draft.updated",
            target=draft,
            unit_id=draft.unit_id,
            details={"paragraphs": [after + 2]},
        )
    return draft


def draft_outdated(draft: ReportDraft) -> dict[int, list[str]]:
    """{paragraph index: ["40 → 41 đảng viên bị kỷ luật", …]} for the generated paragraphs
    whose figures the records now give differently (one Context: each family computed once)."""
    ctx = Context(draft.unit, draft.starts_on, draft.ends_on)
    out = {}
    for n, p in enumerate(draft.paragraphs):
        if p["kind"] == "generated":
            changed = outdated_in(ctx, p["figures"])
            if changed:
                out[n] = changed
    return out
