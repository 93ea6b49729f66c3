"""Sign-in: the password (django-axes counts failures), then, when it applies, the second factor
(twofactor.py). Signing out is Django's LogoutView (POST only), wired in urls.py."""

from urllib.parse import urlencode

from axes.helpers import get_cool_off, get_failure_limit
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from ktgs.accounts import twofactor
from ktgs.accounts.services import two_factor_enrol

WRONG_CODE = "Mã xác thực không đúng hoặc đã được dùng. Hãy nhập mã đang hiện trong ứng dụng."
THROTTLED = "Đồng chí đã nhập sai nhiều lần liên tiếp. Hãy chờ {seconds} giây rồi thử lại."


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label="Tên đăng nhập",
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
        error_messages={"required": "Hãy nhập tên đăng nhập."},
    )
    password = forms.CharField(
        label="Mật khẩu",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Hãy nhập mật khẩu."},
    )
    error_messages = {
        "invalid_login": "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý mật khẩu phân biệt "
        "chữ hoa và chữ thường.",
        "inactive": "Tài khoản này đã bị khóa. Hãy liên hệ quản trị hệ thống.",
    }


class CodeForm(forms.Form):
    otp_token = forms.CharField(
        label="Mã xác thực",
        max_length=20,
        help_text="6 chữ số trong ứng dụng xác thực, hoặc một mã dự phòng.",
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "one-time-code", "spellcheck": "false"}
        ),
        error_messages={"required": "Hãy nhập mã xác thực."},
    )


class EnrolForm(CodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["otp_token"].help_text = "6 chữ số ứng dụng xác thực đang hiện cho KTGS."


class KtgsLoginView(LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if twofactor.owes_code(self.request.user):
            return redirect(twofactor.code_page(response.url))
        twofactor.clear_failures(self.request, self.request.user)
        return response


def _target(request) -> str:
    """Where to go once signed in: a safe `next`, or the home page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else reverse("home")


def locked_out(request, original_response=None, credentials=None):
    """The page django-axes shows (AXES_LOCKOUT_CALLABLE) while a username is locked out from
    this IP, whatever password is tried."""
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "minutes": int(get_cool_off(request).total_seconds() // 60),
    }
    return render(request, "accounts/locked_out.html", context, status=429)


def _locked_out(request, user):
    logout(request)
    return locked_out(request, credentials={"username": user.get_username()})


@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """Step two of signing in: the code from the app, or a backup code."""
    user, target = request.user, _target(request)
    if not twofactor.owes_code(user):
        return redirect(target)
    if not twofactor.has_device(user):
        return redirect(f"{reverse('otp_enrol')}?{urlencode({'next': target})}")
    if twofactor.is_locked_out(request, user):
        return _locked_out(request, user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = twofactor.check_code(user, form.cleaned_data["otp_token"])
        except twofactor.Throttled as exc:
            form.add_error(None, THROTTLED.format(seconds=exc.seconds))
        else:
            if device is not None:
                twofactor.complete(request, device)
                return redirect(target)
            if twofactor.count_failure(request, user):
                return _locked_out(request, user)
            form.add_error(None, WRONG_CODE)
    return render(request, "accounts/otp_verify.html", {"form": form, "next": target})


@require_http_methods(["GET", "POST"])
def otp_enrol(request):
    """Set up an authenticator app: its secret (grouped in fours) and otpauth:// address, then
    one of its codes to confirm. Only for a user without a device yet."""
    user, target = request.user, _target(request)
    if twofactor.has_device(user):
        return redirect(target if user.is_verified() else twofactor.code_page(target))
    key = twofactor.pending_key(request.session)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor_enrol(user=user, key=key, code=form.cleaned_data["otp_token"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            request.session.pop(twofactor.PENDING_KEY, None)
            twofactor.complete(request, device)
            messages.success(request, "Đã bật xác thực hai lớp cho tài khoản của đồng chí.")
            return redirect(target)
    context = {
        "form": form,
        "next": target,
        "required": twofactor.is_required(user),
        "secret": twofactor.grouped(twofactor.base32_secret(key)),
        "uri": twofactor.otpauth_uri(user, key),
    }
    return render(request, "accounts/otp_enrol.html", context)
