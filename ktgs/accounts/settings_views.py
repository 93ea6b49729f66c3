"""The administration pages of a unit's dated settings (terms, attributes) and the read log.

Thin, like `admin_views`: users.manage anywhere (else 403), the unit or row in the
administrator's subtrees (else 404) → form → the service (`orgs.unit_settings`, which checks
everything and records the audit event) → redirect. The issuer symbols are the documents app's
(`documents.symbol_views`), linked from here.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ktgs.accounts import admin_forms as forms
from ktgs.accounts import administration as admin
from ktgs.accounts.admin_views import GET_POST, _require
from ktgs.accounts.models import User
from ktgs.audit.labels import target_type_label
from ktgs.audit.selectors import ReadSearch, read_log
from ktgs.core.models import Secrecy
from ktgs.core.vietnamese import format_date
from ktgs.orgs import unit_settings as services
from ktgs.orgs.forms import attach_errors
from ktgs.orgs.models import OrgUnit, Term, UnitAttribute

READ_PAGE = 50


@require_http_methods(["GET"])
def units(request):
    """Choose the unit whose settings to keep."""
    _require(request)
    form = forms.UnitChoiceForm(request.GET or None, scope=request.scope)
    if request.GET and form.is_valid():
        return redirect("accounts_admin:unit_settings", code=form.cleaned_data["unit"].code)
    roots = OrgUnit.objects.filter(path__in=request.scope.roots_for(admin.USERS_MANAGE))
    return render(
        request,
        "accounts/admin/units.html",
        {"form": form, "roots": roots.order_by("path")},
    )


@require_http_methods(["GET"])
def unit_settings(request, code: str):
    _require(request)
    unit = admin.unit_get(request.scope, code)
    today = timezone.localdate()
    terms = list(Term.objects.filter(unit=unit).order_by("-starts_on"))
    attributes = list(UnitAttribute.objects.filter(unit=unit).order_by("key", "-starts_on"))
    for row in attributes:
        row.shown = services.shown(row.value)
    for row in [*terms, *attributes]:
        row.current = row.holds_on(today) or row.starts_on > today
    return render(
        request,
        "accounts/admin/unit_settings.html",
        {"unit": unit, "terms": terms, "attributes": attributes},
    )


def _settings_form(request, unit, form, *, title, submit, warning=""):
    return render(
        request,
        "accounts/admin/form.html",
        {
            "form": form,
            "title": title,
            "submit": submit,
            "settings_unit": unit,
            "warning": warning,
        },
    )


def _save(request, form, service, done, **kwargs) -> bool:
    """Run `service` with the form's data; True when saved (its message shown)."""
    if not (request.method == "POST" and form.is_valid()):
        return False
    try:
        row = service(**kwargs, **form.cleaned_data)
    except ValidationError as exc:
        attach_errors(form, exc)
        return False
    messages.success(request, done(row))
    return True


@GET_POST
def term_add(request, code: str):
    _require(request)
    unit = admin.unit_get(request.scope, code)
    form = forms.TermAddForm(request.POST or None)
    done = lambda term: f"Đã ghi nhiệm kỳ {term.name} của {unit.name}."  # noqa: E731
    if _save(request, form, services.term_add, done, unit=unit):
        return redirect("accounts_admin:unit_settings", code=unit.code)
    return _settings_form(request, unit, form, title="Ghi nhiệm kỳ", submit="Ghi nhiệm kỳ")


@GET_POST
def term_end(request, pk: int):
    _require(request)
    term = admin.dated_get(request.scope, Term, pk)
    form = forms.EndForm(request.POST or None)
    done = lambda t: f"Nhiệm kỳ {t.name} kết thúc trước ngày {format_date(t.ends_on)}."  # noqa: E731
    if _save(request, form, services.term_end, done, term=term):
        return redirect("accounts_admin:unit_settings", code=term.unit.code)
    return _settings_form(
        request,
        term.unit,
        form,
        title=f"Kết thúc nhiệm kỳ {term.name}",
        submit="Kết thúc nhiệm kỳ",
        warning="Ngày kết thúc là ngày nhiệm kỳ sau bắt đầu (ngày đại hội khóa mới).",
    )


@GET_POST
def attribute_add(request, code: str):
    _require(request)
    unit = admin.unit_get(request.scope, code)
    initial = {"key": request.GET.get("thuoc-tinh", ""), "starts_on": timezone.localdate()}
    form = forms.AttributeSetForm(request.POST or None, initial=initial)

    def done(row):
        return (
            f"Đã ghi «{row.get_key_display()}» là «{services.shown(row.value)}» từ ngày "
            f"{format_date(row.starts_on)}; giá trị trước đó (nếu có) kết thúc ngày đó."
        )

    if _save(request, form, services.attribute_set, done, unit=unit):
        return redirect("accounts_admin:unit_settings", code=unit.code)
    return _settings_form(
        request,
        unit,
        form,
        title="Ghi thuộc tính từ một ngày",
        submit="Ghi thuộc tính",
        warning="Giá trị mới áp dụng từ ngày đã chọn; giá trị cũ được giữ trong lịch sử.",
    )


@GET_POST
def attribute_end(request, pk: int):
    _require(request)
    row = admin.dated_get(request.scope, UnitAttribute, pk)
    form = forms.EndForm(request.POST or None, initial={"ends_on": timezone.localdate()})
    label = row.get_key_display()
    done = lambda r: f"«{label}» thôi áp dụng từ ngày {format_date(r.ends_on)}."  # noqa: E731
    if _save(request, form, services.attribute_end, done, attribute=row):
        return redirect("accounts_admin:unit_settings", code=row.unit.code)
    return _settings_form(
        request,
        row.unit,
        form,
        title=f"Thôi áp dụng «{label}»",
        submit="Thôi áp dụng",
        warning="Từ ngày này tổ chức không còn giá trị nào cho thuộc tính này (quy định đọc "
        "giá trị mặc định, ví dụ: không được ủy quyền kết nạp).",
    )


# --- the read log ---------------------------------------------------------------------------


def _reader(request, form) -> int | None:
    """The id of the user typed in the filter, among the users this administrator manages."""
    name = (form.cleaned_data.get("user") or "").strip()
    if not name:
        return None
    found = User.objects.filter(admin.users_q(request.scope), username=name).first()
    if found is None:
        form.add_error("user", f"Không có người dùng «{name}» trong phạm vi đồng chí quản trị.")
        return None
    return found.pk


@never_cache
@require_http_methods(["GET"])
def reads(request):
    """Who read which record marked mật or above, newest first; filters by unit, reader, dates;
    pages by «Xem tiếp» (keyset), never counting the whole log."""
    _require(request)
    form = forms.ReadLogForm(request.GET or None, scope=request.scope)
    rows, more = [], False
    if not request.GET or form.is_valid():
        data = form.cleaned_data if request.GET else {}
        reader = _reader(request, form) if request.GET else None
        if not form.errors:
            before = request.GET.get("truoc", "")
            search = ReadSearch(
                roots=request.scope.roots_for(admin.USERS_MANAGE),
                unit=data.get("unit"),
                user_id=reader,
                since=data.get("since"),
                until=data.get("until"),
                before=int(before) if before.isdigit() else None,
            )
            rows = read_log(search, limit=READ_PAGE)
            more = len(rows) > READ_PAGE
            rows = rows[:READ_PAGE]
    names = dict(OrgUnit.objects.filter(pk__in={r.unit_id for r in rows}).values_list("pk", "name"))
    for row in rows:
        row.kind = target_type_label(row.target_type)
        row.unit_name = names.get(row.unit_id, "—")
        row.secrecy_label = dict(Secrecy.choices).get(row.secrecy, row.secrecy)
    return render(
        request,
        "accounts/admin/reads.html",
        {"form": form, "rows": rows, "more": more, "last": rows[-1].pk if rows else None},
    )
