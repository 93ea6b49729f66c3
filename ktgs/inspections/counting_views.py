"""Pages of the official KTGS figures (docs/counting.md): the counts per performing body, and the
rows behind each number.

The counts need UNITS_VIEW or RECORDS_VIEW on the unit (figures only, every record counted
whatever the reader's clearance); the rows need RECORDS_VIEW, and a row above the reader's
clearance is listed as "hạn chế" (no name, no topic, no link).

The unit (`don-vi`) is picked as in every filter (`orgs.unit_filter`): a code, a chosen
suggestion or a unique name. On the figures, a name matching several units or none (a unit
outside the scope is one that does not exist) is shown next to the field, and the figures are
those of the default unit (the user's top unit). The rows behind a number are opened from the
figures' links, which carry the unit's code: there, a unit not found is a 404.
"""

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, Value, When
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ktgs.accounts.access import RECORDS_VIEW, UNITS_VIEW
from ktgs.core.choices import InspectionKind
from ktgs.core.models import Dated
from ktgs.core.vietnamese import format_date, parse_date
from ktgs.inspections import counting
from ktgs.orgs.models import OrgUnit, Term
from ktgs.orgs.selectors import scope_roots
from ktgs.orgs.unit_filter import UnitFilter, read_unit_filter

# URL values of `chi-so` (what a number counts); a kind of inspection is given by its value.
METRIC_SLUGS = {
    "to-chuc": counting.ORGANISATIONS,
    "cap-uy-vien": counting.COMMITTEE_MEMBERS,
    "dang-vien": counting.MEMBERS,
    "vi-pham": counting.VIOLATIONS,
    "vi-pham-ky-luat": counting.VIOLATIONS_DISCIPLINE,
    "dau-hieu": counting.SIGNS,
    "luot-to-chuc": counting.ORGANISATION_CASES,
    "luot-dang-vien": counting.MEMBER_CASES,
    "kiem-tra": counting.INSPECTIONS,
    "giam-sat": counting.SUPERVISIONS,
    "tat-ca": counting.ALL,
    "khong-khuyet-diem": counting.NO_SHORTCOMING,
    "han-che": counting.SHORTCOMINGS,
    "chua-den-ky-luat": counting.NOT_FOR_DISCIPLINE,
    "cuoc-vi-pham": counting.CASES_WITH_VIOLATION,
    **{k: k for k in InspectionKind.values},
}
FOLLOW_UPS = "kien-nghi"  # `chi-so=kien-nghi&tinh-trang=…`: the follow-ups of the conclusions
FOLLOW_UP_STATES = {
    "tat-ca": ("all", "kiến nghị phải theo dõi (đã thực hiện trong kỳ, chưa thực hiện cuối kỳ)"),
    "da-thuc-hien": ("done", "kiến nghị đã thực hiện trong kỳ"),
    "chua-thuc-hien": ("pending", "kiến nghị chưa thực hiện ngày cuối kỳ"),
    "qua-han": ("overdue", "kiến nghị chưa thực hiện, quá hạn ngày cuối kỳ"),
}
NO_FIGURES = "Vai trò của đồng chí không xem số liệu của tổ chức này."
NO_UNIT = "Không tìm thấy tổ chức đảng này trong phạm vi của đồng chí."
NO_ROWS = "Vai trò của đồng chí chỉ xem số liệu, không xem danh sách đối tượng, cuộc kiểm tra."


@dataclass
class Query:
    unit: OrgUnit
    start: date
    end: date
    split: bool
    errors: list[str] = field(default_factory=list)
    unit_filter: UnitFilter | None = None  # the unit field as typed, its message

    def params(self, **more) -> str:
        values = {
            "don-vi": self.unit.code,
            "tu": format_date(self.start),
            "den": format_date(self.end),
        }
        if self.split:
            values["tach"] = "1"
        return urlencode(values | more)


def term_start(unit: OrgUnit, today: date) -> date:
    """The first day of the current term of the unit's committee (1 January without one)."""
    term = Term.objects.filter(Dated.q_on(today), unit=unit).order_by("-starts_on").first()
    return term.starts_on if term else date(today.year, 1, 1)


UNIT_LABEL = "Tổ chức đảng (gồm cấp dưới)"


def _unit(request, *, strict: bool) -> tuple[OrgUnit, UnitFilter]:
    """The unit picked, else the user's top unit; `strict` (a page opened from a link): a unit
    typed and not found is a 404 rather than a message next to the field."""
    picked = read_unit_filter(request, "don-vi", label=UNIT_LABEL)
    if picked.error and strict:
        raise Http404(NO_UNIT)
    unit = picked.unit or scope_roots(scope=request.scope).first()
    if unit is None:
        raise PermissionDenied(NO_FIGURES)
    if not picked.text:
        picked.unit = unit  # the field shows the default unit
    return unit, picked


def _day(text: str, default: date, label: str, errors: list[str]) -> date:
    if not text.strip():
        return default
    try:
        return parse_date(text)
    except ValueError as exc:
        errors.append(f"{label}: {exc}")
        return default


def read_query(request, *, strict: bool = False) -> Query:
    """The unit (in scope, readable), the range and the split from the query string; a bad date
    is reported and replaced by its default (the term's first day, today), a unit typed and not
    found (unless `strict`) by the user's top unit, its message in `unit_filter.error`."""
    unit, picked = _unit(request, strict=strict)
    scope = request.scope
    if not (scope.may(UNITS_VIEW, unit.path) or scope.may(RECORDS_VIEW, unit.path)):
        raise PermissionDenied(NO_FIGURES)
    today = timezone.localdate()
    first = term_start(unit, today)
    errors: list[str] = []
    g = request.GET
    start = _day(g.get("tu", ""), first, "Từ ngày", errors)
    end = _day(g.get("den", ""), today, "Đến ngày", errors)
    if start > end:
        errors.append(
            f"«Từ ngày» ({format_date(start)}) sau «Đến ngày» ({format_date(end)}): đổi lại "
            "khoảng thời gian; trang đang hiện từ đầu nhiệm kỳ đến hôm nay."
        )
        start, end = first, today
    return Query(unit, start, end, g.get("tach") == "1", errors, picked)


@require_GET
def counts(request):
    query = read_query(request)
    figures = counting.count(query.unit, query.start, query.end, split=query.split)
    return render(
        request,
        "counting/counts.html",
        {
            "q": query,
            "figures": figures,
            "kinds": InspectionKind.choices,
            "params": query.params(),
            "may_drill": request.scope.may(RECORDS_VIEW, query.unit.path),
        },
    )


def bad_filter(request, message: str):
    """A filter value the page does not know: said plainly (400), nothing listed."""
    return render(request, "400.html", {"reason": message}, status=400)


def _restricted(levels, prefix: str = "inspection__") -> Case:
    return Case(
        When(**{f"{prefix}secrecy__in": levels}, then=Value(False)),
        default=Value(True),
        output_field=BooleanField(),
    )


@require_GET
def drill_down(request):
    query = read_query(request, strict=True)
    if not request.scope.may(RECORDS_VIEW, query.unit.path):
        raise PermissionDenied(NO_ROWS)
    slug = request.GET.get("chi-so", "") or "tat-ca"
    if slug == FOLLOW_UPS:
        return _follow_ups(request, query)
    if slug not in METRIC_SLUGS:
        return bad_filter(
            request,
            f"Chỉ số «{slug}» không có trong số liệu kiểm tra, giám sát; đồng chí mở lại danh "
            "sách từ một con số của trang số liệu hoặc báo cáo.",
        )
    metric = METRIC_SLUGS[slug]
    body_key = request.GET.get("co-quan", "").strip()
    if not counting.valid_body_key(body_key):
        raise Http404("Không có cơ quan này.")
    kind = request.GET.get("loai", "")
    kinds_of = (*counting.SUBJECT_METRICS, counting.CASES_WITH_VIOLATION, counting.ALL)
    if kind and (kind not in InspectionKind.values or metric not in kinds_of):
        raise Http404("Không có loại kiểm tra, giám sát này.")
    if slug in InspectionKind.values:  # a kind's cases (a kind's value may name a metric too)
        metric, kind = counting.ALL, slug
    levels = request.scope.secrecy_levels
    args = (query.unit, query.start, query.end, metric, body_key)
    if metric in counting.SUBJECT_METRICS:
        rows = list(
            counting.drill_subjects(*args, kind=kind).annotate(restricted=_restricted(levels))
        )
        figure = counting.distinct_subjects(rows, metric, query.split)
    else:
        inspections = counting.drill_inspections(*args, kind=kind).prefetch_related("subjects")
        rows = list(inspections.annotate(restricted=_restricted(levels, "")))
        figure = len(rows)
    body = counting.body_label(query.unit, body_key)
    if body is None:
        raise Http404("Không có cơ quan này trong tổ chức đảng đã chọn.")
    return render(
        request,
        "counting/drill_down.html",
        {
            "q": query,
            "metric": metric,
            "metric_label": counting.METRIC_LABELS[metric]
            + (f" ({InspectionKind(kind).label.lower()})" if kind else ""),
            "body": body,
            "rows": rows,
            "figure": figure,
            "by_subject": metric in counting.SUBJECT_METRICS,
            "row_metric": metric in counting.ROW_METRICS,
            "back": query.params(),
        },
    )


def _follow_ups(request, query: Query):
    """The follow-ups behind one figure of the report's "kiến nghị" (`tinh-trang`: done in the
    period, pending or overdue at its end, or both done and pending), "hạn chế" rows included."""
    state = request.GET.get("tinh-trang", "") or "tat-ca"
    if state not in FOLLOW_UP_STATES:
        known = ", ".join(f"«{k}»" for k in FOLLOW_UP_STATES)
        return bad_filter(
            request, f"Tình trạng kiến nghị «{state}» không có; đồng chí chọn một trong: {known}."
        )
    name, label = FOLLOW_UP_STATES[state]
    rows = list(
        counting.drill_follow_ups(query.unit, query.start, query.end, name).annotate(
            restricted=_restricted(request.scope.secrecy_levels)
        )
    )
    return render(
        request,
        "counting/follow_ups.html",
        {"q": query, "rows": rows, "label": label, "back": query.params()},
    )
