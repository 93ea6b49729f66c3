"""Sign-in page. Signing out is Django's LogoutView (POST only), wired in urls.py."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView


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


class KtgsLoginView(LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
