"""Samverkan settings: one module, every knob an environment variable.

Every variable read here is documented in ``docs/configuration.md``;
``tests/core/test_settings_documented.py`` fails when one is not.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DATA_DIR = Path(env("SAMVERKAN_DATA", "samverkan-data")).resolve()
# Owner only: the folder holds the database, uploads and (in the demo) the keys.
DATA_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)


def _key_file_setting(name: str) -> str:
    """The key held in the file named by the variable ``name``, or "" when it is unset."""
    path = env(name)
    if not path:
        return ""
    from django.core.exceptions import ImproperlyConfigured

    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ImproperlyConfigured(f"{name}: nyckelfilen {path} kan inte läsas ({exc}).") from exc


def _secret_key() -> str:
    # Production: from the environment or a key file outside the data folder
    # (docs/operations.md, Keys). The demo generates one into the data folder, which keeps
    # sessions valid across restarts without ever committing a key to the repository.
    configured = env("SECRET_KEY") or _key_file_setting("SECRET_KEY_FILE")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rules",
    "rest_framework",
    "rest_framework.authtoken",
    # FilterSets of the API (samverkan/core/api.py); its templates serve the browsable API.
    "django_filters",
    "drf_spectacular",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    # Two-factor sign-in (TOTP and single-use recovery codes): samverkan/core/two_factor.py.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Passkeys (WebAuthn) as a second factor: same module, OTP_WEBAUTHN_* below.
    "django_otp_webauthn",
    "samverkan.core",
    # The background worker's heartbeat and outage handling (docs/operations.md, Faults).
    "samverkan.worker",
    "samverkan.incidents",
    "samverkan.citizens",
    "samverkan.resources",
    "samverkan.situation",
    "samverkan.cases",
    "samverkan.plans",
    "samverkan.followup",
    # Weekly meetings (veckomöte): above situation and plans, whose functions it reads.
    "samverkan.meetings",
    # Communication plans: above plans, whose measures and promises it ties activities to.
    "samverkan.communication",
    # The county board's overview (länsstyrelsen): reads shared material of every app.
    "samverkan.county",
    # The load_demo command; top of the layers, since it fills every app.
    "samverkan.demo",
    # After the project's apps, so the audit receivers of samverkan.core see a failed
    # sign-in before axes flags the request as locked (samverkan/core/signin.py).
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost but one: a database outage in any view becomes the "try again" page.
    "samverkan.core.faults.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "samverkan.core.middleware.RejectNulMiddleware",
    "samverkan.core.signin.IdleTimeoutMiddleware",
    # After the idle check: an expired session is signed out, not sent to the code step.
    "samverkan.core.two_factor.TwoFactorMiddleware",
    "samverkan.core.signin.NoStoreMiddleware",
    # Last: turns a refused sign-in into the lockout page (docs/operations.md, Sign-in).
    "axes.middleware.AxesMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "samverkan.urls"
WSGI_APPLICATION = "samverkan.wsgi.application"

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
                "samverkan.core.context_processors.platform",
            ],
        },
    }
]
# Django's widget templates, with the select and the plain input written in Python: a
# select's options were a sixth of the incident list's time (samverkan/core/form_renderer.py).
FORM_RENDERER = "samverkan.core.form_renderer.FormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'samverkan.sqlite3'}"),
        # A connection broken by a database outage is replaced at the next request
        # instead of failing every request until a restart (docs/operations.md, Faults).
        conn_health_checks=True,
    )
}
# PostgreSQL starts a server process for every new connection: opening one per request
# cost the two cores more than many requests themselves under load (issue 15, item 8), so
# a web thread keeps its connection a minute (checked before reuse). Opening SQLite costs
# nothing.
DATABASES["default"]["CONN_MAX_AGE"] = int(
    env(
        "DATABASE_CONN_MAX_AGE",
        "60" if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql") else "0",
    )
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one connection writes. Transactions begin IMMEDIATE:
    # they take the write lock first, so concurrent writers queue on the busy timeout.
    # A DEFERRED transaction that reads and then writes fails at once with "database is
    # locked" when another writer got in between (no wait can save its stale snapshot).
    # The timeout must outlast the longest write transaction, e.g. an import_incidents
    # run, which holds the lock until it commits (docs/operations.md).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": float(env("SQLITE_BUSY_TIMEOUT", "120")),
        }
    )
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    if env_bool("DATABASE_TRANSACTION_POOLING"):
        # PgBouncer in transaction mode (docs/operations.md, "Connection pooling") hands
        # each transaction any server connection: a cursor Django declares WITH HOLD and
        # fetches from in later statements (every ModelChoiceField, .iterator()) would be
        # looked for on another server. And PgBouncer refuses connection-time options, so
        # jit=off is set on the database role instead.
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    elif "jit" not in _pg_options.get("options", ""):
        # Short OLTP queries: the planner's row estimates for the incident scope trip its
        # JIT threshold, and compiling took 266 of a 310 ms list query (docs/operations.md,
        # "PostgreSQL settings"). A jit already named in the URL's options wins.
        _pg_options["options"] = (_pg_options.get("options", "") + " -c jit=off").strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
    # First: refuses a locked-out client before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Single sign-on with OpenID Connect (samverkan/core/oidc.py): off while
# OIDC_DISCOVERY_URL is empty. OIDC_ROLE_MAPPING (JSON) maps a value of the
# OIDC_GROUPS_CLAIM claim to memberships: {"group": {"organisation": "Name or id",
# "role": "coordinator", "areas": ["0180"]}} (or a list of such objects per group).
OIDC_DISCOVERY_URL = env("OIDC_DISCOVERY_URL")
OIDC_CLIENT_ID = env("OIDC_CLIENT_ID")
OIDC_CLIENT_SECRET = env("OIDC_CLIENT_SECRET")
OIDC_SCOPES = env("OIDC_SCOPES", "openid email profile")
OIDC_PROVIDER_NAME = env("OIDC_PROVIDER_NAME", "organisationens inloggning")
OIDC_USERNAME_CLAIM = env("OIDC_USERNAME_CLAIM", "preferred_username")
OIDC_GROUPS_CLAIM = env("OIDC_GROUPS_CLAIM", "groups")
OIDC_ROLE_MAPPING = json.loads(env("OIDC_ROLE_MAPPING") or "{}")
OIDC_CREATE_USERS = env_bool("OIDC_CREATE_USERS", True)
OIDC_TIMEOUT = float(env("OIDC_TIMEOUT", "10"))
# amr/acr values of the ID token that count as a second factor done at the provider.
OIDC_MFA_AMR_VALUES = env_list("OIDC_MFA_AMR_VALUES", "mfa,otp,hwk,sc")
OIDC_MFA_ACR_VALUES = env_list("OIDC_MFA_ACR_VALUES")

# Sign-in lockout (django-axes): an account is locked after SIGNIN_FAILURE_LIMIT failed
# sign-ins, an IP address after SIGNIN_IP_FAILURE_LIMIT (a higher limit, so one office
# behind NAT is not locked by one user), each for SIGNIN_LOCKOUT_MINUTES.
SIGNIN_FAILURE_LIMIT = int(env("SIGNIN_FAILURE_LIMIT", "5"))
SIGNIN_IP_FAILURE_LIMIT = int(env("SIGNIN_IP_FAILURE_LIMIT", "50"))
SIGNIN_LOCKOUT_MINUTES = int(env("SIGNIN_LOCKOUT_MINUTES", "30"))
AXES_FAILURE_LIMIT = SIGNIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=SIGNIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "samverkan.core.signin.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "samverkan.core.audit.client_ip"
AXES_LOCKOUT_CALLABLE = "samverkan.core.signin.lockout_response"
AXES_RESET_ON_SUCCESS = True
# No password is checked during a lockout, so refused attempts need not prolong it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
# The name authenticator apps show beside the account (samverkan/core/two_factor.py).
OTP_TOTP_ISSUER = "Samverkan"
# Passkeys (django-otp-webauthn). A passkey is bound to the relying party id, the site's
# domain (never an IP address), and accepted only from the listed origins; the demo's
# default is http://localhost:8000 (browsers count localhost as a secure context).
OTP_WEBAUTHN_RP_ID = env("WEBAUTHN_RP_ID", "localhost")
OTP_WEBAUTHN_RP_NAME = env("WEBAUTHN_RP_NAME", "Samverkan")
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("WEBAUTHN_ORIGINS", "http://localhost:8000")
# A passkey is the second factor after the password, never a sign-in on its own.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False

# Idle sessions end: after SESSION_IDLE_TIMEOUT seconds, or SESSION_IDLE_TIMEOUT_CASES for
# users who see preventive cases.
SESSION_IDLE_TIMEOUT = int(env("SESSION_IDLE_TIMEOUT", str(8 * 3600)))
SESSION_IDLE_TIMEOUT_CASES = int(env("SESSION_IDLE_TIMEOUT_CASES", str(30 * 60)))
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT
# Pages about named people are never kept by browsers or proxies.
NO_STORE_VIEW_MODULES = ["samverkan.cases"]

LANGUAGE_CODE = env("LANGUAGE_CODE", "sv")
LANGUAGES = [("sv", _("Svenska")), ("nb", _("Norsk bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "Europe/Stockholm")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# django-leaflet bundles Leaflet, so maps work offline. Its Django app imports GeoDjango and
# therefore needs the system GDAL library (DESIGN §2 rules GDAL out), so only its static
# files are used, not the app.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    Path(importlib.util.find_spec("leaflet").origin).parent / "static",
]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "samverkan@localhost")

# Map tiles come from the deployment's own tile server; police and municipal networks are
# closed, so with no URL the maps draw area outlines and points on a blank background.
MAP_TILE_URL = env("MAP_TILE_URL")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION")
# Or a WMS (a municipality's own map server, Kartverket's or Lantmäteriet's services):
# used when no tile URL is set, drawn by Leaflet's WMS layer in the maps' own projection.
MAP_WMS_URL = env("MAP_WMS_URL")
MAP_WMS_LAYERS = env("MAP_WMS_LAYERS")
LEAFLET_CONFIG = {
    "TILES": [(str(_("Karta")), MAP_TILE_URL, {"attribution": MAP_TILE_ATTRIBUTION})]
    if MAP_TILE_URL
    else [],
    "DEFAULT_CENTER": (62.0, 15.0),
    "DEFAULT_ZOOM": 4,
    "RESET_VIEW": False,
    "NO_GLOBALS": False,
}

# Plans: the citizen-promise poster's QR code links to PUBLIC_BASE_URL (the address the
# public reaches; empty: the address of the request); agreements' signed PDFs are capped.
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL").rstrip("/")
REMINDER_DAYS_BEFORE = int(env("REMINDER_DAYS_BEFORE", "14"))
AGREEMENT_MAX_UPLOAD_MB = int(env("AGREEMENT_MAX_UPLOAD_MB", "10"))
# Import from the web (docs/importing.md): largest file, most rows, days an upload is kept.
WEB_IMPORT_MAX_UPLOAD_MB = int(env("WEB_IMPORT_MAX_UPLOAD_MB", "20"))
WEB_IMPORT_MAX_ROWS = int(env("WEB_IMPORT_MAX_ROWS", "200000"))
WEB_IMPORT_KEEP_DAYS = int(env("WEB_IMPORT_KEEP_DAYS", "7"))
# Reporters' photos (docs/triage.md): largest upload, and the most pixels a photo may
# decode to (a small file can claim a huge image: a decompression bomb).
REPORT_PHOTO_MAX_MB = int(env("REPORT_PHOTO_MAX_MB", "10"))
# Residents' safety walk (docs/citizens.md): proof-of-work difficulty and lifetime,
# submissions per address and per device in a window, form size, e-mail retention.
CITIZEN_POW_BITS = int(env("CITIZEN_POW_BITS", "16"))
CITIZEN_POW_MAX_AGE = int(env("CITIZEN_POW_MAX_AGE", "3600"))
CITIZEN_RATE_PER_IP = int(env("CITIZEN_RATE_PER_IP", "20"))
CITIZEN_RATE_PER_DEVICE = int(env("CITIZEN_RATE_PER_DEVICE", "5"))
CITIZEN_RATE_WINDOW = int(env("CITIZEN_RATE_WINDOW", "3600"))
CITIZEN_MAX_TEXT = int(env("CITIZEN_MAX_TEXT", "2000"))
CITIZEN_CONTACT_DAYS = int(env("CITIZEN_CONTACT_DAYS", "90"))
CITIZEN_INCIDENT_VISIBILITY = env("CITIZEN_INCIDENT_VISIBILITY", "partnership")
REPORT_PHOTO_MAX_PIXELS = int(env("REPORT_PHOTO_MAX_PIXELS", "50000000"))

# The country decides the projected CRS that point analyses use (metres).
COUNTRY = env("SAMVERKAN_COUNTRY", "SE")
# Reports of one place tapped on a phone map land tens of metres apart: the lägesbild joins
# reports within this radius (metres) into one repeat place (docs/methods, repeat places).
REPEAT_PLACE_RADIUS_M = float(env("REPEAT_PLACE_RADIUS_M", "25"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "samverkan.api.pagination.BoundedLimitOffsetPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_PARSER_CLASSES": [
        "samverkan.api.parsers.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Samverkan API",
    "DESCRIPTION": (
        "Samverkan's REST API for local crime prevention. Read: areas, organisations, "
        "incidents, situation reports (lägesbilder: each version's figures exactly as stored, "
        "frozen once approved, small counts already suppressed in shared and public pictures), "
        "problems, action plans, measures, citizen promises, collaboration agreements (with "
        "their follow-up dates and signed document), communication activities, indicators "
        "and their values, "
        "effect goals, evaluations, the experience bank (searchable with ?q=), tertial reports (their stored figures and the group's "
        "analysis), weekly meetings and their short-term actions, the county board's "
        "overview (per municipality, only what each released), the county network digests "
        "as sent and the network's meetings, partners' "
        "resource rows (hours and money per area and month), residents' safety-walk "
        "observations (for the coordinators who moderate them; the text as masked at "
        "submission, never the resident's e-mail address). "
        "Write: incident reports (POST /api/incidents/) and their photos after filing "
        "(POST /api/incidents/{id}/photos/), the caller's partnership's tags on an incident "
        "(PUT /api/incidents/{id}/tags/), a coordinator's changes to an incident as on its "
        "page (POST /api/incidents/{id}/actions/), the values of external "
        "indicators (POST /api/indicators/{id}/values/, an upsert per indicator and period) "
        "resource rows (POST /api/resource-entries/, PATCH and DELETE "
        "/api/resource-entries/{id}/) and the moderation of safety-walk observations "
        "(POST /api/observations/{id}/decision/), and the caller's own subscriptions to "
        "the county network digests (POST /api/county-digest-subscriptions/, DELETE "
        "/api/county-digest-subscriptions/{id}/). "
        "Every answer is scoped like the pages; sign in with a session or a token "
        "(Authorization: Token <key>). Preventive cases have their own API under "
        "/arenden/api/."
    ),
    "VERSION": "0.1.0",
    # The default enum hook, then the object id described in Swedish (samverkan/api).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "samverkan.api.schema_hooks.swedish_path_ids",
    ],
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Several models have a "status" with their own choices: one named enum each.
    "ENUM_NAME_OVERRIDES": {
        "SituationReportStatusEnum": "samverkan.situation.models.Status",
        "IncidentStatusEnum": "samverkan.incidents.models.Status",
        "ProblemStatusEnum": "samverkan.plans.workflow.PROBLEM_STATUSES",
        "ActionPlanStatusEnum": "samverkan.plans.workflow.PLAN_STATUSES",
        "MeasureStatusEnum": "samverkan.plans.workflow.MEASURE_STATUSES",
        "PromiseStatusEnum": "samverkan.plans.models.PromiseStatus",
        "MeetingStatusEnum": "samverkan.meetings.workflow.MEETING_STATUSES",
        "MeetingActionStatusEnum": "samverkan.meetings.workflow.ACTION_STATUSES",
        "TertialReportStatusEnum": "samverkan.followup.workflow.TERTIAL_STATUSES",
        "ActivityStatusEnum": "samverkan.communication.workflow.ACTIVITY_STATUSES",
        "CountyPeriodTypeEnum": "samverkan.county.models.PeriodType",
        "DigestStatusEnum": "samverkan.county.workflow.STATUSES",
        "SituationPeriodTypeEnum": "samverkan.situation.models.PeriodType",
    },
}


# The key ring of the cases' encrypted personal data, newest key first
# (samverkan/cases/crypto.py). Empty: the keys are read from CASES_ENCRYPTION_KEY_FILE,
# which the demo generates in the data folder as long as no encrypted data exists; a
# production installation keeps it outside the data folder and its backups.
CASES_ENCRYPTION_KEYS = env_list("CASES_ENCRYPTION_KEYS") or env_list("CASES_ENCRYPTION_KEY")
CASES_ENCRYPTION_KEY_FILE = Path(
    env("CASES_ENCRYPTION_KEY_FILE") or DATA_DIR / "cases_encryption_key"
).resolve()

# The SQLite database file is created owner-only before SQLite creates it with the umask's
# permissions; SQLite gives its -wal and -shm files the permissions of the database file.
_sqlite_name = str(DATABASES["default"].get("NAME") or "")
if (
    DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    and _sqlite_name
    and not _sqlite_name.startswith((":", "file:"))
    and not Path(_sqlite_name).exists()
):
    Path(_sqlite_name).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.close(os.open(_sqlite_name, os.O_WRONLY | os.O_CREAT, 0o600))
CASES_RETENTION_MONTHS = int(env("CASES_RETENTION_MONTHS", "36"))

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Drawn charts by what they show (samverkan.core.chart_cache): a file cache, so every
    # web worker of a server reuses a chart another one drew.
    "charts": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache" / "charts"),
        "TIMEOUT": 7 * 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Production behind a TLS-terminating reverse proxy (docs/operations.md, Running in
# production): the proxy says the request came over HTTPS in X-Forwarded-Proto, and
# must overwrite that header from clients.
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Addresses of the reverse proxies whose X-Forwarded-For names the client (audit log,
# sign-in limits per address): samverkan/core/audit.py client_ip.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# The health check answers plain HTTP to the load balancer on the internal network.
SECURE_REDIRECT_EXEMPT = [r"^halsa/$", r"^healthz$"]


def _tile_source(url: str) -> list[str]:
    """The CSP source that lets the browser load the configured map tiles.

    A Leaflet tile URL such as ``https://{s}.tiles.example/{z}/{x}/{y}.png`` names its
    servers with placeholders; CSP allows a wildcard only as the leftmost host label.
    """
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return []  # a path on this server: 'self' covers it
    labels = parts.netloc.split(".")
    if "{" in labels[0]:
        labels[0] = "*"
    if any("{" in label for label in labels):
        return [f"{parts.scheme}:"]
    return [f"{parts.scheme}://{'.'.join(labels)}"]


# Text from data never runs as code: no inline or evaluated script on any page. Styles
# keep 'unsafe-inline' because the server-drawn SVG charts and print pages carry <style>
# elements and style attributes; a style cannot run script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": [
            "'self'",
            "data:",
            "blob:",
            *_tile_source(MAP_TILE_URL),
            *_tile_source(MAP_WMS_URL),
        ],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "filters": {"weasyprint_ignored_css": {"()": "samverkan.core.pdf.IgnoredCSS"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every PDF step at INFO.
    "loggers": {
        # Each PDF would otherwise log hundreds of warnings about CSS that WeasyPrint does
        # not support and the print pages do not need (samverkan.core.pdf.IgnoredCSS);
        # its other warnings, such as an image it could not load, stay.
        "weasyprint": {"level": "WARNING", "filters": ["weasyprint_ignored_css"]},
        "fontTools": {"level": "WARNING"},
        # Axes narrates each sign-in at INFO; failures and lockouts stay (WARNING).
        "axes": {"level": "WARNING"},
    },
}
