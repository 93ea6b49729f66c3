"""Pages correcting data-entry errors of a discipline case, a violation, a vote and a decision
(services in `corrections.py`). The case, its violations and votes: records.change in the
considering body's unit (as recording them); a decision: records.decide in the deciding body's
unit (as making it).

Thin: find the record (not visible → 404), check the role (→ 403), read a form opened with the
record's values and version, call the service, redirect to the case.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from ktgs.accounts.access import RECORDS_DECIDE
from ktgs.core.choices import DisciplineForm
from ktgs.discipline import case_forms as forms
from ktgs.discipline import corrections
from ktgs.discipline.case_views import _call, _editable
from ktgs.discipline.models import Decision
from ktgs.rules import discipline as rules
from ktgs.rules.lookup import RuleNotInForce


def _page(request, form, title: str, case=None, back: str = ""):
    return render(
        request,
        "cases/correct.html",
        {"form": form, "case": case, "title": title, "back": back},
    )


def _done(request, what: str, back: str):
    messages.success(request, f"Đã sửa {what}; lần sửa được ghi trong «Lịch sử sửa».")
    return redirect(back)


def _case_url(case, anchor: str = "") -> str:
    return reverse("cases:detail", args=[case.pk]) + anchor


def case_correct(request, pk: int):
    case = _editable(request, pk)
    form = forms.CaseCorrectForm(
        request.POST or None, initial=forms.CaseCorrectForm.values_of(case)
    )
    back = _case_url(case)
    if (
        request.method == "POST"
        and form.is_valid()
        and _call(form, corrections.case_correct, case, **form.service_args()) is not None
    ):
        return _done(request, "vụ việc", back)
    return _page(request, form, "Sửa vụ việc", case, back)


def violation_correct(request, pk: int, violation_pk: int):
    case = _editable(request, pk)
    violation = case.violations.filter(pk=violation_pk).first()
    if violation is None:
        raise Http404("Không có vi phạm này.")
    violation.case = case
    form = forms.ViolationCorrectForm(
        request.POST or None, initial=forms.ViolationCorrectForm.values_of(violation)
    )
    back = _case_url(case)
    if (
        request.method == "POST"
        and form.is_valid()
        and _call(form, corrections.violation_correct, violation, **form.service_args()) is not None
    ):
        return _done(request, "vi phạm", back)
    return _page(request, form, "Sửa vi phạm", case, back)


def _pause(request, pk: int, pause_pk: int):
    case = _editable(request, pk)
    pause = case.pauses.filter(pk=pause_pk).first()
    if pause is None:
        raise Http404("Không có khoảng thời gian này.")
    pause.case = case
    return case, pause


def pause_correct(request, pk: int, pause_pk: int):
    case, pause = _pause(request, pk, pause_pk)
    form = forms.PauseCorrectForm(
        request.POST or None, initial=forms.PauseCorrectForm.values_of(pause)
    )
    back = _case_url(case)
    if (
        request.method == "POST"
        and form.is_valid()
        and _call(form, corrections.pause_correct, pause, **form.service_args()) is not None
    ):
        return _done(request, "thời gian không tính thời hiệu", back)
    return _page(request, form, "Sửa thời gian không tính thời hiệu", case, back)


def pause_remove(request, pk: int, pause_pk: int):
    case, pause = _pause(request, pk, pause_pk)
    form = forms.PauseRemoveForm(request.POST or None, initial={"version": case.version})
    back = _case_url(case)
    if (
        request.method == "POST"
        and form.is_valid()
        and _call(form, corrections.pause_remove, pause, **form.service_args()) is not None
    ):
        return _done(request, "thời gian không tính thời hiệu (đã bỏ khoảng ghi nhầm)", back)
    title = (
        f"Bỏ khoảng không tính thời hiệu {pause.starts_on:%d/%m/%Y}–{pause.ends_on:%d/%m/%Y} "
        "(ghi nhầm)"
    )
    return _page(request, form, title, case, back)


def vote_correct(request, pk: int, vote_pk: int):
    case = _editable(request, pk)
    vote = case.votes.filter(pk=vote_pk).select_related("body__unit").first()
    if vote is None:
        raise Http404("Không có biểu quyết này.")
    vote.case = case
    try:
        allowed = rules.sanction_forms(case.subject_kind, vote.voted_on, unit=vote.body.unit).forms
    except RuleNotInForce:
        allowed = tuple(DisciplineForm.values)
    allowed = tuple({*allowed, *vote.counts})  # every form the vote counted stays editable
    form = forms.VoteCorrectForm(
        request.POST or None,
        forms_allowed=allowed,
        initial=forms.VoteCorrectForm.values_of(vote),
    )
    back = _case_url(case, "#bieu-quyet")
    if (
        request.method == "POST"
        and form.is_valid()
        and _call(form, corrections.vote_correct, vote, **form.service_args()) is not None
    ):
        return _done(request, f"biểu quyết ngày {vote.voted_on:%d/%m/%Y}", back)
    title = f"Sửa biểu quyết của {vote.body.name} ngày {vote.voted_on:%d/%m/%Y}"
    return _page(request, form, title, case, back)


def decision_correct(request, pk: int):
    decision = (
        Decision.objects.live()
        .filter(pk=pk)
        .select_related("body__unit", "subject_unit", "case")
        .first()
    )
    if decision is None or not request.scope.sees(decision):
        raise Http404("Không tìm thấy quyết định kỷ luật.")
    if not request.scope.may_change(decision, RECORDS_DECIDE):
        raise PermissionDenied(
            "Vai trò của đồng chí được xem quyết định này; sửa quyết định cần vai trò quyết "
            "định kỷ luật ở cấp đã ra quyết định."
        )
    form = forms.DecisionCorrectForm(
        request.POST or None, initial=forms.DecisionCorrectForm.values_of(decision)
    )
    case = decision.case
    back = _case_url(case, "#quyet-dinh") if case else reverse("discipline:list")
    if (
        request.method == "POST"
        and form.is_valid()
        and _call(form, corrections.decision_correct, decision, **form.service_args()) is not None
    ):
        return _done(request, "quyết định kỷ luật", back)
    return _page(request, form, f"Sửa quyết định: {decision}", case, back)


__all__ = [
    "case_correct",
    "decision_correct",
    "pause_correct",
    "pause_remove",
    "violation_correct",
    "vote_correct",
]
