"""VictimCare settings.

Everything comes from the environment (see the configuration table in README.md). Production is the
default posture: DEBUG is off and the secret key is required unless DJANGO_DEBUG is set.
"""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="django-insecure-development-only-never-in-production")
else:
    try:
        SECRET_KEY = env("SECRET_KEY")
    except ImproperlyConfigured as exc:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DJANGO_DEBUG is off (production is the default)."
        ) from exc

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

FORCE_NAME = env("VICTIMCARE_FORCE_NAME", default="Northshire Police")
# Bank holidays for working days: ENG (England) or WLS (Wales), from the `holidays` package.
WORKING_DAY_REGION = env("WORKING_DAY_REGION", default="ENG")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "bootstrap",
    "django_filters",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "outbox",
    "victimsite",
    "accounts",
    "cases",
    "entitlements",
    "notifications",
    "surveys",
    "counting",
    "compliance",
    "assurance",
    "referrals",
    "casework",
    "publicinfo",
    # Above casework: Track my case reads cases, duties, referrals, notifications and surveys.
    "portal",
    # Above notifications: the hand-over to the Witness Care Unit reads duties and referrals.
    "handover",
    "health",
    "simple_history",
    "audit",
    "retention",
    "home",
    # Last: the demo data, generate_force and benchmark commands (the top layer, ARCHITECTURE.md).
    "tools",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Victim pages: the victim's chosen language (English elsewhere), noindex and no referrer.
    "victimsite.middleware.VictimPagesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content Security Policy on every page (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session has passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    # Deny by default: every view needs a logged-in user unless marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Then, when VICTIMCARE_REQUIRE_2FA is on, every page needs the second factor too.
    "accounts.two_factor.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Who made each change, for the record histories (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Records views, searches and exports, and asks why before a restricted case is opened.
    "audit.middleware.AuditMiddleware",
    # Last, as django-axes requires: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Take the client address from X-Forwarded-For only behind a proxy that sets it (the audit trail).
AUDIT_TRUST_X_FORWARDED_FOR = env.bool("AUDIT_TRUST_X_FORWARDED_FOR", default=False)

ROOT_URLCONF = "victimcare.urls"
WSGI_APPLICATION = "victimcare.wsgi.application"

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
                "accounts.context_processors.navigation",
                "notifications.context_processors.bell",
                "victimsite.context_processors.victim_page",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: wait for a lock rather than fail, take it up front.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
    # Tests use a file, not memory, so that a real worker and beat process can share it; one
    # file per test process, so that runs side by side do not meet.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # JIT compiling costs 40-80 ms on each dashboard query over a few thousand summary rows and
    # saves nothing at that size: off for the application's connections (a DBA may still use it).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # The test suite's throwaway databases: a commit need not wait for the disk (each
        # migration, each transactional test's flush), which only risks what a crash would
        # lose anyway.
        DATABASES["default"]["OPTIONS"]["options"] += " -c synchronous_commit=off"

# A read-only replica for the reporting pages (the compliance dashboard and packs), optional. Only
# a caller that asks reads there (victimcare.db_routers.reporting_reads): never a write, never a
# read inside a transaction. Under test it is the test database itself (MIRROR).
REPORTING_DATABASE_URL = env("REPORTING_DATABASE_URL", default="")
if REPORTING_DATABASE_URL:
    _reporting = env.db_url_config(REPORTING_DATABASE_URL)
    if _reporting["ENGINE"] != "django.db.backends.sqlite3":
        _reporting["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
        _reporting["CONN_HEALTH_CHECKS"] = True
        _reporting.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    _reporting["TEST"] = {"MIRROR": "default"}
    DATABASES["reporting"] = _reporting
DATABASE_ROUTERS = ["victimcare.db_routers.ReportingRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
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

# django-axes first: it refuses a locked-out sign-in before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout after repeated failed sign-ins (django-axes), counted per user name *and* address:
# the force's staff reach us through a few shared egress addresses, so counting by address
# alone would let one person's typos (or an attacker on the same network) lock out a whole
# station, and counting by user name alone would let anyone on the internet lock out any
# officer whose user name they know. Guessing one password from many addresses is slowed by
# this too, and defeated by the second factor and the password rules.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)  # off only in the test settings
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.int("LOGIN_LOCKOUT_MINUTES", default=30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# Axes logs every failure; never with the user name or address in the clear (personal data).
AXES_VERBOSE = False
AXES_CLIENT_STR_CALLABLE = "accounts.lockout.client_description"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password"]
# The same client address as the audit trail (X-Forwarded-For only behind a trusted proxy).
AXES_CLIENT_IP_CALLABLE = "audit.services.client_ip"

# Two-factor authentication (django-otp): an authenticator app plus one-time recovery codes.
# Required for every account in production; the demo (DJANGO_DEBUG) goes without.
VICTIMCARE_REQUIRE_2FA = env.bool("VICTIMCARE_REQUIRE_2FA", default=not DEBUG)
OTP_TOTP_ISSUER = f"VictimCare {FORCE_NAME}"
# Device secrets are never shown in the admin; an administrator can only reset a device.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# pytest-xdist runs the test suite in several processes at once, each on its own database; this
# keeps their cache keys and broker queues apart too, so one process's worker test never takes
# another's messages. Empty outside the suite.
TEST_PROCESS = env("PYTEST_XDIST_WORKER", default="")

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": TEST_PROCESS,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LANGUAGE_CODE = "en-gb"
# Victim pages are in English or Welsh (victimsite/language.py); staff pages are in English. The
# names are each language's own, as the switch shows them.
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
# The .po files are in the repository; the .mo files are compiled by `make install`.
LOCALE_PATHS = [BASE_DIR / "locale"]
# Pages a victim reads, without signing in: public information, the survey link, track my case,
# and the language switch itself.
VICTIM_PATH_PREFIXES = ["/information/", "/s/", "/track/", "/language/"]
# Where the language switch returns to when the page it was given is not a victim page.
VICTIM_HOME_PATH = "/information/"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files browsers ask for at the site's root (/favicon.ico), served by whitenoise before any login.
WHITENOISE_ROOT = BASE_DIR / "webroot"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Sessions end after a period of inactivity: shared police terminals are common.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# Transport security: on unless DEBUG; each can be relaxed by environment behind a TLS proxy.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^livez$"]
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy (django-csp): scripts, styles and images from this site only, so no
# inline <script>, no on...= handlers and no style="..." (tests/security/test_csp.py scans the
# templates). data: images are for Bootstrap's and Swagger UI's built-in icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="victimcare@localhost")
# Links in emails point here.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# Text messages through GOV.UK Notify: off unless both are set.
NOTIFY_API_KEY = env("NOTIFY_API_KEY", default="")
NOTIFY_SMS_TEMPLATE_ID = env("NOTIFY_SMS_TEMPLATE_ID", default="")

# Celery: the embedded default is kombu's filesystem transport, which needs no server.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = Path(env("CELERY_FILESYSTEM_DIR", default=str(VAR_DIR / "celery-broker")))
    if TEST_PROCESS:
        _broker_dir = _broker_dir / TEST_PROCESS
    # The transport does not create its folders; web, worker and beat must find them.
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    # Redis hands a message that was taken but never acknowledged (its worker died) to another
    # worker after this many seconds; kombu's default is an hour. Longer than any task runs.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=300)
    }
    if TEST_PROCESS:
        CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = f"{TEST_PROCESS}:"
    if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        # kombu's Redis transport, with a worker that survives losing Redis mid-task.
        CELERY_BROKER_TRANSPORT = "victimcare.broker:Transport"
# A request that queues work while the broker is down waits at most about a second before the
# work is left to its redelivery sweep (outbox.queue), instead of kombu's longer default retries.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
# How old a notification still waiting to be sent must be before the redelivery sweep queues
# it again, and how long a claimed send may stay unrecorded before it is taken to have failed.
NOTIFICATION_REDELIVER_AFTER = env.int("NOTIFICATION_REDELIVER_AFTER", default=120)
NOTIFICATION_CLAIM_EXPIRES_AFTER = env.int("NOTIFICATION_CLAIM_EXPIRES_AFTER", default=600)
CELERY_TASK_IGNORE_RESULT = True
# Workers log through Django's JSON logging, like the web process.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A worker that dies mid-task loses nothing: the message is acknowledged only when the task ends.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Queues. A sweep is set-based and may run for minutes (the compliance summary's rebuild takes two
# at force scale); a reminder should leave seconds after its sweep queues it. Each has its own
# queue, so the worker that consumes `delivery` (docker-compose.yml: worker-delivery) is never
# behind a sweep, and sweeps get a worker of their own (worker-sweeps). A worker started without
# -Q consumes every queue listed here: the fault harness and the tests rely on that.
# `celery` stays the default queue, for what no route names (Celery's own tasks), rather than
# `delivery`: the depth of `delivery` is then exactly the messages waiting to go out, and a task
# of ours that forgot to choose is caught by tests/test_celery_queues.py instead of quietly
# joining the reminders. worker-delivery consumes `celery` as well, so nothing waits unread.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = (Queue("delivery"), Queue("sweeps"), Queue("celery"))
_SWEEPS = (
    "compliance.refresh_summary",
    "compliance.update_summary",
    "entitlements.mark_missed",
    "entitlements.flag_not_reachable",
    "notifications.sweep_due_soon",
    "notifications.sweep_overdue",
    "notifications.sweep_escalations",
    "notifications.sweep_digests",
    "notifications.sweep_referrals",
    "referrals.send_automatic",
    "retention.assign",
    "surveys.invite_due",
)
# The outbox's redelivery sweep is delivery's own: it only prompts again what waits to be sent
# (one indexed read and one UPDATE), and behind a long sweep a reminder whose first prompt was
# lost would wait too. The heartbeat runs beside the deliveries so that worker-delivery's health
# check (the heartbeat's age) says whether reminders are being worked.
_DELIVERY = (
    "notifications.deliver",
    "surveys.send_invitation",
    "notifications.redeliver",
    "health.heartbeat",
    # Track my case: links, codes and urgent news, and its sweep (urgent news is retried every
    # few minutes and must not wait behind a long sweep).
    "portal.send_link",
    "portal.send_code",
    "portal.send_urgent",
    "portal.sweep",
)
CELERY_TASK_ROUTES = {
    **{name: {"queue": "sweeps"} for name in _SWEEPS},
    **{name: {"queue": "delivery"} for name in _DELIVERY},
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "referrals.api.authentication.AgencyTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "VictimCare API",
    "DESCRIPTION": "Victims' Code and Witness Charter case management.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # <id:pk> in the API's URLs (cases/api/converters.py): a 64-bit record id.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}},
    # drf-spectacular's own hook first; then the 400/401/403/404 answers no view declares.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cases.api.schema.document_common_answers",
    ],
}

# Flash messages in the server-side session, not a readable cookie: they can mention a case.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Structured logs to stdout. Messages carry ids and event names, never names or addresses.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            # JsonFormatter that writes no query string, request text or exception message.
            "()": "victimcare.logs.PrivateJsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Seven lines of progress for every PDF drawn (audit.pdf): warnings only.
        "weasyprint.progress": {"level": "WARNING"},
    },
}
