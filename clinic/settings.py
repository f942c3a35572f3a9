"""Mesoplan settings, driven by the environment (see README and docs/deploy.md)."""

import os
from datetime import timedelta
from email.utils import getaddresses
from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def env_flag(name: str, default: bool) -> bool:
    """A yes/no setting from the environment. A word it does not know stops the start: a typo
    in a security switch must not quietly turn it off."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    accepted = ", ".join(sorted(TRUE_WORDS | FALSE_WORDS))
    raise ImproperlyConfigured(f"{name}={os.environ[name]!r} is not a yes/no value; use one of {accepted}.")


def env_count(name: str, default: int) -> int:
    """A whole number of at least 0 from the environment; anything else stops the start."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ImproperlyConfigured(f"{name}={os.environ[name]!r} is not a whole number (0, 1, 2…).")
    return int(value)


# On for a local `make run`; every deployment sets DJANGO_DEBUG=0.
DEBUG = env_flag("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or ("local-development-only-key" if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY when DJANGO_DEBUG=0.")

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if host.strip()
]
CSRF_TRUSTED_ORIGINS = [
    origin.strip() for origin in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if origin.strip()
]

INSTALLED_APPS = [
    "clinic",
    "patients",
    "messaging",
    "treatments",
    "consents",
    "scheduling",
    "workday",
    "portal",
    # Before the admin, so that it edits the patients' texts in both languages side by side.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "simple_history",
    "csp",
    "axes",
    "js_lib_htmx",
    "huey.contrib.djhuey",
]

MIDDLEWARE = [
    "clinic.logs.RequestIdMiddleware",
    "clinic.http.RefuseControlCharactersMiddleware",
    "clinic.http.HeadAsGetMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "clinic.http.PrivateByDefaultMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "clinic.languages.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "clinic.sessions.IdleSessionMiddleware",
    # After the idle sign-out: a tablet handed to a patient reaches only the kiosk's pages.
    "consents.middleware.KioskModeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clinic.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# A web request gives up on the database within 10 seconds and answers 503 (clinic/database.py);
# manage.py commands (migrate, backup, seed_demo) may take longer (manage.py marks them).
RUNNING_COMMAND = os.environ.get("CLINIC_PROCESS") == "command"
CLINIC_DB_CONNECT_TIMEOUT = env_count("DJANGO_DB_CONNECT_TIMEOUT", 3)
CLINIC_DB_STATEMENT_TIMEOUT = (
    env_count("DJANGO_DB_COMMAND_STATEMENT_TIMEOUT", 3600)
    if RUNNING_COMMAND
    else env_count("DJANGO_DB_STATEMENT_TIMEOUT", 5)
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": CLINIC_DB_CONNECT_TIMEOUT,
            "options": f"-c statement_timeout={CLINIC_DB_STATEMENT_TIMEOUT * 1000}",
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Take the write lock at BEGIN so concurrent writers queue instead of racing, and let
    # readers carry on beside a writer (WAL). A writer waits for the lock at most `timeout`.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 60 if RUNNING_COMMAND else 8,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "clinic.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed sign-ins (clinic/lockout.py): five from one client (a username from one address)
# lock that client for 15 minutes; twenty for one username within an hour, from any mix of
# addresses, lock it everywhere except the addresses it signed in from within 90 days, until
# the hour since the first of them is over. A refused attempt counts for nothing, so trying
# again never lengthens a lock. The manager unlocks a user in the admin (Users → "Unlock sign-in").
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_HANDLER = "clinic.lockout.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "clinic.lockout.locked_out"
AXES_CLIENT_IP_CALLABLE = "clinic.http.client_ip"
CLINIC_USERNAME_FAILURE_LIMIT = 20
CLINIC_USERNAME_FAILURE_WINDOW = timedelta(hours=1)
CLINIC_KNOWN_ADDRESS_DAYS = 90
# How many proxies stand in front of gunicorn, each adding the address it was reached from
# to X-Forwarded-For (nginx: proxy_add_x_forwarded_for). 0: the connecting address is the
# client's and X-Forwarded-For is ignored. See clinic/http.py: client_ip and docs/deploy.md.
CLINIC_TRUSTED_PROXIES = env_count("DJANGO_TRUSTED_PROXIES", 0)

LOGIN_URL = "login"
LOGIN_URL_PATH = "/accounts/login/"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Health data on shared front-desk screens: sessions end when the browser closes and
# after eight idle hours at the latest.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Signed out after this many idle hours (clinic.sessions), and this many hours after signing
# in however busy (a working day).
SESSION_IDLE_HOURS = float(os.environ.get("DJANGO_SESSION_IDLE_HOURS", "8"))
SESSION_MAX_HOURS = float(os.environ.get("DJANGO_SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = int(SESSION_MAX_HOURS * 60 * 60)

# The languages of every page, document, email and calendar file. Staff read the one they
# chose (remembered on their account) or else their browser's; each patient's documents are
# in the patient's preferred language, which starts as the clinic's.
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
CLINIC_LANGUAGE = os.environ.get("CLINIC_LANGUAGE", "en")
if CLINIC_LANGUAGE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"CLINIC_LANGUAGE must be one of {', '.join(dict(LANGUAGES))}.")
LANGUAGE_CODE = CLINIC_LANGUAGE
LOCALE_PATHS = [BASE_DIR / "locale"]
# The clinic's own texts for patients (aftercare topics, areas' and courses' names for
# patients) have a column per language (treatments/translation.py). The English is the one
# every row has, as the defaults came written in English; a French text not written yet
# reads in English rather than blank, and the other way round.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en", "fr")
# English dates as in Europe (31/01/2028, weeks from Monday): see clinic/formats/en.
FORMAT_MODULE_PATH = ["clinic.formats"]
TIME_ZONE = os.environ.get("CLINIC_TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Decided when settings load, so test runs (which turn DEBUG off later) serve from finders too.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# django-weasyprint reads stylesheets and images from disk through the static finders.
WEASYPRINT_BASEURL = "/"

# Only the app's own files run or style pages: no inline script or style, no other origin.
# Bootstrap draws its form controls' icons with data: SVG images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# The audit trail is a record, not an undo button.
SIMPLE_HISTORY_REVERT_DISABLED = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

CLINIC_NAME = os.environ.get("CLINIC_NAME", "Mesoplan demo clinic")
CLINIC_ADDRESS = os.environ.get("CLINIC_ADDRESS", "12 rue de la Paix, 75002 Paris")
CLINIC_PHONE = os.environ.get("CLINIC_PHONE", "01 23 45 67 89")
# Answered day and night: the aftercare sheet gives it for signs that cannot wait (blocked blood flow).
CLINIC_OUT_OF_HOURS_PHONE = os.environ.get("CLINIC_OUT_OF_HOURS_PHONE", "06 12 34 56 78")
# Patients may cancel from the portal up to this many hours before; 0 turns it off.
PORTAL_CANCEL_HOURS = int(os.environ.get("CLINIC_PORTAL_CANCEL_HOURS", "24"))
# Portal invitation links work once and for three days.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

# Email (docs/deploy.md, "Email and text messages"): printed on the console unless
# DJANGO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend names the SMTP server below.
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_count("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS", False)
# A server that accepts the connection and then says nothing holds a consumer this many
# seconds at most per step; the message is retried later.
EMAIL_TIMEOUT = env_count("EMAIL_TIMEOUT", 10)
if not 1 <= EMAIL_TIMEOUT <= 60:
    raise ImproperlyConfigured("EMAIL_TIMEOUT is a number of seconds from 1 to 60.")
DEFAULT_FROM_EMAIL = (
    os.environ.get("DEFAULT_FROM_EMAIL") or os.environ.get("DJANGO_DEFAULT_FROM_EMAIL") or "clinic@localhost"
)
# Text messages: a backend class with send(*, to, text) (messaging/sms.py); none by default,
# so no text message is queued. messaging.sms.ConsoleBackend prints them,
# messaging.sms.FileBackend writes each into SMS_FILE_PATH.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "")
SMS_FILE_PATH = os.environ.get("SMS_FILE_PATH", str(BASE_DIR / "sent-sms"))
# The clinic's address as patients reach it: links in emails (portal, reminders opt-out).
CLINIC_SITE_URL = os.environ.get("CLINIC_SITE_URL", "http://127.0.0.1:8000")
# A message that fails is tried again after 1, 4, 16, 64… times MESSAGING_RETRY_MINUTES, and
# is failed after MESSAGING_MAX_ATTEMPTS tries (the manager may retry it from the admin).
MESSAGING_MAX_ATTEMPTS = max(env_count("MESSAGING_MAX_ATTEMPTS", 5), 1)
MESSAGING_RETRY_MINUTES = env_count("MESSAGING_RETRY_MINUTES", 1)
# How many senders each minute's run starts (they share the due messages).
MESSAGING_SENDERS = max(env_count("MESSAGING_SENDERS", 2), 1)

# Background jobs (huey, `manage.py run_huey`): a SQLite file of its own by default, so one
# machine needs no server; HUEY_URL=redis://host:6379/0 lets any number of consumers on any
# number of machines share the queue (docs/deploy.md, "Background jobs").
HUEY_URL = os.environ.get("HUEY_URL", "")
HUEY_COMMON = {
    "name": os.environ.get("HUEY_NAME", "mesoplan"),
    # Never run tasks inside the web request, even with DEBUG on (djhuey's default then):
    # tests turn this on themselves (tests/conftest.py).
    "immediate": False,
    "utc": True,
    "consumer": {"workers": max(env_count("HUEY_WORKERS", 2), 1), "worker_type": "thread"},
}
if HUEY_URL.startswith(("redis://", "rediss://", "unix://")):
    HUEY = {**HUEY_COMMON, "huey_class": "huey.RedisHuey", "url": HUEY_URL}
elif not HUEY_URL or HUEY_URL.startswith("sqlite:///"):
    HUEY = {
        **HUEY_COMMON,
        "huey_class": "messaging.jobs.PrivateSqliteHuey",
        "filename": HUEY_URL.removeprefix("sqlite:///") or str(BASE_DIR / "jobs.sqlite3"),
    }
else:
    raise ImproperlyConfigured("HUEY_URL is redis://host:port/db, rediss://…, unix://… or sqlite:///path.")

# Weekdays the clinic is closed, 0 = Monday … 6 = Sunday: course dates skip them.
CLINIC_CLOSED_WEEKDAYS = frozenset(
    int(day) for day in os.environ.get("CLINIC_CLOSED_WEEKDAYS", "6").split(",") if day.strip()
)

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", True)
    # The load balancer probes the health check over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    if env_flag("DJANGO_TRUST_X_FORWARDED_PROTO", False):
        # Only behind a proxy that sets this header itself; otherwise clients could forge it.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_flag("DJANGO_SECURE_HSTS_PRELOAD", True)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]  # the operator chose not to join the preload list
    SECURE_REFERRER_POLICY = "same-origin"

# Logs go to stderr: with debug off, one JSON object a line (clinic/logs.py) carrying the
# request id, path and user id, never patient data. Every 5xx answer and unhandled exception
# is logged by django.request; mailed to ADMINS too when DJANGO_ADMINS is set
# ("Ann Martin <ann@clinic.example>, it@clinic.example").
ADMINS = getaddresses([os.environ.get("DJANGO_ADMINS", "")]) if os.environ.get("DJANGO_ADMINS") else []
SERVER_EMAIL = DEFAULT_FROM_EMAIL
LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "clinic.logs.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", **({} if DEBUG else {"formatter": "json"})},
        "mail_admins": {"class": "django.utils.log.AdminEmailHandler", "level": "ERROR", "include_html": False},
    },
    "loggers": {
        # Mesoplan's own loggers (patients.registry…) print beside Django's.
        **{
            app: {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False}
            for app in ("clinic", "patients", "messaging", "treatments", "scheduling", "workday", "portal", "huey")
        },
        "django.request": {
            "handlers": ["console", *(["mail_admins"] if ADMINS else [])],
            "level": "ERROR",
            "propagate": False,
        },
    },
}
# An error-reporting service, if the clinic uses one: Sentry with SENTRY_DSN (install
# sentry-sdk beside requirements.txt; it is not required).
if os.environ.get("SENTRY_DSN"):
    try:
        import sentry_sdk
    except ImportError:
        raise ImproperlyConfigured(
            "SENTRY_DSN is set but sentry-sdk is not installed: pip install sentry-sdk"
        ) from None
    sentry_sdk.init(dsn=os.environ["SENTRY_DSN"], send_default_pii=False)
