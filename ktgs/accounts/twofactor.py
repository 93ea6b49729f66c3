"""The second factor at log-in (django-otp): a 6-digit TOTP code from an authenticator app, or a
one-time backup code.

Who must give one: `access.two_factor_required` (system administrators, commission leaders,
superusers); anyone else who has set up an app is asked for it as well. Log-in is two steps:
the password (django-axes counts failures), then the code. Until the code is given, a signed-in
user reaches only the code page, the set-up page and log-out (`SecondFactorMiddleware`). Wrong
codes count towards the same lockout as wrong passwords (same username and IP), and django-otp
throttles each device (1, 2, 4, … seconds after successive failures). The failures are cleared
only when the whole log-in succeeds (`clear_failures`): a right password followed by a wrong code
clears nothing, so guessing codes with a known password reaches the lockout like guessing
passwords does. The session key is renewed once the code is accepted (`complete`).
"""

from base64 import b32encode
from binascii import unhexlify
from urllib.parse import urlencode

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from ktgs.accounts.access import two_factor_required
from ktgs.accounts.models import User

PENDING_KEY = "ktgs_otp_pending_key"  # session: the secret shown on the set-up page
OPEN_WHILE_OWING = {"otp_verify", "otp_enrol", "logout"}  # URL names reachable before the code


class Throttled(Exception):
    """Too many wrong codes in a row: wait `seconds` before the next try."""

    def __init__(self, seconds: int):
        super().__init__(seconds)
        self.seconds = seconds


def _has_device_q() -> Q:
    totp = TOTPDevice.objects.filter(confirmed=True).values("user_id")
    static = StaticDevice.objects.filter(confirmed=True).values("user_id")
    return Q(pk__in=totp) | Q(pk__in=static)


def is_required(user) -> bool:
    return User.objects.filter(two_factor_required(), pk=user.pk).exists()


def owes_code(user) -> bool:
    """Signed in with the password but not (yet) with the second factor they need (one query,
    none once the code is given)."""
    if not user.is_authenticated or getattr(user, "otp_device", None) is not None:
        return False
    return User.objects.filter(two_factor_required() | _has_device_q(), pk=user.pk).exists()


def has_device(user) -> bool:
    return User.objects.filter(_has_device_q(), pk=user.pk).exists()


def check_code(user, code: str):
    """The confirmed device of `user` that accepts `code` (6 digits: the app; otherwise a backup
    code, used up by this), or None. Raises Throttled while every such device is throttled."""
    code = "".join(code.split()).lower()
    model = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    waits, answered = [], False
    with transaction.atomic():  # the throttling counters are saved even when the code is wrong
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            allowed, info = device.verify_is_allowed()
            if not allowed:
                waits.append((info["locked_until"] - timezone.now()).total_seconds())
                continue
            answered = True
            if device.verify_token(code):
                return device
    if waits and not answered:
        raise Throttled(max(1, round(min(waits))))
    return None


# --- lockout: wrong codes count like wrong passwords (django-axes) -------------------------


def _credentials(user) -> dict:
    return {"username": user.get_username()}


def is_locked_out(request, user) -> bool:
    return AxesProxyHandler.is_locked(request, _credentials(user))


def count_failure(request, user) -> bool:
    """Tell django-axes a log-in failed (a wrong code); True when that locks the user out."""
    user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)
    return bool(getattr(request, "axes_locked_out", False))


def clear_failures(request, user) -> None:
    """The whole log-in succeeded (password, and the code when one is owed): forget the failures
    of this (username, IP) pair. Not done at the password step (AXES_RESET_ON_SUCCESS is off),
    or a known password would reset the count between wrong codes."""
    AxesProxyHandler.update_request(request)
    AxesProxyHandler.reset_attempts(
        ip_address=request.axes_ip_address, username=user.get_username()
    )


def complete(request, device) -> None:
    """The code was right: mark the session verified with `device`, give it a new key (the one
    used before the second factor may have been seen), and clear the failures."""
    django_otp.login(request, device)
    request.session.cycle_key()
    clear_failures(request, request.user)


# --- setting up an authenticator app -------------------------------------------------------


def pending_key(session) -> str:
    """The hex secret offered on the set-up page, kept in the session until confirmed."""
    if PENDING_KEY not in session:
        session[PENDING_KEY] = random_hex(20)
    return session[PENDING_KEY]


def base32_secret(hex_key: str) -> str:
    return b32encode(unhexlify(hex_key)).decode()


def grouped(secret: str, size: int = 4) -> str:
    return " ".join(secret[i : i + size] for i in range(0, len(secret), size))


def otpauth_uri(user, hex_key: str) -> str:
    return TOTPDevice(user=user, key=hex_key).config_url


# --- the gate ------------------------------------------------------------------------------


def code_page(target: str = "") -> str:
    url = reverse("otp_verify")
    return f"{url}?{urlencode({'next': target})}" if target else url


class SecondFactorMiddleware:
    """A signed-in user who owes the second factor is sent to the code page from every page
    but the code page, the set-up page and log-out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_WHILE_OWING:
            return None
        if not owes_code(request.user):
            return None
        if request.headers.get("HX-Request"):
            return HttpResponseClientRedirect(code_page())
        return redirect(code_page(request.get_full_path() if request.method == "GET" else ""))
