"""Settings for Veerkracht, read from the environment.

The defaults give the embedded mode (`make run`): SQLite under `var/`, an in-memory
cache and tasks that run immediately. Production sets DATABASE_URL (PostgreSQL),
REDIS_URL (cache and RQ task queue), SECRET_KEY, ALLOWED_HOSTS and
VEERKRACHT_ENV=production. The README lists every variable.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("VEERKRACHT_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = os.environ.get("VEERKRACHT_ENV", "embedded")
if ENVIRONMENT not in {"embedded", "production", "test"}:
    raise ImproperlyConfigured("VEERKRACHT_ENV must be one of: embedded, production, test.")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production.")
    # Embedded mode: a key kept on this machine under var/, never in the repository.
    _key_file = VAR_DIR / "secret_key.txt"
    if _key_file.exists():
        SECRET_KEY = _key_file.read_text().strip()
    else:
        from django.core.management.utils import get_random_secret_key

        SECRET_KEY = get_random_secret_key()
        try:
            VAR_DIR.mkdir(parents=True, exist_ok=True)
            _key_file.write_text(SECRET_KEY)
            _key_file.chmod(0o600)
        except OSError:  # read-only checkout: a per-process key is still safe
            pass

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "django_tasks",
    "ninja",  # serves the API docs page's assets locally instead of from a CDN
    "veerkracht.core",
    "veerkracht.initiatives",
    "veerkracht.support",
    "veerkracht.knowledge",
    "veerkracht.search",
    "veerkracht.monitor",
]
if os.environ.get("REDIS_URL"):
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "veerkracht.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "veerkracht.core.middleware.CookieLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "veerkracht.core.middleware.StaffSessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "veerkracht.urls"
WSGI_APPLICATION = "veerkracht.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "veerkracht.core.context_processors.site",
            ],
        },
    },
]

# Database: SQLite file under var/ unless DATABASE_URL is set.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "veerkracht.sqlite3",
            "OPTIONS": {
                # WAL lets readers work while one writer writes; IMMEDIATE avoids
                # "database is locked" on lock upgrades under a multi-worker server.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis in production, process memory in the embedded mode.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background tasks: the Django Tasks API; RQ on Redis when REDIS_URL is set.
if REDIS_URL:
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# People and passwords.
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:account"
LOGOUT_REDIRECT_URL = "core:home"

# Lockout after repeated failed logins (django-axes): per account and address.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/account/locked_out.html"
# The lockout records are in the admin site through core/admin.py, which checks the
# `lockout.manage` capability and audits lifting a lockout; axes' own admin is off.
AXES_ENABLE_ADMIN = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# E-mail: printed to the console in the embedded mode, sent over SMTP in production.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Veerkracht <noreply@example.org>")

# Language and time: Dutch first, English second; Europe/Amsterdam.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# Static files: our own and selected files from node_modules (installed by npm ci),
# served by WhiteNoise; nothing third-party is copied into the repository.
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    PACKAGE_DIR / "static",
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/utrecht", NODE_MODULES / "@utrecht" / "component-library-css" / "dist"),
    (
        "vendor/nlds-tokens",
        NODE_MODULES / "@nl-design-system-unstable" / "voorbeeld-design-tokens" / "dist",
    ),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if ENVIRONMENT == "test"
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# The matching engine keeps its offer index in memory and reads a cheap version stamp
# at most this often to notice other processes' changes. Tests compare it on every
# query: the live test server answers in other threads, which cannot see a test's
# uncommitted rows and could otherwise leave a stale index behind.
MATCHING_STAMP_SECONDS = 0.0 if ENVIRONMENT == "test" else 5.0

MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

# Security. The embedded mode serves plain HTTP on the loopback address; production
# runs behind a TLS-terminating proxy.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = ["security.W021"] if PRODUCTION else []


def tile_source(url: str) -> str:
    """The CSP source of a Leaflet tile URL template: its scheme and host, with a `{s}`
    subdomain placeholder as a wildcard (`https://{s}.tile.example.org/{z}/{x}/{y}.png`
    gives `https://*.tile.example.org`)."""
    parts = urlsplit(url.replace("{s}.", "sub-domain-placeholder."))
    host = parts.netloc.replace("sub-domain-placeholder.", "*.")
    if parts.scheme not in {"http", "https"} or not host or "{" in host:
        raise ImproperlyConfigured(
            "VEERKRACHT_TILE_URL must be an http(s) URL template, e.g. "
            "https://{s}.tile.example.org/{z}/{x}/{y}.png"
        )
    return f"{parts.scheme}://{host}"


# Content-Security-Policy (django-csp): only this site's own scripts, styles and forms;
# no inline script or style anywhere (the templates keep them in static files), no
# framing, no plugins. Images may also come from `data:` URLs, which the NL Design System
# CSS uses for its small icons, and from the tile server when one is configured.
_IMG_SRC = [SELF, "data:"]
if os.environ.get("VEERKRACHT_TILE_URL"):
    _IMG_SRC.append(tile_source(os.environ["VEERKRACHT_TILE_URL"]))
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": _IMG_SRC,
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Permissions-Policy: the browser features no page of the platform uses are switched off
# for the site and anything it might embed (no map asks for the visitor's location).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# Sessions of people with a staff role (core.permissions.STAFF_ROLES) end after this
# many minutes without a request, and this many hours after logging in, whatever they
# do; other people keep Django's normal session (two weeks).
VEERKRACHT_STAFF_SESSION_IDLE_MINUTES = int(
    os.environ.get("VEERKRACHT_STAFF_SESSION_IDLE_MINUTES", "30")
)
VEERKRACHT_STAFF_SESSION_MAX_HOURS = float(
    os.environ.get("VEERKRACHT_STAFF_SESSION_MAX_HOURS", "12")
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# The programme this installation serves.
VEERKRACHT_PROVINCE = os.environ.get("VEERKRACHT_PROVINCE", "PV30")
VEERKRACHT_PROGRAMME_NAME = os.environ.get(
    "VEERKRACHT_PROGRAMME_NAME", "Versterken Sociale Veerkracht"
)
# The public address of the site, for links in e-mails.
VEERKRACHT_SITE_URL = os.environ.get("VEERKRACHT_SITE_URL", "http://127.0.0.1:8000")
# Optional background tiles for maps; without them maps show the shipped boundaries only.
VEERKRACHT_TILE_URL = os.environ.get("VEERKRACHT_TILE_URL", "")
VEERKRACHT_TILE_ATTRIBUTION = os.environ.get("VEERKRACHT_TILE_ATTRIBUTION", "")
