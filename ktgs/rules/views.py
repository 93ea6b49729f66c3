"""Pages of the rule pack: every rule with its source, validity and status; one rule with its
history and, for a commission leader, the form that overrides its value from a date.

Thin: check the role (→ 403), read a form, call `services.rule_override`, redirect.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from ktgs.core.vietnamese import format_date
from ktgs.rules import forms, selectors, services
from ktgs.rules.choices import RuleOrigin, RuleStatus

NOT_READER = "Đồng chí chưa được phân công vai trò nào nên chưa xem được bộ quy tắc."
NOT_LEADER = "Chỉ lãnh đạo ủy ban kiểm tra được điều chỉnh giá trị của quy tắc."
ALIASES = {"note": "reason"}
OPEN_GROUPS = 3  # up to this many families, every group is shown open


def _reader(request) -> None:
    if not selectors.may_read(request.scope):
        raise PermissionDenied(NOT_READER)


@require_GET
def rule_list(request):
    _reader(request)
    flt, date_error = forms.rule_filter(request.GET)
    rows = list(selectors.rule_list(flt))
    groups = selectors.grouped(rows)
    return render(
        request,
        "rules/list.html",
        {
            "groups": groups,
            "open_groups": bool(flt.family or flt.source) or len(groups) <= OPEN_GROUPS,
            "count": len(rows),
            "flt": flt,
            "ngay": request.GET.get("ngay", "").strip(),
            "date_error": date_error,
            "families": selectors.rule_families(),
            "statuses": RuleStatus.choices,
            "origins": RuleOrigin.choices,
            "sources": selectors.rule_sources(),
            "technical": flt.technical,
        },
    )


@require_http_methods(["GET", "POST"])
def rule_detail(request, pk: int):
    _reader(request)
    row = selectors.rule_get(pk)
    if row is None:
        raise Http404("Không tìm thấy dòng quy tắc này.")
    can_override = selectors.may_override(request.scope)
    form = None
    if request.method == "POST":
        if not can_override:
            raise PermissionDenied(NOT_LEADER)
        form = forms.OverrideForm(request.POST, scope=request.scope)
        if form.is_valid():
            try:
                office = services.rule_override(row, scope=request.scope, **form.service_args())
            except ValidationError as exc:
                forms.attach_errors(form, exc, ALIASES)
            else:
                messages.success(
                    request,
                    f"Đã điều chỉnh giá trị cho {office.unit.name} và các tổ chức trực thuộc "
                    f"từ ngày {format_date(office.starts_on)} ({office.citation}).",
                )
                return redirect("rules:detail", pk=office.pk)
    elif can_override and selectors.overridable(row):
        form = forms.OverrideForm(initial=forms.OverrideForm.initial_for(row), scope=request.scope)
    return render(
        request,
        "rules/detail.html",
        {
            "row": row,
            "family_name": selectors.family_name(row.family),
            "history": selectors.rule_history(row),
            "in_force": selectors.in_force_today(row),
            "overrides_today": selectors.overrides_in_force_today(row),
            "can_override": can_override,
            "overridable": selectors.overridable(row),
            "form": form,
            "technical": forms.technical(request.GET),
        },
    )
