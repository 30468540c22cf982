"""Bering settings: one module, every value from the environment.

Every variable is documented in `.env.example`. Defaults give the embedded
setup (SQLite, database task queue, files on local disk, mail to the console).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("BERING_DEBUG")
SECRET_KEY = env("BERING_SECRET_KEY", "dev-insecure-change-me-" + "x" * 40)
ALLOWED_HOSTS = env_list("BERING_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("BERING_CSRF_TRUSTED_ORIGINS")
DATA_DIR = Path(env("BERING_DATA_DIR", str(BASE_DIR / "var")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "bering.core",
    "bering.accounts",
    "bering.orgs",
    "bering.audit",
    "bering.files",
    "bering.deadlines",
    "bering.notifications",
    "bering.search",
    "bering.documents",
    "bering.signatures",
    "bering.approvals",
    "bering.assignments",
    "bering.exchange",
    "bering.appeals",
    "bering.publication",
    "bering.reports",
    "bering.desk",
    "bering.portal",
    "bering.api",
    "bering.web",
    "bering.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed on the way out: a report of 50 KB travels as 7 KB over satellite.
    # Django adds random bytes to each compressed body against BREACH. Files served in
    # byte ranges go as they are (bering/files/http.py).
    "bering.core.middleware.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # A body over its limit is refused from Content-Length, before it is read (decision 0014).
    "bering.core.middleware.RequestSizeMiddleware",
    # Signed-in pages and API answers: Cache-Control: private, no-store (decision 0014).
    "bering.core.middleware.PrivateCacheMiddleware",
    "bering.web.middleware.OrganizationTimeZoneMiddleware",
    "bering.web.middleware.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",
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
                "bering.web.context_processors.shell",
                "bering.notifications.context_processors.unread",
                "bering.portal.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'bering.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=20000; "
        "PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {
        "NAME": str(DATA_DIR / f"test{env('BERING_TEST_DB_SUFFIX')}.sqlite3")
    }
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_bering{env('BERING_TEST_DB_SUFFIX')}"}
    # JIT compiling cost 150 ms of a 156 ms search whose estimate was wrong (bench/RESULTS.md,
    # search): the web's queries are short, so it is off unless configured.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", f"-c jit={env('BERING_PG_JIT', 'off')}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"  # a head lands on «Ждут моего решения», others on documents
LOGOUT_REDIRECT_URL = "login"
# Lockout by (username, address): a whole ministry shares one address.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = int(env("BERING_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("BERING_AXES_ENABLED", True)
OTP_TOTP_ISSUER = env("BERING_OTP_ISSUER", "СЭД Bering")
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Language and time ---------------------------------------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Kamchatka"
USE_TZ = True

# --- Files ----------------------------------------------------------------------
MEDIA_ROOT = Path(env("BERING_MEDIA_ROOT", str(DATA_DIR / "media")))
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
_storage = env("BERING_STORAGE", "local")
STORAGES: dict[str, dict[str, object]] = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT)},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("BERING_MANIFEST_STATIC", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if _storage == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("BERING_S3_BUCKET"),
            "endpoint_url": env("BERING_S3_ENDPOINT_URL") or None,
            "access_key": env("BERING_S3_ACCESS_KEY"),
            "secret_key": env("BERING_S3_SECRET_KEY"),
            "region_name": env("BERING_S3_REGION") or None,
            "default_acl": None,
            "file_overwrite": False,
        },
    }
BERING_MAX_UPLOAD_BYTES = int(env("BERING_MAX_UPLOAD_BYTES", str(25 * 1024 * 1024)))
# A whole form with files: five files of the largest size (an appeal's most) and the form.
BERING_MAX_REQUEST_BYTES = 5 * BERING_MAX_UPLOAD_BYTES + 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# PDF copies of office files by LibreOffice headless (decision 0013)
BERING_OFFICE_SOFFICE = env("BERING_OFFICE_SOFFICE", "soffice")
BERING_OFFICE_TIMEOUT = float(env("BERING_OFFICE_TIMEOUT", "60"))
BERING_OFFICE_MEMORY_MB = int(env("BERING_OFFICE_MEMORY_MB", "1536"))
BERING_OFFICE_CPU_SECONDS = int(env("BERING_OFFICE_CPU_SECONDS", "120"))

# --- Tasks ----------------------------------------------------------------------
_tasks = env("BERING_TASKS", "db")
TASKS: dict[str, dict[str, object]] = {
    "default": {
        "BACKEND": {
            "db": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "rq": "django_tasks_rq.RQBackend",
        }[_tasks],
    }
}
RQ_QUEUES = {"default": {"URL": env("REDIS_URL", "redis://127.0.0.1:6379/0")}}
if _tasks == "rq":
    INSTALLED_APPS.append("django_rq")

# --- Cache (report figures of wide scopes): files in the data directory by default,
# shared by the web workers and the sweep; Redis by URL; locmem:// for one process.
_cache_url = env("BERING_CACHE_URL")
if _cache_url.startswith(("redis://", "rediss://")):
    _redis_cache = "django.core.cache.backends.redis.RedisCache"
    CACHES = {"default": {"BACKEND": _redis_cache, "LOCATION": _cache_url}}
elif _cache_url == "locmem://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

# --- Mail -----------------------------------------------------------------------
EMAIL_BACKEND = env("BERING_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("BERING_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("BERING_EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("BERING_EMAIL_USER")
EMAIL_HOST_PASSWORD = env("BERING_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("BERING_EMAIL_TLS")
DEFAULT_FROM_EMAIL = env("BERING_EMAIL_FROM", "bering@localhost")

# --- Web Push to the heads' tablets (decision 0020) -----------------------------------
# The VAPID key: PEM or the base64url raw P-256 private key; empty: one is made once and
# kept in the database, shared by every process.
BERING_VAPID_PRIVATE_KEY = env("BERING_VAPID_PRIVATE_KEY")
BERING_VAPID_SUBJECT = env("BERING_VAPID_SUBJECT", f"mailto:{DEFAULT_FROM_EMAIL}")
# Push endpoints on loopback addresses (and over http://): tests and development only.
BERING_PUSH_ALLOW_HTTP = env_bool("BERING_PUSH_ALLOW_HTTP", DEBUG)

# --- API ------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "bering.api.auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "bering.api.errors.exception_handler",
    # DRF's JSON parser bounded in nesting depth: a deep body is a 400, not a RecursionError.
    "DEFAULT_PARSER_CLASSES": [
        "bering.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Bering API",
    "DESCRIPTION": "REST API of Bering, the regional document management system.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "status" or "kind": name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "DocumentStatusEnum": "bering.documents.models.Document.Status",
        "VisaStatusEnum": "bering.approvals.models.Visa.Status",
        "VisaKindEnum": "bering.approvals.models.Visa.Kind",
        "AppealStatusEnum": "bering.appeals.models.Appeal.Status",
        "AppealChannelEnum": "bering.appeals.models.Channel",
    },
}

# --- Security headers ---------------------------------------------------------
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("BERING_SSL_REDIRECT")
SESSION_COOKIE_SECURE = env_bool("BERING_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(env("BERING_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BERING_BEHIND_TLS_PROXY") else None
)

# --- Reports ---------------------------------------------------------------------
BERING_REGION_NAME = env("BERING_REGION_NAME", "Камчатский край")
BERING_REGION_TARGET_ORGS = int(env("BERING_REGION_TARGET_ORGS", "380"))
BERING_REPORT_CACHE_SECONDS = int(env("BERING_REPORT_CACHE_SECONDS", "600"))

# --- Citizens' internet reception ------------------------------------------------------
BERING_SITE_URL = env("BERING_SITE_URL", "http://127.0.0.1:8000")
# The organization (by code) that routes appeals written to «не знаю, кому».
BERING_RECEPTION_ORG_CODE = env("BERING_RECEPTION_ORG_CODE", "ПКК")
# Limits of the public side: name -> (requests, seconds), per account and per address.
BERING_RATE_LIMITS = {
    "appeal_account": (int(env("BERING_APPEALS_PER_DAY", "10")), 86400),
    "appeal_address": (int(env("BERING_APPEALS_PER_ADDRESS_PER_DAY", "30")), 86400),
    "login_code": (5, 900),
    "login_code_address": (int(env("BERING_LOGIN_CODES_PER_ADDRESS", "30")), 900),
    "tracking": (int(env("BERING_TRACKING_PER_MINUTE", "30")), 60),
    "citizen_api": (600, 60),
}
# ЕСИА or any OpenID Connect provider for citizens' sign-in; off when the issuer is empty.
BERING_OIDC_ISSUER = env("BERING_OIDC_ISSUER")
BERING_OIDC_CLIENT_ID = env("BERING_OIDC_CLIENT_ID")
BERING_OIDC_CLIENT_SECRET = env("BERING_OIDC_CLIENT_SECRET")
BERING_OIDC_SCOPES = env("BERING_OIDC_SCOPES", "openid profile email")
BERING_OIDC_NAME = env("BERING_OIDC_NAME", "Госуслуги (ЕСИА)")

# --- Qualified electronic signatures (docs/decisions/0023-qualified-signatures.md) ----
# Trusted root CAs: comma-separated files or directories of .cer/.crt/.pem/.der.
BERING_SIGNATURE_TRUST_ROOTS = env_list("BERING_SIGNATURE_TRUST_ROOTS")
# CA certificates between the roots and the signers, when the signatures do not carry them.
BERING_SIGNATURE_INTERMEDIATES = env_list("BERING_SIGNATURE_INTERMEDIATES")
# The CAs' revocation lists (.crl files or directories), refreshed by the operator.
BERING_SIGNATURE_CRLS = env_list("BERING_SIGNATURE_CRLS")

# --- Integrity of signed and registered files (decision 0025) -------------------
# Every such file is hashed again within this many days, in slices, by the sweep.
BERING_INTEGRITY_PASS_DAYS = int(env("BERING_INTEGRITY_PASS_DAYS", "7"))
# How often the sweep runs (scripts/serve.sh: every 5 minutes): sizes the slices.
BERING_SWEEP_MINUTES = int(env("BERING_SWEEP_MINUTES", "5"))
# At most this many bytes are read by one run of the integrity check.
BERING_INTEGRITY_BYTES_PER_RUN = int(env("BERING_INTEGRITY_BYTES_PER_RUN", str(512 * 1024 * 1024)))

# --- Demo -----------------------------------------------------------------------
BERING_DEMO_PASSWORD = env("BERING_DEMO_PASSWORD", "bering-demo-2026")
# The demo's own certification authority and the demo heads' keys (``manage.py demo_sign``).
BERING_DEMO_PKI_DIR = Path(env("BERING_DEMO_PKI_DIR", str(DATA_DIR / "demo-pki")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("BERING_LOG_LEVEL", "WARNING")},
}
