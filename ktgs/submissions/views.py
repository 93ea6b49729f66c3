"""Pages of «Nộp báo cáo» (docs/submissions.md). Seeing a unit's page needs UNITS_VIEW or
RECORDS_VIEW there (outside the scope: 404, like the report page); every POST needs
records.change in the unit that acts (403 otherwise) and goes back with the service's message."""

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ktgs.accounts.access import RECORDS_CHANGE, RECORDS_VIEW, UNITS_VIEW
from ktgs.core import dates
from ktgs.core.models import Dated
from ktgs.core.vietnamese import parse_date
from ktgs.orgs import selectors
from ktgs.orgs.models import OrgUnit, UnitLink
from ktgs.reports.periods import PeriodError, PeriodKind, UnitPeriods
from ktgs.submissions import packages, services, signing
from ktgs.submissions.flags import closure_flags
from ktgs.submissions.models import (
    PackageExport,
    PackageImport,
    PeriodClosure,
    RegisteredKey,
    Reminder,
    ReportRequest,
    Submission,
)

NO_UNIT = "Không tìm thấy tổ chức đảng này trong phạm vi của đồng chí."
NO_VIEW = "Vai trò của đồng chí không xem báo cáo của tổ chức này."
SLOT_FIELDS = ("ky", "nam", "thang", "nhiem-ky", "tu", "den", services.REQUEST_KIND)


def _unit(request, code: str) -> OrgUnit:
    unit = selectors.unit_get(scope=request.scope, code=code)
    if unit is None:
        raise Http404(NO_UNIT)
    scope = request.scope
    if not (scope.may(UNITS_VIEW, unit.path) or scope.may(RECORDS_VIEW, unit.path)):
        raise PermissionDenied(NO_VIEW)
    return unit


def _writer(request, unit: OrgUnit) -> None:
    if not request.scope.may(RECORDS_CHANGE, unit.path):
        raise PermissionDenied(services.NO_WRITE)


def _slot(data, unit: OrgUnit) -> services.Slot:
    """The slot a form or query string names: `yeu-cau=<id>` (a request of this unit or sent to
    it), or a period as the report page names it (`ky=nam&nam=2023`)."""
    req_id = (data.get(services.REQUEST_KIND) or "").strip()
    if req_id:
        req = ReportRequest.objects.filter(pk=int(req_id) if req_id.isdigit() else 0).first()
        if req is None or not (
            req.unit_id == unit.pk or req.recipients.filter(pk=unit.pk).exists()
        ):
            raise ValidationError("Không có yêu cầu báo cáo này cho tổ chức này.")
        return services.request_slot(req)
    try:
        period = UnitPeriods(unit).parse(data)
    except PeriodError as exc:
        raise ValidationError(str(exc)) from None
    if period is None:
        raise ValidationError("Chưa chọn kỳ báo cáo: đồng chí chọn kỳ (ví dụ năm 2023).")
    return services.period_slot(period)


def _fields(data) -> dict:
    return {k: data[k] for k in SLOT_FIELDS if data.get(k)}


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@require_GET
def unit_page(request, code: str):
    """A unit's obligations and requests with their status, its reminders, the requests it sent,
    and a form to open a period of its sub-units."""
    unit = _unit(request, code)
    slots = services.obligations(unit)
    today = dates.today()
    asked = None  # a period named by the query string (the report page's «Nộp báo cáo»)
    if any(request.GET.get(k) for k in SLOT_FIELDS):
        try:
            asked = _slot(request.GET, unit)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            if asked.key not in {x.key for x in slots}:
                slots.insert(0, asked)
    current = {
        s.slot: s
        for s in Submission.objects.filter(
            unit=unit, slot__in=[x.key for x in slots], superseded_at__isnull=True
        ).select_related("package")
    }
    rows = []
    for slot in slots:
        text, late = services.status_text(current.get(slot.key), slot.deadline, today)
        rows.append(
            {
                "slot": slot,
                "text": text,
                "late": late,
                "asked": asked is not None and slot.key == asked.key,
                "ended": slot.end < today,
                "exportable": slot.kind != services.REQUEST_KIND
                and slot.key in current
                and services.package_of(current[slot.key]) is None,
            }
        )
    has_children = UnitLink.objects.filter(Dated.q_on(today), parent=unit).exists()
    signing_key = packages.key_of(unit)
    return render(
        request,
        "submissions/unit.html",
        {
            "unit": unit,
            "rows": rows,
            "may_write": request.scope.may(RECORDS_CHANGE, unit.path),
            "reminders": Reminder.objects.filter(unit=unit).select_related("by_unit")[:5],
            "requests": ReportRequest.objects.filter(unit=unit)[:20] if has_children else [],
            "has_children": has_children,
            "kinds": [(k.value, k.label) for k in PeriodKind if k != PeriodKind.RANGE],
            "year": today.year - 1,
            "signing_key": signing_key,
            "fingerprint": signing.pretty(signing_key.fingerprint) if signing_key else "",
            "exports": PackageExport.objects.filter(unit=unit).select_related("submission")[:5],
            "received": PackageImport.objects.filter(unit=unit)
            .select_related("submission")
            .order_by("-imported_at", "-pk")[:10],
        },
    )


@require_POST
def submit(request, code: str):
    unit = _unit(request, code)
    _writer(request, unit)
    query = urlencode(_fields(request.POST))  # back to the period submitted, shown first
    back = reverse("submissions:unit", args=[unit.code]) + (f"?{query}" if query else "")
    try:
        slot = _slot(request.POST, unit)
        sub = services.submit(scope=request.scope, unit=unit, slot=slot, user=request.user)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect(back)
    messages.success(request, f"Đã nộp báo cáo {slot.label} (lần {sub.version}).")
    return redirect(back)


@require_GET
def period_page(request, code: str):
    """The superior's view of one period: each unit that reports it, with its status, a
    reminder button, closing (with a reason when some have not submitted), reopening, and the
    flags of the closed period."""
    unit = _unit(request, code)
    try:
        slot = _slot(request.GET, unit)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("submissions:unit", code=unit.code)
    closures = list(
        PeriodClosure.objects.filter(unit=unit, slot=slot.key).select_related(
            "closed_by", "reopened_by"
        )
    )
    open_closure = next((c for c in closures if c.reopened_at is None), None)
    rows = services.statuses(unit, slot)
    return render(
        request,
        "submissions/period.html",
        {
            "unit": unit,
            "slot": slot,
            "rows": rows,
            "missing": [r for r in rows if r.submission is None],
            "closures": closures,
            "closure": open_closure,
            "flags": (
                closure_flags(open_closure, force=request.GET.get("kiem-tra") == "1")
                if open_closure
                else []
            ),
            "packaged": [
                s for s in services.included(open_closure) if services.package_of(s) is not None
            ]
            if open_closure
            else [],
            "fields": sorted(slot.params.items()),
            "may_write": request.scope.may(RECORDS_CHANGE, unit.path),
            "ended": slot.end < dates.today(),
        },
    )


def _back_to_period(unit: OrgUnit, data) -> str:
    return f"{reverse('submissions:period', args=[unit.code])}?{urlencode(_fields(data))}"


@require_POST
def remind(request, code: str):
    unit = _unit(request, code)
    _writer(request, unit)
    try:
        slot = _slot(request.POST, unit)
        target = OrgUnit.objects.filter(code=request.POST.get("don-vi", "")).first()
        if target is None or not request.scope.contains(target.path):
            raise ValidationError("Chưa chọn đơn vị cần nhắc.")
        services.remind(
            scope=request.scope, superior=unit, unit=target, slot=slot, user=request.user
        )
    except ValidationError as exc:
        _errors(request, exc)
        return redirect(_back_to_period(unit, request.POST))
    messages.success(request, f"Đã nhắc {target.name} nộp báo cáo {slot.label}.")
    return redirect(_back_to_period(unit, request.POST))


@require_POST
def close(request, code: str):
    unit = _unit(request, code)
    _writer(request, unit)
    try:
        slot = _slot(request.POST, unit)
        services.close(
            scope=request.scope,
            unit=unit,
            slot=slot,
            override_reason=request.POST.get("ly-do", ""),
            user=request.user,
        )
    except ValidationError as exc:
        _errors(request, exc)
        return redirect(_back_to_period(unit, request.POST))
    messages.success(request, f"Đã chốt kỳ {slot.label}.")
    return redirect(_back_to_period(unit, request.POST))


@require_POST
def reopen(request, code: str):
    unit = _unit(request, code)
    _writer(request, unit)
    pk = request.POST.get("chot", "")
    closure = PeriodClosure.objects.filter(
        pk=int(pk) if pk.isdigit() else 0, unit=unit, reopened_at__isnull=True
    ).first()
    if closure is None:
        messages.error(request, "Không có kỳ đã chốt này để mở lại.")
        return redirect("submissions:unit", code=unit.code)
    back = f"{reverse('submissions:period', args=[unit.code])}?{urlencode(closure.period_params)}"
    try:
        services.reopen(
            scope=request.scope,
            closure=closure,
            reason=request.POST.get("ly-do", ""),
            user=request.user,
        )
    except ValidationError as exc:
        _errors(request, exc)
        return redirect(back)
    messages.success(request, "Đã mở lại kỳ báo cáo.")
    return redirect(back)


def _day(text: str, label: str, errors: list) -> date | None:
    try:
        return parse_date(text)
    except ValueError as exc:
        errors.append(f"«{label}»: {exc}")
        return None


@require_http_methods(["GET", "POST"])
def request_create(request, code: str):
    """A new ad-hoc request to the unit's sub-units (today's, in the user's scope)."""
    unit = _unit(request, code)
    _writer(request, unit)
    today = dates.today()
    under = UnitLink.objects.filter(Dated.q_on(today), parent=unit).values("unit_id")
    children = list(
        OrgUnit.objects.live().filter(request.scope.q("path"), pk__in=under).order_by("sort_key")
    )
    values = {"title": "", "tu": "", "den": "", "han": "", "chosen": []}
    if request.method == "POST":
        values = {
            "title": request.POST.get("title", ""),
            "tu": request.POST.get("tu", ""),
            "den": request.POST.get("den", ""),
            "han": request.POST.get("han", ""),
            "chosen": request.POST.getlist("don-vi"),
        }
        errors: list[str] = []
        start = _day(values["tu"], "Từ ngày", errors)
        end = _day(values["den"], "Đến ngày", errors)
        deadline = _day(values["han"], "Hạn nộp", errors)
        chosen = list(OrgUnit.objects.filter(code__in=values["chosen"]))
        if not errors:
            try:
                req = services.request_create(
                    scope=request.scope,
                    unit=unit,
                    title=values["title"],
                    recipients=chosen,
                    start=start,
                    end=end,
                    deadline=deadline,
                    user=request.user,
                )
            except ValidationError as exc:
                errors += exc.messages
            else:
                messages.success(request, f"Đã gửi yêu cầu báo cáo «{req.title}».")
                query = urlencode({services.REQUEST_KIND: req.pk})
                return redirect(f"{reverse('submissions:period', args=[unit.code])}?{query}")
        for message in errors:
            messages.error(request, message)
    return render(
        request,
        "submissions/request_form.html",
        {"unit": unit, "children": children, "values": values},
    )


# --- packages between installations (docs/submissions.md, «Gói báo cáo giữa hai hệ thống») ------


@require_POST
def keygen(request, code: str):
    """The unit's signing key (the exporting side); a second one needs a reason."""
    unit = _unit(request, code)
    _writer(request, unit)
    try:
        packages.key_create(
            scope=request.scope, unit=unit, reason=request.POST.get("ly-do", ""), user=request.user
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            "Đã tạo khóa ký. Đồng chí gửi khóa công khai dưới đây cho cấp trên đăng ký và đọc "
            "dấu vân tay cho cấp trên đối chiếu.",
        )
    return redirect("submissions:unit", code=unit.code)


@require_POST
def export_package(request, code: str):
    """The unit's current submission of a period, as a signed package file (a download)."""
    unit = _unit(request, code)
    _writer(request, unit)
    query = urlencode(_fields(request.POST))
    back = reverse("submissions:unit", args=[unit.code]) + (f"?{query}" if query else "")
    try:
        slot = _slot(request.POST, unit)
        package = packages.export(scope=request.scope, unit=unit, slot=slot, user=request.user)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect(back)
    response = HttpResponse(package.content, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{package.filename}"'
    return response


@require_GET
def packages_page(request, code: str):
    """The superior's page: its sub-units' registered keys, registering and revoking one, and
    importing a package."""
    unit = _unit(request, code)
    today = dates.today()
    under = UnitLink.objects.filter(Dated.q_on(today), parent=unit).values("unit_id")
    children = list(
        OrgUnit.objects.live().filter(request.scope.q("path"), pk__in=under).order_by("sort_key")
    )
    keys = RegisteredKey.objects.filter(by_unit=unit).select_related("unit")[:100]
    imports = (
        PackageImport.objects.filter(unit__path__startswith=unit.path)
        .select_related("unit", "submission")
        .order_by("-imported_at", "-pk")[:20]
    )
    return render(
        request,
        "submissions/packages.html",
        {
            "unit": unit,
            "children": children,
            "keys": [(k, signing.pretty(k.fingerprint)) for k in keys],
            "imports": imports,
            "may_write": request.scope.may(RECORDS_CHANGE, unit.path),
            "max_mb": packages.MAX_BYTES // (1024 * 1024),
        },
    )


def _packages_back(unit: OrgUnit):
    return redirect("submissions:packages", code=unit.code)


@require_POST
def key_register(request, code: str):
    unit = _unit(request, code)
    _writer(request, unit)
    target = OrgUnit.objects.filter(code=request.POST.get("don-vi", "")).first()
    try:
        if target is None:
            raise ValidationError("Chưa chọn đơn vị gửi gói: đồng chí chọn đơn vị cấp dưới.")
        key = packages.key_register(
            scope=request.scope,
            superior=unit,
            unit=target,
            pem=request.POST.get("khoa", ""),
            reason=request.POST.get("ly-do", ""),
            user=request.user,
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            f"Đã đăng ký khóa ký của {target.name}, dấu vân tay "
            f"{signing.pretty(key.fingerprint)}: đồng chí đối chiếu với đơn vị.",
        )
    return _packages_back(unit)


@require_POST
def key_revoke(request, code: str):
    unit = _unit(request, code)
    _writer(request, unit)
    pk = request.POST.get("khoa", "")
    key = RegisteredKey.objects.filter(
        pk=int(pk) if pk.isdigit() else 0, by_unit=unit, revoked_at__isnull=True
    ).first()
    if key is None:
        messages.error(request, "Không có khóa đang dùng này để thu hồi.")
        return _packages_back(unit)
    try:
        packages.key_revoke(
            scope=request.scope, key=key, reason=request.POST.get("ly-do", ""), user=request.user
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, f"Đã thu hồi khóa ký của {key.unit.name}.")
    return _packages_back(unit)


@require_POST
def package_import(request, code: str):
    unit = _unit(request, code)
    _writer(request, unit)
    upload = request.FILES.get("tep")
    try:
        if upload is None:
            raise ValidationError("Chưa chọn tệp gói: đồng chí chọn tệp .ktgs-goi đơn vị gửi.")
        data = upload.read(packages.MAX_BYTES + 1)
        row = packages.import_package(
            scope=request.scope, superior=unit, data=data, user=request.user
        )
    except ValidationError as exc:
        _errors(request, exc)
        return _packages_back(unit)
    sub = row.submission
    text = f"Đã nhập gói của {row.unit.name}: báo cáo kỳ {sub.slot} (lần {sub.version})."
    if row.history:
        messages.warning(request, f"{text} Cảnh báo: {row.history}")
    else:
        messages.success(request, text)
    return redirect(
        f"{reverse('submissions:period', args=[unit.code])}?{urlencode(sub.period_params)}"
    )
