"""KTGS settings: everything that differs between machines comes from the environment.

KTGS_PROFILE=development (default) or production. DATABASE_URL selects the database (SQLite file
under KTGS_DATA_DIR when unset). See README "Cấu hình" for the full list.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
PROFILE = os.environ.get("KTGS_PROFILE", "development")
PRODUCTION = PROFILE == "production"
DATA_DIR = Path(os.environ.get("KTGS_DATA_DIR", BASE_DIR / "data")).resolve()


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- keys (config/keys.py; docs/security.md "Khóa — keys") ------------------------------------
# Separate keys: SECRET_KEY (Django: sessions, CSRF) and KTGS_AUDIT_KEY (the audit chain's HMAC).
# Production: both from the environment, never in the data folder or a backup. Otherwise a key
# the environment does not give is generated once into KTGS_KEYS_DIR (default: keys/ beside the
# data folder), 0700 / 0600. KTGS_AUDIT_KEYS_OLD: earlier audit keys (comma-separated), kept only
# to verify the events they linked (rotation, docs/backup.md).
from config.keys import keys_dir, local_key  # noqa: E402  (kept inside this section)

KEYS_DIR = keys_dir(DATA_DIR)
if KEYS_DIR.is_relative_to(DATA_DIR):
    raise ImproperlyConfigured(
        f"KTGS_KEYS_DIR ({KEYS_DIR}) không được nằm trong thư mục dữ liệu {DATA_DIR}."
    )
SECRET_KEY = os.environ.get("KTGS_SECRET_KEY", "")
KTGS_AUDIT_KEY = os.environ.get("KTGS_AUDIT_KEY", "")
KTGS_AUDIT_KEYS_OLD = _env_list("KTGS_AUDIT_KEYS_OLD", "")
# The letters (issue 16): KTGS_LETTERS_KEY encrypts the filer's identity (Fernet, through
# ktgs.letters.crypto), KTGS_LETTERS_KEYS_OLD (comma-separated) still decrypts what an earlier key
# encrypted until `ktgs letters rotate-key` re-encrypts it; KTGS_LETTERS_INDEX_KEY keys the blind
# indexes (HMAC-SHA256) used to find letters of the same filer.
KTGS_LETTERS_KEY = os.environ.get("KTGS_LETTERS_KEY", "")
KTGS_LETTERS_KEYS_OLD = _env_list("KTGS_LETTERS_KEYS_OLD", "")
KTGS_LETTERS_INDEX_KEY = os.environ.get("KTGS_LETTERS_INDEX_KEY", "")
if PRODUCTION:
    for _name, _value in (
        ("KTGS_SECRET_KEY", SECRET_KEY),
        ("KTGS_AUDIT_KEY", KTGS_AUDIT_KEY),
        ("KTGS_LETTERS_KEY", KTGS_LETTERS_KEY),
        ("KTGS_LETTERS_INDEX_KEY", KTGS_LETTERS_INDEX_KEY),
    ):
        if not _value:
            raise ImproperlyConfigured(f"{_name} phải được đặt khi chạy ở chế độ production.")
else:
    SECRET_KEY = SECRET_KEY or local_key(KEYS_DIR, "secret_key")
    KTGS_AUDIT_KEY = KTGS_AUDIT_KEY or local_key(KEYS_DIR, "audit_key")
    KTGS_LETTERS_KEY = KTGS_LETTERS_KEY or local_key(KEYS_DIR, "letters_key")
    KTGS_LETTERS_INDEX_KEY = KTGS_LETTERS_INDEX_KEY or local_key(KEYS_DIR, "letters_index_key")
# --- end keys ----------------------------------------------------------------------------------

DEBUG = os.environ.get("KTGS_DEBUG", "0" if PRODUCTION else "1") == "1"

# E-mail (reminders to submit a report, docs/submissions.md): sent only when a mail server is
# named (KTGS_EMAIL_HOST); without one, reminders show on the unit's page alone.
EMAIL_HOST = os.environ.get("KTGS_EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("KTGS_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("KTGS_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("KTGS_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("KTGS_EMAIL_TLS", "0") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("KTGS_EMAIL_FROM", "ktgs@localhost")
# Report packages between installations (docs/submissions.md, «Gói báo cáo giữa hai hệ thống»):
# the private halves of the units' signing keys, one PEM file per unit (0700 folder, 0600 files).
# Not in the database, not in a backup (which takes the database and files/ only).
KTGS_PACKAGE_KEYS_DIR = Path(
    os.environ.get("KTGS_PACKAGE_KEYS_DIR", DATA_DIR / "khoa-goi")
).resolve()
ALLOWED_HOSTS = _env_list("KTGS_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = _env_list("KTGS_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "ktgs.core",
    "ktgs.audit",
    "ktgs.orgs",
    "ktgs.accounts",
    "ktgs.rules",
    "ktgs.documents",
    "ktgs.programmes",
    "ktgs.inspections",
    "ktgs.discipline",
    "ktgs.reports",
    "ktgs.letters",
    "ktgs.submissions",
    "ktgs.exchange",
    "ktgs.ops",
    "ktgs.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ktgs.core.busy.BusyDatabaseMiddleware",  # a view that met an import's write lock → 503
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "ktgs.accounts.middleware.AccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ktgs.audit.middleware.AuditContextMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ktgs.accounts.context_processors.navigation",
            ],
            "builtins": ["ktgs.core.templatetags.vn"],
        },
    }
]

# Live data is owner-only, like backups: every file this process creates (SQLite database, WAL,
# attachments, the audit head, import jobs) is 0600 and every folder 0700. `ktgs check` warns
# when existing ones are not (ktgs/ops/checks.py).
os.umask(0o077)
DATA_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)
# SQLite lets one writer at a time: a write that meets another (an import's one transaction)
# waits KTGS_SQLITE_WAIT seconds (well under the proxy's timeout), then the user gets a 503 page
# saying to try again in about KTGS_SQLITE_RETRY seconds, the form kept (ktgs/core/busy.py).
KTGS_SQLITE_WAIT = float(os.environ.get("KTGS_SQLITE_WAIT", "15"))
KTGS_SQLITE_RETRY = int(os.environ.get("KTGS_SQLITE_RETRY", "30"))
SQLITE_OPTIONS = {
    # WAL lets readers go on while one writer writes; IMMEDIATE avoids "database is locked"
    # surprises when a read transaction later wants to write.
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    "transaction_mode": "IMMEDIATE",
    "timeout": KTGS_SQLITE_WAIT,
}
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'ktgs.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    # the member indexes' INCLUDE columns are PostgreSQL's (index-only walks, decision 0012);
    # SQLite builds the same indexes on their key columns, which serve its lists as they are
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LANGUAGE_CODE = "vi"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns at start-up when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = DATA_DIR / "files"
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- log-in safety (sessions, lockout, two-factor) -------------------------------------------
# docs/security.md and README "Chạy thật". Passwords are hashed with Argon2 (PASSWORD_HASHERS).
from datetime import timedelta  # noqa: E402  (kept inside this section)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out (username, IP) pair
    "django.contrib.auth.backends.ModelBackend",
]
# Passwords: at least 10 characters and no upper limit (long
# passphrases are welcome); common ones, all-digit ones and ones resembling the user's own names
# are refused. Django's offline validators only, no online breach service.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "first_name", "last_name")},
    },
    {"NAME": "ktgs.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Lockout (django-axes): 5 failed log-ins (wrong passwords or wrong codes) for one username from
# one IP lock that pair for 15 minutes from the 5th failure; meanwhile even the right password
# is refused (and does not extend the lockout). The IP is REMOTE_ADDR (django-ipware is not
# installed; see README "Chạy thật" for what that means behind a reverse proxy).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# A right password alone does not clear the failures: they are cleared when the whole log-in
# succeeds (accounts.twofactor.clear_failures, after the code when one is owed), so wrong codes
# between right passwords still add up to the lockout.
AXES_RESET_ON_SUCCESS = False
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "ktgs.accounts.views.locked_out"  # accounts/locked_out.html, status 429
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token"]
# Two-factor (django-otp): TOTP required for the roles in access.TWO_FACTOR_ROLES, optional for
# others; django-otp's own throttling of wrong codes stays on (factor 1: 1, 2, 4 … seconds).
OTP_TOTP_ISSUER = "KTGS"
# Sessions: ended after 30 minutes without a request or 12 hours after log-in, whichever comes
# first (ktgs.accounts.sessions). The session is not saved on every request: the last-activity
# stamp is rewritten at most once a minute.
SESSION_COOKIE_AGE = 12 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_SAVE_EVERY_REQUEST = False
KTGS_SESSION_IDLE = timedelta(minutes=30)
KTGS_SESSION_MAX_AGE = timedelta(hours=12)
KTGS_SESSION_TOUCH = timedelta(seconds=60)
_AFTER_MESSAGES = MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1
MIDDLEWARE[_AFTER_MESSAGES:_AFTER_MESSAGES] = [
    "ktgs.accounts.sessions.SessionPolicyMiddleware",  # may log out with a message
    "ktgs.accounts.twofactor.SecondFactorMiddleware",  # owes the code → the code page
]
# --- end log-in safety -------------------------------------------------------------------------

# Import (ktgs/exchange): files larger than this are refused before reading (docs/formats.md).
KTGS_IMPORT_MAX_MB = int(os.environ.get("KTGS_IMPORT_MAX_MB", "20"))
KTGS_ATTACHMENT_MAX_MB = int(os.environ.get("KTGS_ATTACHMENT_MAX_MB", "25"))
KTGS_PLACE_NAME = os.environ.get("KTGS_PLACE_NAME", "")  # địa danh of printed documents (Hòa An)

# --- web safety (headers, CSP, cookies) --------------------------------------------------------
# The middlewares that put the safety headers on an answer come FIRST (outermost), so that an
# answer made early passes through them too: Django's 400 for a bad Host (raised inside
# SecurityMiddleware when it redirects plain HTTP, or CommonMiddleware), the NUL 400, the HTTPS
# redirect. `Cache-Control: no-store` goes on everything the app answers but static files
# (WhiteNoise's); nosniff and Referrer-Policy come from SecurityMiddleware, and from
# BaselineHeadersMiddleware for the answers SecurityMiddleware itself did not finish. A request
# with a NUL character gets a Vietnamese 400 (ktgs/core/middleware.py).
MIDDLEWARE[0:0] = [
    "ktgs.core.middleware.NoStoreMiddleware",
    "ktgs.core.middleware.BaselineHeadersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "ktgs.core.middleware.RejectNulMiddleware",
)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],  # no 'unsafe-inline', no 'unsafe-eval': scripts are files
        "style-src": ["'self'"],  # no style="" attributes, no <style> (htmx's is turned off)
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
if PRODUCTION:
    # Behind a reverse proxy that ends TLS and ALWAYS sets X-Forwarded-Proto (overwriting what
    # the client sent); the app must not be reachable except through it. See README.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True  # the proxy redirects too; this catches a proxy that doesn't
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("KTGS_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True  # the names under the app's own host name
    # The "preload" token asks browsers to ship the domain in their HTTPS-only list, which is
    # hard to undo and means nothing on a closed network: opt in with KTGS_HSTS_PRELOAD=1.
    SECURE_HSTS_PRELOAD = os.environ.get("KTGS_HSTS_PRELOAD", "0") == "1"
    SILENCED_SYSTEM_CHECKS = [*globals().get("SILENCED_SYSTEM_CHECKS", []), "security.W021"]
# --- end web safety ----------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KTGS_LOG_LEVEL", "WARNING")},
}

# --- web safety: log lines (one record, one line) ----------------------------------------------
# User text in a message (a URL path in "Not Found: …", a name in an error) cannot start a forged
# line: the formatter escapes CR/LF and other control characters (ktgs/core/logging.py). Django's
# own loggers (django.request, django.security, …) write through the same handler instead of
# Django's default console handler, which prints messages raw.
LOGGING["formatters"] = {
    "one_line": {
        "class": "ktgs.core.logging.OneLineFormatter",
        "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
    }
}
LOGGING["handlers"]["console"]["formatter"] = "one_line"
LOGGING.setdefault("loggers", {})["django"] = {
    "handlers": ["console"],
    "level": "INFO" if DEBUG else os.environ.get("KTGS_LOG_LEVEL", "WARNING"),
    "propagate": False,
}
# --- end web safety: log lines -----------------------------------------------------------------
