"""Settings of the example shop.

Everything that differs between machines comes from the environment, and every default works
without a server: SQLite in ``var/``, Celery over kombu's filesystem transport, an in-process
cache and the bundled local model server at 127.0.0.1:8080. Point ``LLMSHOP_BASE_URL`` /
``LLMSHOP_API_KEY`` / ``LLMSHOP_MODEL`` at any OpenAI-compatible server to use another model.
DEBUG is off unless ``DJANGO_DEBUG=1`` (``./scripts/demo`` sets it); with DEBUG off the shop
needs a real ``DJANGO_SECRET_KEY``. ``settings_production`` adds what a public server needs.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from shop.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("EXAMPLE_VAR_DIR") or BASE_DIR / "var")


def env_flag(name: str, default: str) -> bool:
    """Read a yes/no environment variable ("1", "true", "yes", "on" mean yes)."""
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    """Read a comma-separated environment variable."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Off unless asked for: ./scripts/demo sets DJANGO_DEBUG=1, a server must not inherit it.
DEBUG = env_flag("DJANGO_DEBUG", "0")

#: Only for DEBUG. Its prefix is the one Django's deploy check flags (security.W009).
DEVELOPMENT_SECRET_KEY = "django-insecure-example-shop-for-development-only"


def insecure_secret_key(key: str) -> bool:
    """The rule of Django's deploy check (security.W009): a key that is empty, generated for
    development, shorter than 50 characters or made of fewer than 5 different ones."""
    return key.startswith("django-insecure-") or len(key) < 50 or len(set(key)) < 5


def real_secret_key(debug: bool) -> str:
    """DJANGO_SECRET_KEY; the development key only with DEBUG on, and no weak key without it."""
    key = os.environ.get("DJANGO_SECRET_KEY", "")
    if debug:
        return key or DEVELOPMENT_SECRET_KEY
    if insecure_secret_key(key):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set to a random value of 50 or more characters when "
            'DEBUG is off; generate one with: python -c "from django.core.management.utils '
            'import get_random_secret_key; print(get_random_secret_key())". '
            "For development on your own machine, set DJANGO_DEBUG=1 instead."
        )
    return key


SECRET_KEY = real_secret_key(DEBUG)
# Old keys, newest first, still accepted for sessions and signed data while they expire.
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "rest_framework",
    "django_llmshop",
    "django_llmshop.content",
    "django_llmshop.support",
    "django_llmshop.recommend",
    "django_llmshop.dashboard",
    "shop",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "shop.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "example_project.urls"
WSGI_APPLICATION = "example_project.wsgi.application"
ASGI_APPLICATION = "example_project.asgi.application"

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
                "shop.csp.csp_nonce",
            ],
        },
    },
]

# --- Content Security Policy ------------------------------------------------------------------

# Sent by shop.csp (Django 5.2 has no CSP middleware of its own). Scripts come only from this
# site (htmx, the chat widget, the shop's own file) or carry the request's nonce: no inline
# script, no inline event handler, no eval. Inline styles stay allowed: the admin pages
# (Django's and django-llmshop's) use style attributes, and htmx adds its indicator styles.
# The widget's stream (EventSource) and htmx requests go to this site.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# --- Data -------------------------------------------------------------------------------------

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_health_checks=True,
    ),
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The web server and the worker's threads write at once: take the write lock when a
    # transaction starts and wait for it, instead of failing with "database is locked"; WAL
    # lets readers and the writer work at once (docs/deployment.md).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=30,
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    )
elif DATABASES["default"]["ENGINE"].endswith("postgresql") and os.environ.get(
    "DATABASE_POOL_SIZE", "8"
) not in ("", "0"):
    # Django's psycopg pool (the postgres extra installs it): each process keeps at most
    # DATABASE_POOL_SIZE connections and lends one per burst of queries. An open chat stream and
    # a reply task waiting on tokens hand theirs back, so a few serve hundreds of chats.
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps connections, not Django
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": int(os.environ.get("DATABASE_POOL_SIZE", "8")),
        "timeout": 30,  # seconds a thread waits for a free connection before an error
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery -----------------------------------------------------------------------------------

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # Producer and worker share one folder: messages written "out" are read back "in".
    _broker_out = VAR_DIR / "broker" / "out"
    _broker_processed = VAR_DIR / "broker" / "processed"
    os.makedirs(_broker_out, exist_ok=True)
    os.makedirs(_broker_processed, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_out),
        "data_folder_out": str(_broker_out),
        "processed_folder": str(_broker_processed),
        "store_processed": False,
        "control_folder": str(VAR_DIR / "broker" / "control"),
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Longer than the longest task, or Redis hands an unacknowledged task to a second worker.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}

# Results live in the app's own models; Celery's result store is never read.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_ALWAYS_EAGER = env_flag("CELERY_TASK_ALWAYS_EAGER", "0")

# --- django-llmshop ---------------------------------------------------------------------------

# The bundled local model (llama.cpp's server with SmolLM2-135M) has no tool calling and takes
# JSON schemas only in its own form; a hosted endpoint named by LLMSHOP_BASE_URL has both,
# unless LLMSHOP_SUPPORTS_TOOLS / LLMSHOP_SUPPORTS_JSON_SCHEMA say otherwise. The demo script
# sets LLMSHOP_LOCAL_MODEL=1 when it starts the local model.
_LOCAL_MODEL = env_flag("LLMSHOP_LOCAL_MODEL", "0" if "LLMSHOP_BASE_URL" in os.environ else "1")
LLMSHOP = {
    "ENDPOINTS": {
        "default": {
            "BASE_URL": os.environ.get("LLMSHOP_BASE_URL", "http://127.0.0.1:8080/v1"),
            "API_KEY": os.environ.get("LLMSHOP_API_KEY", ""),
            "MODEL": os.environ.get("LLMSHOP_MODEL", "smollm2-135m"),
            "TIMEOUT": 120,
            "MAX_CONCURRENCY": 4,
            "SUPPORTS_TOOLS": env_flag("LLMSHOP_SUPPORTS_TOOLS", "0" if _LOCAL_MODEL else "1"),
            "SUPPORTS_JSON_SCHEMA": env_flag(
                "LLMSHOP_SUPPORTS_JSON_SCHEMA", "0" if _LOCAL_MODEL else "1"
            ),
            "CAPABILITY": os.environ.get(
                "LLMSHOP_CAPABILITY", "small" if _LOCAL_MODEL else "capable"
            ),
        },
    },
    "PURPOSES": {
        "support": "default",
        "content": "default",
        "recommend": "default",
        "embedding": None,
    },
    "PRODUCT_MODEL": "shop.Product",
    "ORDER_MODEL": "shop.Order",
    "REVIEW_MODEL": "shop.Review",
    "PAGE_MODEL": "shop.Page",
}

# --- Accounts ---------------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "shop:order_list"
LOGOUT_REDIRECT_URL = "shop:home"

# --- Languages, time, static files ------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"django_llmshop": {"level": os.environ.get("LLMSHOP_LOG_LEVEL", "INFO")}},
}
