"""Nộp báo cáo (docs/submissions.md): ad-hoc requests, submission upward, closing and reopening a
period, reminders; and the reads the pages need (obligations, statuses, the flags of a closed
period).

Each write checks everything first, runs in one transaction and records one audit event; a bad
input is a ValidationError with a Vietnamese message saying what to do, nothing written. Every
write needs records.change in the unit that acts (the submitting unit; the superior for a
request, a reminder, a closure, a reopening). The figures are computed on the default (primary)
database: KTGS has no read replica, and these services never name one."""

import json
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ktgs.accounts.access import RECORDS_CHANGE, Scope
from ktgs.accounts.models import Assignment
from ktgs.audit.models import AuditEvent
from ktgs.audit.services import record
from ktgs.core import dates
from ktgs.core.models import Dated
from ktgs.core.vietnamese import format_date
from ktgs.orgs.models import OrgUnit, UnitLink
from ktgs.reports import indicators, tables
from ktgs.reports.drafts import draft_outdated
from ktgs.reports.indicators import Context
from ktgs.reports.models import ReportDraft
from ktgs.reports.periods import (
    CALENDAR_KINDS,
    Period,
    PeriodKind,
    UnitPeriods,
    month_of,
    term_name,
    year_of,
)
from ktgs.reports.review import outdated_in
from ktgs.submissions.models import PeriodClosure, Reminder, ReportRequest, Submission

REQUEST_KIND = "yeu-cau"
NO_WRITE = "Vai trò của đồng chí không nộp, chốt hay yêu cầu báo cáo của tổ chức này."
MAX_TITLE = 300


# --- the slot: one period, the same for every unit ---------------------------------------------


@dataclass(frozen=True)
class Slot:
    """A periodic period (kind, dates) or an ad-hoc request; `key` names it in every table."""

    key: str
    kind: str
    start: date
    end: date
    label: str
    deadline: date | None
    params: dict
    request: ReportRequest | None = None


def period_slot(period: Period) -> Slot:
    """A calendar period is named by its dates (the same for every unit: cut-off days are
    office-wide); a term by its name ("nhiem-ky:2020–2025"), since each unit's term has dates of
    its own: a sub-unit reports its term, its superior closes its own term of that name."""
    if period.kind == PeriodKind.TERM:
        key = f"{period.kind}:{term_name(period.term.name)}"
    else:
        key = f"{period.kind}:{period.start.isoformat()}:{period.end.isoformat()}"
    return Slot(
        key, period.kind, period.start, period.end, period.label, period.deadline, period.params()
    )


def request_slot(req: ReportRequest) -> Slot:
    return Slot(
        req.slot,
        REQUEST_KIND,
        req.starts_on,
        req.ends_on,
        f"«{req.title}»",
        req.deadline,
        {REQUEST_KIND: str(req.pk)},
        req,
    )


def _check(scope: Scope, unit: OrgUnit) -> None:
    if not scope.may(RECORDS_CHANGE, unit.path):
        raise PermissionDenied(NO_WRITE)


def superior_of(unit: OrgUnit, day: date) -> OrgUnit | None:
    link = UnitLink.objects.filter(Dated.q_on(day), unit=unit).select_related("parent").first()
    return link.parent if link else None


def must_report(superior: OrgUnit, slot: Slot) -> list[OrgUnit]:
    """The units that report this slot to `superior`: a request's recipients; for a periodic
    slot, its direct sub-units on the period's last day (one query either way)."""
    if slot.request is not None:
        rows = slot.request.recipients.all()
    else:
        under = UnitLink.objects.filter(Dated.q_on(slot.end), parent=superior).values("unit_id")
        rows = OrgUnit.objects.live().filter(pk__in=under, established_on__lte=slot.end)
    return list(rows.order_by("sort_key", "pk"))


def closure_of(superior: OrgUnit, slot: Slot) -> PeriodClosure | None:
    return PeriodClosure.objects.filter(
        unit=superior, slot=slot.key, reopened_at__isnull=True
    ).first()


# --- freezing the figures ------------------------------------------------------------------------


@dataclass
class Recording(Context):
    """A Context that keeps every figure it was asked for: {(key, params): snapshot}."""

    used: dict = field(default_factory=dict, repr=False)

    def figure(self, key: str, params: dict):
        fig = super().figure(key, params)
        k = (key, json.dumps(params, sort_keys=True, default=str))
        if k not in self.used:
            label = indicators.get(key).label
            self.used[k] = {"key": key, "params": dict(params), "value": fig.value, "label": label}
        return fig


def freeze(unit: OrgUnit, start: date, end: date) -> tuple[dict, list]:
    """(tables, figures): every cell of every report table, {table: {row: {column: value}}},
    and every indicator figure they read [{key, params, value, label}]."""
    ctx = Recording(unit, start, end)
    frozen = {}
    for table in tables.tables():
        computed = tables.compute(table, ctx)
        frozen[table.key] = {
            row.key: {c.key: cell.value for c, cell in zip(table.columns, row.cells, strict=True)}
            for row in computed.rows
        }
    return frozen, list(ctx.used.values())


def _additive(table, row, column) -> bool:
    """Is the cell a sum over the subtree (an additive indicator, or a total of such cells)?"""
    key = tables.cell_indicator(row, column)
    if key:
        return indicators.get(key).additive
    if column.sum:
        return all(_additive(table, row, table.column(k)) for k in column.sum)
    if row.sum:
        parts = [table.row(k) for k in row.sum]
        return all(p is not None and _additive(table, p, column) for p in parts)
    return False


def aggregate(own: dict, parts: list[tuple[dict, dict]]) -> dict:
    """The superior's report from its sub-units' submissions: for each cell of an additive
    indicator (or a total of such cells), the superior's figure from its records, with each
    submitted sub-unit's part replaced by what it submitted:

        own + Σ over submitted sub-units (submitted − the sub-unit's records at closing).

    `parts` is [(submitted tables, the same unit's tables from its records at closing)]. A cell
    that is not additive (members and organisations on the last day, rows expanded per deciding
    body) keeps the superior's figure from its records; so does every cell of a sub-unit that
    did not submit (its records count)."""
    out = deepcopy(own)
    for table in tables.tables():
        for rkey, cells in out.get(table.key, {}).items():
            row = table.row(rkey)
            if row is None:  # expanded per deciding body: not summed across units
                continue
            for ckey in cells:
                column = table.column(ckey)
                if column is None or not _additive(table, row, column):
                    continue
                for submitted, now in parts:
                    a = submitted.get(table.key, {}).get(rkey, {}).get(ckey)
                    b = now.get(table.key, {}).get(rkey, {}).get(ckey)
                    if a is not None and b is not None:
                        cells[ckey] += a - b
    return out


def _review_of(unit: OrgUnit, slot: Slot) -> dict:
    """The unit's latest draft of the slot's dates, as paragraphs; {} without one. A draft whose
    figures the records now give differently is refused: it must be written again first."""
    draft = (
        ReportDraft.objects.filter(unit=unit, starts_on=slot.start, ends_on=slot.end)
        .order_by("-updated_at", "-pk")
        .first()
    )
    if draft is None:
        return {}
    if draft_outdated(draft):
        raise ValidationError(
            {
                "du_thao": f"Dự thảo «{draft.title}» có số liệu đã thay đổi so với hồ sơ: đồng "
                "chí mở dự thảo, bấm «Viết lại từ số liệu» ở các đoạn được đánh dấu rồi nộp lại."
            }
        )
    figures = [f for p in draft.paragraphs for f in p.get("figures", [])]
    return {
        "draft": draft.pk,
        "title": draft.title,
        "paragraphs": [list(p) for p in draft.document_paragraphs()],
        "figures": figures,
    }


def _audit_head() -> tuple[int | None, str]:
    head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    return head if head else (None, "")


def _ended(slot: Slot, what: str) -> None:
    today = dates.today()
    if slot.end >= today:
        raise ValidationError(
            {
                "ky": f"Kỳ {slot.label} chưa kết thúc (đến hết ngày {format_date(slot.end)}): "
                f"đồng chí {what} từ ngày {format_date(slot.end + timedelta(days=1))}."
            }
        )


# --- writes --------------------------------------------------------------------------------------


def submit(*, scope: Scope, unit: OrgUnit, slot: Slot, user=None) -> Submission:
    """The unit's report of the slot, frozen, sent to its superior (a request's: the requesting
    unit). A resubmission is a new version; the one before is marked superseded."""
    _check(scope, unit)
    if slot.request is not None:
        if not slot.request.recipients.filter(pk=unit.pk).exists():
            raise ValidationError(
                {"yeu_cau": f"Yêu cầu {slot.label} không gửi đến {unit.name}: không nộp được."}
            )
        superior = slot.request.unit
    else:
        superior = superior_of(unit, slot.end)
        if superior is None:
            raise ValidationError(
                {
                    "don_vi": f"{unit.name} không có cấp trên vào ngày {format_date(slot.end)}: "
                    "không có nơi nhận báo cáo."
                }
            )
    _ended(slot, "nộp báo cáo")
    if closure_of(superior, slot):
        raise ValidationError(
            {
                "ky": f"{superior.name} đã chốt kỳ {slot.label}: không nộp thêm được. Đồng chí "
                "đề nghị cấp trên mở lại kỳ (ghi rõ lý do) rồi nộp lại."
            }
        )
    review = _review_of(unit, slot)
    frozen, figures = freeze(unit, slot.start, slot.end)
    seen = {(f["key"], json.dumps(f["params"], sort_keys=True)) for f in figures}
    for f in review.pop("figures", []):
        if (f["key"], json.dumps(f["params"], sort_keys=True)) not in seen:
            figures.append({k: f[k] for k in ("key", "params", "value", "label")})
    now = timezone.now()
    with transaction.atomic():
        sub, previous = new_version(
            superior,
            unit,
            slot,
            now=now,
            tables=frozen,
            figures=figures,
            review=review,
            submitted_by=user,
            submitted_at=now,
        )
        record(
            "submissions.submitted",
            target=sub,
            unit_id=unit.pk,
            details={
                "slot": slot.key,
                "version": sub.version,
                "superior": superior.code,
                "replaces": previous.version if previous else None,
                "figures": len(figures),
                "review": bool(review),
            },
        )
        sub.audit_seq, sub.audit_hash = _audit_head()
        sub.save(update_fields=["audit_seq", "audit_hash"])
    return sub


def new_version(
    superior: OrgUnit, unit: OrgUnit, slot: Slot, *, now, **frozen
) -> tuple[Submission, Submission | None]:
    """Inside the caller's transaction: the unit's next version of the slot (`frozen`: tables,
    figures, review, submitted_by, submitted_at), the current one marked superseded `now`;
    refused if `superior` closed the slot meanwhile. Returns (new, the one it replaces)."""
    if closure_of(superior, slot):  # closed meanwhile
        raise ValidationError({"ky": f"{superior.name} vừa chốt kỳ {slot.label}."})
    rows = Submission.objects.select_for_update().filter(unit=unit, slot=slot.key)
    last = rows.aggregate(n=Max("version"))["n"] or 0
    previous = rows.filter(superseded_at__isnull=True).first()
    if previous:
        previous.superseded_at = now
        previous.save(update_fields=["superseded_at"])
    sub = Submission.objects.create(
        unit=unit,
        slot=slot.key,
        period_kind=slot.kind,
        period_params=slot.params,
        starts_on=slot.start,
        ends_on=slot.end,
        request=slot.request,
        version=last + 1,
        **frozen,
    )
    return sub, previous


def request_create(
    *,
    scope: Scope,
    unit: OrgUnit,
    title: str,
    recipients: list[OrgUnit],
    start: date,
    end: date,
    deadline: date,
    user=None,
) -> ReportRequest:
    """An ad-hoc request of `unit` to units below it, in the user's scope."""
    _check(scope, unit)
    errors = {}
    title = " ".join((title or "").split())
    if not title:
        errors["title"] = "Chưa ghi nội dung yêu cầu báo cáo: đồng chí ghi nội dung."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"Nội dung yêu cầu dài quá {MAX_TITLE} ký tự: đồng chí rút gọn lại."
    if end < start:
        errors["den"] = (
            f"«Đến ngày» ({format_date(end)}) trước «Từ ngày» ({format_date(start)}): đồng chí "
            "sửa lại khoảng thời gian."
        )
    elif deadline < end:
        errors["han"] = (
            f"Hạn nộp ({format_date(deadline)}) trước ngày cuối kỳ ({format_date(end)}): đơn vị "
            "chỉ báo cáo được sau khi kỳ kết thúc; đồng chí chọn hạn từ ngày "
            f"{format_date(end)} trở đi."
        )
    if not recipients:
        errors["don_vi"] = "Chưa chọn đơn vị phải báo cáo: đồng chí chọn ít nhất một đơn vị."
    outside = [
        r
        for r in recipients
        if r.pk == unit.pk or not r.path.startswith(unit.path) or not scope.contains(r.path)
    ]
    if outside:
        names = ", ".join(r.name for r in outside)
        errors["don_vi"] = (
            f"{names} không thuộc {unit.name} trong phạm vi của đồng chí: chỉ yêu cầu báo cáo "
            "các đơn vị cấp dưới; đồng chí bỏ các đơn vị này ra."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        req = ReportRequest.objects.create(
            title=title,
            unit=unit,
            starts_on=start,
            ends_on=end,
            deadline=deadline,
            created_by=user,
        )
        req.recipients.set(recipients)
        record(
            "submissions.request.created",
            target=req,
            unit_id=unit.pk,
            details={
                "title": title,
                "starts_on": start,
                "ends_on": end,
                "deadline": deadline,
                "recipients": sorted(r.code for r in recipients),
            },
        )
    return req


def close(
    *, scope: Scope, unit: OrgUnit, slot: Slot, override_reason: str = "", user=None
) -> PeriodClosure:
    """The superior `unit` closes the slot: the current submissions of the units that report to
    it are frozen in, its own report is computed from them (`aggregate`). Units that have not
    submitted need an override reason, recorded with their names."""
    _check(scope, unit)
    if slot.request is not None and slot.request.unit_id != unit.pk:
        raise ValidationError({"yeu_cau": f"Yêu cầu {slot.label} không phải của {unit.name}."})
    _ended(slot, "chốt kỳ")
    if closure_of(unit, slot):
        raise ValidationError({"ky": f"Kỳ {slot.label} đã chốt rồi."})
    reason = (override_reason or "").strip()
    units = must_report(unit, slot)
    current = {
        s.unit_id: s
        for s in Submission.objects.filter(
            slot=slot.key, unit__in=units, superseded_at__isnull=True
        )
    }
    missing = [u for u in units if u.pk not in current]
    if missing and not reason:
        names = ", ".join(u.name for u in missing)
        raise ValidationError(
            {
                "ly_do": f"Còn {len(missing)} đơn vị chưa nộp báo cáo {slot.label}: {names}. "
                "Đồng chí nhắc các đơn vị nộp, hoặc ghi lý do chốt kỳ khi chưa đủ báo cáo."
            }
        )
    own, figures = freeze(unit, slot.start, slot.end)
    parts = []
    for u in units:
        if u.pk in current:  # over the dates it submitted (a term: the sub-unit's own term)
            sub = current[u.pk]
            now_tables, _ = freeze(u, sub.starts_on, sub.ends_on)
            parts.append((sub.tables, now_tables))
    summary = aggregate(own, parts)
    with transaction.atomic():
        if closure_of(unit, slot):
            raise ValidationError({"ky": f"Kỳ {slot.label} vừa được chốt."})
        closure = PeriodClosure.objects.create(
            unit=unit,
            slot=slot.key,
            period_kind=slot.kind,
            period_params=slot.params,
            starts_on=slot.start,
            ends_on=slot.end,
            request=slot.request,
            closed_by=user,
            closed_at=timezone.now(),
            override_reason=reason if missing else "",
            missing=[{"id": u.pk, "code": u.code, "name": u.name} for u in missing],
            included=[
                {"unit": s.unit_id, "submission": s.pk, "version": s.version}
                for s in current.values()
            ],
            own_tables=own,
            figures=figures,
            tables=summary,
        )
        record(
            "submissions.period.closed",
            target=closure,
            unit_id=unit.pk,
            details={
                "slot": slot.key,
                "included": {str(s.unit_id): s.version for s in current.values()},
                "missing": [u.code for u in missing],
                "override_reason": closure.override_reason,
            },
        )
    return closure


def reopen(*, scope: Scope, closure: PeriodClosure, reason: str, user=None) -> PeriodClosure:
    _check(scope, closure.unit)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"ly_do": "Chưa ghi lý do mở lại kỳ: đồng chí ghi lý do."})
    with transaction.atomic():
        closure = PeriodClosure.objects.select_for_update().get(pk=closure.pk)
        if closure.reopened_at:
            raise ValidationError({"ly_do": "Kỳ này đã được mở lại rồi."})
        closure.reopened_at = timezone.now()
        closure.reopened_by = user
        closure.reopen_reason = reason
        closure.save(update_fields=["reopened_at", "reopened_by", "reopen_reason"])
        record(
            "submissions.period.reopened",
            target=closure,
            unit_id=closure.unit_id,
            details={"slot": closure.slot, "reason": reason},
        )
    return closure


def remind(*, scope: Scope, superior: OrgUnit, unit: OrgUnit, slot: Slot, user=None) -> Reminder:
    """A reminder to `unit`, which has not submitted the slot: on its page, and by e-mail to
    its users (their address on file) when a mail server is configured (EMAIL_HOST)."""
    _check(scope, superior)
    if unit.pk not in {u.pk for u in must_report(superior, slot)}:
        raise ValidationError({"don_vi": f"{unit.name} không phải báo cáo kỳ {slot.label}."})
    if Submission.objects.filter(unit=unit, slot=slot.key, superseded_at__isnull=True).exists():
        raise ValidationError({"don_vi": f"{unit.name} đã nộp báo cáo {slot.label}."})
    addresses = []
    if settings.EMAIL_HOST:
        addresses = sorted(
            set(
                Assignment.objects.filter(Dated.q_on(dates.today()), unit=unit)
                .exclude(user__email="")
                .values_list("user__email", flat=True)
            )
        )
    with transaction.atomic():
        reminder = Reminder.objects.create(
            unit=unit,
            by_unit=superior,
            slot=slot.key,
            label=slot.label[:200],
            sent_by=user,
            sent_at=timezone.now(),
            emailed=len(addresses),
        )
        record(
            "submissions.reminded",
            target=reminder,
            unit_id=unit.pk,
            details={"slot": slot.key, "by": superior.code, "emailed": len(addresses)},
        )
        if addresses:
            deadline = f" (hạn {format_date(slot.deadline)})" if slot.deadline else ""
            transaction.on_commit(
                lambda: send_mail(
                    f"Nhắc nộp báo cáo {slot.label}",
                    f"{superior.name} nhắc {unit.name} nộp báo cáo {slot.label}{deadline} "
                    "trên KTGS.",
                    None,
                    addresses,
                    fail_silently=True,
                )
            )
    return reminder


# --- reads ---------------------------------------------------------------------------------------


@dataclass
class Status:
    unit: OrgUnit
    submission: Submission | None
    text: str
    late: bool
    reminded: Reminder | None = None

    @property
    def package(self):
        return package_of(self.submission)


def status_text(sub: Submission | None, deadline: date | None, today: date) -> tuple[str, bool]:
    if sub is not None:
        late = deadline is not None and timezone.localdate(sub.submitted_at) > deadline
        return f"đã nộp v{sub.version}" + (" (nộp muộn)" if late else ""), late
    if deadline is not None and today > deadline:
        return "quá hạn", True
    return "chưa làm", False


def statuses(superior: OrgUnit, slot: Slot) -> list[Status]:
    """Each unit that reports the slot to `superior`, with its current submission, status and
    last reminder: three queries whatever the number of units."""
    units = must_report(superior, slot)
    subs = {
        s.unit_id: s
        for s in Submission.objects.filter(
            slot=slot.key, unit__in=units, superseded_at__isnull=True
        ).select_related("submitted_by", "package")
    }
    reminders = {}
    for r in Reminder.objects.filter(slot=slot.key, unit__in=units).order_by("sent_at", "pk"):
        reminders[r.unit_id] = r
    today = dates.today()
    out = []
    for u in units:
        text, late = status_text(subs.get(u.pk), slot.deadline, today)
        out.append(Status(u, subs.get(u.pk), text, late, reminders.get(u.pk)))
    return out


def obligations(unit: OrgUnit) -> list[Slot]:
    """What `unit` must report: for each calendar kind the office gave a deadline, the last two
    periods ended by today (to its superior, when it has one); its last term ended by today if
    the office gave terms a deadline; and the requests sent to it."""
    periods = UnitPeriods(unit)
    today = periods.today
    found = []
    if superior_of(unit, today) is not None:
        if periods.settings.deadline_days(PeriodKind.TERM) is not None:
            ended = [p for p in map(periods.term, periods.terms) if p.end < today]
            if ended:  # terms are read latest first
                found.append(period_slot(ended[0]))
        for kind in CALENDAR_KINDS:
            if periods.settings.deadline_days(kind) is None:
                continue
            cutoff = periods.settings.cutoff(kind)
            if kind == "thang":
                p = periods.month(*month_of(today, cutoff))
            else:
                p = periods.year_to_date(kind, year_of(today, cutoff))
            while p.end >= today:
                p = p.previous()
            found += [period_slot(p), period_slot(p.previous())]
    for req in ReportRequest.objects.filter(recipients=unit).order_by("-deadline", "-pk")[:20]:
        found.append(request_slot(req))
    return found


@dataclass
class Flag:
    """The figures of one unit, frozen in a closure, that the records now give differently."""

    unit: OrgUnit
    changes: list  # [(text "40 → 39 đảng viên bị kỷ luật", link to the records it counts)]
    events: list = field(default_factory=list)


def package_of(sub: Submission | None):
    """The PackageImport a submission came from (another installation), or None."""
    if sub is None:
        return None
    try:
        return sub.package
    except ObjectDoesNotExist:
        return None


def included(closure: PeriodClosure) -> list[Submission]:
    """The submissions frozen in a closure, with their unit and package (one query)."""
    return list(
        Submission.objects.filter(
            pk__in=[i["submission"] for i in closure.included]
        ).select_related("unit", "package")
    )


def closure_flags(closure: PeriodClosure) -> list[Flag]:
    """Per unit (each included submission's, then the superior's own figures from its records at
    closing): the frozen figures the records now give differently, each with the link to the
    records it counts, and the audit events recorded since the closure in that unit's subtree
    (who changed what: an approximation, since an event names the unit of its record, not the
    figure). One Context per unit: each family's aggregate queries once. A submission imported
    from a package is not recomputed: its unit's records are on its own installation."""
    subs = [s for s in included(closure) if package_of(s) is None]  # packaged: records elsewhere
    checks = [(s.unit, s.figures, s.starts_on, s.ends_on) for s in subs]  # its dates: a term's
    checks.append((closure.unit, closure.figures, closure.starts_on, closure.ends_on))
    flags = []
    for unit, figures, start, end in checks:
        ctx = Context(unit, start, end)
        changes = []
        for f in figures:
            text = outdated_in(ctx, [f])
            if text:
                changes.append((text[0], ctx.figure(f["key"], f["params"]).url))
        if not changes:
            continue
        events = list(
            AuditEvent.objects.filter(
                at__gt=closure.closed_at,
                unit_id__in=OrgUnit.objects.filter(path__startswith=unit.path).values("pk"),
            )
            .exclude(action__startswith="submissions.")
            .exclude(action__startswith="reports.")
            .order_by("at")[:20]
        )
        flags.append(Flag(unit, changes, events))
    return flags
