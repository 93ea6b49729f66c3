"""Discipline pages: the list of decisions (filters, and the rows behind each figure) and the
figures per deciding body and sanction (docs/discipline-counting.md).

* The list (`/ky-luat/`) needs RECORDS_VIEW somewhere; it lists the standing decisions the
  reader sees (`scope.visible`). Opened from a figure (`so-lieu=1`) it needs RECORDS_VIEW on the
  unit and lists every decision counted in that figure: one above the reader's clearance is a
  "hạn chế" row (no name, no number), so the rows add up to the figure.
* The figures (`/ky-luat/so-lieu/`) need UNITS_VIEW or RECORDS_VIEW on the unit; every decision
  counts whatever the reader's clearance.

The unit (`don-vi`), and the member who is the subject (`dang-vien`), are picked as in every filter (`orgs.unit_filter`): a code, a chosen
suggestion or a unique name; a name matching several units or none (a unit outside the scope is
one that does not exist) is shown next to the field, and the page lists without that filter
(the figures: those of the user's top unit). The page's links carry the unit's code.
"""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Value, When
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from ktgs.accounts.access import RECORDS_DECIDE, RECORDS_VIEW
from ktgs.audit.reads import record_reads
from ktgs.core.choices import DisciplineForm
from ktgs.core.vietnamese import format_date, parse_date
from ktgs.discipline import counting
from ktgs.discipline.effect import with_effect_facts
from ktgs.discipline.models import Decision
from ktgs.inspections.counting_views import read_query, term_start
from ktgs.orgs.models import Body, OrgUnit, ancestor_paths
from ktgs.orgs.selectors import scope_roots
from ktgs.orgs.unit_filter import MemberFilter, UnitFilter, read_member_filter, read_unit_filter

PAGE_SIZE = 50
NO_RECORDS = "Vai trò của đồng chí không xem hồ sơ kỷ luật."
NO_ROWS = "Vai trò của đồng chí chỉ xem số liệu, không xem danh sách quyết định kỷ luật."
SUBJECT_CHOICES = [
    (counting.ORGANISATIONS, "Tổ chức đảng"),
    (counting.MEMBERS, "Đảng viên"),
    (counting.COMMITTEE_MEMBERS, "Đảng viên là cấp ủy viên"),
]
# The figures' columns: (subject, forms) — a form an organisation cannot receive is left out.
COLUMNS = (
    (
        counting.ORGANISATIONS,
        (DisciplineForm.REPRIMAND, DisciplineForm.WARNING, DisciplineForm.DISSOLUTION),
    ),
    (
        counting.MEMBERS,
        (
            DisciplineForm.REPRIMAND,
            DisciplineForm.WARNING,
            DisciplineForm.REMOVAL,
            DisciplineForm.EXPULSION,
        ),
    ),
    (
        counting.COMMITTEE_MEMBERS,
        (
            DisciplineForm.REPRIMAND,
            DisciplineForm.WARNING,
            DisciplineForm.REMOVAL,
            DisciplineForm.EXPULSION,
        ),
    ),
)
TALLY = {
    counting.ORGANISATIONS: "organisations",
    counting.MEMBERS: "members",
    counting.COMMITTEE_MEMBERS: "committee_members",
}


@dataclass
class ListQuery:
    unit: OrgUnit | None
    start: date | None
    end: date | None
    body: str
    form: str
    subject: str
    figures: bool  # opened from a figure: every counted decision, restricted rows marked
    errors: list[str]
    unit_filter: UnitFilter  # the unit field as typed, its message
    member_filter: MemberFilter  # the member who is the subject, by name or code

    @property
    def member(self):
        return self.member_filter.member

    def params(self, **more) -> str:
        values = {
            "don-vi": self.unit.code if self.unit else "",
            "tu": format_date(self.start) if self.start else "",
            "den": format_date(self.end) if self.end else "",
            "co-quan": self.body,
            "hinh-thuc": self.form,
            "doi-tuong": self.subject,
            "dang-vien": self.member.code if self.member else "",
        }
        if self.figures:
            values["so-lieu"] = "1"
        return urlencode({k: v for k, v in (values | more).items() if v})


def _day(text: str, label: str, errors: list[str]) -> date | None:
    if not text.strip():
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        errors.append(f"{label}: {exc}")
        return None


def _list_query(request) -> ListQuery:
    g = request.GET
    scope = request.scope
    picked = read_unit_filter(request, "don-vi", label="Đối tượng thuộc tổ chức (gồm cấp dưới)")
    member_f = read_member_filter(request, "dang-vien", label="Đối tượng là đảng viên")
    unit = picked.unit
    figures = g.get("so-lieu") == "1"
    if figures and unit is None:
        unit = scope_roots(scope=scope).first()
        if not picked.text:
            picked.unit = unit  # the field shows the unit of the figures
    if not scope.may_anywhere(RECORDS_VIEW) or (
        figures and (unit is None or not scope.may(RECORDS_VIEW, unit.path))
    ):
        raise PermissionDenied(NO_ROWS if figures else NO_RECORDS)
    errors: list[str] = []
    start = _day(g.get("tu", ""), "Từ ngày", errors)
    end = _day(g.get("den", ""), "Đến ngày", errors)
    if figures:
        today = timezone.localdate()
        start, end = start or term_start(unit, today), end or today
    if start and end and start > end:
        errors.append(
            f"«Từ ngày» ({format_date(start)}) sau «Đến ngày» ({format_date(end)}): đổi lại "
            "khoảng thời gian; danh sách đang không lọc theo ngày."
        )
        start = end = None
    body = g.get("co-quan", "").strip()
    if not counting.valid_body_key(body):
        raise Http404("Không có cơ quan này.")
    form = g.get("hinh-thuc", "")
    subject = g.get("doi-tuong", "")
    return ListQuery(
        unit,
        start,
        end,
        body,
        form if form in DisciplineForm.values else "",
        subject if subject in counting.METRIC_LABELS else "",
        figures,
        errors,
        picked,
        member_f,
    )


def _filtered(q: ListQuery):
    rows = counting.live_decisions()
    if q.unit:
        rows = rows.filter(subject_unit__path__startswith=q.unit.path)
    if q.member:
        rows = rows.filter(member=q.member)
    if q.start:
        rows = rows.filter(signed_on__gte=q.start)
    if q.end:
        rows = rows.filter(signed_on__lte=q.end)
    rows = rows.filter(counting.body_filter(q.unit, q.body), counting.metric_filter(q.subject))
    if q.form:
        rows = rows.filter(form=q.form)
    return rows


@require_GET
def decision_list(request):
    q = _list_query(request)
    scope = request.scope
    rows = _filtered(q)
    if q.figures:
        rows = rows.annotate(
            restricted=Case(
                When(secrecy__in=scope.secrecy_levels, then=Value(False)),
                default=Value(True),
                output_field=BooleanField(),
            )
        )
    else:
        rows = scope.visible(rows, listing=True).annotate(
            restricted=Value(False, output_field=BooleanField())
        )
    rows = (
        with_effect_facts(rows)
        .select_related("body__unit", "subject_unit", "member", "committee_unit")
        .order_by("-signed_on", "-pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = [d for d in page.object_list if not d.restricted]  # a restricted row names no one
    for d in shown:  # a decision with no case (imported) is corrected from here
        d.correctable = not d.case_id and scope.may_change(d, RECORDS_DECIDE)
    record_reads(shown, unit_id=lambda d: d.body.unit_id)
    bodies = _bodies(scope, q.body)
    return render(
        request,
        "discipline/list.html",
        {
            "page": page,
            "q": q,
            "pager_query": q.unit_filter.pager_query(q.member_filter.query(request.GET), q.unit),
            "bodies": bodies.order_by("unit__path", "kind"),
            "grassroots": counting.GRASSROOTS,
            "grassroots_name": counting.GRASSROOTS_NAME,
            "grassroots_parts": counting.GRASSROOTS_PARTS.items(),
            "forms": DisciplineForm.choices,
            "subjects": SUBJECT_CHOICES,
            "figures_url": f"{reverse('discipline:figures')}?{q.params(**{'so-lieu': ''})}"
            if q.figures
            else "",
        },
    )


def _bodies(scope, asked: str):
    """The bodies «Cơ quan» offers: those above the grassroots level that have signed a
    decision, in the units the user reads and in the units above them (a higher body's decision
    on one of their members), and the one asked for wherever it is (a figure's link). Not every
    body of the nation: a province reads its own hundred, where the nation has thousands."""
    roots = scope.roots_for(RECORDS_VIEW)
    where = Q(unit__path__in={path for root in roots for path in ancestor_paths(root)})
    for root in roots:
        where |= Q(unit__path__startswith=root)
    if asked.isdigit():
        where |= Q(pk=int(asked))
    return Body.objects.filter(where, Exists(Decision.objects.filter(body=OuterRef("pk")))).exclude(
        unit__kind__level__in=counting.GRASSROOTS_LEVELS
    )


@dataclass
class Cell:
    n: int
    href: str


def _cells(row: counting.BodyRow, list_params: str, may_drill: bool) -> list[Cell]:
    base = reverse("discipline:list")
    cells = []
    for subject, forms in COLUMNS:
        tally = getattr(row, TALLY[subject])
        for form in (*forms, ""):
            n = tally.by_form.get(form, 0) if form else tally.total
            extra = {"co-quan": row.key, "doi-tuong": subject, "hinh-thuc": form}
            extra = urlencode({k: v for k, v in extra.items() if v})
            href = f"{base}?{list_params}&{extra}" if n and may_drill else ""
            cells.append(Cell(n, href))
    return cells


@require_GET
def figures(request):
    query = read_query(request)  # the unit in scope and readable (else the top unit), the dates
    figures = counting.count(query.unit, query.start, query.end)
    may_drill = request.scope.may(RECORDS_VIEW, query.unit.path)
    list_params = urlencode(
        {
            "so-lieu": "1",
            "don-vi": query.unit.code,
            "tu": format_date(query.start),
            "den": format_date(query.end),
        }
    )
    rows = [(r, _cells(r, list_params, may_drill)) for r in figures.rows]
    return render(
        request,
        "discipline/figures.html",
        {
            "q": query,
            "rows": rows,
            "total": _cells(figures.total, list_params, may_drill),
            "columns": [
                (dict(SUBJECT_CHOICES)[subject], [DisciplineForm(f).label for f in forms])
                for subject, forms in COLUMNS
            ],
            "may_drill": may_drill,
        },
    )


@require_GET
def decision_print(request, pk: int):
    """The decision as a Party-format DOCX: whoever sees the record may print it; a restricted
    record goes to the access log."""
    from ktgs.audit.reads import record_read
    from ktgs.core.models import Secrecy
    from ktgs.discipline.printing import decision_docx
    from ktgs.documents.printing import docx_response

    decision = Decision.objects.live().filter(pk=pk).select_related("body__unit").first()
    if decision is None or not request.scope.sees(decision):
        raise Http404("Không tìm thấy quyết định kỷ luật.")
    if decision.secrecy != Secrecy.NORMAL:
        record_read(decision, unit_id=decision.body.unit_id)
    return docx_response(decision_docx(decision), f"quyet-dinh-ky-luat-{decision.pk}")
