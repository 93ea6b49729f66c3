"""The administration pages (/quan-tri/): users and their roles, for system administrators.

Thin: access (users.manage anywhere, else 403; a user outside the administrator's subtrees is a
404) → form → `accounts.administration` → redirect. No page here reads a member's record.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ktgs.accounts import admin_forms as forms
from ktgs.accounts import administration as admin
from ktgs.orgs.forms import attach_errors

GET_POST = require_http_methods(["GET", "POST"])


def _require(request) -> None:
    if not admin.may_manage(request.scope):
        raise PermissionDenied(
            "Trang quản trị người dùng chỉ dành cho quản trị hệ thống. Vai trò của đồng chí "
            "được xem và làm việc với hồ sơ trong phạm vi đã được phân công."
        )


@require_http_methods(["GET"])
def users(request):
    _require(request)
    search = forms.SearchForm(request.GET)
    text = search.data.get("q", "")
    rows = admin.user_list(request.scope, text).prefetch_related("assignments__unit")
    page = Paginator(rows, admin.PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for user in page:
        user.current = [a for a in user.assignments.all() if a.holds_on(today)]
    return render(request, "accounts/admin/users.html", {"search": search, "page": page})


@GET_POST
def user_create(request):
    _require(request)
    form = forms.UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = admin.create(request.scope, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                f"Đã tạo tài khoản «{user.username}». Bây giờ đồng chí giao vai trò cho tài khoản.",
            )
            return redirect("accounts_admin:role_assign", pk=user.pk)
    return _form_page(request, form, title="Tạo người dùng", submit="Tạo tài khoản")


@require_http_methods(["GET"])
def user_detail(request, pk: int):
    _require(request)
    user = admin.user_get(request.scope, pk)
    today = timezone.localdate()
    rows = list(admin.assignments_of(user))
    for row in rows:
        row.current = row.holds_on(today) or row.starts_on > today
        row.manageable = request.scope.may(admin.USERS_MANAGE, row.unit.path)
    return render(
        request,
        "accounts/admin/user_detail.html",
        {
            "target": user,
            "assignments": rows,
            "refusal": admin.refusal(request.scope, user),
            "is_self": user.pk == request.scope.user_id,
        },
    )


def _change(request, pk, form_class, action, *, title, submit, done, initial=None):
    """A page changing one thing about a user: the form, or the refusal when there is one."""
    _require(request)
    user = admin.user_get(request.scope, pk)
    refusal = admin.refusal(request.scope, user)
    kwargs = {"scope": request.scope} if form_class is forms.RoleAssignForm else {}
    form = form_class(request.POST or None, initial=initial or {}, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            action(user, form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, done(user, form.cleaned_data))
            return redirect("accounts_admin:user_detail", pk=user.pk)
    return _form_page(request, form, title=title, submit=submit, target=user, refusal=refusal)


def _form_page(request, form, *, title, submit, target=None, refusal=None, warning=""):
    return render(
        request,
        "accounts/admin/form.html",
        {
            "form": form,
            "title": title,
            "submit": submit,
            "target": target,
            "refusal": refusal,
            "warning": warning,
        },
    )


@GET_POST
def role_assign(request, pk: int):
    def act(user, data):
        admin.assign(request.scope, user, **data)

    def done(user, data):
        return f"Đã giao vai trò cho «{user.username}» tại {data['unit'].name}."

    return _change(
        request,
        pk,
        forms.RoleAssignForm,
        act,
        title="Giao vai trò",
        submit="Giao vai trò",
        done=done,
        initial={"starts_on": timezone.localdate()},
    )


@GET_POST
def clearance(request, pk: int):
    return _change(
        request,
        pk,
        forms.ClearanceForm,
        lambda user, data: admin.set_clearance(request.scope, user, data["clearance"]),
        title="Đổi mức được tiếp cận",
        submit="Lưu mức được tiếp cận",
        done=lambda user, _d: f"Đã đổi mức được tiếp cận của «{user.username}».",
    )


@GET_POST
def full_name(request, pk: int):
    return _change(
        request,
        pk,
        forms.FullNameForm,
        lambda user, data: admin.rename(request.scope, user, data["full_name"]),
        title="Sửa họ và tên",
        submit="Lưu họ và tên",
        done=lambda user, _d: f"Đã lưu họ và tên của «{user.username}».",
    )


@GET_POST
def member(request, pk: int):
    return _change(
        request,
        pk,
        forms.MemberLinkForm,
        lambda user, data: admin.link_member(request.scope, user, data["member"]),
        title="Gắn tài khoản với đảng viên",
        submit="Lưu",
        done=lambda user, _d: f"Đã lưu đảng viên gắn với «{user.username}».",
    )


@GET_POST
def two_factor(request, pk: int):
    _require(request)
    user = admin.user_get(request.scope, pk)
    refusal = admin.refusal(request.scope, user)
    form = forms.forms.Form(request.POST or None)
    if request.method == "POST":
        try:
            removed = admin.reset_second_factor(request.scope, user)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                f"Đã gỡ {removed} thiết bị xác thực của «{user.username}». Lần đăng nhập tới, "
                "người dùng cài lại ứng dụng xác thực (nếu vai trò của họ bắt buộc).",
            )
            return redirect("accounts_admin:user_detail", pk=user.pk)
    return _form_page(
        request,
        form,
        title="Cài lại xác thực hai lớp",
        submit="Gỡ thiết bị xác thực",
        target=user,
        refusal=refusal,
        warning="Dùng khi người dùng mất điện thoại: mọi ứng dụng và mã dự phòng của họ bị gỡ.",
    )


@GET_POST
def deactivate(request, pk: int):
    _require(request)
    user = admin.user_get(request.scope, pk)
    form = forms.forms.Form(request.POST or None)
    if request.method == "POST":
        try:
            ended = admin.deactivate(request.scope, user)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request, f"Đã khóa tài khoản «{user.username}», kết thúc {ended} phiên đăng nhập."
            )
            return redirect("accounts_admin:user_detail", pk=user.pk)
    refusal = (
        "Đồng chí không thể tự khóa tài khoản của mình."
        if user.pk == request.scope.user_id
        else None
    )
    if not user.is_active:
        refusal = f"Tài khoản «{user.username}» đã bị khóa."
    return _form_page(
        request,
        form,
        title="Khóa tài khoản",
        submit="Khóa tài khoản",
        target=user,
        refusal=refusal,
        warning="Người dùng bị đăng xuất ngay và không đăng nhập được nữa. Các hồ sơ họ đã ghi "
        "vẫn giữ nguyên.",
    )


@GET_POST
def role_end(request, pk: int):
    _require(request)
    row = admin.assignment_by_pk(request.scope, pk)
    user = row.user
    form = forms.RoleEndForm(request.POST or None, initial={"ends_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            admin.end(request.scope, row, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request, f"Đã kết thúc vai trò của «{user.username}» tại {row.unit.name}."
            )
            return redirect("accounts_admin:user_detail", pk=user.pk)
    return _form_page(
        request,
        form,
        title=f"Kết thúc vai trò «{row.get_role_display()}» tại {row.unit.name}",
        submit="Kết thúc vai trò",
        target=user,
        refusal=admin.refusal(request.scope, user),
    )
