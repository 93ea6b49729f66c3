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
    **{k: k for k in InspectionKind.values},
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


def _restricted(levels) -> Case:
    return Case(
        When(inspection__secrecy__in=levels, then=Value(False)),
        default=Value(True),
        output_field=BooleanField(),
    )


@require_GET
def drill_down(request):
    query = read_query(request, strict=True)
    if not request.scope.may(RECORDS_VIEW, query.unit.path):
        raise PermissionDenied(NO_ROWS)
    metric = METRIC_SLUGS.get(request.GET.get("chi-so", ""), counting.ALL)
    body_key = request.GET.get("co-quan", "").strip()
    if not counting.valid_body_key(body_key):
        raise Http404("Không có cơ quan này.")
    kind = request.GET.get("loai", "")
    if kind and (kind not in InspectionKind.values or metric not in counting.SUBJECT_METRICS):
        raise Http404("Không có loại kiểm tra, giám sát này.")
    levels = request.scope.secrecy_levels
    args = (query.unit, query.start, query.end, metric, body_key)
    if metric in counting.SUBJECT_METRICS:
        rows = list(
            counting.drill_subjects(*args, kind=kind).annotate(restricted=_restricted(levels))
        )
        figure = counting.distinct_subjects(rows, metric, query.split)
    else:
        inspections = counting.drill_inspections(*args).prefetch_related("subjects")
        rows = list(
            inspections.annotate(
                restricted=Case(
                    When(secrecy__in=levels, then=Value(False)),
                    default=Value(True),
                    output_field=BooleanField(),
                )
            )
        )
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
