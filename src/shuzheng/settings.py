"""Settings for shuzheng, read from environment variables and nowhere else.

Two profiles share this file. ``SHUZHENG_ENV=demo`` (the default) runs on one
laptop with an embedded SQLite database and needs no configuration at all.
``SHUZHENG_ENV=production`` refuses to start without a real secret key and
turns on the HTTPS protections that ``manage.py check --deploy`` expects.
Every value below can be overridden one by one; README lists the variables.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy

# Lets admin classes and querysets be subscripted (ModelAdmin[Region]) at run time.
django_stubs_ext.monkeypatch()

# --- typed helpers ----------------------------------------------------------

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: set[str]) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {sorted(choices)}, got {value!r}")
    return value


# --- profile ----------------------------------------------------------------

PACKAGE_DIR = Path(__file__).resolve().parent
# The checkout root when running from source (src/ layout); only used for
# defaults that a deployment overrides anyway.
ROOT_DIR = PACKAGE_DIR.parent.parent

SHUZHENG_ENV = env_choice("SHUZHENG_ENV", "demo", {"demo", "production"})
PRODUCTION = SHUZHENG_ENV == "production"

DEBUG = env_bool("DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when SHUZHENG_ENV=production")

SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when SHUZHENG_ENV=production")
    # Demo only: a fixed key keeps demo sessions valid across restarts.
    SECRET_KEY = "django-insecure-shuzheng-demo-key-never-use-in-production"  # noqa: S105

# Encrypts personal data at rest (core.crypto); kept apart from SECRET_KEY so
# that rotating session keys does not make stored ID numbers unreadable.
SHUZHENG_DATA_KEY = env_str("SHUZHENG_DATA_KEY", "")
if not SHUZHENG_DATA_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SHUZHENG_DATA_KEY must be set when SHUZHENG_ENV=production")
    SHUZHENG_DATA_KEY = "demo-data-key-" + SECRET_KEY

DATA_DIR = Path(env_str("SHUZHENG_DATA_DIR", str(ROOT_DIR / "var")))

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# --- applications -----------------------------------------------------------

INSTALLED_APPS = [
    "shuzheng.core",
    "shuzheng.accounts",
    "shuzheng.catalog",
    "shuzheng.opendata",
    "shuzheng.quality",
    "shuzheng.ingest",
    "shuzheng.privacy",
    "shuzheng.sharing",
    "shuzheng.eservices",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # The OpenID Connect provider other government systems sign their users in through.
    "oauth2_provider",
    # Serves Swagger UI from its own static files instead of a CDN.
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_ratelimit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Every page needs a signed-in user unless its view says otherwise.
    "shuzheng.accounts.middleware.LoginRequiredMiddleware",
    "shuzheng.accounts.middleware.SessionPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "shuzheng.core.middleware.ProblemDetailsMiddleware",
]

ROOT_URLCONF = "shuzheng.urls"
WSGI_APPLICATION = "shuzheng.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal-home"
LOGOUT_REDIRECT_URL = "portal-home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shuzheng.core.context_processors.shell",
                "shuzheng.core.context_processors.inbox",
            ],
        },
    },
]

# --- cache ------------------------------------------------------------------

# Rate limits count in this cache. The default keeps counters inside each server
# process (one laptop); several processes or hosts share them through Redis.
CACHE_URL = env_str("CACHE_URL", "locmem://")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
elif CACHE_URL == "locmem://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured("CACHE_URL must be locmem:// or a redis:// URL")
# django-ratelimit knows only third-party Redis backends; Django's own increments atomically too.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
if CACHE_URL == "locmem://":
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")  # per-process counters, chosen above

# --- database ---------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'shuzheng.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0 if DATABASE_URL.startswith("sqlite") else 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite creates the file but not its folder; a fresh checkout has neither.
    if DATABASES["default"]["NAME"] != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers proceed while one writer commits; IMMEDIATE takes the
        # write lock at BEGIN so concurrent writers queue instead of failing
        # with "database is locked" halfway through a transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- authentication ---------------------------------------------------------

AUTHENTICATION_BACKENDS = ["shuzheng.accounts.backends.PlatformBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": max(env_int("PASSWORD_MIN_LENGTH", 8), 8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Off by default (NIST SP 800-63B advises against both); an MLPS assessment
# may ask for them: at least N of the four character classes, and a maximum age.
SHUZHENG_PASSWORD_MIN_CLASSES = env_int("SHUZHENG_PASSWORD_MIN_CLASSES", 0)
if SHUZHENG_PASSWORD_MIN_CLASSES:
    AUTH_PASSWORD_VALIDATORS.append(
        {
            "NAME": "shuzheng.accounts.validators.CharacterClassValidator",
            "OPTIONS": {"min_classes": SHUZHENG_PASSWORD_MIN_CLASSES},
        }
    )
SHUZHENG_PASSWORD_MAX_AGE_DAYS = env_int("SHUZHENG_PASSWORD_MAX_AGE_DAYS", 0)

# Lockout: this many failures within the window lock the username (known or
# not, so the answer reveals nothing) for the lockout period.
SHUZHENG_LOGIN_MAX_FAILURES = env_int("SHUZHENG_LOGIN_MAX_FAILURES", 5)
SHUZHENG_LOGIN_FAILURE_WINDOW_MINUTES = env_int("SHUZHENG_LOGIN_FAILURE_WINDOW_MINUTES", 15)
SHUZHENG_LOGIN_LOCKOUT_MINUTES = env_int("SHUZHENG_LOGIN_LOCKOUT_MINUTES", 30)

# Sessions end after this much inactivity, and in any case this long after
# sign-in; officials and administrators hold more, so theirs are shorter.
SHUZHENG_SESSION_IDLE_MINUTES = env_int("SHUZHENG_SESSION_IDLE_MINUTES", 60)
SHUZHENG_SESSION_IDLE_MINUTES_OFFICIAL = env_int("SHUZHENG_SESSION_IDLE_MINUTES_OFFICIAL", 30)
SHUZHENG_SESSION_ABSOLUTE_HOURS = env_int("SHUZHENG_SESSION_ABSOLUTE_HOURS", 12)
SHUZHENG_SESSION_ABSOLUTE_HOURS_OFFICIAL = env_int("SHUZHENG_SESSION_ABSOLUTE_HOURS_OFFICIAL", 12)
SESSION_COOKIE_AGE = max(SHUZHENG_SESSION_ABSOLUTE_HOURS, SHUZHENG_SESSION_ABSOLUTE_HOURS_OFFICIAL) * 3600

SHUZHENG_API_TOKEN_MAX_DAYS = env_int("SHUZHENG_API_TOKEN_MAX_DAYS", 365)
# The longest a person may authorise another to act for them (代办).
SHUZHENG_DELEGATION_MAX_DAYS = env_int("SHUZHENG_DELEGATION_MAX_DAYS", 365)
OTP_TOTP_ISSUER = "数政 shuzheng"

# --- internationalisation ---------------------------------------------------

LANGUAGE_CODE = "zh-hans"
# Each language under its own name, as a language switcher shows it.
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- static files -----------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static")))
# Front-end packages come from the npm registry (package.json); only the
# files the pages use are exposed, under their package name.
NODE_MODULES = Path(env_str("SHUZHENG_NODE_MODULES", str(ROOT_DIR / "node_modules")))
STATICFILES_DIRS: list[Path | tuple[str, Path]] = [PACKAGE_DIR / "static"]
STATICFILES_DIRS += [
    (f"vendor/{package}", NODE_MODULES / package / subdir)
    for package, subdir in [("htmx.org", "dist")]
    if (NODE_MODULES / package / subdir).is_dir()
]
# Scanning STATIC_ROOT at start-up is right for a server and a waste for every
# test client (each would re-read thousands of files); tests look files up per request.
WHITENOISE_AUTOREFRESH = env_bool("WHITENOISE_AUTOREFRESH", DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed names let browsers cache assets forever; needs collectstatic,
        # which `make demo` and deployments run.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}

# --- security ---------------------------------------------------------------

HTTPS = env_bool("SHUZHENG_HTTPS", PRODUCTION)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
# Behind a reverse proxy that terminates TLS, name the header it sets.
if proxy_header := env_str("SECURE_PROXY_SSL_HEADER", ""):
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + proxy_header.upper().replace("-", "_"), "https")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Everything the pages use is served from this origin: the platform must work
# on an isolated government network, and a strict policy proves it.
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

# --- logging ----------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- background work (Celery) ---------------------------------------------------

# One laptop: a SQLite file as the broker (no server); a province: Redis or RabbitMQ.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", f"sqla+sqlite:///{DATA_DIR / 'celery-broker.sqlite3'}")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# What the platform does by itself, started by the worker's beat (`shuzheng worker --beat`, as
# `make demo` runs it; a province runs one `celery -A shuzheng.celery_app beat` beside its workers).
# Every minute: the pipelines whose scheduled time has come. Daily, at the cron time below: the
# reminders of quality tickets and of cases due soon or overdue, and escalation of sharing requests
# past their deadline (each reminds or escalates once a day however often it runs).
SHUZHENG_DAILY_JOBS_CRON = env_str("SHUZHENG_DAILY_JOBS_CRON", "0 8 * * *")
CELERY_BEAT_SCHEDULE = {
    "ingest.run_due": {"task": "ingest.run_due", "schedule": 60.0},
    **{
        task: {"task": task, "schedule": crontab.from_string(SHUZHENG_DAILY_JOBS_CRON)}
        for task in ("quality.remind", "eservices.remind", "sharing.escalate")
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")

# --- platform ---------------------------------------------------------------

# Tabular resources as Parquet files, read through Ibis (catalog.warehouse).
SHUZHENG_WAREHOUSE_DIR = Path(env_str("SHUZHENG_WAREHOUSE_DIR", str(DATA_DIR / "warehouse")))
# Or any Ibis backend by URL instead of the Parquet directory: "duckdb:///var/warehouse.duckdb"
# (one process at a time), "postgres://user@host/db", "trino://…". Empty: the directory.
SHUZHENG_WAREHOUSE_URL = env_str("SHUZHENG_WAREHOUSE_URL", "")
# Uploaded source files of ingestion runs (kept outside the web root, named by run).
SHUZHENG_INGEST_DIR = Path(env_str("SHUZHENG_INGEST_DIR", str(DATA_DIR / "ingest")))
# A run still queued or running this many hours after it was queued was lost with its worker (a
# redelivered task finds it claimed and leaves it): it is marked failed when its pipeline's next
# scheduled time comes, so that the schedule does not wait on it for ever.
SHUZHENG_INGEST_RUN_HOURS = env_int("SHUZHENG_INGEST_RUN_HOURS", 12)

# Materials citizens upload (core.uploads): stored under random names, outside every served folder,
# and handed out only through a view that checks who asks.
SHUZHENG_UPLOAD_ROOT = Path(env_str("SHUZHENG_UPLOAD_ROOT", str(DATA_DIR / "uploads")))
if SHUZHENG_UPLOAD_ROOT.resolve().is_relative_to(STATIC_ROOT.resolve()):
    raise ImproperlyConfigured("SHUZHENG_UPLOAD_ROOT must not lie inside STATIC_ROOT, which is served to anyone")
SHUZHENG_UPLOAD_MAX_BYTES = env_int("SHUZHENG_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
# Zip-based formats (docx, xlsx, OFD) are refused as zip bombs past these limits, which the
# archive's own directory declares: the total unpacked size, the unpacked-to-packed ratio (of the
# whole, and of any member over 1 MiB; real documents stay well under 100) and the member count.
SHUZHENG_UPLOAD_ZIP_MAX_BYTES = env_int("SHUZHENG_UPLOAD_ZIP_MAX_BYTES", 256 * 1024 * 1024)
SHUZHENG_UPLOAD_ZIP_MAX_RATIO = env_int("SHUZHENG_UPLOAD_ZIP_MAX_RATIO", 100)
SHUZHENG_UPLOAD_ZIP_MAX_MEMBERS = env_int("SHUZHENG_UPLOAD_ZIP_MAX_MEMBERS", 5000)
# Virus scanners every upload passes, by registered name ("clamd"); none by default. A scanner that
# cannot answer refuses the upload rather than let it through unscanned.
SHUZHENG_UPLOAD_SCANNERS = env_list("SHUZHENG_UPLOAD_SCANNERS", [])
# The ClamAV daemon the "clamd" scanner streams to: a unix socket path or host:port. Keep clamd's
# StreamMaxLength above SHUZHENG_UPLOAD_MAX_BYTES, or it refuses the larger uploads.
SHUZHENG_CLAMD_ADDRESS = env_str("SHUZHENG_CLAMD_ADDRESS", "")
SHUZHENG_CLAMD_TIMEOUT = env_int("SHUZHENG_CLAMD_TIMEOUT", 30)  # seconds
# The province whose regions the platform serves (GB/T 2260, two digits).
SHUZHENG_PROVINCE = env_str("SHUZHENG_PROVINCE", "33")
# Mobile numbers: no authoritative list of ranges exists, so the pattern is
# configuration (domain.md §3.5).
SHUZHENG_MOBILE_PATTERN = env_str("SHUZHENG_MOBILE_PATTERN", r"^1[3-9]\d{9}$")
# Days the library does not know yet fall back to Monday–Friday when this is
# on; off makes such a date an error until the year's schedule is entered.
SHUZHENG_CALENDAR_WEEKEND_FALLBACK = env_bool("SHUZHENG_CALENDAR_WEEKEND_FALLBACK", True)
# Who answers "does this name belong to this ID number": "demo" (the demo
# province's generated register), "none", or the dotted path of a class that
# calls the population register (accounts.identity.IdentityVerifier).
SHUZHENG_IDENTITY_VERIFIER = env_str("SHUZHENG_IDENTITY_VERIFIER", "none" if PRODUCTION else "demo")
# The demo personas exist only in demo databases (README).
SHUZHENG_DEMO_PASSWORD = env_str("SHUZHENG_DEMO_PASSWORD", "demo-pass-2025")
# Who publishes the open-data catalogue (dct:publisher of the DCAT catalogue).
SHUZHENG_PORTAL_PUBLISHER = env_str("SHUZHENG_PORTAL_PUBLISHER", "浙江省大数据发展管理局")
# The licence of every open dataset's distributions (a URI, dct:license).
SHUZHENG_OPEN_DATA_LICENCE = env_str("SHUZHENG_OPEN_DATA_LICENCE", "https://creativecommons.org/licenses/by/4.0/")
# Working days a department has to decide on an application for a restricted dataset.
SHUZHENG_OPEN_APPLICATION_DAYS = env_int("SHUZHENG_OPEN_APPLICATION_DAYS", 10)
# The longest use an approval grants; the applicant asks for up to this many days.
SHUZHENG_OPEN_ACCESS_MAX_DAYS = env_int("SHUZHENG_OPEN_ACCESS_MAX_DAYS", 365)
# Calls to the open-data APIs and downloads, per client address without a key and per user with one
# (django-ratelimit rates: "60/m", "1000/h").
SHUZHENG_OPEN_RATE_ANONYMOUS = env_str("SHUZHENG_OPEN_RATE_ANONYMOUS", "60/m")
SHUZHENG_OPEN_RATE_KEY = env_str("SHUZHENG_OPEN_RATE_KEY", "600/m")
# Working days a department has to correct (or dispute) a data-quality problem sent to it.
SHUZHENG_QUALITY_TICKET_DAYS = env_int("SHUZHENG_QUALITY_TICKET_DAYS", 5)
# Reminders go out for problems due within this many working days, and for overdue ones, once a day.
SHUZHENG_QUALITY_REMIND_DAYS = env_int("SHUZHENG_QUALITY_REMIND_DAYS", 2)
# A dataset's checks whose failing rows stay in the warehouse (the newest ones, and any an active
# ticket points to); older checks keep their counts and samples. Nightly checks would otherwise
# keep a table a night for ever.
SHUZHENG_QUALITY_KEEP_FAILURES = env_int("SHUZHENG_QUALITY_KEEP_FAILURES", 10)

# --- notifications -------------------------------------------------------------

# Every notification is an in-site message (站内消息, /messages/). These channels also get it,
# after commit and from the background worker: "console" (a log line, for the demo), "email"
# (Django's EMAIL_* settings), "sms", or a channel an app registers. Empty: in-site messages only.
SHUZHENG_NOTIFY_CHANNELS = env_list("SHUZHENG_NOTIFY_CHANNELS", [])
# The dotted path of the class that sends SMS (a subclass of core.notifications.SmsGateway, written
# for the province's provider). The default sends nothing and logs the masked number.
SHUZHENG_SMS_GATEWAY = env_str("SHUZHENG_SMS_GATEWAY", "shuzheng.core.notifications.LoggingSmsGateway")
# The "email" channel's mail server.
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "webmaster@localhost")

# --- privacy engine -----------------------------------------------------------

# The key ring of reversible tokens (SM4) and keyed hashes (HMAC-SM3): a JSON file
# {"active": "2026", "keys": {"2026": "<32 hex digits>", "2025": "..."}}. Tokens name their key,
# so a retired key left in the ring still reads old tokens. Empty: one key derived from
# SHUZHENG_DATA_KEY.
SHUZHENG_PRIVACY_KEY_FILE = env_str("SHUZHENG_PRIVACY_KEY_FILE", "")
# A release is refused while fewer than K records share a combination of quasi-identifiers, or a
# group has fewer than L distinct values of a sensitive attribute.
SHUZHENG_PRIVACY_K = env_int("SHUZHENG_PRIVACY_K", 5)
SHUZHENG_PRIVACY_L = env_int("SHUZHENG_PRIVACY_L", 2)
# Values read from each field when proposing its kind of personal data, and the share of them
# that must be of one kind for the proposal.
SHUZHENG_PRIVACY_SAMPLE_ROWS = env_int("SHUZHENG_PRIVACY_SAMPLE_ROWS", 1000)
SHUZHENG_PRIVACY_CLASSIFY_SHARE = env_int("SHUZHENG_PRIVACY_CLASSIFY_SHARE", 60)  # per cent
# Calls to /api/v1/privacy/detect and /mask per user, and the longest text one call may send.
SHUZHENG_PRIVACY_RATE = env_str("SHUZHENG_PRIVACY_RATE", "120/m")
SHUZHENG_PRIVACY_MAX_TEXT = env_int("SHUZHENG_PRIVACY_MAX_TEXT", 100_000)

# --- data sharing -------------------------------------------------------------

# Working days for each step of a request (a local rule: the platform's check, the owner's answer,
# and the owner's answer when the data must first be published on the platform).
SHUZHENG_SHARING_CHECK_DAYS = env_int("SHUZHENG_SHARING_CHECK_DAYS", 2)
SHUZHENG_SHARING_ANSWER_DAYS = env_int("SHUZHENG_SHARING_ANSWER_DAYS", 5)
SHUZHENG_SHARING_PUBLISH_DAYS = env_int("SHUZHENG_SHARING_PUBLISH_DAYS", 10)
# The longest period a request may ask for, in days.
SHUZHENG_SHARING_MAX_DAYS = env_int("SHUZHENG_SHARING_MAX_DAYS", 1096)
# A grant's rate is the expected day's calls spread over an hour, but never below this per minute.
SHUZHENG_SHARING_MIN_RATE = env_int("SHUZHENG_SHARING_MIN_RATE", 60)
# Keys in one batch lookup, and records in one page of a query.
SHUZHENG_SHARING_BATCH_MAX = env_int("SHUZHENG_SHARING_BATCH_MAX", 100)
SHUZHENG_SHARING_PAGE_MAX = env_int("SHUZHENG_SHARING_PAGE_MAX", 100)
# Each server process queues the sealing of the call log at most once in this many seconds; a
# record waits about as long before it is chained and signed.
SHUZHENG_SHARING_SEAL_SECONDS = env_int("SHUZHENG_SHARING_SEAL_SECONDS", 1)
# An anomaly is raised when a consumer asks about more distinct people or enterprises in an hour
# than this share (per cent) of its expected day, and at least this many.
SHUZHENG_SHARING_ANOMALY_SHARE = env_int("SHUZHENG_SHARING_ANOMALY_SHARE", 50)
SHUZHENG_SHARING_ANOMALY_MIN_KEYS = env_int("SHUZHENG_SHARING_ANOMALY_MIN_KEYS", 100)
# Each grant is checked for it at most once in this many seconds (the log is sealed every second).
SHUZHENG_SHARING_ANOMALY_CHECK_SECONDS = env_int("SHUZHENG_SHARING_ANOMALY_CHECK_SECONDS", 60)
# How long a server process keeps what calls read of a dataset's description (fields, table,
# masking plans), in seconds; grants are read on every call.
SHUZHENG_SHARING_CACHE_SECONDS = env_int("SHUZHENG_SHARING_CACHE_SECONDS", 30)
# The call log's signatures: Ed25519, or SM2 (GB/T 32918) where the national algorithm is required.
# The key file holds a PEM Ed25519 private key, or an SM2 private key as 64 hex digits; empty, the
# key is derived from SHUZHENG_DATA_KEY.
SHUZHENG_SHARING_SIGNATURE = env_choice("SHUZHENG_SHARING_SIGNATURE", "ed25519", {"ed25519", "sm2"})
SHUZHENG_SHARING_SIGNING_KEY_FILE = env_str("SHUZHENG_SHARING_SIGNING_KEY_FILE", "")

# --- one-stop services -----------------------------------------------------------

# 网上办理深度: the levels of a province's item-checking rules. Only the top level's name is known
# (全程网办, which allows no visit); a deployment sets its own names as code=name pairs.
SHUZHENG_ONLINE_DEPTHS = dict(
    pair.split("=", 1)
    for pair in env_list("SHUZHENG_ONLINE_DEPTHS", ["1=一级", "2=二级", "3=三级", "4=全程网办（Ⅳ级）"])
)
SHUZHENG_ONLINE_DEPTH_FULL = env_str("SHUZHENG_ONLINE_DEPTH_FULL", "4")
# A case turns yellow this many working days before its binding deadline (red once past it).
SHUZHENG_CASE_YELLOW_DAYS = env_int("SHUZHENG_CASE_YELLOW_DAYS", 2)
# An Idempotency-Key whose first attempt has not finished in this many seconds is taken to have
# died with its process, and the next attempt takes it over.
SHUZHENG_IDEMPOTENCY_STALE_SECONDS = env_int("SHUZHENG_IDEMPOTENCY_STALE_SECONDS", 60)
# Working days a department has to rectify a bad rating: a local rule (5 in some cities, 15 in
# others; no national figure was found).
SHUZHENG_RATING_RECTIFY_DAYS = env_int("SHUZHENG_RATING_RECTIFY_DAYS", 5)
# 告知承诺: the department checks a promise within these working days of the decision (Zhejiang's
# rule says 60), and one found untrue must be put right within the second figure (a local choice).
SHUZHENG_PLEDGE_VERIFY_DAYS = env_int("SHUZHENG_PLEDGE_VERIFY_DAYS", 60)
SHUZHENG_PLEDGE_CORRECT_DAYS = env_int("SHUZHENG_PLEDGE_CORRECT_DAYS", 20)

# --- audit trail --------------------------------------------------------------

# SM3 (GB/T 32905) for an MLPS assessment; SHA-256 where SM3 is not required.
SHUZHENG_AUDIT_HASH = env_choice("SHUZHENG_AUDIT_HASH", "sm3", {"sm3", "sha256"})
# Chain heads are also written here, outside the database, so that deleting
# the newest records is detected. Point it at storage the DBA cannot edit.
SHUZHENG_AUDIT_CHECKPOINT_FILE = Path(
    env_str("SHUZHENG_AUDIT_CHECKPOINT_FILE", str(DATA_DIR / "audit-checkpoints.log"))
)
SHUZHENG_AUDIT_CHECKPOINT_EVERY = env_int("SHUZHENG_AUDIT_CHECKPOINT_EVERY", 100)
# Records younger than this cannot be purged (MLPS level 3 asks for at least six months).
SHUZHENG_AUDIT_RETENTION_DAYS = max(env_int("SHUZHENG_AUDIT_RETENTION_DAYS", 185), 185)

# --- OIDC provider -------------------------------------------------------------

# Other government systems sign their users in through the platform with
# OpenID Connect: authorization code with PKCE, RS256-signed ID tokens
# (django-oauth-toolkit; the claims are in accounts/oidc.py).


def oidc_signing_key_read(path: Path) -> str:
    """The PEM text of the key that signs ID tokens, checked now so a bad file stops start-up, not a sign-in."""
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        pem = path.read_text()
    except OSError as exc:
        raise ImproperlyConfigured(f"OIDC_RSA_PRIVATE_KEY_FILE: cannot read {path}: {exc.strerror}") from None
    try:
        key = load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError):
        raise ImproperlyConfigured(f"OIDC_RSA_PRIVATE_KEY_FILE: {path} is not an unencrypted PEM private key") from None
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size < 2048:
        raise ImproperlyConfigured(f"OIDC_RSA_PRIVATE_KEY_FILE: {path} must hold an RSA key of at least 2048 bits")
    return pem


def oidc_demo_signing_key(path: Path) -> str:
    """The demo's signing key at ``path``, generated there the first time it is needed.

    Acceptable only for the demo: the key is made by whichever process needs it
    first, lies unprotected next to the embedded database and is never rotated
    or backed up, so anyone who can read DATA_DIR can sign ID tokens that every
    relying party trusts. Production names a managed key instead.
    """
    if not path.exists():
        import contextlib
        import tempfile

        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside (mkstemp makes it 0600) and linked into place: workers
        # racing on the first request all end up with the one key that won,
        # never a half-written file.
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".oidc-key-")
        try:
            os.write(fd, pem)
            os.close(fd)
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    return path.read_text()


if oidc_key_file := env_str("OIDC_RSA_PRIVATE_KEY_FILE", ""):
    oidc_signing_key = oidc_signing_key_read(Path(oidc_key_file))
elif PRODUCTION:
    raise ImproperlyConfigured("OIDC_RSA_PRIVATE_KEY_FILE must be set when SHUZHENG_ENV=production")
else:
    # Lazy, so that commands and tests which never sign a token leave no key behind.
    oidc_signing_key = lazy(oidc_demo_signing_key, str)(DATA_DIR / "oidc-signing-key.pem")

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": oidc_signing_key,
    # The issuer is the site's origin, taken from the request; pin it when the
    # platform answers on more than one host name, or tokens would differ in `iss`.
    "OIDC_ISS_ENDPOINT": env_str("OIDC_ISSUER", "").rstrip("/"),
    "OAUTH2_VALIDATOR_CLASS": "shuzheng.accounts.oidc.ClaimsValidator",
    # Personal-data minimisation: who the person is and nothing more. No scope
    # releases an ID number, mobile number or address.
    "SCOPES": {
        "openid": gettext_lazy("确认您的身份（一个不含个人信息的唯一标识）"),
        "profile": gettext_lazy("您的姓名、用户名和用户类型"),
    },
    "DEFAULT_SCOPES": ["openid"],
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "PKCE_REQUIRED": True,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 600,
    "ID_TOKEN_EXPIRE_SECONDS": 600,
    # A relying party stays signed in no longer than a portal session would.
    "REFRESH_TOKEN_EXPIRE_SECONDS": SESSION_COOKIE_AGE,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"] if PRODUCTION else ["http", "https"],
    # RFC 9700 (OAuth 2.0 Security BCP) in full now rather than at the library's
    # 4.0: no implicit or password grant, no "plain" PKCE, tokens only in headers,
    # `iss` in authorization responses, tokens hashed at rest.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}
