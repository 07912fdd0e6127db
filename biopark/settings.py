"""The one settings file. Everything that differs between deployments comes from the environment.

Small typed readers fail loudly on a malformed value instead of guessing.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from biopark.core import secret_key

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


DATA_DIR = Path(env_str("BIOPARK_DATA_DIR", str(PROJECT_DIR / "var"))).resolve()
DEBUG = env_bool("BIOPARK_DEBUG", False)
# From the environment, else a random key made on first run in the data folder (mode 0600); the old published
# development key is refused unless debugging (see biopark.core.secret_key).
SECRET_KEY = secret_key.choose(
    from_env=env_str("BIOPARK_SECRET_KEY", ""), data_dir=DATA_DIR, debug=DEBUG,
    require_env=not DEBUG and env_bool("BIOPARK_REQUIRE_SECRET_KEY", False),
)

ALLOWED_HOSTS = env_list("BIOPARK_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("BIOPARK_CSRF_TRUSTED_ORIGINS", [])

# Folder holding the third-party articles the demo data set cites; records show the cited passage
# from there when it is present. Never copied into the project.
CORPUS_DIR = Path(env_str("BIOPARK_CORPUS_DIR", str(PROJECT_DIR.parent / "shared" / "corpus")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_htmx",
    "js_lib_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "biopark.core",
    "biopark.ecosystem",
    "biopark.accounts",
    "biopark.deals",
    "biopark.metrics",
    "biopark.rankings",
    "biopark.facilities",
    "biopark.pipeline",
    "biopark.services",
    "biopark.promotion",
    "biopark.financing",
    "biopark.news",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "biopark.core.middleware.RequestMemo",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "biopark.accounts.backends.LegacySessionBackend",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "biopark.core.middleware.DomainErrorPages",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "biopark.urls"
WSGI_APPLICATION = "biopark.wsgi.application"

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
                "biopark.core.context_processors.biopark",
            ],
            "builtins": ["biopark.core.templatetags.bilingual"],
        },
    }
]

_default_sqlite = f"sqlite:///{DATA_DIR / 'biopark.sqlite3'}"
DATABASE_URL = env_str("BIOPARK_DATABASE_URL", _default_sqlite)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("BIOPARK_DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            # WAL lets readers go on while one writer writes; IMMEDIATE transactions take the write
            # lock up front, which serialises bookings and imports instead of failing half-way.
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    )
    # A fresh clone has no data folder yet; SQLite needs the folder its file lives in.
    _sqlite_name = str(DATABASES["default"].get("NAME") or "")
    if _sqlite_name and _sqlite_name != ":memory:":
        Path(_sqlite_name).parent.mkdir(parents=True, exist_ok=True)
IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
if IS_POSTGRES and env_bool("BIOPARK_DB_PREPARED", True):
    # Server-side parameter binding, and statements a connection runs five times kept prepared: PostgreSQL
    # then skips parsing and planning them (a booking spent more of PostgreSQL's time planning than
    # executing). Turn off behind a connection pooler that cannot keep prepared statements (PgBouncer in
    # transaction mode before 1.21).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"server_side_binding": True, "prepare_threshold": 5})

# One cache for every process and worker (the home page's tiles are built once, not once per gunicorn
# worker): a table in the project's own database, so no cache server is needed. The table is created after
# `migrate` (biopark.core.tiles.ensure_cache_table); every entry expires, and tiles show when they were built.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "biopark_cache",
        "TIMEOUT": 300,
        "OPTIONS": {"MAX_ENTRIES": 50_000, "CULL_FREQUENCY": 4},
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one user name from one address,
# that pair is locked for the cool-off time, even with the right password. An administrator unlocks at once in
# the admin (Axes > Access attempts: delete the row) or with `biopark axes_reset_username NAME`. The address is
# REMOTE_ADDR: behind a reverse proxy every client shares the proxy's, so the lock becomes per user name.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend that reads the user's profile with the user (one query less on every signed-in page).
    "biopark.accounts.backends.ProfileModelBackend",
]
AXES_FAILURE_LIMIT = env_int("BIOPARK_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("BIOPARK_LOGIN_LOCK_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "biopark.accounts.lockout.lockout_response"
# A password-reset link works once, for an hour (Django's default is three days).
PASSWORD_RESET_TIMEOUT = 60 * 60

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = env_str("BIOPARK_LANGUAGE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("BIOPARK_TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# One limit for a request's form fields (Django's setting) and for each uploaded file (counted while it
# streams in by biopark.core.uploads.LimitedUploadHandler: a larger file is never stored or read).
BIOPARK_MAX_UPLOAD_BYTES = env_int("BIOPARK_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = BIOPARK_MAX_UPLOAD_BYTES
# News documents given as a link are fetched by the server only when this is on (off: no outbound requests).
BIOPARK_FETCH_URLS = env_bool("BIOPARK_FETCH_URLS", False)
# An import's review sends one accept/reject choice per proposed merge (one per row at most).
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("BIOPARK_MAX_IMPORT_ROWS", 200_000) + 1000
FILE_UPLOAD_HANDLERS = [
    "biopark.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# An XLSX is a zip: the sizes its members unpack to may add up to at most this (a small upload can
# otherwise unpack to gigabytes); and an imported table may hold at most this many data rows.
BIOPARK_MAX_UNPACKED_BYTES = env_int("BIOPARK_MAX_UNPACKED_BYTES", 256 * 1024 * 1024)
BIOPARK_MAX_IMPORT_ROWS = env_int("BIOPARK_MAX_IMPORT_ROWS", 200_000)
# How long (milliseconds) a server process trusts its matching arrays before it checks the mandates and financing
# needs for changes again (biopark.financing.selectors); 0 checks on every request.
BIOPARK_MATCHING_REFRESH_MS = env_int("BIOPARK_MATCHING_REFRESH_MS", 2000)

EMAIL_BACKEND = env_str("BIOPARK_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("BIOPARK_FROM_EMAIL", "biopark@localhost")
# Where django.core.mail.backends.filebased.EmailBackend writes (password-reset mails in development).
EMAIL_FILE_PATH = DATA_DIR / "mail"

# Background work (large imports first) runs as django-tasks tasks queued in the database (django-tasks-db)
# and run by `biopark worker` processes: any number of them, on any machine that reaches the database.
# Tests keep this backend and run the queue in their own process (tests/conftest.py: run_queued_tasks);
# one test drives real worker processes. BIOPARK_TASKS_BACKEND may name another django-tasks backend.
TASKS = {
    "default": {
        "BACKEND": env_str("BIOPARK_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# A running job gives a sign of life every HEARTBEAT_EVERY seconds; one silent for STALE_AFTER seconds died
# with its worker and is marked failed by the next sweep (every worker sweeps while it runs; so do the
# progress pages). Several beats may be missed before a live job is taken for dead (a loaded machine, a
# pause of the database), yet a dead one is reported within a minute. Tests set tiny values.
BIOPARK_JOBS = {
    "HEARTBEAT_EVERY": float(env_str("BIOPARK_JOB_HEARTBEAT_SECONDS", "10")),
    "STALE_AFTER": float(env_str("BIOPARK_JOB_STALE_SECONDS", "45")),
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("BIOPARK_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Every asset is served from this server: nothing from a CDN.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
    }
}

BIOPARK_PAGE_SIZE_MAX = 200
# Whether an import of 5,000 rows or more works out pinyin and search text in a helper process.
BIOPARK_IMPORT_HELPER = env_bool("BIOPARK_IMPORT_HELPER", True)
# Whether the busiest paths use their once-built SQL (biopark.core.fastread); off (BIOPARK_FASTREAD=0), every
# one of them goes through the ORM instead, with the same results. CI runs the facilities tests both ways.
BIOPARK_FASTREAD = env_bool("BIOPARK_FASTREAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("BIOPARK_LOG_LEVEL", "WARNING")},
}
