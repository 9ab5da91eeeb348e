"""Effektspor settings: one file, driven by environment variables (tracker/env.py reads them).

Every variable, its default and meaning is listed in README.md (Configuration); deployment in docs/operations.md.
Our own settings are named ``EFFEKTSPOR_*`` (Django's and the libraries' settings keep their names). A yes/no
variable takes 1/0, true/false, yes/no or on/off; anything else stops the start with ImproperlyConfigured. Renamed
variables are still read under their old names, with a warning (tracker.env.RENAMED).
"""

import datetime
import importlib.util
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from tracker.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    # Development only; the prefix makes `check --deploy` flag it should it ever reach production.
    SECRET_KEY = "django-insecure-effektspor-development-key"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Django's admin with our site class: only administrators (superusers) with two-factor may use it.
    "tracker.apps.EffektsporAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "django_otp",
    "tracker.apps.TOTPConfig",  # django_otp.plugins.otp_totp, named in Danish
    "tracker.apps.AxesConfig",  # axes, named in Danish
    "tracker",
    "outcomes",
    "figures",
    "dashboards",
    "publications",
    "selfservice",
    "imports",
    "exchange",
    "improvement",
    "api",
    *([] if importlib.util.find_spec("devtools") is None else ["devtools"]),
    "rest_framework",
    "drf_spectacular",
    "tracker.apps.TasksConfig",  # django_tasks_db, named in Danish
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files: hashed names cached for a year, brotli/gzip when the browser takes them (STORAGES below).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Citizen data, exports and key pages are never cached (a view that chooses a caching policy keeps it).
    "tracker.middleware.NoStoreMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tracker.middleware.SessionKeepAliveMiddleware",
    "tracker.middleware.DanishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A tablet handed to a citizen reaches only its questionnaire until the caseworker's password.
    "selfservice.middleware.LockedTabletMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tracker.security.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"
ASGI_APPLICATION = "tracker.asgi.application"

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
                "tracker.context_processors.navigation",
            ],
        },
    },
]

# --- Databases -----------------------------------------------------------------------------------
EFFEKTSPOR_VAR_DIR = Path(env_str("EFFEKTSPOR_VAR_DIR") or BASE_DIR / "var")


def _install_pseudonym_key(var_dir: Path) -> str:
    """This install's own random pseudonym key (development and demo only), made on first use and kept in var/.

    Created with O_EXCL so two processes starting at once agree on one key."""
    import secrets

    path = var_dir / "pseudonym-key"
    var_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        key = secrets.token_hex(32)
        handle.write(key + "\n")
    return key


# Pseudonymous keys in the exports are HMACs with this key, never with SECRET_KEY: rotating SECRET_KEY (sessions,
# signed links) must not re-key the exports, and a demo's public development SECRET_KEY must not make its keys
# reversible.
EFFEKTSPOR_PSEUDONYM_KEY = env_str("EFFEKTSPOR_PSEUDONYM_KEY")
if not EFFEKTSPOR_PSEUDONYM_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("EFFEKTSPOR_PSEUDONYM_KEY must be set when DJANGO_DEBUG is off.")
    EFFEKTSPOR_PSEUDONYM_KEY = _install_pseudonym_key(EFFEKTSPOR_VAR_DIR)
if len(EFFEKTSPOR_PSEUDONYM_KEY) < 32:
    raise ImproperlyConfigured("EFFEKTSPOR_PSEUDONYM_KEY must be at least 32 characters long.")
if EFFEKTSPOR_PSEUDONYM_KEY == SECRET_KEY:
    raise ImproperlyConfigured("EFFEKTSPOR_PSEUDONYM_KEY must differ from DJANGO_SECRET_KEY.")

_SQLITE_OPTIONS = {
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at BEGIN so two
    # writers queue on the busy timeout instead of failing with "database is locked" mid-transaction.
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
    ),
}

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = dict(_SQLITE_OPTIONS)
else:
    EFFEKTSPOR_VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": EFFEKTSPOR_VAR_DIR / "effektspor.sqlite3",
            "OPTIONS": dict(_SQLITE_OPTIONS),
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: shared between app servers -----------------------------------------------------------
# "default": the rate limits (selfservice/ratelimit.py). "figures": cached aggregates and dashboard bodies
# (tracker/dataversion.py), a day each, in a table of their own so that culling it never touches a rate counter.
# The database table is bounded by MAX_ENTRIES; Redis by its maxmemory policy (docs/operations.md).
FIGURES_CACHE_SECONDS = 24 * 60 * 60
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]},
        "figures": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "figures",
            "TIMEOUT": FIGURES_CACHE_SECONDS,
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "effektspor_cache"},
        "figures": {
            "BACKEND": "tracker.cache.FiguresDatabaseCache",  # Django's DatabaseCache, cheaper (tracker/cache.py)
            "LOCATION": "effektspor_figures",
            "TIMEOUT": FIGURES_CACHE_SECONDS,
            "OPTIONS": {"MAX_ENTRIES": 5000, "CULL_FREQUENCY": 3},
        },
    }

# --- Authentication ------------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses every attempt while a username+IP is locked out (django-axes).
    "tracker.security.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on; answers only when the OIDC_* variables below are set.
    "tracker.security.OIDCBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# A session ends after 30 minutes without activity (every request moves the expiry), and when the browser closes.
SESSION_COOKIE_AGE = 60 * env_int("EFFEKTSPOR_SESSION_MINUTES", 30, minimum=1)
# Activity moves the expiry, one write a minute at most (tracker.middleware.SessionKeepAliveMiddleware).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Lockout after repeated failed logins (Datatilsynet's catalogue of measures), by the combination of username and
# IP address, so that a colleague's typos elsewhere cannot lock a user out of their own PC.
AXES_FAILURE_LIMIT = env_int("EFFEKTSPOR_LOCKOUT_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("EFFEKTSPOR_LOCKOUT_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tracker.security.lockout_response"  # templates/registration/lockout.html, HTTP 429
AXES_CLIENT_IP_CALLABLE = "tracker.security.client_ip"
AXES_WHITELIST_CALLABLE = "tracker.security.not_a_password_login"  # single sign-on: the provider locks out
AXES_VERBOSE = False

# Two-factor (TOTP): optional for everyone, mandatory for administrators (tracker.security.TwoFactorMiddleware).
OTP_TOTP_ISSUER = "Effektspor"

# Single sign-on through OpenID Connect (mozilla-django-oidc): off unless all six variables are set. Users are
# matched to existing accounts by username or e-mail; nobody is created, and nobody gets a role from the provider.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
EFFEKTSPOR_OIDC_ENABLED = all(
    [
        OIDC_RP_CLIENT_ID,
        OIDC_RP_CLIENT_SECRET,
        OIDC_OP_AUTHORIZATION_ENDPOINT,
        OIDC_OP_TOKEN_ENDPOINT,
        OIDC_OP_USER_ENDPOINT,
        OIDC_OP_JWKS_ENDPOINT,
    ]
)
EFFEKTSPOR_OIDC_OP_ISSUER = env_str("EFFEKTSPOR_OIDC_OP_ISSUER")  # optional: the ID token's iss must equal it
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
EFFEKTSPOR_OIDC_USERNAME_CLAIM = env_str("EFFEKTSPOR_OIDC_USERNAME_CLAIM", "preferred_username")
OIDC_CREATE_USER = False
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "security:oidc_callback"

# --- Language and time ---------------------------------------------------------------------------
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["tracker.formats"]

# --- Static files (all served locally: municipal networks are closed) ---------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("EFFEKTSPOR_STATIC_ROOT", BASE_DIR / "staticfiles"))
# `collectstatic` (every deploy) writes hashed names with .br and .gz copies; WhiteNoise serves them compressed,
# hashed names immutable for a year, others for an hour; with DJANGO_DEBUG, as they are (docs/operations.md).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 0 if DEBUG else 60 * 60

# --- Security ------------------------------------------------------------------------------------
EFFEKTSPOR_SECURE = env_bool("EFFEKTSPOR_SECURE", not DEBUG)
SESSION_COOKIE_SECURE = EFFEKTSPOR_SECURE
CSRF_COOKIE_SECURE = EFFEKTSPOR_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = EFFEKTSPOR_SECURE
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if EFFEKTSPOR_SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = EFFEKTSPOR_SECURE
SECURE_HSTS_PRELOAD = EFFEKTSPOR_SECURE
# How many reverse proxies of our own stand in front of the application. Each appends the address it received the
# request from to X-Forwarded-For, so the client's address is the n-th entry from the right; anything further left
# was written by the client and is never trusted (tracker.security.client_ip). 0: X-Forwarded-For is ignored.
# (The old EFFEKTSPOR_BEHIND_PROXY=1 still means one hop, with a warning.)
EFFEKTSPOR_PROXY_HOPS = env_int("EFFEKTSPOR_PROXY_HOPS", 0, minimum=0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if EFFEKTSPOR_PROXY_HOPS else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Scripts only from our own origin: no inline script, no eval. plotly.js inserts a <style> element and
# sets style attributes on the SVG it draws, so styles need 'unsafe-inline' (styles cannot run code).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# --- Domain settings -----------------------------------------------------------------------------
EFFEKTSPOR_SMALL_NUMBER_K = env_int("EFFEKTSPOR_SMALL_NUMBER_K", 5)
if EFFEKTSPOR_SMALL_NUMBER_K < 3:
    raise ImproperlyConfigured("EFFEKTSPOR_SMALL_NUMBER_K must be at least 3 (Danmarks Statistik's rule).")
# The key of the record keys behind the cell-key perturbation of aggregate figures (figures.disclosure); empty:
# SECRET_KEY. Set it once and keep it: a new key gives every published figure new noise.
EFFEKTSPOR_DISCLOSURE_KEY = env_str("EFFEKTSPOR_DISCLOSURE_KEY")
EFFEKTSPOR_AUDIT_RETENTION_DAYS = env_int("EFFEKTSPOR_AUDIT_RETENTION_DAYS", 183, minimum=1)
# Citizens whose courses are all closed are anonymised this many years after the last one ended.
EFFEKTSPOR_RETENTION_YEARS = env_int("EFFEKTSPOR_RETENTION_YEARS", 5, minimum=1)
# Days after the baseline from which a citizen below the cut-off without improvement is "not on track".
EFFEKTSPOR_NOT_ON_TRACK_DAYS = env_int("EFFEKTSPOR_NOT_ON_TRACK_DAYS", 180, minimum=1)
# Imports: files of more rows than the first are checked and applied by the background worker; files of more rows
# than the second are refused (docs/exchange.md).
EFFEKTSPOR_IMPORT_SYNC_MAX_ROWS = env_int("EFFEKTSPOR_IMPORT_SYNC_MAX_ROWS", 5000, minimum=1)
EFFEKTSPOR_IMPORT_MAX_ROWS = env_int("EFFEKTSPOR_IMPORT_MAX_ROWS", 200_000, minimum=1)

DJANGO_TABLES2_TEMPLATE = "includes/_table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# --- Background tasks (large imports run in a worker: `manage.py db_worker`) ----------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- REST API ------------------------------------------------------------------------------
# An API key stops working this many days after it was made (api.models.ApiKey).
EFFEKTSPOR_API_KEY_DAYS = env_int("EFFEKTSPOR_API_KEY_DAYS", 180, minimum=1)
# Token authentication for programs (a user makes their token at /api/token/), the session for a logged-in browser.
# JSON only; errors as {code, message, errors} in the client's language (api.exceptions, api.base).
REST_FRAMEWORK: dict = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.base.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS: dict = {
    "TITLE": "Effektspor API",
    "DESCRIPTION": (
        "Borgere, forløb, målinger, mål og samarbejder – afgrænset og logget som på siderne – samt enhedens tal og "
        "sammenligningen af enheder med de samme regler for små tal. Log ind med headeren "
        "'Authorization: Token <nøgle>'; nøglen laves på /api/token/. Svar på dansk, eller engelsk med "
        "'Accept-Language: en'."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.add_error_responses"],
}


def _code_release() -> str:
    """A digest of the code and templates: cached figures and pages are keyed by it, so a deploy of other code
    never serves what the old code computed (set EFFEKTSPOR_RELEASE to name releases yourself)."""
    import hashlib

    digest = hashlib.sha256()
    for folder in sorted(p for p in BASE_DIR.iterdir() if p.is_dir() and not p.name.startswith((".", "var"))):
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".py", ".html") and "migrations" not in path.parts:
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


EFFEKTSPOR_RELEASE = env_str("EFFEKTSPOR_RELEASE") or _code_release()
