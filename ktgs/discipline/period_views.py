"""The records behind the report's figures of appeals and suspensions (docs/discipline-counting.md,
docs/reports.md): one unit (its subtree) and one period, the rows `counting.counted_appeals` /
`counting.counted_suspensions` select — the same definition the figures count.

* `/ky-luat/khieu-nai/?don-vi=&tu=&den=&ket-qua=`: appeals resolved in the period (all, or one
  outcome), filed in it, pending at its end; without `ket-qua`, any of these.
* `/ky-luat/dinh-chi/trong-ky/?don-vi=&tu=&den=&doi-tuong=`: suspensions started in the period,
  of members, of organisations, or both.

As the KTGS drill-down (`counting:list`): the unit, the dates read by `read_query` (a bad date or
an end before the start is said and replaced by the default: the term's first day, today); the
pages are opened from links, so a unit not found or outside the scope is a 404; RECORDS_VIEW on
the unit is needed. Every counted record is listed: one above the reader's clearance is a
"hạn chế" row (no name, no number, no link), so the rows add up to the figure. An unknown
`ket-qua` / `doi-tuong` is said plainly (400), nothing listed.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, Value, When
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ktgs.accounts.access import RECORDS_VIEW
from ktgs.audit.reads import record_reads
from ktgs.discipline import counting
from ktgs.inspections.counting_views import bad_filter, read_query

NO_ROWS = "Vai trò của đồng chí chỉ xem số liệu, không xem danh sách hồ sơ kỷ luật."


def _known(values) -> str:
    return ", ".join(f"«{v}»" for v in values if v)


def _restricted(levels, prefix: str = "") -> Case:
    return Case(
        When(**{f"{prefix}secrecy__in": levels}, then=Value(False)),
        default=Value(True),
        output_field=BooleanField(),
    )


def _query(request):
    query = read_query(request, strict=True)
    if not request.scope.may(RECORDS_VIEW, query.unit.path):
        raise PermissionDenied(NO_ROWS)
    return query


@require_GET
def appeal_list(request):
    query = _query(request)
    slug = request.GET.get("ket-qua", "").strip() or "tat-ca"
    if slug not in counting.APPEAL_FILTERS:
        return bad_filter(
            request,
            f"Kết quả khiếu nại «{slug}» không có; đồng chí chọn một trong: "
            f"{_known(counting.APPEAL_FILTERS)}.",
        )
    state, label = counting.APPEAL_FILTERS[slug]
    rows = list(
        counting.counted_appeals(query.unit, query.start, query.end, state)
        .annotate(restricted=_restricted(request.scope.secrecy_levels, "decision__"))
        .select_related(
            "decision__body",
            "decision__member",
            "decision__subject_unit",
            "resolver",
            "new_decision",
        )
        .order_by("filed_on", "pk")
    )
    shown = [a.decision for a in rows if not a.restricted]
    record_reads(shown, unit_id=lambda d: d.body.unit_id)  # who each decision is about
    return render(
        request,
        "discipline/appeals.html",
        {
            "q": query,
            "rows": rows,
            "label": label,
            "slug": slug,
            "filters": [(k, v[1]) for k, v in counting.APPEAL_FILTERS.items()],
            "back": query.params(),
        },
    )


@require_GET
def suspension_period(request):
    query = _query(request)
    slug = request.GET.get("doi-tuong", "").strip()
    if slug not in counting.SUSPENSION_FILTERS:
        return bad_filter(
            request,
            f"Đối tượng đình chỉ «{slug}» không có; đồng chí chọn một trong: "
            f"{_known(counting.SUSPENSION_FILTERS)}, hoặc bỏ trống (cả hai).",
        )
    subject, label = counting.SUSPENSION_FILTERS[slug]
    rows = list(
        counting.counted_suspensions(query.unit, query.start, query.end, subject)
        .annotate(restricted=_restricted(request.scope.secrecy_levels))
        .select_related("member", "body", "subject_unit")
        .order_by("starts_on", "pk")
    )
    record_reads([s for s in rows if not s.restricted], unit_id=lambda s: s.body.unit_id)
    return render(
        request,
        "suspensions/period.html",
        {
            "q": query,
            "rows": rows,
            "label": label,
            "slug": slug,
            "filters": [(k, v[1]) for k, v in counting.SUSPENSION_FILTERS.items()],
            "back": query.params(),
        },
    )
