"""Clean Break settings, read from the environment (django-environ).

With nothing set, the app runs on an embedded default: a SQLite file under var/,
Celery tasks run eagerly in-process, e-mail goes to the console. Production sets
DJANGO_DEBUG=false and must then provide its secrets, or start-up stops with a
message naming the missing variable. `.env.example` lists every variable.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from agency.uploads import MAX_REQUEST_BYTES

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)


def _required_in_production(name: str, value):
    if not DEBUG and not value:
        raise ImproperlyConfigured(
            f"{name} must be set when DJANGO_DEBUG is off (see .env.example)."
        )
    return value


SECRET_KEY = _required_in_production("DJANGO_SECRET_KEY", env.str("DJANGO_SECRET_KEY", default=""))
if not SECRET_KEY:
    # Development only: a fixed, obviously unsafe key so sessions survive restarts.
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

# The loopback names are always allowed so that container health checks can reach /healthz.
ALLOWED_HOSTS = [
    *_required_in_production("DJANGO_ALLOWED_HOSTS", env.list("DJANGO_ALLOWED_HOSTS", default=[])),
    "127.0.0.1",
    "localhost",
    "[::1]",
]
if DEBUG:
    ALLOWED_HOSTS.append("testserver")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    "agency",
    "clients",
    "offboarding",
]
if DEBUG:
    # Development data only (demo_data, seed_volume): never installed in production.
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body: a request over CLEANBREAK_MAX_REQUEST_BYTES is refused.
    "agency.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "agency.middleware.SessionRenewalMiddleware",
    # The browser's language before login (and for the login page itself) ...
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # The handover room's own posts arrive with Origin: null (its no-referrer policy).
    "agency.middleware.RoomOriginMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # ... and the signed-in user's own choice after it.
    "agency.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "agency.middleware.AuditRefusedAccessMiddleware",
    # Last, as django-axes asks: it turns a lockout into the locked-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "agency.context_processors.agency",
                "offboarding.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users and login ------------------------------------------------------------------
AUTH_USER_MODEL = "agency.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out user and address before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout after repeated failures for the same username from the same address.
AXES_FAILURE_LIMIT = env.int("CLEANBREAK_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("CLEANBREAK_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Behind a proxy, how many trusted proxies append to X-Forwarded-For (0: the direct
# address, the header ignored). agency.net.client_address reads it, for the lockout and
# the audit log alike (django-ipware is not used: its proxy count means something else).
CLEANBREAK_PROXY_COUNT = env.int("CLEANBREAK_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "agency.net.client_address"
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_IDLE_SECONDS", default=8 * 60 * 60)
# The age above is an idle timeout, not a fixed lifetime: agency.middleware.SessionRenewal
# pushes the expiry a full age ahead on activity, at most once every SESSION_RENEW_SECONDS
# (so the session is not written to the database on every request).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = 60
SESSION_COOKIE_HTTPONLY = True

# --- Secrets at rest ---------------------------------------------------------------------
# Fernet keys for credential secrets, newest first, separate from DJANGO_SECRET_KEY.
# Make one with: python manage.py generate_encryption_key
CLEANBREAK_ENCRYPTION_KEYS = _required_in_production(
    "CLEANBREAK_ENCRYPTION_KEYS", env.list("CLEANBREAK_ENCRYPTION_KEYS", default=[])
) or ["ZGV2LW9ubHktaW5zZWN1cmUta2V5LWNsZWFuYnJlYWs="]  # development only, never in production

# --- Internationalisation ---------------------------------------------------------------
# The interface and the documents speak these languages (translations under locale/, see
# locale/README.md). A signed-in user's own choice wins; before login the browser's
# Accept-Language decides; a client's documents follow the client's language.
LANGUAGES = [
    ("en-gb", "English"),
    ("nl", "Nederlands"),
    ("it", "Italiano"),
    ("hu", "Magyar"),
]
# The agency's default language: new clients get it, and it is the fallback for everyone.
LANGUAGE_CODE = env.str("CLEANBREAK_LANGUAGE", default="en-gb")
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(
        f"CLEANBREAK_LANGUAGE must be one of {', '.join(dict(LANGUAGES))}, not {LANGUAGE_CODE!r}."
    )
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our own date formats where Django's differ from how we want pages to read.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

# --- Static and private files -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded evidence, contracts and generated documents are private. There is no URL
# route for MEDIA_ROOT: every file is served by a view that checks who is asking.
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/private/"  # never routed; see config/urls.py
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env.bool("DJANGO_STATIC_MANIFEST", default=True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Readable by the app's own user only: folders 700, files 600 (also the encrypted ones).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
# Requests whose Content-Length is larger are answered 413 before their body is read
# (gunicorn has no body limit of its own). Unset or empty: 10 files of 10 MB plus 1 MB.
CLEANBREAK_MAX_REQUEST_BYTES = int(
    env.str("CLEANBREAK_MAX_REQUEST_BYTES", default="") or MAX_REQUEST_BYTES
)

# --- Celery -----------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    CELERY_BROKER_URL = "memory://"  # tasks run in-process; nothing is sent anywhere
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str(
    "CELERY_RESULT_BACKEND", default=None if CELERY_TASK_ALWAYS_EAGER else CELERY_BROKER_URL
)
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
# A message taken by a worker that died unacknowledged is handed to a worker again once
# this time has passed (workers look for such messages when they start and then every
# few seconds, see unacked_restore_throttle). It must be longer than the longest task,
# or a slow render would run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "unacked_restore_throttle": 10,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# The worker runs with --beat: documents requested while the broker was down are
# handed over again once it is back.
CELERY_BEAT_SCHEDULE = {
    "sweep-queued-documents": {
        "task": "offboarding.sweep_queued_documents",
        "schedule": 60.0,
    },
    # Incidents fade with age and invoices fall overdue without any write: recompute.
    "refresh-risk-daily": {
        "task": "clients.refresh_risk",
        "schedule": crontab(hour=4, minute=15),
    },
    # Notice deadlines, calls, ends, renewals, open doors, expired rooms: once each.
    "send-reminders-daily": {
        "task": "offboarding.send_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
}

# --- E-mail -----------------------------------------------------------------------------
# EMAIL_URL such as smtp+tls://user:password@mail.example.com:587; console by default.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="clean-break@localhost")

# --- Front end --------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
AGENCY_NAME = env.str("AGENCY_NAME", default="Northwind Digital")
# The agency's logo on documents: a path under static/ (SVG or PNG).
AGENCY_LOGO = env.str("AGENCY_LOGO", default="img/logo.svg")
# The address people use to reach Clean Break, for links in e-mails. Set it in production;
# unset (or empty) it is the development server's, on PORT as `make run` serves it.
# Required in production: a client's handover link has no other way to reach them.
SITE_URL = (
    _required_in_production("CLEANBREAK_SITE_URL", env.str("CLEANBREAK_SITE_URL", default=""))
    or f"http://127.0.0.1:{env.int('PORT', default=8000)}"
).rstrip("/")
# A mail server that does not answer must not hold a request (opening a handover room
# sends its links while the lead waits): give up after this many seconds.
EMAIL_TIMEOUT = env.int("DJANGO_EMAIL_TIMEOUT", default=10)

# --- The handover room (offboarding.services.room) ---------------------------------------
# How long a room stays open by default, and at most (counted from the day it is opened
# or extended).
CLEANBREAK_ROOM_DAYS = env.int("CLEANBREAK_ROOM_DAYS", default=14)
CLEANBREAK_ROOM_MAX_DAYS = env.int("CLEANBREAK_ROOM_MAX_DAYS", default=30)
if not 1 <= CLEANBREAK_ROOM_DAYS <= CLEANBREAK_ROOM_MAX_DAYS:
    raise ImproperlyConfigured(
        "CLEANBREAK_ROOM_DAYS must be between 1 and CLEANBREAK_ROOM_MAX_DAYS."
    )
# The access code is told by phone; true: it is e-mailed too (in its own message).
CLEANBREAK_ROOM_CODE_BY_EMAIL = env.bool("CLEANBREAK_ROOM_CODE_BY_EMAIL", default=False)
# Wrong codes before a link locks (the lead is told and can issue a new one).
CLEANBREAK_ROOM_CODE_ATTEMPTS = env.int("CLEANBREAK_ROOM_CODE_ATTEMPTS", default=5)
# Wrong codes and dead links per address in a quarter of an hour before it must wait.
CLEANBREAK_ROOM_ADDRESS_LIMIT = env.int("CLEANBREAK_ROOM_ADDRESS_LIMIT", default=20)
# Inside the room, idle this long: the code is asked again.
CLEANBREAK_ROOM_IDLE_MINUTES = env.int("CLEANBREAK_ROOM_IDLE_MINUTES", default=30)
# Where a client with a dead link can turn (shown on the neutral page); empty: the
# sender address.
AGENCY_EMAIL = env.str("AGENCY_EMAIL", default="") or DEFAULT_FROM_EMAIL

# --- Security (production) --------------------------------------------------------------
# No inline script or style anywhere: every script and stylesheet is a file of ours.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Logging ----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # A handover room's token never reaches a log line (agency.logging).
    "filters": {"room_tokens": {"()": "agency.logging.RedactRoomTokens"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["room_tokens"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own console handler (debug only) would print before the redaction:
        # its records go to the root's handler instead.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # WeasyPrint reports every layout step at INFO; only its warnings matter here.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Django logs the path of every 4xx answer: a room's path is redacted at the source.
        "django.request": {"filters": ["room_tokens"]},
        "django.security.csrf": {"filters": ["room_tokens"]},
        "django.server": {
            "handlers": ["console"],
            "filters": ["room_tokens"],
            "level": "INFO",
            "propagate": False,
        },
    },
}
