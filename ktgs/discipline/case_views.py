"""Pages of discipline cases: list (with the inspections' proposals waiting), open a case (also
from a proposal), the case with its violations, limitation dates, votes, decision and appeals,
and the forms that record each step. The decision form offers only the forms this body may
impose on this subject for these violations (rules in force today; the service checks again on
the signing date).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ktgs.accounts.access import RECORDS_CHANGE, RECORDS_DECIDE, RECORDS_VIEW
from ktgs.audit.reads import record_read, record_reads
from ktgs.core import keyset
from ktgs.core.choices import DisciplineForm
from ktgs.core.models import Secrecy
from ktgs.discipline import appeals, decisions, services
from ktgs.discipline import case_forms as forms
from ktgs.discipline.limitation import subject_violation_starts, violation_count
from ktgs.discipline.models import Appeal, Decision, DisciplineCase
from ktgs.inspections.choices import ProposalStatus
from ktgs.inspections.models import DisciplineProposal, Inspection
from ktgs.orgs.models import Body
from ktgs.rules import discipline as rules
from ktgs.rules.lookup import RuleNotInForce

PAGE_SIZE = 50
CASE_ORDER = ("-opened_on", "-pk")  # the latest opened first; the id (unique) breaks ties
CASE_GONE = "Vụ việc làm mốc của trang này không còn trong danh sách; danh sách hiện lại từ đầu."


def _case_or_404(request, pk: int) -> DisciplineCase:
    case = (
        DisciplineCase.objects.live()
        .filter(pk=pk)
        .select_related("body", "unit", "subject_unit", "member", "taken_over_from")
        .first()
    )
    if case is None or not request.scope.sees(case):
        raise Http404("Không tìm thấy vụ việc kỷ luật.")
    return case


def _editable(request, pk: int, family: str = RECORDS_CHANGE) -> DisciplineCase:
    case = _case_or_404(request, pk)
    if not request.scope.may_change(case, family):
        raise PermissionDenied("Vai trò của đồng chí không được thực hiện việc này ở vụ việc này.")
    return case


def _call(form, service, /, *args, **kwargs):
    try:
        return service(*args, **kwargs)
    except ValidationError as exc:
        forms.attach_errors(form, exc, forms.ALIASES)
        return None


def _page(request, template: str, **context):
    return render(request, f"cases/{template}", context)


@require_GET
def case_list(request):
    if not request.scope.may_anywhere(RECORDS_VIEW):
        raise PermissionDenied("Vai trò của đồng chí không xem hồ sơ kỷ luật.")
    rows = (
        request.scope.visible(DisciplineCase.objects.live(), listing=True)
        .select_related("body", "member", "subject_unit", "decision")
        .order_by(*CASE_ORDER)
    )
    # keyset pages, the latest opened first, the count capped (ktgs.core.keyset)
    page = keyset.keyset_page(rows, request.GET, order=CASE_ORDER, size=PAGE_SIZE, gone=CASE_GONE)
    record_reads(page.object_list, unit_id=lambda case: case.unit_id)  # who each is about
    proposals = []
    if request.scope.may_anywhere(RECORDS_CHANGE):
        seen = request.scope.visible(Inspection.objects.live())
        proposals = list(
            DisciplineProposal.objects.filter(status=ProposalStatus.OPEN, inspection__in=seen)
            .select_related("inspection__body", "subject")
            .order_by("-proposed_on")[:50]
        )
    pager = keyset.pager(request.GET, page)
    return _page(request, "list.html", page=page, pager=pager, proposals=proposals)


def case_create(request):
    if not request.scope.may_anywhere(RECORDS_CHANGE):
        raise PermissionDenied("Vai trò của đồng chí không được mở vụ việc kỷ luật.")
    proposal = None
    if (pk := request.GET.get("de-nghi", "")).isdigit():
        proposal = (
            DisciplineProposal.objects.filter(pk=int(pk), status=ProposalStatus.OPEN)
            .select_related("inspection__body", "subject")
            .first()
        )
        if proposal is None or not request.scope.sees(proposal.inspection):
            raise Http404("Không tìm thấy đề nghị xem xét kỷ luật.")
    initial = {"opened_on": timezone.localdate()}
    if proposal is not None:
        initial["body"] = proposal.inspection.body
        form = forms.ProposalCaseForm(request.POST or None, initial=initial, scope=request.scope)
    else:
        form = forms.CaseForm(request.POST or None, initial=initial, scope=request.scope)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if proposal is not None:
            case = _call(
                form,
                services.case_from_proposal,
                proposal,
                body=d["body"],
                opened_on=d["opened_on"],
            )
        else:
            case = _call(
                form,
                services.case_open,
                body=d["body"],
                member=d["member"],
                unit=d.get("unit"),
                origin=d["origin"],
                opened_on=d["opened_on"],
                secrecy=d["secrecy"],
            )
        if case is not None:
            messages.success(request, f"Đã mở {case}.")
            return redirect("cases:detail", pk=case.pk)
    return _page(request, "form.html", form=form, proposal=proposal, title="Mở vụ việc kỷ luật")


def _limitation_rows(case: DisciplineCase, forms_allowed) -> list[dict]:
    """Per violation that has ended: the last day the competent body may conclude, per form
    (none for a category without limitation; restarted by a later violation of the subject)."""
    concluded = case.warranted_on or timezone.localdate()
    pauses, starts = list(case.pauses.all()), subject_violation_starts(case)
    rows = []
    for v in case.violations.all():
        if v.continuing or v.ended_on is None:
            rows.append({"violation": v, "continuing": True})
            continue
        per_form = []
        for form in forms_allowed:
            try:
                count = violation_count(
                    case, v, form, concluded, unit=case.unit, starts=starts, pauses=pauses
                )
            except RuleNotInForce as exc:
                per_form.append({"form": form, "error": exc.messages[0]})
                continue
            per_form.append(
                {
                    "form": DisciplineForm(form).label,
                    "ends": count.ends,
                    "expired": count.ends is not None and concluded > count.ends,
                    "no_limit_category": count.why_none == "category",
                    "restarted_from": count.counted_from if count.restarted else None,
                    "citation": count.citations,
                }
            )
        rows.append({"violation": v, "per_form": per_form})
    return rows


def case_detail(request, pk: int):
    case = _case_or_404(request, pk)
    if case.secrecy != Secrecy.NORMAL:
        record_read(case, unit_id=case.unit_id)
    decision = Decision.objects.filter(case=case).select_related("body__unit").first()
    try:
        allowed = rules.sanction_forms(
            case.subject_kind, timezone.localdate(), unit=case.unit
        ).forms
    except RuleNotInForce:
        allowed = ()
    return _page(
        request,
        "detail.html",
        case=case,
        limitation=_limitation_rows(case, allowed),
        pauses=list(case.pauses.all()),
        votes=list(case.votes.select_related("body")),
        decision=decision,
        appeals=list(decision.appeals.select_related("resolver", "new_decision"))
        if decision
        else [],
        can_change=request.scope.may_change(case),
        can_decide=request.scope.may_change(case, RECORDS_DECIDE),
        can_correct_decision=bool(decision) and request.scope.may_change(decision, RECORDS_DECIDE),
    )


def violation_add(request, pk: int):
    case = _editable(request, pk)
    form = forms.ViolationForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _call(form, services.violation_add, case, **form.cleaned_data) is not None
    ):
        messages.success(request, "Đã ghi vi phạm.")
        return redirect("cases:detail", pk=case.pk)
    return _page(request, "step.html", form=form, case=case, title="Ghi vi phạm")


def statements(request, pk: int):
    case = _editable(request, pk)
    initial = forms.StatementsEditForm.values_of(case)
    form = forms.StatementsEditForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and _call(form, services.case_statements, case, **form.cleaned_data) is not None
    ):
        messages.success(request, "Đã ghi.")
        return redirect("cases:detail", pk=case.pk)
    return _page(
        request, "step.html", form=form, case=case, title="Tự kiểm điểm, tình tiết, bảo lưu"
    )


def pause_add(request, pk: int):
    case = _editable(request, pk)
    form = forms.PauseForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _call(form, services.pause_add, case, **form.cleaned_data) is not None
    ):
        messages.success(request, "Đã ghi thời gian không tính thời hiệu.")
        return redirect("cases:detail", pk=case.pk)
    return _page(request, "step.html", form=form, case=case, title="Thời gian không tính thời hiệu")


def vote_add(request, pk: int):
    case = _editable(request, pk)
    try:
        allowed = rules.sanction_forms(
            case.subject_kind, timezone.localdate(), unit=case.unit
        ).forms
    except RuleNotInForce:
        allowed = tuple(DisciplineForm.values)
    form = forms.VoteForm(
        request.POST or None,
        scope=request.scope,
        forms_allowed=allowed,
        initial={"voted_on": timezone.localdate(), "body": case.body, "role": "decide"},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        vote = _call(
            form,
            decisions.vote_record,
            case,
            body=d["body"],
            role=d["role"],
            voted_on=d["voted_on"],
            counts=form.counts(),
            denominator=d.get("denominator"),
        )
        if vote is not None:
            reached = vote.get_proposed_form_display() if vote.proposed_form else "không đạt"
            messages.success(request, f"Đã ghi biểu quyết: {reached}.")
            return redirect("cases:detail", pk=case.pk)
    return _page(request, "step.html", form=form, case=case, title="Ghi kết quả biểu quyết")


def _offered_forms(case: DisciplineCase, body: Body) -> tuple[list, str]:
    """(choices, explanation): the forms this body may decide for this subject and these
    violations under the rules in force today."""
    today = timezone.localdate()
    try:
        allowed = rules.sanction_forms(case.subject_kind, today, unit=body.unit).forms
        kinds = sorted(set(case.violations.values_list("kind", flat=True))) or ["conduct"]
        per_kind = [decisions.competence_for(body, case, kind, today) for kind in kinds]
    except RuleNotInForce as exc:
        return [], exc.messages[0]
    choices = [
        (f, DisciplineForm(f).label)
        for f in allowed
        if all(per_form.get(f) == "decide" for per_form, _c, _l in per_kind)
    ]
    proposable = [
        DisciplineForm(f).label.lower()
        for f in allowed
        if (f, DisciplineForm(f).label) not in choices
        and any(per_form.get(f) == "propose" for per_form, _c, _l in per_kind)
    ]
    note = f"Theo {per_kind[0][1]}." if per_kind else ""
    if proposable:
        note += f" {body.name} chỉ được đề nghị: {', '.join(proposable)}."
    return choices, note


def decision_make(request, pk: int):
    case = _editable(request, pk, RECORDS_DECIDE)
    vote = (
        case.votes.filter(role="decide")
        .select_related("body__unit__kind")
        .order_by("-voted_on")
        .first()
    )
    if vote is None:
        messages.error(request, "Ghi biểu quyết quyết định kỷ luật trước khi ghi quyết định.")
        return redirect("cases:detail", pk=case.pk)
    choices, note = _offered_forms(case, vote.body)
    form = forms.DecisionForm(
        request.POST or None,
        choices=choices,
        initial={"form": vote.proposed_form, "signed_on": vote.voted_on},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        decision = _call(form, decisions.decision_make, case, body=vote.body, **d)
        if decision is not None:
            messages.success(request, f"Đã ghi quyết định: {decision}.")
            return redirect("cases:detail", pk=case.pk)
    return _page(
        request, "decide.html", form=form, case=case, vote=vote, note=note, choices=choices
    )


def _resolvers(decision: Decision):
    """Bodies that may resolve an appeal: those of the units above the deciding one, and for a
    UBKT's decision the committee and standing committee of its own unit."""
    path = decision.body.unit.path
    ancestors = [path[:i] for i in range(7, len(path), 7)]
    qs = Body.objects.filter(unit__path__in=ancestors, kind__in=forms.DECIDING_BODIES)
    if decision.body.kind == "inspection":
        qs = qs | Body.objects.filter(
            unit_id=decision.body.unit_id, kind__in=("committee", "standing")
        )
    return qs.select_related("unit__kind").order_by("unit__path", "kind")


def appeal_add(request, pk: int):
    decision = Decision.objects.live().filter(pk=pk).select_related("body__unit").first()
    if decision is None or not request.scope.sees(decision):
        raise Http404("Không tìm thấy quyết định kỷ luật.")
    if not request.scope.may_change(decision):
        raise PermissionDenied("Vai trò của đồng chí không được ghi khiếu nại.")
    form = forms.AppealForm(
        request.POST or None,
        resolvers=_resolvers(decision),
        initial={"filed_on": timezone.localdate()},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _call(form, appeals.appeal_file, decision, **form.cleaned_data) is not None
    ):
        messages.success(
            request, "Đã ghi khiếu nại; quyết định vẫn có hiệu lực khi chờ giải quyết."
        )
        return _back(decision)
    return _page(
        request, "appeal.html", form=form, decision=decision, title="Ghi khiếu nại kỷ luật"
    )


def appeal_resolve(request, pk: int):
    appeal = (
        Appeal.objects.filter(pk=pk)
        .select_related("decision__body__unit", "resolver__unit")
        .first()
    )
    if appeal is None or not request.scope.sees(appeal.decision):
        raise Http404("Không tìm thấy khiếu nại.")
    if not request.scope.may_change(appeal, RECORDS_DECIDE):
        raise PermissionDenied("Vai trò của đồng chí không được ghi kết quả giải quyết khiếu nại.")
    form = forms.AppealResolveForm(
        request.POST or None, initial={"resolved_on": timezone.localdate()}
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _call(form, appeals.appeal_resolve, appeal, **form.cleaned_data) is not None
    ):
        messages.success(request, "Đã ghi kết quả giải quyết khiếu nại.")
        return _back(appeal.decision)
    return _page(
        request, "appeal.html", form=form, decision=appeal.decision, title="Giải quyết khiếu nại"
    )


def _back(decision: Decision):
    if decision.case_id:
        return redirect("cases:detail", pk=decision.case_id)
    if decision.member_id:
        return redirect("orgs:member_detail", code=decision.member.code)
    return redirect("discipline:list")
