"""Pages of suspensions (đình chỉ sinh hoạt đảng of a member, đình chỉ hoạt động of an
organisation) and of striking off an unfit probationary member (xóa tên). A suspension is seen
under the SecretRecord protocol (the suspending body's unit, the subject's unit, the member's
cell today; its secrecy); its end is amber five working days before. The committee seats a
member held on the start date are listed as suspended for the same period (shown only: the
seats are not changed)."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ktgs.accounts.access import RECORDS_CHANGE, RECORDS_VIEW
from ktgs.core.vietnamese import nfc
from ktgs.discipline import strike_off, suspensions
from ktgs.discipline import suspension_forms as forms
from ktgs.discipline.models import Suspension
from ktgs.inspections.selectors import due_state, soon_limit
from ktgs.orgs.models import CommitteeSeat, Member

RECENT_DAYS = 180
LIST_SIZE = 200


def _page(request, template: str, **context):
    return render(request, f"suspensions/{template}", context)


def _call(form, service, /, *args, **kwargs):
    try:
        return service(*args, **kwargs)
    except ValidationError as exc:
        forms.attach_errors(form, exc, forms.ALIASES)
        return None


def _with_seats(rows: list[Suspension]) -> None:
    """Attach `seats` (held on the start date) to each row: one query for the whole list."""
    if not rows:
        return
    seats = list(
        CommitteeSeat.objects.filter(
            member_id__in={s.member_id for s in rows if s.member_id},
            starts_on__lte=max(s.starts_on for s in rows),
        ).select_related("body__unit")
    )
    for s in rows:
        s.seats = [x for x in seats if x.member_id == s.member_id and x.holds_on(s.starts_on)]


def _state(s: Suspension, today, limit) -> str:
    last = suspensions.suspension_last_day(s)
    return due_state(last, last < today, today, limit)


@require_GET
def suspension_list(request):
    if not request.scope.may_anywhere(RECORDS_VIEW):
        raise PermissionDenied("Vai trò của đồng chí không xem hồ sơ kỷ luật.")
    today = timezone.localdate()
    limit = soon_limit(today)
    rows = list(
        request.scope.visible(Suspension.objects.all())
        .annotate(last=Coalesce("extended_to", "ends_on"))
        .filter(last__gte=today - timedelta(days=RECENT_DAYS))
        .exclude(member__voided_at__isnull=False)
        .select_related("member", "body", "subject_unit")
        .order_by("last", "pk")[:LIST_SIZE]
    )
    _with_seats(rows)
    for s in rows:
        s.state = _state(s, today, limit)
    current = [s for s in rows if s.last >= today]
    recent = [s for s in rows if s.last < today][::-1]
    return _page(
        request,
        "list.html",
        current=current,
        recent=recent,
        today=today,
        limit=limit,
        recent_days=RECENT_DAYS,
        can_change=request.scope.may_anywhere(RECORDS_CHANGE),
    )


def _suspension_or_404(request, pk: int) -> Suspension:
    s = (
        Suspension.objects.filter(pk=pk)
        .select_related("member__current_unit", "body__unit", "subject_unit")
        .first()
    )
    voided = s is not None and s.member_id and s.member.voided_at is not None
    if s is None or voided or not request.scope.sees(s):
        raise Http404("Không tìm thấy đình chỉ.")
    return s


def _extension(s: Suspension) -> dict:
    try:
        extended_to, citation = suspensions.suspension_extension(s)
    except ValidationError as exc:
        return {"error": exc.messages[0]}
    return {"extended_to": extended_to, "citation": citation}


@require_GET
def suspension_detail(request, pk: int):
    s = _suspension_or_404(request, pk)
    today = timezone.localdate()
    s.state = _state(s, today, soon_limit(today))
    return _page(
        request,
        "detail.html",
        s=s,
        seats=list(suspensions.suspended_seats(s)),
        extension=_extension(s) if not s.extended_to else None,
        can_change=request.scope.may_change(s),
    )


def _member_asked(request) -> Member | str:
    """The member named by `?ma=` (a code: the links on a member's page), shown by name when
    the user sees them; otherwise the code as given, read on submit like anything typed (a
    member out of scope gets the answer of a code that exists nowhere)."""
    code = nfc(request.GET.get("ma", "")).strip().upper()[:40]
    if not code:
        return ""
    seen = request.scope.visible(Member.objects.live().filter(current_unit__isnull=False))
    return seen.filter(code=code).select_related("current_unit").first() or code


def suspension_create(request):
    if not request.scope.may_anywhere(RECORDS_CHANGE):
        raise PermissionDenied("Vai trò của đồng chí không được đình chỉ sinh hoạt đảng.")
    initial = {"starts_on": timezone.localdate(), "member": _member_asked(request)}
    if request.GET.get("to_chuc"):
        initial["subject_kind"] = "organisation"
    form = forms.SuspensionForm(request.POST or None, initial=initial, scope=request.scope)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        s = _call(
            form,
            suspensions.suspension_start,
            d["member"],
            unit=d["subject_unit"],
            body=d["body"],
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            reason=d["reason"],
        )
        if s is not None:
            messages.success(request, f"Đã ghi {s}, đến hết ngày {s.ends_on:%d/%m/%Y}.")
            return redirect("suspensions:detail", pk=s.pk)
    return _page(
        request, "form.html", form=form, competence=suspensions.SUSPENSION_COMPETENCE, strike=False
    )


def suspension_extend(request, pk: int):
    s = _suspension_or_404(request, pk)
    if not request.scope.may_change(s):
        raise PermissionDenied("Vai trò của đồng chí không được gia hạn đình chỉ này.")
    error = ""
    form = forms.ExtendForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        to = form.cleaned_data["extended_to"]
        try:
            suspensions.suspension_extend(s, on=timezone.localdate(), to=to)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"Đã gia hạn đình chỉ đến hết ngày {s.extended_to:%d/%m/%Y}.")
            return redirect("suspensions:detail", pk=s.pk)
    return _page(
        request,
        "extend.html",
        s=s,
        form=form,
        extension=_extension(s) if not s.extended_to else None,
        error=error,
    )


def strike_off_page(request):
    if not request.scope.may_anywhere(RECORDS_CHANGE):
        raise PermissionDenied("Vai trò của đồng chí không được xóa tên đảng viên.")
    initial = {"on": timezone.localdate(), "member": _member_asked(request)}
    form = forms.StrikeOffForm(request.POST or None, initial=initial, scope=request.scope)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        member = _call(
            form,
            strike_off.strike_off,
            d["member"],
            body=d["body"],
            on=d["on"],
            reason=d["reason"],
            number=d["number"],
        )
        if member is not None:
            messages.success(request, f"Đã xóa tên {member.full_name} khỏi danh sách đảng viên.")
            return redirect("orgs:member_detail", code=member.code)
    return _page(request, "form.html", form=form, charter=strike_off.CHARTER, strike=True)
