"""Settings for the test suite: SQLite by default, PostgreSQL/Redis when their URLs are set."""

import ast
import os
import sys
from pathlib import Path

import dj_database_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "example_project"))

SECRET_KEY = "tests-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
TIME_ZONE = "UTC"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", "sqlite:///:memory:"))}
if "sqlite" in DATABASES["default"]["ENGINE"] and os.environ.get("LLMSHOP_TEST_SQLITE"):
    # A file instead of memory, so that a Celery worker process can share the test database.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["LLMSHOP_TEST_SQLITE"]}
if "sqlite" in DATABASES["default"]["ENGINE"]:
    # IMMEDIATE: a transaction takes the write lock when it starts, so concurrent writers (a
    # worker's processes) wait for each other instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=30, transaction_mode="IMMEDIATE")
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
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]
ROOT_URLCONF = "tests.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
STATIC_URL = "/static/"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "memory://")
# Tests run tasks inline unless they start a real worker (tests/worker.py turns this off).
CELERY_TASK_ALWAYS_EAGER = os.environ.get("LLMSHOP_CELERY_EAGER", "1") == "1"
CELERY_BROKER_TRANSPORT_OPTIONS = ast.literal_eval(
    os.environ.get("LLMSHOP_TEST_BROKER_OPTIONS", "{}")
) or ({"visibility_timeout": 3600} if CELERY_BROKER_URL.startswith("redis") else {})
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_IGNORE_RESULT = True
LLMSHOP = {
    "PAGE_MODEL": "shop.Page",
    # Nothing listens on port 9: a test that forgets to use the fake server fails loudly. A test
    # that starts a worker may point the worker at its fake server (and shorten the timeout).
    "ENDPOINTS": {
        "default": {
            "BASE_URL": os.environ.get("LLMSHOP_TEST_FAKE_URL", "http://127.0.0.1:9/v1"),
            "MODEL": "test-model",
            "MAX_RETRIES": 0,
            # Long enough for the fake server's accept on a busy machine (a refused connection,
            # as on port 9, fails at once whatever this is).
            "CONNECT_TIMEOUT": 10,
            "TIMEOUT": float(os.environ.get("LLMSHOP_TEST_TIMEOUT", "60")),
        }
    },
}
