"""Pages correcting data-entry errors of a saved inspection: the header, a recorded step, the
team, a recorded conclusion (services in `corrections.py`). Who may record the inspection may
correct it (records.change in the performing unit); a new performing body must be one the user
may record for.

Thin: find through the scoped selector (not visible → 404), check the role (→ 403), read a form
opened with the record's values and version, call the service, redirect to the record.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from ktgs.inspections import corrections, forms
from ktgs.inspections.choices import INSPECTION_RESULTS, SUPERVISION_KINDS, SUPERVISION_RESULTS
from ktgs.inspections.selectors import RECORDS_CHANGE
from ktgs.inspections.views import _call, _editable


def _page(request, inspection, form, title: str, anchor: str = ""):
    return render(
        request,
        "inspections/correct.html",
        {"form": form, "inspection": inspection, "title": title, "back": anchor},
    )


def _done(request, inspection, what: str, anchor: str = ""):
    messages.success(request, f"Đã sửa {what}; lần sửa được ghi trong «Lịch sử sửa».")
    return redirect(reverse("inspections:detail", args=[inspection.pk]) + anchor)


def header_correct(request, pk: int):
    inspection = _editable(request, pk)
    form = forms.HeaderCorrectForm(
        request.POST or None,
        initial=forms.HeaderCorrectForm.values_of(inspection),
        scope=request.scope,
    )
    if request.method == "POST" and form.is_valid():
        args = form.service_args()
        if not request.scope.may(RECORDS_CHANGE, args["body"].unit.path):
            form.add_error("body", "Đồng chí không được ghi cuộc kiểm tra của cơ quan này.")
        elif _call(form, corrections.inspection_correct, inspection, **args) is not None:
            return _done(request, inspection, "thông tin chung")
    return _page(request, inspection, form, "Sửa thông tin chung")


def step_correct(request, pk: int, step_pk: int):
    inspection = _editable(request, pk)
    step = inspection.steps.filter(pk=step_pk).first()
    if step is None:
        raise Http404("Không có bước này.")
    step.inspection = inspection
    form = forms.StepCorrectForm(
        request.POST or None, initial=forms.StepCorrectForm.values_of(step)
    )
    anchor = f"#buoc-{step.pk}"
    if (
        request.method == "POST"
        and form.is_valid()
        and _call(form, corrections.step_correct, step, **form.service_args()) is not None
    ):
        return _done(request, inspection, f"bước «{step.get_step_display()}»", anchor)
    return _page(request, inspection, form, f"Sửa bước «{step.get_step_display()}»", anchor)


def team_correct(request, pk: int):
    inspection = _editable(request, pk)
    form = forms.TeamCorrectForm(
        request.POST or None, initial=forms.TeamCorrectForm.values_of(inspection)
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _call(form, corrections.team_correct, inspection, **form.service_args()) is not None
    ):
        return _done(request, inspection, "đoàn (tổ) kiểm tra, giám sát")
    return _page(request, inspection, form, "Sửa đoàn (tổ) kiểm tra, giám sát")


def conclusion_correct(request, pk: int, subject_pk: int):
    inspection = _editable(request, pk)
    subject = inspection.subjects.filter(pk=subject_pk).exclude(result="").first()
    if subject is None:
        raise Http404("Không có kết luận này.")
    subject.inspection = inspection
    results = SUPERVISION_RESULTS if inspection.kind in SUPERVISION_KINDS else INSPECTION_RESULTS
    form = forms.ConclusionCorrectForm(
        request.POST or None,
        results=[(r.value, r.label) for r in results],
        initial=forms.ConclusionCorrectForm.values_of(subject),
    )
    anchor = f"#doi-tuong-{subject.pk}"
    if request.method == "POST" and form.is_valid():
        args = form.service_args()
        if _call(form, corrections.conclusion_correct, subject, **args) is not None:
            return _done(request, inspection, f"kết luận đối với {subject.name}", anchor)
    return _page(request, inspection, form, f"Sửa kết luận đối với {subject.name}", anchor)


def subject_remove(request, pk: int, subject_pk: int):
    inspection = _editable(request, pk)
    subject = inspection.subjects.filter(pk=subject_pk).first()
    if subject is None:
        raise Http404("Không có đối tượng này.")
    subject.inspection = inspection
    form = forms.SubjectRemoveForm(request.POST or None, initial={"version": inspection.version})
    if (
        request.method == "POST"
        and form.is_valid()
        and _call(form, corrections.subject_remove, subject, **form.service_args()) is not None
    ):
        return _done(request, inspection, f"danh sách đối tượng (bỏ {subject.name})")
    title = f"Bỏ đối tượng ghi nhầm: {subject.name}"
    return _page(request, inspection, form, title, f"#doi-tuong-{subject.pk}")


def follow_up_correct(request, pk: int, follow_up_pk: int):
    inspection = _editable(request, pk)
    follow_up = inspection.follow_ups.filter(pk=follow_up_pk).first()
    if follow_up is None:
        raise Http404("Không có kiến nghị này.")
    follow_up.inspection = inspection
    form = forms.FollowUpCorrectForm(
        request.POST or None, initial=forms.FollowUpCorrectForm.values_of(follow_up)
    )
    anchor = f"#kien-nghi-{follow_up.pk}"
    if (
        request.method == "POST"
        and form.is_valid()
        and _call(form, corrections.follow_up_correct, follow_up, **form.service_args()) is not None
    ):
        return _done(request, inspection, "kiến nghị", anchor)
    return _page(request, inspection, form, "Sửa kiến nghị và việc thực hiện", anchor)
