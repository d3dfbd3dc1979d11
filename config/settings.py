"""Beatbook settings: one file, read top to bottom, every behaviour switched by environment.

Layering: defaults here are the *production* defaults (DEBUG off, secure cookies, a secret key
required). Development turns things on explicitly through environment variables (the Makefile's
`run` target sets them); tests add only speed tweaks in `config/test_settings.py`.
Every variable is documented in `.env.example` and `docs/reference/settings.md`.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
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
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str) -> str:
    """A secret from NAME, or from the file named by NAME_FILE (for container secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, "")


# ---- Core ------------------------------------------------------------------------------------
DEBUG = env_bool("BEATBOOK_DEBUG", False)
SECRET_KEY = env_secret("BEATBOOK_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("BEATBOOK_SECRET_KEY (or BEATBOOK_SECRET_KEY_FILE) must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-when-BEATBOOK_DEBUG-is-on"  # noqa: S105

ALLOWED_HOSTS = env_list("BEATBOOK_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("BEATBOOK_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "ninja",
    "beatbook.core",
    "beatbook.org",
    "beatbook.audit",
    "beatbook.accounts",
    "beatbook.jobs",
    "beatbook.incidents",
    "beatbook.patrols",
    "beatbook.cases",
    "beatbook.learning",
    "beatbook.powers",
    "beatbook.enforcement",
    "beatbook.community",
    "beatbook.opendata",
    "beatbook.recruitment",
    "beatbook.api",
    "beatbook.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "beatbook.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "beatbook" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "beatbook.core.context_processors.shell",
            ],
        },
    },
]

# ---- Database: embedded SQLite by default, PostgreSQL when DATABASE_URL is set ---------------
_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {
        "default": dj_database_url.parse(
            _database_url, conn_max_age=env_int("BEATBOOK_CONN_MAX_AGE", 600), conn_health_checks=True
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Short OLTP queries: PostgreSQL's JIT compiler cost seconds on access-scoped lists whose
        # estimated cost crossed its threshold (bench/, docs/performance.md), and saves nothing.
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("BEATBOOK_SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                # WAL lets the web process read while the job worker writes; IMMEDIATE takes the
                # write lock at BEGIN, so two writers queue instead of failing mid-transaction.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---- Accounts and sessions -------------------------------------------------------------------
AUTH_USER_MODEL = "org.Person"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("BEATBOOK_PASSWORD_MIN_LENGTH", 12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Inactivity expiry: the session lives SESSION_IDLE_MINUTES after the last request, because each
# request saves it again with a fresh expiry.
SESSION_COOKIE_AGE = env_int("BEATBOOK_SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
LOGIN_LOCKOUT_THRESHOLD = env_int("BEATBOOK_LOGIN_LOCKOUT_THRESHOLD", 5)
LOGIN_LOCKOUT_MINUTES = env_int("BEATBOOK_LOGIN_LOCKOUT_MINUTES", 15)

# ---- Security headers --------------------------------------------------------------------------
HTTPS = env_bool("BEATBOOK_HTTPS", True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = HTTPS and env_bool("BEATBOOK_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("BEATBOOK_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Police forces serve from their own (usually preloaded) domains; a deployment may opt out.
SECURE_HSTS_PRELOAD = HTTPS and env_bool("BEATBOOK_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEATBOOK_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# ---- Internationalisation: store UTC, show Europe/London; English and Welsh -------------------
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English")), ("cy", _("Cymraeg"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# ---- Static files: built by `npm run build`, served by whitenoise ------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / env_str("BEATBOOK_STATIC_ROOT", "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "beatbook" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# ---- Background jobs: django.tasks on the database queue (no broker needed) -------------------
TASKS = {
    "default": {
        "BACKEND": env_str("BEATBOOK_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# ---- Logging ---------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("BEATBOOK_LOG_LEVEL", "INFO")},
}

# ---- Cache -----------------------------------------------------------------------------------
# Per process (local memory) unless BEATBOOK_CACHE_URL names a shared Redis server
# (redis://host:6379/0): then every server process shares it, and the public API's rate limit
# counts each client once across them all (beatbook.opendata.ratelimit).
BEATBOOK_CACHE_URL = env_str("BEATBOOK_CACHE_URL", "")
if BEATBOOK_CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": BEATBOOK_CACHE_URL,
            "KEY_PREFIX": env_str("BEATBOOK_CACHE_PREFIX", "beatbook"),
        }
    }
elif BEATBOOK_CACHE_URL:
    raise ImproperlyConfigured("BEATBOOK_CACHE_URL must be a redis://, rediss:// or unix:// address.")

# ---- Beatbook --------------------------------------------------------------------------------
# Rows per page on list pages and list endpoints (a page may ask for fewer, never for more).
BEATBOOK_PAGE_SIZE = env_int("BEATBOOK_PAGE_SIZE", 50)
BEATBOOK_MAX_PAGE_SIZE = env_int("BEATBOOK_MAX_PAGE_SIZE", 200)
# Optional map tile server (for example a force's internal Ordnance Survey server). Empty means
# maps draw boundaries from GeoJSON alone, with no request leaving Beatbook.
BEATBOOK_MAP_TILE_URL = env_str("BEATBOOK_MAP_TILE_URL", "")
# The police.uk-compatible public API (/api/): a leaky bucket per client address, RATE requests a
# second on average with bursts of up to BURST (police.uk: 15 and 30); 0 switches the limit off.
# It keeps its buckets in the default cache: per process, or shared with BEATBOOK_CACHE_URL.
BEATBOOK_PUBLIC_API_RATE = env_int("BEATBOOK_PUBLIC_API_RATE", 15)
BEATBOOK_PUBLIC_API_BURST = env_int("BEATBOOK_PUBLIC_API_BURST", 30)
# A crime or outcome query that would return more rows than this answers 503 (police.uk: 10,000).
BEATBOOK_PUBLIC_API_CRIME_CAP = env_int("BEATBOOK_PUBLIC_API_CRIME_CAP", 10_000)
# Open data: a published incident is placed on the force's nearest snap point (an anonymous
# "On or near ..." map point) within this many metres, or published with no location at all.
BEATBOOK_SNAP_MAX_METRES = env_int("BEATBOOK_SNAP_MAX_METRES", 1000)
