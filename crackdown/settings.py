"""Crackdown settings, read from the environment (see README "Configuration").

With no environment at all this is the embedded default: SQLite under var/, a real Celery
worker and beat on an embedded broker (SQLite under var/ too), DEBUG on. DATABASE_URL and
REDIS_URL switch to PostgreSQL and Redis. DEBUG=false is production: SECRET_KEY and
ALLOWED_HOSTS are then required.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
import orjson

from crackdown.env import env_bool, env_int, env_list, env_required, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("CRACKDOWN_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)
TESTING = env_bool("CRACKDOWN_TESTING", False)

if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-not-for-production-use-0123456789")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
else:
    SECRET_KEY = env_required("SECRET_KEY")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off")

# Key for secrets kept at rest (agency webhook secrets). Derived from SECRET_KEY unless set.
FIELD_ENCRYPTION_KEY = env_str("FIELD_ENCRYPTION_KEY", None)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_prometheus",
    "crackdown",
    "members",
    "cases.operations",
    "cases.seizures",
    "cases.alerts",
    "cases.matching",
    "cases.deliveries",
    "cases.reports",
    "cases.lookouts",
    "cases.evidence",
    "cases.imports",
    "cases.targeting",
    "cases.audit",
    "cases.stats",
    "cases.demo",
]

# A request body read into memory: a 5,000-line manifest batch (POST /api/v1/manifests/) is
# 3–6 MB of JSON; Django's 2.5 MB default would refuse the contract's largest batch.
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

MIDDLEWARE = [
    # Outermost: NUL characters and oversized bodies refused first, JSON errors under /api/.
    "crackdown.middleware.InputLimitsMiddleware",
    # Request metrics for /metrics (crackdown/metrics.py): first and last, to see every request.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The request id, user and agency on every log line (crackdown/logs.py).
    "crackdown.logs.RequestContextMiddleware",
    # RateLimit / RateLimit-Policy on the API's throttled answers (crackdown/api/throttling.py).
    "crackdown.api.throttling.RateLimitHeadersMiddleware",
    # The signed-in user's saved language over LocaleMiddleware's cookie / Accept-Language.
    "crackdown.i18n.UserLanguageMiddleware",
    # Sees every answer of the middleware below it (the two-factor gate's 403 included).
    "crackdown.security.RefusedAccessLogMiddleware",
    "members.middleware.SessionLifetimeMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "members.otp.OTPRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "members.middleware.UserTimezoneMiddleware",
    # Last, so that it sees the outcome of authentication backends.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "crackdown.urls"
WSGI_APPLICATION = "crackdown.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "crackdown.context_processors.navigation",
                "cases.alerts.context_processors.alerts",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
_db_env = environ.Env()
DATABASE_URL = env_str("DATABASE_URL", None)
if DATABASE_URL:
    DATABASES = {"default": _db_env.db_url_config(DATABASE_URL)}
    DATABASES["default"].setdefault("CONN_MAX_AGE", env_int("DB_CONN_MAX_AGE", 60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "crackdown.sqlite3",
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", None)
if REDIS_URL and TESTING and os.environ.get("PYTEST_XDIST_WORKER"):
    # Parallel test workers each get their own Redis database (queues, cache, throttles):
    # gw0 uses the configured one, gw1 the one below it, and so on.
    _worker = int(os.environ["PYTEST_XDIST_WORKER"].removeprefix("gw") or 0)
    _base, _, _db = REDIS_URL.rpartition("/")
    REDIS_URL = f"{_base}/{int(_db or 0) - _worker}"
if REDIS_URL:
    CACHES: dict[str, dict[str, Any]] = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Fail fast when Redis is down: callers (throttles) then carry on without it.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication -----------------------------------------------------------------------
AUTH_USER_MODEL = "members.User"
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
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "members:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "members:login"

# Lockout policy (members/lockout.py): 5 failures lock one (account, address) pair for 30
# minutes, so a stranger cannot lock an officer out; 50 failures for one account from any
# addresses lock the account everywhere (a brute force spread over many addresses).
AXES_HANDLER = "members.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = 5
AXES_ACCOUNT_FAILURE_CEILING = env_int("AXES_ACCOUNT_FAILURE_CEILING", 50)
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# A sign-in refused by the lockout is not counted again: the lock ends 30 minutes after the
# last counted failure, and the refusal is answered as a lockout (429) whichever rule holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "members.lockout.username_of"
# The client address is REMOTE_ADDR; behind TRUSTED_PROXY_COUNT reverse proxies, the one the
# nearest of them adds to X-Forwarded-For (a client cannot choose it by sending the header).
_TRUSTED_PROXIES = env_int("TRUSTED_PROXY_COUNT", 0)
if _TRUSTED_PROXIES:
    AXES_IPWARE_PROXY_COUNT = _TRUSTED_PROXIES
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "members.views.lockout_response"
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password", "otp"]
AXES_HTTP_RESPONSE_CODE = 429

# Sessions end 30 minutes after the last request, and 12 hours after sign-in whatever happens.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_LIFETIME = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Content-Security-Policy: everything from our own origin, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("ko", "한국어"),
    ("th", "ไทย"),
    ("vi", "Tiếng Việt"),
    ("id", "Bahasa Indonesia"),
    ("ms", "Bahasa Melayu"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS: list[Path | tuple[str, Path]] = [BASE_DIR / "static"]
# htmx comes from the npm registry (package-lock.json); served from node_modules as-is.
_HTMX_DIR = BASE_DIR / "node_modules" / "htmx.org" / "dist"
if _HTMX_DIR.exists():
    STATICFILES_DIRS.append(("vendor/htmx", _HTMX_DIR))
# --- Evidence files (README "Evidence storage") ---------------------------------------------
# Never served from a URL: only the access-checked download view reads them. The filesystem
# under var/ by default; an S3-compatible bucket when EVIDENCE_S3_BUCKET is set (credentials
# from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, read by boto3 itself, never by settings).
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 25 * 1024 * 1024)
EVIDENCE_MAX_FILES = env_int("EVIDENCE_MAX_FILES", 10)  # files in one page upload
# The upload is read and written in chunks of this size: memory per upload stays near it.
EVIDENCE_CHUNK_BYTES = env_int("EVIDENCE_CHUNK_BYTES", 256 * 1024)
# Images above this many pixels are refused (decompression bombs); Pillow's default is 89M.
EVIDENCE_MAX_PIXELS = env_int("EVIDENCE_MAX_PIXELS", 40_000_000)
_EVIDENCE_BUCKET = env_str("EVIDENCE_S3_BUCKET", None)
_EVIDENCE_STORAGE: dict[str, Any]
if _EVIDENCE_BUCKET:
    _EVIDENCE_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _EVIDENCE_BUCKET,
            "endpoint_url": env_str("EVIDENCE_S3_ENDPOINT_URL", None),
            "region_name": env_str("EVIDENCE_S3_REGION", None),
            "location": env_str("EVIDENCE_S3_PREFIX", "evidence"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "object_parameters": {"ServerSideEncryption": env_str("EVIDENCE_S3_SSE", "AES256")},
        },
    }
else:
    _EVIDENCE_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env_str("EVIDENCE_DIR", str(VAR_DIR / "evidence")),
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    }

# Hangul and Thai fonts: two weights of their subsets, from node_modules (crackdown/staticfonts.py).
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "crackdown.staticfonts.FontFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "evidence": _EVIDENCE_STORAGE,
    # Bulk import uploads, kept only while their import runs (cases/imports).
    "imports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "imports", "file_permissions_mode": 0o600},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- E-mail -------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "crackdown@localhost")
if env_str("EMAIL_HOST", None):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env_str("EMAIL_HOST")
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# --- Celery -------------------------------------------------------------------------------
# Every countdown/ETA we set stays below this visibility timeout (see cases/alerts/tasks.py).
CELERY_VISIBILITY_TIMEOUT = 3600
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
else:
    # The embedded default: a real worker and beat (crackdown/launcher.py) on kombu's
    # SQLAlchemy transport over SQLite under var/, so that retries, the sweeper, escalation
    # and digests happen exactly as with Redis. Its own file: the broker's writes never wait
    # on the application database's lock.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}")
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis' options; the SQLAlchemy transport hands its options to create_engine, so none there.
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
        "max_retries": 0,
    }
    if CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
    else {}
)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "alerts-sweep-deliveries": {"task": "alerts.sweep_deliveries", "schedule": 30.0},
    "alerts-escalate-overdue": {"task": "alerts.escalate_overdue", "schedule": 60.0},
    "alerts-send-digests": {"task": "alerts.send_digests", "schedule": 3600.0},
    "deliveries-escalate-overdue-legs": {"task": "deliveries.escalate_overdue_legs", "schedule": 60.0},
    "members-delete-expired-tokens": {"task": "members.delete_expired_tokens", "schedule": 3600.0},
    "lookouts-expire": {"task": "lookouts.expire", "schedule": 300.0},
    "imports-sweep": {"task": "imports.sweep", "schedule": 3600.0},
    # The worker's heartbeat, read by /healthz (crackdown/health.py).
    "crackdown-heartbeat": {"task": "crackdown.heartbeat", "schedule": 30.0},
}
WORKER_HEARTBEAT_MAX_AGE = env_int("WORKER_HEARTBEAT_MAX_AGE", 120)
# /metrics answers loopback callers, and others sending "Authorization: Bearer <METRICS_TOKEN>".
METRICS_TOKEN = env_str("METRICS_TOKEN", "")

# --- REST framework -----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "crackdown.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "crackdown.api.pagination.CursorPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["crackdown.api.renderers.JSONRenderer"],
    # drf-orjson-renderer's options: what DRF's encoder writes its own way reaches the
    # renderer's `default` (crackdown/api/renderers.py); integer keys as json.dumps writes them.
    "ORJSON_RENDERER_OPTIONS": (
        orjson.OPT_PASSTHROUGH_DATETIME,
        orjson.OPT_PASSTHROUGH_SUBCLASS,
        orjson.OPT_NON_STR_KEYS,
    ),
    "DEFAULT_PARSER_CLASSES": ["crackdown.api.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": [
        "crackdown.api.throttling.AnonRateThrottle",
        "crackdown.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("THROTTLE_ANON", "120/min"),
        "user": env_str("THROTTLE_USER", "1200/min"),
        "login": env_str("THROTTLE_LOGIN", "20/min"),
    },
    "EXCEPTION_HANDLER": "crackdown.api.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env_int("API_TOKEN_TTL_HOURS", 10)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Crackdown API",
    "DESCRIPTION": "The REST contract of the joint customs crackdown on drug smuggling.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Every operation documents the contract's common error answers (crackdown/api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "crackdown.api.schema.add_error_responses",
        "crackdown.api.schema.make_precise",
    ],
    # One schema name per contract enum, whichever serializer field uses it.
    "ENUM_NAME_OVERRIDES": {
        "TransportModeEnum": "cases.choices.TransportMode",
        "DetectionMethodEnum": "cases.choices.DetectionMethod",
        "DrugEnum": "cases.choices.Drug",
        "UnitEnum": "cases.choices.Unit",
        "SeizureStatusEnum": "cases.choices.SeizureStatus",
        "SharingEnum": "cases.choices.Sharing",
        "LookoutSharingEnum": "cases.lookouts.models.LookoutSharing",
        "LookoutStatusEnum": "cases.lookouts.models.LookoutStatus",
        "HitSourceEnum": "cases.lookouts.models.HitSource",
        "RetroStatusEnum": "cases.lookouts.models.RetroStatus",
        "IdentifierKindEnum": "cases.choices.IdentifierKind",
        "PersonRoleEnum": "cases.choices.PersonRole",
        "SexEnum": "cases.choices.Sex",
        "OperationStatusEnum": "cases.choices.OperationStatus",
        "ParticipantRoleEnum": "cases.choices.ParticipantRole",
        "ParticipantStatusEnum": "cases.choices.ParticipantStatus",
        "AssignmentStatusEnum": "cases.choices.AssignmentStatus",
        "AlertKindEnum": "cases.choices.AlertKind",
        "PriorityEnum": "cases.choices.Priority",
        "EvidenceKindEnum": "cases.evidence.models.EvidenceKind",
        "CustodyActionEnum": "cases.evidence.models.CustodyAction",
        "DeliveryStatusEnum": "cases.choices.DeliveryStatus",
        "UserRoleEnum": "members.models.Role",
        "ControlledDeliveryStatusEnum": "cases.choices.DeliveryState",
        "LegStatusEnum": "cases.choices.LegState",
        "ManifestLineKindEnum": "cases.targeting.models.LineKind",
        "ManifestLineStatusEnum": "cases.targeting.models.LineStatus",
        "ExaminationResultEnum": "cases.targeting.models.ExamResult",
        "ReasonSourceEnum": "cases.targeting.models.ReasonSource",
        "TargetingModelStatusEnum": "cases.targeting.models.ModelStatus",
        "ImportStatusEnum": "cases.imports.models.SeizureImport.Status",
    },
}

# --- Logging: never log secrets (passwords, tokens, webhook secrets) ----------------------
LOG_FORMAT = "json" if env_str("LOG_FORMAT", "plain").lower() == "json" else "plain"
# The worker logs through LOGGING too (in JSON when asked), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT != "json"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "crackdown.logs.JSONFormatter"},
    },
    "filters": {"client_errors": {"()": "crackdown.logfilters.ClientErrorsWithoutTraceback"}},
    # LOG_FORMAT=json: one JSON object a line, with request id, user id and agency (crackdown/logs.py).
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Requests log once (not again through Django's own "django" console handler), and a
        # refused request (4xx) as one line without a traceback.
        "django.request": {"handlers": ["console"], "filters": ["client_errors"], "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # WeasyPrint logs every rendering step at INFO; PDFs are rendered on request.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "crackdown.security": {"level": "INFO"},
    },
}

SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# --- Outbound requests (agency webhooks), crackdown/outbound.py -----------------------------
# Networks an operator admits besides public addresses (comma-separated CIDRs), e.g. a
# national system on a private network; 127.0.0.1/32 for a receiver on this host in a demo.
WEBHOOK_ALLOWED_NETWORKS = env_list("WEBHOOK_ALLOWED_NETWORKS")

# Demo accounts (make run) are allowed only with DEBUG on.
DEMO_PASSWORD = "crackdown-demo"
