"""The core's settings keys and their defaults; sub-apps register theirs through :mod:`.conf`.

This module is data only: :mod:`django_llmshop.conf` merges it with the defaults each installed
sub-app registers (``support/app_settings.py``, ``recommend/app_settings.py``).
"""

from __future__ import annotations

from typing import Any

#: The purposes an endpoint can serve. "embedding" may be None (no embeddings: lexical only).
PURPOSES = ("support", "content", "recommend", "embedding")

#: Every key an endpoint accepts, with its default. ``BASE_URL`` and ``MODEL`` are required.
ENDPOINT_DEFAULTS: dict[str, Any] = {
    "BASE_URL": None,
    "API_KEY": "",
    "MODEL": None,
    "EMBEDDING_MODEL": None,
    "TIMEOUT": 60.0,
    "CONNECT_TIMEOUT": 5.0,
    "MAX_RETRIES": 2,
    "MAX_CONCURRENCY": 8,
    # Limits for all processes and hosts together (None: no such limit), kept in
    # LIMITER_REDIS_URL; MAX_CONCURRENCY above stays each process's own cap.
    "SHARED_MAX_CONCURRENCY": None,
    "REQUESTS_PER_MINUTE": None,
    "TOKENS_PER_MINUTE": None,
    "PRICE_PER_MTOK_IN": 0.0,
    "PRICE_PER_MTOK_OUT": 0.0,
    "SUPPORTS_TOOLS": True,
    "SUPPORTS_JSON_SCHEMA": True,
    # "capable": the chat lets the model call tools and phrase answers; "small": the app routes
    # each question and composes the facts itself, the model only phrases what is checked.
    "CAPABILITY": "capable",
    "HEADERS": {},
}

#: Top-level keys and their defaults.
DEFAULTS: dict[str, Any] = {
    # Named OpenAI-compatible endpoints. The default points at the bundled local model server
    # (``manage.py llmshop_local_model``), so a fresh install needs no key and no internet.
    "ENDPOINTS": {
        "default": {
            "BASE_URL": "http://127.0.0.1:8080/v1",
            "MODEL": "smollm2-135m",
            "CAPABILITY": "small",
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
    "ADAPTER": "django_llmshop.adapters.ShopAdapter",
    # Which field of PRODUCT_MODEL plays each role ("category__name" follows a relation; None:
    # the shop has no such field). Text roles are the ones content generation may write.
    "PRODUCT_FIELDS": {
        "name": "name",
        "category": "category",
        "price": "price",
        "currency": "currency",
        "attributes": "attributes",
        "stock": "stock",
        "is_active": "is_active",
        "description": "description",
        "seo_title": "seo_title",
        "seo_description": "seo_description",
    },
    # A product text kept in the shop's own field per language, by role and language code, e.g.
    # {"description": {"en": "description", "zh-hans": "description_zh"}}. Roles left out are
    # per language when django-modeltranslation or django-parler translates their field.
    "TRANSLATED_FIELDS": {},
    # Fields of REVIEW_MODEL: the relation to the product, and the review's text and rating.
    "REVIEW_FIELDS": {"product": "product", "rating": "rating", "title": "title", "body": "body"},
    # Currency of prices when the product model has no currency field.
    "CURRENCY": "USD",
    # Waiting longer than this for a 429's Retry-After fails the call at once instead.
    "RETRY_AFTER_CAP": 30.0,
    # Redis URL of the endpoints' shared limits (None: each process keeps to MAX_CONCURRENCY).
    "LIMITER_REDIS_URL": None,
    # Consecutive failed calls that open an endpoint's circuit, and how long it stays open.
    "CIRCUIT_BREAKER": {"FAILURE_THRESHOLD": 5, "RESET_SECONDS": 30.0},
    # Daily spending cap per purpose in the endpoints' price unit (None: no cap).
    "DAILY_BUDGETS": {"support": None, "content": None, "recommend": None, "embedding": None},
    # Monthly spending cap per purpose (None: no cap); Budget rows in the admin win over both.
    "MONTHLY_BUDGETS": {"support": None, "content": None, "recommend": None, "embedding": None},
    # Shares of a budget's limit at which staff are alerted, once per budget and period.
    "BUDGET_ALERT_SHARES": (0.8, 1.0),
    # Reply tokens a call without max_tokens holds against the budgets until it is settled.
    "BUDGET_RESERVE_TOKENS": 1024,
    # The call log keeps excerpts of prompts and replies; False keeps none.
    "LOG_PROMPTS": True,
    "LOG_EXCERPT_CHARS": 2000,
    # Regular expressions whose matches are replaced by "[redacted]" in logged excerpts.
    "LOG_REDACT_PATTERNS": [
        r"[\w.+-]+@[\w-]+\.[\w.-]+",  # e-mail addresses
        r"\b(?:\d[ -]?){13,19}\b",  # card-like numbers
    ],
    # Call-log rows older than this many days are deleted by the purge_call_log task.
    "CALL_LOG_RETENTION_DAYS": 90,
    # Hosts that links in model output may point at (relative links are always kept).
    "ALLOWED_LINK_HOSTS": [],
    # Languages generation and chat may use (codes as in settings.LANGUAGES).
    "LANGUAGES": ["en", "zh-hans"],
    "BRAND_VOICE": "",
    # --- the JSON API ---
    # Proxies in front of the shop: a list of IP addresses / CIDRs, or a number of proxy hops.
    # X-Forwarded-For is read only from them; empty: the client IP is REMOTE_ADDR.
    "TRUSTED_PROXIES": [],
    # Also accept DRF's token authentication (needs "rest_framework.authtoken" installed).
    "API_TOKEN_AUTH": False,
    # The host model holding help pages (policies, FAQ) that the chat answers from (None: none,
    # the default, so a shop without such a model passes its checks as it is).
    "PAGE_MODEL": None,
}

#: Dict settings whose user value is merged over the default instead of replacing it.
MERGED_DICTS = (
    "PURPOSES",
    "DAILY_BUDGETS",
    "MONTHLY_BUDGETS",
    "CIRCUIT_BREAKER",
    "PRODUCT_FIELDS",
    "REVIEW_FIELDS",
)

#: Keys whose values are import strings, resolved once per reload.
IMPORT_STRINGS = ("ADAPTER",)
