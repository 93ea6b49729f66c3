"""Pages of inspections and supervisions: list, create (also from a programme item), detail
with steps and due dates, record a step, conclude per subject, switch a supervision to an
inspection on signs of violation, close a follow-up, the "due soon / overdue" view.

Thin: find through a scoped selector (not visible → 404), check the role (→ 403), read a form,
call a service, redirect.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ktgs.audit.reads import record_read, record_reads
from ktgs.core import keyset
from ktgs.core.choices import InspectionKind
from ktgs.core.models import Secrecy
from ktgs.inspections import forms, selectors, services
from ktgs.inspections.choices import (
    INSPECTION_RESULTS,
    SUPERVISION_KINDS,
    SUPERVISION_RESULTS,
    ConclusionResult,
)
from ktgs.inspections.models import FollowUp, Inspection
from ktgs.inspections.selectors import RECORDS_CHANGE, RECORDS_VIEW
from ktgs.orgs.unit_filter import read_member_filter, read_unit_filter
from ktgs.programmes.models import ProgrammeItem
from ktgs.rules.choices import Step

PAGE_SIZE = 50
LIST_ORDER = ("-decided_on", "-pk")  # the latest decision first; the id (unique) breaks ties
GONE = (
    "Cuộc kiểm tra, giám sát làm mốc của trang này không thuộc kết quả lọc hiện tại; danh sách "
    "hiện lại từ trang đầu."
)


def _inspection_or_404(request, pk: int) -> Inspection:
    row = selectors.inspection_get(scope=request.scope, pk=pk)
    if row is None:
        raise Http404("Không tìm thấy cuộc kiểm tra, giám sát.")
    return row


def _editable(request, pk: int) -> Inspection:
    row = _inspection_or_404(request, pk)
    if not selectors.may_change(request.scope, row):
        raise PermissionDenied("Vai trò của đồng chí chỉ được xem cuộc kiểm tra, giám sát này.")
    return row


def _call(form, service, *args, **kwargs):
    try:
        return service(*args, **kwargs)
    except ValidationError as exc:
        forms.attach_errors(form, exc, forms.ALIASES)
        return None


# --- list and due view ----------------------------------------------------------------------


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) == 4 else None


@require_GET
def inspection_list(request):
    if not request.scope.may_anywhere(RECORDS_VIEW):
        raise PermissionDenied("Vai trò của đồng chí không xem hồ sơ kiểm tra, giám sát.")
    g = request.GET
    # a unit picked by code or name; a name matching several units or none: listed without it
    picked = read_unit_filter(request, "don_vi", label="Tổ chức tiến hành (gồm cấp dưới)")
    unit = picked.unit
    # the subject: a member, or an organisation (with the members of its cells) by name
    member_f = read_member_filter(request, "dang_vien", label="Đối tượng là đảng viên")
    subject_f = read_unit_filter(
        request,
        "doi_tuong",
        label="Đối tượng thuộc tổ chức (gồm cấp dưới)",
        field_id="id_doi_tuong",
    )
    f = selectors.ListFilter(
        kind=g.get("loai", ""),
        unit_path=unit.path if unit else "",
        year=_int(g.get("nam", "")),
        state=g.get("tinh_trang", ""),
        q=g.get("q", "").strip()[:100],
        subject_member=member_f.member,
        subject_path=subject_f.unit.path if subject_f.unit else "",
    )
    rows = selectors.inspection_list(scope=request.scope, f=f)
    # keyset pages, newest decision first, the count capped (ktgs.core.keyset)
    page = keyset.keyset_page(
        rows,
        g,
        order=LIST_ORDER,
        size=PAGE_SIZE,
        gone=GONE,
        count_in_walk=True,  # the first page's walk is the count: one pass over the access union
        read=selectors.inspection_list_read(),
    )
    today = timezone.localdate()
    limit = selectors.soon_limit(today)
    for row in page.object_list:
        row.due_state = selectors.due_state(row.next_due, row.next_step is None, today, limit)
        row.next_step_label = Step(row.next_step).label if row.next_step else ""
    record_reads(page.object_list, unit_id=lambda row: row.unit_id)  # their topics are shown
    return render(
        request,
        "inspections/list.html",
        {
            "page": page,
            "f": f,
            "g": g,
            "unit": unit,
            "unit_filter": picked,
            "member_filter": member_f,
            "subject_filter": subject_f,
            "pager": keyset.pager(picked.query(subject_f.query(member_f.query(g))), page),
            "kinds": InspectionKind.choices,
            "can_create": request.scope.may_anywhere(RECORDS_CHANGE),
        },
    )


@require_GET
def due_list(request):
    if not request.scope.may_anywhere(RECORDS_VIEW):
        raise PermissionDenied("Vai trò của đồng chí không xem hồ sơ kiểm tra, giám sát.")
    today = timezone.localdate()
    limit = selectors.soon_limit(today)
    steps = list(selectors.due_steps(scope=request.scope, today=today, limit=limit)[:500])
    for s in steps:
        s.state = selectors.due_state(s.due_on, False, today, limit)
    follow_ups = list(
        selectors.open_follow_ups(scope=request.scope).filter(due_on__lte=limit)[:500]
    )
    for fu in follow_ups:
        fu.state = selectors.due_state(fu.due_on, False, today, limit)
    return render(
        request,
        "inspections/due.html",
        {
            "steps": steps,
            "late": sum(1 for s in steps if s.state == "late"),
            "follow_ups": follow_ups,
            "today": today,
            "limit": limit,
        },
    )


# --- create ---------------------------------------------------------------------------------


def _programme_item(request) -> ProgrammeItem | None:
    pk = request.GET.get("muc", "")
    if not pk.isdigit():
        return None
    item = (
        ProgrammeItem.objects.filter(pk=int(pk), programme__voided_at__isnull=True)
        .select_related("programme__body__unit")
        .prefetch_related("subjects__unit", "subjects__member")
        .first()
    )
    if item is None or not request.scope.may_change(item.programme):
        raise Http404("Không tìm thấy nội dung chương trình.")
    return item


def inspection_create(request):
    if not request.scope.may_anywhere(RECORDS_CHANGE):
        raise PermissionDenied("Vai trò của đồng chí không được tạo cuộc kiểm tra, giám sát.")
    item = _programme_item(request)
    initial = {"secrecy": Secrecy.NORMAL}
    if item is not None:
        subjects = list(item.subjects.select_related("unit", "member"))
        initial.update(
            body=item.programme.body,
            kind=item.kind,
            topic=item.topic,
            unit_subjects=[s.unit for s in subjects if s.unit_id],
            member_codes=[s.member for s in subjects if s.member_id],
            team_leader=item.lead,
        )
    form = forms.InspectionForm(request.POST or None, initial=initial, scope=request.scope)
    if request.method == "POST" and form.is_valid():
        args = form.service_args()
        if not request.scope.may(RECORDS_CHANGE, args["body"].unit.path):
            raise PermissionDenied("Đồng chí không được ghi cuộc kiểm tra của cơ quan này.")
        inspection = _call(form, services.inspection_create, programme_item=item, **args)
        if inspection is not None:
            messages.success(request, f"Đã tạo: {inspection}.")
            return redirect("inspections:detail", pk=inspection.pk)
    return render(
        request,
        "inspections/form.html",
        {"form": form, "item": item, "title": "Tạo cuộc kiểm tra, giám sát"},
    )


# --- detail and its actions -----------------------------------------------------------------


def inspection_detail(request, pk: int):
    inspection = _inspection_or_404(request, pk)
    if inspection.secrecy != Secrecy.NORMAL:
        record_read(inspection, unit_id=inspection.unit_id)
    today = timezone.localdate()
    limit = selectors.soon_limit(today)
    steps = list(inspection.steps.all())
    for s in steps:
        s.state = selectors.due_state(s.due_on, bool(s.done_on or s.skipped), today, limit)
    first_open = next((s for s in steps if not s.done_on and not s.skipped), None)
    subjects = list(
        inspection.subjects.select_related(
            "unit", "member", "committee_unit", "head_of", "managed_by", "discipline_proposal"
        )
    )
    announced = all(s.done_on for s in steps if s.step == Step.ANNOUNCEMENT)
    return render(
        request,
        "inspections/detail.html",
        {
            "inspection": inspection,
            "steps": steps,
            "first_open": first_open,
            "subjects": subjects,
            "announced": announced,
            "team": list(inspection.team.all()),
            "follow_ups": list(inspection.follow_ups.select_related("owner_unit", "subject")),
            "follow_ons": list(inspection.follow_ons.live()),
            "can_change": selectors.may_change(request.scope, inspection),
            "can_switch": inspection.kind in SUPERVISION_KINDS
            and any(s.result == ConclusionResult.SIGNS_OF_VIOLATION for s in subjects),
            "warnings": [w for w in inspection.warnings.splitlines() if w.strip()],
        },
    )


def step_record(request, pk: int, step_pk: int):
    inspection = _editable(request, pk)
    step = inspection.steps.filter(pk=step_pk).first()
    if step is None:
        raise Http404("Không có bước này.")
    form = forms.StepForm(request.POST or None, initial={"done_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = _call(
            form,
            services.step_record,
            step,
            done_on=d.get("done_on"),
            skipped=d.get("skipped", False),
            note=d.get("note") or "",
        )
        if done is not None:
            messages.success(request, f"Đã ghi bước «{step.get_step_display()}».")
            return redirect("inspections:detail", pk=inspection.pk)
    return render(
        request,
        "inspections/step.html",
        {"form": form, "inspection": inspection, "step": step},
    )


def steps_plan(request, pk: int):
    inspection = _editable(request, pk)
    steps = [
        s
        for s in inspection.steps.all()
        if not s.done_on
        and not s.skipped
        and not (s.due_on and s.due_basis and not s.due_basis.startswith(services.PLAN_BASIS))
    ]
    initial = {"version": inspection.version}
    form = forms.PlanForm(request.POST or None, steps=steps, initial=initial)
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data["version"]
        done = _call(form, services.steps_plan, inspection, form.planned(), version=version)
        if done is not None:
            messages.success(request, "Đã ghi kế hoạch các bước.")
            return redirect("inspections:detail", pk=inspection.pk)
    return render(
        request,
        "inspections/plan.html",
        {"form": form, "inspection": inspection, "steps": steps},
    )


def subject_conclude(request, pk: int, subject_pk: int):
    inspection = _editable(request, pk)
    subject = inspection.subjects.filter(pk=subject_pk).first()
    if subject is None:
        raise Http404("Không có đối tượng này.")
    results = SUPERVISION_RESULTS if inspection.kind in SUPERVISION_KINDS else INSPECTION_RESULTS
    form = forms.ConclusionForm(
        request.POST or None,
        results=[(r.value, r.label) for r in results],
        initial={"concluded_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        done = _call(form, services.subject_conclude, subject, **form.service_args())
        if done is not None:
            messages.success(request, f"Đã ghi kết luận đối với {subject.name}.")
            return redirect("inspections:detail", pk=inspection.pk)
    return render(
        request,
        "inspections/conclude.html",
        {"form": form, "inspection": inspection, "subject": subject},
    )


def signs_open(request, pk: int):
    supervision = _editable(request, pk)
    form = forms.SignsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        inspection = _call(
            form,
            services.signs_inspection_open,
            supervision,
            decided_on=d["decided_on"],
            decision_number=d["decision_number"],
            topic=d.get("topic") or "",
            plan_ends_on=d.get("plan_ends_on"),
        )
        if inspection is not None:
            messages.success(
                request, f"Đã tạo cuộc kiểm tra khi có dấu hiệu vi phạm: {inspection}."
            )
            return redirect("inspections:detail", pk=inspection.pk)
    signs = supervision.subjects.filter(result=ConclusionResult.SIGNS_OF_VIOLATION)
    return render(
        request,
        "inspections/signs.html",
        {"form": form, "inspection": supervision, "signs": list(signs)},
    )


def follow_up_close(request, pk: int):
    fu = (
        FollowUp.objects.filter(pk=pk)
        .select_related("inspection__unit", "subject", "owner_unit")
        .first()
    )
    if fu is None or not request.scope.sees(fu.inspection) or fu.inspection.is_voided:
        raise Http404("Không tìm thấy kiến nghị.")
    if not request.scope.may_change(fu):
        raise PermissionDenied("Vai trò của đồng chí chỉ được xem kiến nghị này.")
    form = forms.FollowUpCloseForm(request.POST or None, initial={"done_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        done = _call(form, services.follow_up_close, fu, **form.cleaned_data)
        if done is not None:
            messages.success(request, "Đã đóng việc thực hiện kiến nghị.")
            return redirect("inspections:detail", pk=fu.inspection_id)
    return render(request, "inspections/follow_up.html", {"form": form, "fu": fu})


def inspection_void(request, pk: int):
    inspection = _editable(request, pk)
    form = forms.VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _call(form, services.inspection_void, inspection, reason=form.cleaned_data["reason"])
        if done is not None:
            messages.success(request, f"Đã hủy: {inspection}.")
            return redirect("inspections:list")
    return render(request, "inspections/void.html", {"form": form, "inspection": inspection})


def _print(request, pk: int, make, name: str):
    """A Party-format DOCX of the inspection: whoever may open the record may print it; a
    restricted record goes to the access log like its page."""
    from ktgs.documents.printing import docx_response

    inspection = _inspection_or_404(request, pk)
    if inspection.secrecy != Secrecy.NORMAL:
        record_read(inspection, unit_id=inspection.unit_id)
    return docx_response(make(inspection), f"{name}-{inspection.pk}")


@require_GET
def decision_print(request, pk: int):
    from ktgs.inspections.printing import decision_docx

    return _print(request, pk, decision_docx, "quyet-dinh-kiem-tra")


@require_GET
def notice_print(request, pk: int):
    from ktgs.inspections.printing import notice_docx

    return _print(request, pk, notice_docx, "thong-bao-ket-luan")
