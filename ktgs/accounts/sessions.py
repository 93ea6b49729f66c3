"""Session lifetime: idle timeout and absolute lifetime, without a write on every request.

At log-in the session gets two timestamps (`LOGIN_AT`, `SEEN_AT`, Unix seconds) and a
`UserSession` row. On each request `SessionPolicyMiddleware` ends the session when the user was
idle longer than `KTGS_SESSION_IDLE` or signed in longer ago than `KTGS_SESSION_MAX_AGE`; it
rewrites `SEEN_AT` only when it is older than `KTGS_SESSION_TOUCH`, so page views within a
minute leave the session row alone (SQLite is not locked by reading).
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from ktgs.accounts.models import UserSession

LOGIN_AT = "ktgs_login_at"
SEEN_AT = "ktgs_seen_at"
TRACKED = "ktgs_tracked_key"  # the session key last recorded in UserSession
EXPIRED = "Phiên làm việc đã hết hạn (quá {minutes} phút không thao tác hoặc quá {hours} giờ kể từ khi đăng nhập). Hãy đăng nhập lại."


def _limits() -> tuple[float, float, float]:
    return (
        settings.KTGS_SESSION_IDLE.total_seconds(),
        settings.KTGS_SESSION_MAX_AGE.total_seconds(),
        settings.KTGS_SESSION_TOUCH.total_seconds(),
    )


@receiver(user_logged_in, dispatch_uid="ktgs.accounts.sessions.started")
def session_started(sender, request, user, **kwargs) -> None:
    """Stamp the new session and remember that it belongs to `user`."""
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now
    track(request.session, user)


def track(session, user) -> None:
    """Record (session, user); the session row exists once it has a key (database sessions).
    Called at log-in, and again when the key has changed since (e.g. after a password change)."""
    key = session.session_key
    if key and Session.objects.filter(pk=key).exists():
        UserSession.objects.update_or_create(session_id=key, defaults={"user": user})
        session[TRACKED] = key


def end_sessions(user) -> int:
    """Delete every session `user` signed in with; the number deleted."""
    keys = UserSession.objects.filter(user=user).values("session_id")
    _total, per_model = Session.objects.filter(pk__in=keys).delete()  # UserSession rows go too
    return per_model.get(Session._meta.label, 0)


def is_expired(session, now: float | None = None) -> bool:
    idle, max_age, _touch = _limits()
    now = time.time() if now is None else now
    seen, login_at = session.get(SEEN_AT), session.get(LOGIN_AT)
    if seen is None or login_at is None:
        return True  # signed in before these stamps existed: sign in again
    return now - seen > idle or now - login_at > max_age


class SessionPolicyMiddleware:
    """Ends idle or too-old sessions with a Vietnamese message; refreshes `SEEN_AT` sparingly.
    Runs after MessageMiddleware (it leaves a message) and before any view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            if is_expired(request.session):
                return self.expire(request)
            self.touch(request.session)
            if request.session.get(TRACKED) != request.session.session_key:
                track(request.session, request.user)
        return self.get_response(request)

    @staticmethod
    def touch(session) -> None:
        now = time.time()
        if now - session[SEEN_AT] > _limits()[2]:
            session[SEEN_AT] = int(now)

    @staticmethod
    def expire(request):
        logout(request)
        idle, max_age, _touch = _limits()
        messages.warning(
            request, EXPIRED.format(minutes=int(idle // 60), hours=int(max_age // 3600))
        )
        login = reverse("login")
        if request.method == "GET" and not request.headers.get("HX-Request"):
            login += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):
            return HttpResponseClientRedirect(login)
        return redirect(login)
