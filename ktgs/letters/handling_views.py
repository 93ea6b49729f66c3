"""Pages of handling a letter: accept (thụ lý), assign, a step, an extension, the verdicts, the
reply, a link to an inspection or a discipline case, opening a discipline case from the letter,
and erasing the filer's identity.

Thin: find the letter through the scoped selector (not visible → 404), check the role (→ 403),
read a form, call `handling`, redirect to the letter's page. A refusal shows the form again
with the service's message, nothing saved. No page here decrypts a filer field.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from ktgs.discipline.models import DisciplineCase
from ktgs.inspections.models import Inspection
from ktgs.letters import handling, selectors
from ktgs.letters import handling_forms as forms
from ktgs.orgs.forms import attach_errors
from ktgs.orgs.models import Member, OrgUnit

NOT_HANDLER = "Chỉ cán bộ có vai trò cập nhật hồ sơ tại cơ quan tiếp nhận mới giải quyết đơn này."


def _letter(request, pk: int, *, erase: bool = False):
    letter = selectors.letter_get(scope=request.scope, pk=pk)
    if letter is None:
        raise Http404("Không tìm thấy đơn thư.")
    if erase:
        if not handling.may_erase_identity(request.scope, letter):
            raise PermissionDenied(
                "Chỉ Chủ nhiệm, Phó Chủ nhiệm UBKT của cơ quan tiếp nhận quyết định xóa danh "
                "tính người gửi."
            )
    elif not handling.may_handle(request.scope, letter):
        raise PermissionDenied(NOT_HANDLER)
    return letter


def _run(form, service, **kwargs):
    """Call the service; its refusal goes onto the form (None returned), nothing saved."""
    try:
        return service(**kwargs) or True
    except ValidationError as exc:
        attach_errors(form, exc, aliases={"extension": "days"})
        return None


def _page(request, template: str, letter, form, **extra):
    return render(request, f"letters/{template}", {"letter": letter, "form": form, **extra})


def _done(request, letter, message: str):
    messages.success(request, message)
    return redirect("letters:detail", pk=letter.pk)


def _today():
    return {"initial": {"on": timezone.localdate()}}


def letter_accept(request, pk: int):
    letter = _letter(request, pk)
    candidates = handling.handler_candidates(letter)
    initial = {"accepted_on": timezone.localdate(), "handler": letter.handler_id}
    form = forms.AcceptForm(request.POST or None, initial=initial, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _run(
            form,
            handling.letter_accept,
            scope=request.scope,
            letter=letter,
            accepted_on=d["accepted_on"],
            number=d["number"],
            handler=d["handler"],
            team=d["team"],
            team_text=d["team_text"],
        ):
            return _done(request, letter, "Đã ghi quyết định giải quyết đơn.")
    return _page(request, "handle_accept.html", letter, form)


def letter_assign(request, pk: int):
    letter = _letter(request, pk)
    form = forms.AssignForm(
        request.POST or None, candidates=handling.handler_candidates(letter), **_today()
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _run(
            form,
            handling.letter_assign,
            scope=request.scope,
            letter=letter,
            handler=d["handler"],
            on=d["on"],
        ):
            return _done(request, letter, "Đã giao người xử lý đơn.")
    return _page(request, "handle_assign.html", letter, form)


def step_add(request, pk: int):
    letter = _letter(request, pk)
    form = forms.StepForm(request.POST or None, **_today())
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _run(
            form,
            handling.step_add,
            scope=request.scope,
            letter=letter,
            kind=d["kind"],
            on=d["on"],
            note=d["note"],
        ):
            return _done(request, letter, "Đã ghi bước giải quyết.")
    return _page(request, "handle_step.html", letter, form)


def extension_grant(request, pk: int):
    letter = _letter(request, pk)
    form = forms.ExtensionForm(request.POST or None, initial={"granted_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _run(
            form,
            handling.extension_grant,
            scope=request.scope,
            letter=letter,
            granted_on=d["granted_on"],
            days=d["days"],
            reason=d["reason"],
        ):
            return _done(request, letter, "Đã gia hạn giải quyết đơn.")
    return _page(request, "handle_extend.html", letter, form)


def items_conclude(request, pk: int):
    letter = _letter(request, pk)
    allowed = handling.verdict_choices_for(letter)
    form = forms.ConcludeForm(
        request.POST or None,
        initial={"concluded_on": timezone.localdate()},
        items=letter.items.all(),
        verdicts=allowed.item_choices,
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = _run(
            form,
            handling.items_conclude,
            scope=request.scope,
            letter=letter,
            verdicts=form.verdicts(),
            notes=form.notes(),
            categories=form.categories(),
            concluded_on=d["concluded_on"],
            number=d["number"],
            conclusion=d["conclusion"],
        )
        if done:
            return _done(request, letter, "Đã ghi kết luận các nội dung của đơn.")
    return _page(request, "handle_conclude.html", letter, form, rule=allowed)


def reply_record(request, pk: int):
    letter = _letter(request, pk)
    form = forms.ReplyForm(request.POST or None, initial={"replied_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _run(
            form,
            handling.reply_record,
            scope=request.scope,
            letter=letter,
            replied_on=d["replied_on"],
            reply=d["reply"],
        ):
            return _done(request, letter, "Đã ghi việc trả lời người gửi.")
    return _page(request, "handle_reply.html", letter, form)


def case_link(request, pk: int):
    letter = _letter(request, pk)
    inspections = list(handling.inspections_linkable(request.scope, letter)[:300])
    cases = list(handling.cases_linkable(request.scope, letter)[:300])
    form = forms.CaseLinkForm(request.POST or None, inspections=inspections, cases=cases)
    if request.method == "POST" and form.is_valid():
        kind, target_pk = form.target_key()
        model = Inspection if kind == "i" else DisciplineCase
        target = request.scope.visible(model.objects.live()).filter(pk=target_pk).first()
        if target is None:
            form.add_error("target", "Không tìm thấy cuộc kiểm tra, vụ việc này.")
        elif _run(
            form,
            handling.case_link,
            scope=request.scope,
            letter=letter,
            relation=form.cleaned_data["relation"],
            inspection=target if kind == "i" else None,
            discipline_case=target if kind == "c" else None,
        ):
            return _done(request, letter, "Đã liên kết đơn với cuộc kiểm tra, vụ việc.")
    return _page(request, "handle_case_link.html", letter, form)


def discipline_case_open(request, pk: int):
    letter = _letter(request, pk)
    bodies = handling.case_bodies(request.scope, letter)
    members = [m for m in letter.accused_members.all() if request.scope.sees(m)]
    units = list(letter.accused_units.all())
    form = forms.CaseOpenForm(
        request.POST or None,
        initial={"opened_on": timezone.localdate()},
        bodies=bodies,
        members=members,
        units=units,
    )
    if request.method == "POST" and form.is_valid():
        kind, subject_pk = form.subject_key()
        body = next((b for b in bodies if str(b.pk) == form.cleaned_data["body"]), None)
        case = _run(
            form,
            handling.discipline_case_open_from_letter,
            scope=request.scope,
            letter=letter,
            body=body,
            opened_on=form.cleaned_data["opened_on"],
            member=Member.objects.filter(pk=subject_pk).first() if kind == "m" else None,
            unit=OrgUnit.objects.filter(pk=subject_pk).first() if kind == "u" else None,
        )
        if case:
            messages.success(request, f"Đã mở {case} từ đơn này.")
            return redirect("cases:detail", pk=case.pk)
    return _page(request, "handle_case_open.html", letter, form)


def identity_erase(request, pk: int):
    letter = _letter(request, pk, erase=True)
    obstacles = handling.erase_obstacles(letter)
    form = forms.EraseForm(request.POST or None, **_today())
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _run(
            form,
            handling.identity_erase,
            scope=request.scope,
            letter=letter,
            decision=d["decision"],
            on=d["on"],
        ):
            return _done(request, letter, "Đã xóa danh tính người gửi của đơn này.")
    return _page(request, "handle_erase.html", letter, form, obstacles=obstacles)
