"""The ``LLMSHOP`` settings object: one dict, defaults, validation and reload on change.

Read settings through ``llmshop_settings``::

    from django_llmshop.conf import llmshop_settings
    llmshop_settings.PURPOSES["content"]
    llmshop_settings.endpoint("default").base_url

The object reads ``settings.LLMSHOP`` lazily, merges it over the defaults below and resolves
import strings once. It reloads itself when a test or the shop changes ``LLMSHOP`` through
``override_settings`` (the ``setting_changed`` signal). Unknown keys are reported by the system
checks in :mod:`django_llmshop.checks`, never silently ignored.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

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
    # --- support chat ---
    # The host model holding help pages (policies, FAQ) that the chat answers from (None: none).
    "PAGE_MODEL": "shop.Page",
    # Longest shopper message accepted, in characters; a longer one gets HTTP 413.
    "CHAT_MAX_MESSAGE_CHARS": 2000,
    # Messages a shopper may send per window, per session (or user) and per IP address.
    "CHAT_RATE_LIMIT_PER_SESSION": 20,
    "CHAT_RATE_LIMIT_PER_IP": 60,
    "CHAT_RATE_LIMIT_WINDOW": 60,
    # New conversations a shopper may start per window, per session (or user) and per IP.
    "CHAT_CONVERSATION_RATE_LIMIT_PER_SESSION": 10,
    "CHAT_CONVERSATION_RATE_LIMIT_PER_IP": 30,
    # Celery queue of the reply task (None: the default queue); serve it with a threads pool.
    "CHAT_QUEUE": None,
    # Redis URL of the token stream buffer (None: streams go through the database).
    "CHAT_STREAM_REDIS_URL": None,
    # Characters of earlier messages sent along with each question (oldest dropped first).
    "CHAT_HISTORY_CHARS": 6000,
    # Rounds of tool calls before the model must answer, and the longest reply in tokens.
    "CHAT_MAX_TOOL_STEPS": 4,
    "CHAT_MAX_REPLY_TOKENS": 800,
    # Seconds a reply may stay pending or streaming before the sweeper fails it (retry works).
    "CHAT_REPLY_TIMEOUT": 300,
    # Knowledge passages retrieved for each question.
    "CHAT_RETRIEVAL_TOP_K": 4,
    # Extra words that mark a message's intent, e.g. {"handoff": ["Mensch"], "order": [...]};
    # keys: handoff, order, policy, product.
    "CHAT_INTENT_KEYWORDS": {},
    # Share of a question's words the best help passage must contain to count as a policy
    # question when no policy keyword is present (0..1).
    "CHAT_POLICY_MIN_SCORE": 0.6,
    # Seconds the chat's in-process catalog index is kept before it is rebuilt.
    "CHAT_CATALOG_INDEX_TTL": 300,
    # --- recommendations ---
    # Shopper events older than this many days are deleted by the purge task.
    "RECOMMEND_EVENT_RETENTION_DAYS": 180,
    # Events a shopper (session or user) and an IP address may post per minute.
    "RECOMMEND_EVENT_RATE_LIMIT": 120,
    # How much each kind of event counts towards an item's popularity.
    "RECOMMEND_EVENT_WEIGHTS": {"view": 1.0, "wishlist": 2.0, "cart": 3.0, "purchase": 5.0},
    # Neighbours stored per item by training (serving reads them for the last items seen).
    "RECOMMEND_NEIGHBOURS": 50,
    # Re-rank the top candidates with the "recommend" model in a task (cached per shopper).
    "RECOMMEND_RERANK": False,
    "RECOMMEND_RERANK_CANDIDATES": 12,
    "RECOMMEND_RERANK_CACHE_SECONDS": 3600,
}

#: Dict settings whose user value is merged over the default instead of replacing it.
MERGED_DICTS = (
    "PURPOSES",
    "DAILY_BUDGETS",
    "CIRCUIT_BREAKER",
    "PRODUCT_FIELDS",
    "REVIEW_FIELDS",
    "RECOMMEND_EVENT_WEIGHTS",
)

#: Keys whose values are import strings, resolved once per reload.
IMPORT_STRINGS = ("ADAPTER",)


@dataclass(frozen=True)
class Endpoint:
    """One configured OpenAI-compatible endpoint, with defaults filled in."""

    alias: str
    base_url: str
    model: str
    api_key: str
    embedding_model: str | None
    timeout: float
    connect_timeout: float
    max_retries: int
    max_concurrency: int
    shared_max_concurrency: int | None
    requests_per_minute: int | None
    tokens_per_minute: int | None
    price_per_mtok_in: float
    price_per_mtok_out: float
    supports_tools: bool
    supports_json_schema: bool
    headers: dict[str, str]
    capability: str = "capable"

    @property
    def is_small(self) -> bool:
        """A small model: the app composes chat answers instead of trusting the model's."""
        return self.capability == "small"

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        """The price of a call, in the endpoint's price unit."""
        return (
            prompt_tokens * self.price_per_mtok_in + completion_tokens * self.price_per_mtok_out
        ) / 1_000_000


class ImproperlyConfiguredEndpoint(LookupError):
    """A purpose or alias names no usable endpoint."""


class LLMShopSettings:
    """Lazy, cached view of ``settings.LLMSHOP`` merged over :data:`DEFAULTS`."""

    def __init__(self) -> None:
        self._cache: dict[str, Any] = {}
        self._loaded = False

    @property
    def user_settings(self) -> dict[str, Any]:
        value = getattr(settings, "LLMSHOP", None)
        return value if isinstance(value, dict) else {}

    def _load(self) -> None:
        merged = copy.deepcopy(DEFAULTS)
        for key, value in self.user_settings.items():
            if key in MERGED_DICTS and isinstance(value, dict):
                merged[key] = {**merged[key], **value}
            else:
                merged[key] = value
        self._cache = merged
        self._loaded = True

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name not in DEFAULTS:
            raise AttributeError(f"Invalid LLMSHOP setting: {name!r}")
        if not self._loaded:
            self._load()
        value = self._cache[name]
        if name in IMPORT_STRINGS and isinstance(value, str):
            value = import_string(value)
            self._cache[name] = value
        return value

    def endpoint(self, alias: str) -> Endpoint:
        """The endpoint configured under ``alias``."""
        raw = self.ENDPOINTS.get(alias)
        if not isinstance(raw, dict):
            raise ImproperlyConfiguredEndpoint(f"LLMSHOP['ENDPOINTS'] has no endpoint {alias!r}.")
        conf = {**ENDPOINT_DEFAULTS, **raw}
        if not conf["BASE_URL"] or not conf["MODEL"]:
            raise ImproperlyConfiguredEndpoint(
                f"LLMSHOP['ENDPOINTS'][{alias!r}] needs BASE_URL and MODEL."
            )
        return Endpoint(
            alias=alias,
            base_url=str(conf["BASE_URL"]).rstrip("/"),
            model=str(conf["MODEL"]),
            api_key=str(conf["API_KEY"] or ""),
            embedding_model=conf["EMBEDDING_MODEL"],
            timeout=float(conf["TIMEOUT"]),
            connect_timeout=float(conf["CONNECT_TIMEOUT"]),
            max_retries=int(conf["MAX_RETRIES"]),
            max_concurrency=int(conf["MAX_CONCURRENCY"]),
            shared_max_concurrency=_count_or_none(conf["SHARED_MAX_CONCURRENCY"]),
            requests_per_minute=_count_or_none(conf["REQUESTS_PER_MINUTE"]),
            tokens_per_minute=_count_or_none(conf["TOKENS_PER_MINUTE"]),
            price_per_mtok_in=float(conf["PRICE_PER_MTOK_IN"]),
            price_per_mtok_out=float(conf["PRICE_PER_MTOK_OUT"]),
            supports_tools=bool(conf["SUPPORTS_TOOLS"]),
            supports_json_schema=bool(conf["SUPPORTS_JSON_SCHEMA"]),
            headers=dict(conf["HEADERS"] or {}),
            capability=str(conf["CAPABILITY"]),
        )

    def endpoint_for(self, purpose: str) -> Endpoint:
        """The endpoint that serves ``purpose`` (see :data:`PURPOSES`)."""
        if purpose not in PURPOSES:
            raise ImproperlyConfiguredEndpoint(f"Unknown LLM purpose {purpose!r}.")
        alias = self.PURPOSES.get(purpose)
        if not alias:
            raise ImproperlyConfiguredEndpoint(f"No endpoint is configured for {purpose!r}.")
        return self.endpoint(alias)

    def reload(self) -> None:
        """Forget everything read so far; the next access reads ``settings.LLMSHOP`` again."""
        self._cache = {}
        self._loaded = False
        for callback in list(_reload_callbacks):
            callback()


def _count_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


_reload_callbacks: list[Any] = []


def on_reload(callback: Any) -> Any:
    """Register ``callback`` to run whenever the settings reload (e.g. to drop cached clients)."""
    _reload_callbacks.append(callback)
    return callback


llmshop_settings = LLMShopSettings()


@receiver(setting_changed)
def _reload_on_change(*, setting: str, **kwargs: Any) -> None:
    if setting == "LLMSHOP":
        llmshop_settings.reload()
