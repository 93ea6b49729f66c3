"""The report page of a unit and its XLSX (docs/reports.md, "Chỉ tiêu và biểu").

`/bao-cao/<code>/` shows the tables of `tables.py` for the unit over a period: each figure a link
to the records it counts, the previous period's figure beside it (with `luy-ke=1`: the figures
"lũy kế từ đầu nhiệm kỳ", from the first day of the unit's term to the period's end, the
period's own figure beside each; the XLSX has both, a sheet "LK …" per table for the latter), and the reconciliation flags
(a total that is not the sum of its parts; with `doi-chieu=1`, a unit's additive figure that is
not its own part plus its sub-units'). Like the figures pages it needs UNITS_VIEW or RECORDS_VIEW
on the unit (every record counts whatever the reader's clearance; the records behind a figure
are listed by the counting pages, with "hạn chế" rows); a unit outside the scope is a 404.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from ktgs.accounts.access import RECORDS_CHANGE, RECORDS_DECIDE, RECORDS_VIEW, UNITS_VIEW
from ktgs.core.vietnamese import format_date
from ktgs.orgs import asof, selectors
from ktgs.orgs.models import OrgUnit
from ktgs.reports import tables
from ktgs.reports.indicators import Context
from ktgs.reports.periods import Period, PeriodError, PeriodKind, UnitPeriods, term_name
from ktgs.reports.xlsx import XLSX, workbook_bytes

NO_FIGURES = "Vai trò của đồng chí không xem số liệu của tổ chức này."
NO_UNIT = "Không tìm thấy tổ chức đảng này trong phạm vi của đồng chí."


@dataclass
class Asked:
    """The period asked (`reports.periods`: `?ky=nam&nam=2023`, `?tu=&den=`, …) and what was
    wrong with the query string (the page then shows the default period)."""

    period: Period
    errors: list[str] = field(default_factory=list)

    @property
    def start(self) -> date:
        return self.period.start

    @property
    def end(self) -> date:
        return self.period.end

    def params(self) -> str:
        return urlencode(self.period.params())


def read_period(request, unit: OrgUnit) -> Asked:
    """The period the query string names; by default 1 January of this year … today. A period
    that cannot be read is said (PeriodError's message) and replaced by the default."""
    periods = UnitPeriods(unit)
    today = periods.today
    errors: list[str] = []
    try:
        period = periods.parse(request.GET)
    except PeriodError as exc:
        errors.append(f"{exc} Trang đang hiện từ đầu năm đến hôm nay.")
        period = None
    return Asked(period or periods.range(date(today.year, 1, 1), today), errors)


def _unit(request, code: str) -> OrgUnit:
    unit = selectors.unit_get(scope=request.scope, code=code)
    if unit is None:
        raise Http404(NO_UNIT)
    scope = request.scope
    if not (scope.may(UNITS_VIEW, unit.path) or scope.may(RECORDS_VIEW, unit.path)):
        raise PermissionDenied(NO_FIGURES)
    return unit


@dataclass(frozen=True)
class Cumulative:
    """The range "lũy kế từ đầu nhiệm kỳ": from the first day of the unit's term holding the
    period's end (`Period.cumulative`) to that end; labelled as a report writes it."""

    start: date
    end: date
    term: str

    @property
    def dates_label(self) -> str:
        return f"từ {format_date(self.start)} đến {format_date(self.end)}"

    @property
    def label(self) -> str:
        return f"lũy kế từ đầu nhiệm kỳ {self.term}"


def cumulative(period: Period) -> Cumulative | None:
    """None when no term of the unit holds the period's end."""
    if period.cumulative is None:
        return None
    start, end = period.cumulative
    return Cumulative(start, end, term_name(period.term.name))


def no_term(period: Period) -> str:
    return (
        f"Tổ chức đảng này chưa ghi nhiệm kỳ của cấp ủy vào ngày {format_date(period.end)}, nên "
        "không có số lũy kế từ đầu nhiệm kỳ; trang hiện số liệu trong kỳ."
    )


def build_cumulative(unit: OrgUnit, period: Period, cum: Cumulative, within: Context | None = None):
    """(the cumulative context, its tables): the figures over [term start, period end], the
    period's own figure beside each (as the "previous" figure of the page). `within`: the
    period's context when the caller has computed it already (its families are reused)."""
    ctx = Context(unit, cum.start, cum.end)
    within = Context(unit, period.start, period.end) if within is None else within
    return ctx, [tables.compute(t, ctx, within) for t in tables.tables()]


def build(unit: OrgUnit, period: Period, *, previous: bool = True):
    """(the context, the previous period or None, the computed tables): each family once for the
    period and once for the previous one (`Period.previous`: the same period a year before, the
    month or the term before)."""
    ctx = Context(unit, period.start, period.end)
    before = period.previous() if previous else None
    prev = Context(unit, before.start, before.end) if before else None
    return ctx, before, [tables.compute(t, ctx, prev) for t in tables.tables()]


@require_GET
def index(request):
    """The report of the user's top unit."""
    unit = selectors.scope_roots(scope=request.scope).first()
    if unit is None:
        raise PermissionDenied(NO_FIGURES)
    _unit(request, unit.code)
    return redirect("reports:unit", code=unit.code)


@require_GET
def unit_report(request, code: str):
    unit = _unit(request, code)
    asked = read_period(request, unit)
    cum = cumulative(asked.period)
    wants_cum = request.GET.get("luy-ke") == "1"
    if wants_cum and cum is None:
        asked.errors.append(no_term(asked.period))
    if wants_cum and cum is not None:
        ctx, computed = build_cumulative(unit, asked.period, cum)
        before = None
    else:
        ctx, before, computed = build(unit, asked.period)
        cum = cum if not wants_cum else None
    check = request.GET.get("doi-chieu") == "1"
    subunit_flags = {}
    if check:
        nodes = asof.unit_children_on(scope=request.scope, parent=unit, day=asked.end)
        children = [n.unit for n in nodes]
        for c in computed:
            subunit_flags[c.table.key] = tables.check_subunits(c.table, ctx, children)
    sections = [{"c": c, "flags": c.flags + subunit_flags.get(c.table.key, [])} for c in computed]
    return render(
        request,
        "reports/unit.html",
        {
            "unit": unit,
            "period": asked.period,
            "asked": asked,
            "previous": before,
            "sections": sections,
            "check": check,
            "may_drill": request.scope.may(RECORDS_VIEW, unit.path),
            "may_write": request.scope.may(RECORDS_CHANGE, unit.path),
            "period_fields": sorted(asked.period.params().items()),
            "params": asked.params(),
            "cumulative": cum,
            "showing_cumulative": wants_cum and cum is not None,
            "kinds": [(k, label) for k, label in PeriodKind.choices if k != PeriodKind.RANGE],
        },
    )


@require_GET
def unit_xlsx(request, code: str):
    unit = _unit(request, code)
    asked = read_period(request, unit)
    if asked.errors:  # the page says what is wrong with the period
        return redirect(f"{reverse('reports:unit', args=[unit.code])}?{request.GET.urlencode()}")
    period = asked.period
    ctx, _before, computed = build(unit, period, previous=False)
    cum = cumulative(period)
    extra = [(cum, build_cumulative(unit, period, cum, within=ctx)[1])] if cum else []
    response = HttpResponse(workbook_bytes(unit, period, computed, extra), content_type=XLSX)
    name = f"bao-cao-{unit.code}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- the narrative review's drafts (docs/reports.md, «Báo cáo thuyết minh») -------------------


def _draft(request, code: str, pk: int):
    from ktgs.reports.models import ReportDraft

    unit = _unit(request, code)
    draft = ReportDraft.objects.filter(pk=pk, unit=unit).select_related("unit").first()
    if draft is None:
        raise Http404("Không tìm thấy dự thảo báo cáo này.")
    return unit, draft


@require_GET
def draft_list(request, code: str):
    from ktgs.reports.drafts import may_write
    from ktgs.reports.models import ReportDraft

    unit = _unit(request, code)
    drafts = ReportDraft.objects.filter(unit=unit).select_related("created_by", "updated_by")
    return render(
        request,
        "reports/drafts.html",
        {"unit": unit, "drafts": drafts, "may_write": may_write(request.scope, unit)},
    )


@require_POST
def draft_create(request, code: str):
    """Generate the review of the period the form names (the report page's period) and open
    the draft; a period that cannot be read or has no figures goes back to the report page
    with the reason (nothing saved)."""
    from ktgs.reports import drafts

    unit = _unit(request, code)
    if not drafts.may_write(request.scope, unit):
        raise PermissionDenied(drafts.NO_WRITE)
    fields = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    back = f"{reverse('reports:unit', args=[unit.code])}?{urlencode(fields)}"  # no token in a URL
    try:
        period = UnitPeriods(unit).parse(fields)
        if period is None:
            raise PeriodError("Chưa chọn kỳ báo cáo: đồng chí chọn kỳ rồi bấm «Soạn báo cáo».")
        draft = drafts.draft_create(
            scope=request.scope, unit=unit, period=period, user=request.user
        )
    except PeriodError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(back)
    messages.success(request, "Đã soạn dự thảo báo cáo từ số liệu của kỳ.")
    return redirect("reports:draft", code=unit.code, pk=draft.pk)


def draft_detail(request, code: str, pk: int):
    """The draft: each paragraph in a textarea (for a user who may write reports of the unit),
    the generated ones flagged when the records now give other figures, with a button to write
    them again."""
    from ktgs.reports import drafts

    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    unit, draft = _draft(request, code, pk)
    may_write = drafts.may_write(request.scope, unit)
    errors: list[str] = []
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied(drafts.NO_WRITE)
        action = request.POST.get("action", "luu")
        try:
            with transaction.atomic():  # the clerk's edits are kept before any other action
                draft = drafts.draft_save(
                    scope=request.scope,
                    draft=draft,
                    title=request.POST.get("tieu-de", ""),
                    texts=request.POST.getlist("doan"),
                    user=request.user,
                )
            if action.startswith("tao-lai-"):
                drafts.draft_regenerate(
                    scope=request.scope, draft=draft, index=_index(action), user=request.user
                )
                messages.success(request, "Đã viết lại đoạn từ số liệu hiện có.")
            elif action.startswith("them-"):
                drafts.draft_add_paragraph(
                    scope=request.scope, draft=draft, after=_index(action), user=request.user
                )
                messages.success(request, "Đã thêm một đoạn để đồng chí viết.")
            else:
                messages.success(request, "Đã lưu dự thảo.")
            return redirect("reports:draft", code=unit.code, pk=draft.pk)
        except ValidationError as exc:
            errors = exc.messages
    outdated = drafts.draft_outdated(draft)
    paragraphs = [
        {"n": n, "p": p, "outdated": outdated.get(n, [])} for n, p in enumerate(draft.paragraphs)
    ]
    return render(
        request,
        "reports/draft.html",
        {
            "unit": unit,
            "draft": draft,
            "paragraphs": paragraphs,
            "may_write": may_write,
            "errors": errors,
            "any_outdated": bool(outdated),
        },
    )


def _index(action: str) -> int:
    try:
        return int(action.rsplit("-", 1)[1])
    except ValueError:
        raise ValidationError("Không có đoạn này trong dự thảo.") from None


OUTDATED_CONFIRM = (
    "Dự thảo nêu số liệu cũ: đồng chí bấm «Viết lại từ số liệu» ở các đoạn có đánh dấu trong dự "
    "thảo, hoặc đánh dấu ô xác nhận in số liệu như trong dự thảo."
)


def _issue_form(data=None, *, initial=None, outdated: bool = False):
    """The fields of a Party document's issue (number, date, place, signer, recipients); with
    `outdated`, a box the user ticks to print a draft whose figures the records now give
    otherwise."""
    from django import forms

    class IssueForm(forms.Form):
        number = forms.CharField(label="Số, ký hiệu", max_length=40)
        on = forms.DateField(label="Ngày ban hành", input_formats=["%d/%m/%Y"])
        place = forms.CharField(
            label="Địa danh",
            max_length=100,
            error_messages={
                "required": "Đồng chí hãy ghi địa danh (ví dụ tên tỉnh): văn bản in dòng "
                "“<địa danh>, ngày … tháng … năm …” dưới tiêu đề Đảng."
            },
        )
        signer_title = forms.CharField(label="Chức vụ người ký", max_length=100, required=False)
        signer = forms.CharField(label="Họ và tên người ký", max_length=100, required=False)
        recipients = forms.CharField(
            label="Nơi nhận (mỗi dòng một nơi)",
            widget=forms.Textarea(attrs={"rows": 3}),
            required=False,
        )

    form = IssueForm(data, initial=initial)
    if outdated:
        form.fields["confirm_outdated"] = forms.BooleanField(
            label="Tôi đã xem và vẫn in số liệu như trong dự thảo",
            error_messages={"required": OUTDATED_CONFIRM},
        )
    return form


@dataclass
class IssuePage:
    """What differs between the documents issued from a form (`issue_page`): the page's texts,
    who may issue, the document (`issue(**fields)` → DOCX bytes, ValidationError when the number
    is taken) and the download's name."""

    heading: str
    back_url: str
    back_label: str
    on: date
    may_issue: bool
    no_right: str
    issue: Callable[..., bytes]  # (**the form's fields) → the DOCX
    filename: str
    outdated: dict = field(default_factory=dict)  # {paragraph: [changes]} of a draft
    template: str = "reports/issue_docx.html"


def issue_page(request, unit: OrgUnit, page: IssuePage):
    """GET: the form to issue a document (the next free "BC" number of the unit's issuing body
    suggested, the date, the place setting); POST: book the number (`documents.number_use`) and
    download the DOCX. A number already used for that type, issuer and term, or a field missing
    → the form again with the message, nothing saved. POST needs `page.may_issue`."""
    from ktgs.documents.printing import docx_response, place_name
    from ktgs.documents.services import suggest_next_number
    from ktgs.reports import docx

    body = docx.issuing_body(unit)
    initial = {"on": format_date(page.on), "place": place_name(), "recipients": "Lưu"}
    problem = ""
    if body is not None:
        try:
            initial["number"] = str(suggest_next_number(body, "BC", page.on))
        except ValidationError as exc:
            problem = " ".join(exc.messages)
    posted = request.method == "POST"
    if posted and not page.may_issue:
        raise PermissionDenied(page.no_right)
    form = _issue_form(
        request.POST if posted else None, initial=initial, outdated=bool(page.outdated)
    )
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            content = page.issue(
                number=data["number"],
                on=data["on"],
                place=data["place"],
                signer_title=data["signer_title"],
                signer=data["signer"],
                recipients=[r.strip() for r in data["recipients"].splitlines() if r.strip()],
            )
        except ValidationError as exc:
            for key, errors in exc.message_dict.items():
                form.add_error(key if key in form.fields else None, errors)
        else:
            return docx_response(content, page.filename)
    return render(
        request,
        page.template,
        {"unit": unit, "page": page, "form": form, "problem": problem},
    )


NO_NUMBER = "Vai trò của đồng chí không được lấy số văn bản của tổ chức này."


def unit_docx(request, code: str):
    """The report's tables as a DOCX (`issue_page`): roles that change or decide records."""
    from ktgs.reports import docx

    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    unit = _unit(request, code)
    asked = read_period(request, unit)
    if asked.errors:
        return redirect(f"{reverse('reports:unit', args=[unit.code])}?{request.GET.urlencode()}")
    period = asked.period

    def issue(**fields) -> bytes:
        _ctx, _before, computed = build(unit, period, previous=False)
        return docx.issue_tables(unit, period, computed, **fields)

    scope = request.scope
    page = IssuePage(
        heading=f"Văn bản biểu số liệu: {period.label}",
        back_url=f"{reverse('reports:unit', args=[unit.code])}?{asked.params()}",
        back_label=f"Báo cáo số liệu: {unit.name}",
        on=period.end,
        may_issue=scope.may(RECORDS_CHANGE, unit.path) or scope.may(RECORDS_DECIDE, unit.path),
        no_right=NO_NUMBER,
        issue=issue,
        filename=f"bao-cao-{unit.code}-{period.start:%Y%m%d}-{period.end:%Y%m%d}",
    )
    return issue_page(request, unit, page)


def draft_docx(request, code: str, pk: int):
    """The draft review as a Party-format report (`issue_page`): only a user who may write the
    unit's reports; a draft whose figures the records now give otherwise asks to write those
    paragraphs again or to confirm printing them as they are."""
    from ktgs.reports import docx, drafts

    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    unit, draft = _draft(request, code, pk)
    if not drafts.may_write(request.scope, unit):
        raise PermissionDenied(drafts.NO_WRITE)
    page = IssuePage(
        heading=f"Xuất văn bản: {draft.title}",
        back_url=reverse("reports:draft", args=[unit.code, draft.pk]),
        back_label=f"Dự thảo: {draft.title}",
        on=draft.ends_on,
        may_issue=True,
        no_right=drafts.NO_WRITE,
        issue=lambda **fields: docx.issue_review(draft, **fields),
        filename=f"bao-cao-{unit.code}-{draft.starts_on:%Y%m%d}-{draft.ends_on:%Y%m%d}-{draft.pk}",
        outdated=drafts.draft_outdated(draft),
    )
    return issue_page(request, unit, page)
