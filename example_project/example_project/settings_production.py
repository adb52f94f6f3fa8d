"""Settings of the example shop behind HTTPS, for a server anyone can reach.

Everything in ``settings`` applies; this adds what ``manage.py check --deploy`` asks for and
what a public server needs. Select it with
``DJANGO_SETTINGS_MODULE=example_project.settings_production`` in the environment of every
process (web server, Celery workers, beat). It needs ``DJANGO_SECRET_KEY`` and
``DJANGO_ALLOWED_HOSTS``; DEBUG is always off here, whatever ``DJANGO_DEBUG`` says.
"""

import os

from example_project.settings import *  # noqa: F403
from example_project.settings import env_flag, env_list, real_secret_key


def trusted_proxies(value: str) -> list[str] | int:
    """``LLMSHOP_TRUSTED_PROXIES``: a number of hops, or comma-separated addresses and CIDRs."""
    value = value.strip()
    if value.isdigit():
        return int(value)
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = False
SECRET_KEY = real_secret_key(debug=False)

# --- HTTPS ------------------------------------------------------------------------------------

SECURE_SSL_REDIRECT = True
# Only behind a proxy (load balancer, nginx) that terminates TLS and sets this header itself,
# replacing any value a client sent: otherwise a client could claim HTTPS with it.
if env_flag("DJANGO_BEHIND_TLS_PROXY", "0"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# A year; browsers then refuse plain HTTP for the host (and its subdomains) for that long.
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Cookies ----------------------------------------------------------------------------------

SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = True
# No script reads the CSRF cookie: the widget and htmx take the token from the page.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# The origins of the shop's own pages (https://shop.example.com), for CSRF on HTTPS posts.
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

# --- Static files -----------------------------------------------------------------------------

# collectstatic writes here; the web server (or a CDN in front of it) serves STATIC_URL from it.
STATIC_ROOT = os.environ.get("DJANGO_STATIC_ROOT") or STATIC_ROOT  # noqa: F405

# --- Celery beat ------------------------------------------------------------------------------

# The package's periodic tasks come from django_llmshop.schedule.beat_schedule(), which
# example_project/celery.py hands to beat (docs/periodic-tasks.md): run one `celery beat`.

# --- django-llmshop ---------------------------------------------------------------------------

LLMSHOP = {
    **LLMSHOP,  # noqa: F405
    # Chat replies on a queue of their own, served by a threads-pool worker; bulk content
    # stays on Celery's default queue for the prefork worker.
    "CHAT_QUEUE": os.environ.get("LLMSHOP_CHAT_QUEUE", "llmshop_chat"),
    # Tokens through Redis when there is one, so that any web server can relay any reply.
    "CHAT_STREAM_REDIS_URL": REDIS_URL or None,  # noqa: F405
    # The proxies whose X-Forwarded-For the per-IP rate limits believe: addresses and CIDRs
    # ("10.0.0.0/8,192.0.2.7"), or a number of proxy hops ("1"); none by default.
    "TRUSTED_PROXIES": trusted_proxies(os.environ.get("LLMSHOP_TRUSTED_PROXIES", "")),
}
