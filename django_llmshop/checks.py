"""System checks for the ``LLMSHOP`` setting, with stable ids (``llmshop.E001`` ...).

| id | problem |
|---|---|
| E001 | ``LLMSHOP`` is not a dict, or has keys this version does not know |
| E002 | an endpoint has keys this version does not know |
| E003 | an endpoint lacks ``BASE_URL``/``MODEL``, or its URL is not http(s) |
| E004 | an endpoint's number is out of range (timeouts, retries, concurrency, prices) |
| E005 | ``PURPOSES`` names an unknown purpose, or a purpose points at no endpoint |
| E006 | ``PRODUCT_MODEL``, ``ORDER_MODEL``, ``REVIEW_MODEL`` or ``PAGE_MODEL``: no such model |
| E007 | ``ADAPTER`` cannot be imported or is not a ``ShopAdapter`` |
| E008 | a daily budget, the circuit breaker, ``RETRY_AFTER_CAP`` or the log retention is invalid |
| E009 | the call-log settings (``LOG_EXCERPT_CHARS``, ``LOG_REDACT_PATTERNS``) are invalid |
| E010 | ``ALLOWED_LINK_HOSTS`` is not a list of host names |
| E011 | ``PRODUCT_FIELDS``/``REVIEW_FIELDS`` name unknown roles or fields; bad ``CURRENCY`` |
| E012 | a support chat setting (``CHAT_...``) is out of range or of the wrong type |
| E013 | a recommendations setting (``RECOMMEND_...``) is out of range or of the wrong type |
| E014 | ``TRUSTED_PROXIES`` or ``API_TOKEN_AUTH`` is invalid |
| W001 | an API key would travel over plain http to a host that is not this machine |
| W002 | an endpoint has shared limits but ``LIMITER_REDIS_URL`` is unset: they are not applied |
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.utils.module_loading import import_string

from django_llmshop.conf import DEFAULTS, ENDPOINT_DEFAULTS, PURPOSES

HINT_DOCS = "See the settings reference in the django-llmshop docs."
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


@register(Tags.compatibility)
def check_settings(app_configs: Iterable[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    raw = getattr(settings, "LLMSHOP", {})
    if not isinstance(raw, dict):
        return [Error("LLMSHOP must be a dict.", hint=HINT_DOCS, id="llmshop.E001")]
    messages: list[CheckMessage] = []
    unknown = sorted(set(raw) - set(DEFAULTS))
    if unknown:
        messages.append(
            Error(
                f"Unknown LLMSHOP keys: {', '.join(unknown)}.",
                hint=f"Known keys: {', '.join(sorted(DEFAULTS))}. {HINT_DOCS}",
                id="llmshop.E001",
            )
        )
    merged = {**DEFAULTS, **raw}
    endpoints = merged["ENDPOINTS"]
    if not isinstance(endpoints, dict) or not endpoints:
        messages.append(Error("LLMSHOP['ENDPOINTS'] must be a non-empty dict.", id="llmshop.E003"))
        endpoints = {}
    for alias, endpoint in endpoints.items():
        messages.extend(_check_endpoint(alias, endpoint))
    purposes = merged["PURPOSES"]
    if isinstance(purposes, dict):  # merged over the defaults, as the settings object does
        purposes = {**DEFAULTS["PURPOSES"], **purposes}
    messages.extend(_check_purposes(purposes, endpoints))
    messages.extend(_check_models(merged))
    messages.extend(_check_field_maps(merged))
    messages.extend(_check_adapter(merged["ADAPTER"]))
    messages.extend(_check_chat(merged))
    messages.extend(_check_recommend(merged))
    messages.extend(_check_limits(merged))
    messages.extend(_check_shared_limits(merged, endpoints))
    messages.extend(_check_api(merged))
    return messages


def _check_endpoint(alias: str, endpoint: Any) -> list[CheckMessage]:
    where = f"LLMSHOP['ENDPOINTS'][{alias!r}]"
    if not isinstance(endpoint, dict):
        return [Error(f"{where} must be a dict.", id="llmshop.E003")]
    messages: list[CheckMessage] = []
    unknown = sorted(set(endpoint) - set(ENDPOINT_DEFAULTS))
    if unknown:
        messages.append(
            Error(
                f"{where} has unknown keys: {', '.join(unknown)}.",
                hint=f"Known keys: {', '.join(sorted(ENDPOINT_DEFAULTS))}.",
                id="llmshop.E002",
            )
        )
    url = endpoint.get("BASE_URL")
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        messages.append(
            Error(
                f"{where}['BASE_URL'] must be an http(s) URL, got {url!r}.",
                hint="For example 'https://api.openai.com/v1' or 'http://127.0.0.1:8080/v1'.",
                id="llmshop.E003",
            )
        )
    if not isinstance(endpoint.get("MODEL"), str) or not endpoint.get("MODEL"):
        messages.append(Error(f"{where}['MODEL'] must name a model.", id="llmshop.E003"))
    for key, minimum, kinds in (
        ("TIMEOUT", 0.001, int | float),
        ("CONNECT_TIMEOUT", 0.001, int | float),
        ("MAX_RETRIES", 0, int),
        ("MAX_CONCURRENCY", 1, int),
        ("PRICE_PER_MTOK_IN", 0, int | float),
        ("PRICE_PER_MTOK_OUT", 0, int | float),
    ):
        value = endpoint.get(key, ENDPOINT_DEFAULTS[key])
        if isinstance(value, bool) or not isinstance(value, kinds) or value < minimum:
            kind = "a whole number" if kinds is int else "a number"
            messages.append(
                Error(
                    f"{where}['{key}'] must be {kind} >= {minimum}, got {value!r}.",
                    id="llmshop.E004",
                )
            )
    if endpoint.get("CAPABILITY", "capable") not in ("capable", "small"):
        messages.append(
            Error(f"{where}['CAPABILITY'] must be 'capable' or 'small'.", id="llmshop.E003")
        )
    headers = endpoint.get("HEADERS", {})
    if not isinstance(headers, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
    ):
        messages.append(
            Error(f"{where}['HEADERS'] must map header names to strings.", id="llmshop.E004")
        )
    if (
        parts is not None
        and parts.scheme == "http"
        and parts.hostname not in LOOPBACK_HOSTS
        and endpoint.get("API_KEY")
    ):
        messages.append(
            Warning(
                f"{where} sends its API key over plain http to {parts.hostname}.",
                hint="Use https, or an endpoint on this machine.",
                id="llmshop.W001",
            )
        )
    return messages


def _check_purposes(purposes: Any, endpoints: dict[str, Any]) -> list[CheckMessage]:
    if not isinstance(purposes, dict):
        return [Error("LLMSHOP['PURPOSES'] must be a dict.", id="llmshop.E005")]
    messages: list[CheckMessage] = []
    for purpose, alias in purposes.items():
        if purpose not in PURPOSES:
            messages.append(
                Error(
                    f"LLMSHOP['PURPOSES'] names an unknown purpose {purpose!r}.",
                    hint=f"Purposes: {', '.join(PURPOSES)}.",
                    id="llmshop.E005",
                )
            )
        elif alias is None and purpose == "embedding":
            continue
        elif alias not in endpoints:
            messages.append(
                Error(
                    f"LLMSHOP['PURPOSES'][{purpose!r}] points at {alias!r}, "
                    "which is not in LLMSHOP['ENDPOINTS'].",
                    hint=f"Endpoints: {', '.join(sorted(endpoints)) or 'none'}.",
                    id="llmshop.E005",
                )
            )
    return messages


def _check_models(merged: dict[str, Any]) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    for key in ("PRODUCT_MODEL", "ORDER_MODEL", "REVIEW_MODEL", "PAGE_MODEL"):
        value = merged[key]
        if value is None and key != "PRODUCT_MODEL":
            continue  # a shop without orders, reviews or pages turns those features off
        try:
            apps.get_model(value, require_ready=False)
        except (LookupError, ValueError, TypeError, AttributeError):
            messages.append(
                Error(
                    f"LLMSHOP['{key}'] = {value!r} is not an installed model.",
                    hint="Use 'app_label.ModelName', e.g. 'shop.Product'.",
                    id="llmshop.E006",
                )
            )
    return messages


def _check_field_maps(merged: dict[str, Any]) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    for key, model_key in (("PRODUCT_FIELDS", "PRODUCT_MODEL"), ("REVIEW_FIELDS", "REVIEW_MODEL")):
        raw = merged[key]
        if not isinstance(raw, dict):
            messages.append(Error(f"LLMSHOP['{key}'] must be a dict.", id="llmshop.E011"))
            continue
        unknown = sorted(set(raw) - set(DEFAULTS[key]))
        if unknown:
            messages.append(
                Error(
                    f"LLMSHOP['{key}'] has unknown roles: {', '.join(unknown)}.",
                    hint=f"Roles: {', '.join(DEFAULTS[key])}.",
                    id="llmshop.E011",
                )
            )
        try:
            model = apps.get_model(merged[model_key], require_ready=False)
        except (LookupError, ValueError, TypeError, AttributeError):
            continue  # reported by E006
        fields = {**DEFAULTS[key], **raw}
        for role, name in fields.items():
            if name is None or role in unknown:
                continue
            first = str(name).split("__")[0]
            if not any(f.name == first for f in model._meta.get_fields()) and not hasattr(
                model, first
            ):
                messages.append(
                    Error(
                        f"LLMSHOP['{key}'][{role!r}] = {name!r}: {model._meta.label} has no "
                        f"field {first!r}.",
                        hint="Map the role to one of the model's fields, or to None.",
                        id="llmshop.E011",
                    )
                )
    currency = merged["CURRENCY"]
    if not (isinstance(currency, str) and len(currency) == 3 and currency.isalpha()):
        messages.append(
            Error(
                "LLMSHOP['CURRENCY'] must be a three-letter code such as 'USD'.", id="llmshop.E011"
            )
        )
    return messages


def _check_adapter(value: Any) -> list[CheckMessage]:
    from django_llmshop.adapters import ShopAdapter

    try:
        adapter = import_string(value) if isinstance(value, str) else value
    except ImportError as exc:
        return [Error(f"LLMSHOP['ADAPTER'] cannot be imported: {exc}", id="llmshop.E007")]
    if not (isinstance(adapter, type) and issubclass(adapter, ShopAdapter)):
        return [
            Error(
                f"LLMSHOP['ADAPTER'] = {value!r} is not a ShopAdapter subclass.",
                id="llmshop.E007",
            )
        ]
    return []


def _check_limits(merged: dict[str, Any]) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    budgets = merged["DAILY_BUDGETS"]
    if not isinstance(budgets, dict):
        return [Error("LLMSHOP['DAILY_BUDGETS'] must be a dict.", id="llmshop.E008")]
    for purpose, limit in budgets.items():
        if purpose not in PURPOSES:
            messages.append(
                Error(
                    f"LLMSHOP['DAILY_BUDGETS'] names an unknown purpose {purpose!r}.",
                    id="llmshop.E008",
                )
            )
        elif limit is not None and (
            isinstance(limit, bool) or not isinstance(limit, int | float) or limit < 0
        ):
            messages.append(
                Error(
                    f"LLMSHOP['DAILY_BUDGETS'][{purpose!r}] must be None or a number >= 0.",
                    id="llmshop.E008",
                )
            )
    breaker = merged["CIRCUIT_BREAKER"]
    if (
        not isinstance(breaker, dict)
        or set(breaker) - {"FAILURE_THRESHOLD", "RESET_SECONDS"}
        or not _positive(breaker.get("FAILURE_THRESHOLD", 5))
        or not _positive(breaker.get("RESET_SECONDS", 30))
    ):
        messages.append(
            Error(
                "LLMSHOP['CIRCUIT_BREAKER'] takes FAILURE_THRESHOLD and RESET_SECONDS > 0.",
                id="llmshop.E008",
            )
        )
    retention = merged["CALL_LOG_RETENTION_DAYS"]
    if retention is not None and not _positive(retention):
        messages.append(
            Error(
                "LLMSHOP['CALL_LOG_RETENTION_DAYS'] must be None or a number > 0.",
                id="llmshop.E008",
            )
        )
    link_hosts = merged["ALLOWED_LINK_HOSTS"]
    if not isinstance(link_hosts, list | tuple) or not all(
        isinstance(host, str) and host and "/" not in host for host in link_hosts
    ):
        messages.append(
            Error(
                "LLMSHOP['ALLOWED_LINK_HOSTS'] must be a list of host names, e.g. "
                "['shop.example.com'].",
                id="llmshop.E010",
            )
        )
    excerpt_chars = merged["LOG_EXCERPT_CHARS"]
    if isinstance(excerpt_chars, bool) or not isinstance(excerpt_chars, int) or excerpt_chars < 0:
        messages.append(
            Error("LLMSHOP['LOG_EXCERPT_CHARS'] must be a whole number >= 0.", id="llmshop.E009")
        )
    patterns = merged["LOG_REDACT_PATTERNS"]
    if not isinstance(patterns, list | tuple):
        messages.append(
            Error(
                "LLMSHOP['LOG_REDACT_PATTERNS'] must be a list of regular expressions.",
                id="llmshop.E009",
            )
        )
    else:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except (re.error, TypeError) as exc:
                messages.append(
                    Error(
                        f"LLMSHOP['LOG_REDACT_PATTERNS'] has an invalid regular "
                        f"expression {pattern!r}: {exc}.",
                        id="llmshop.E009",
                    )
                )
    if not _positive(merged["RETRY_AFTER_CAP"]):
        messages.append(
            Error("LLMSHOP['RETRY_AFTER_CAP'] must be a number > 0.", id="llmshop.E008")
        )
    return messages


def _check_api(merged: dict[str, Any]) -> list[CheckMessage]:
    from django_llmshop.api.clientip import parse_networks

    messages: list[CheckMessage] = []
    proxies = merged["TRUSTED_PROXIES"]
    if isinstance(proxies, bool) or not isinstance(proxies, int | list | tuple):
        problem = f"got {proxies!r}"
    elif isinstance(proxies, int):
        problem = "" if proxies >= 0 else f"got {proxies!r}"
    else:
        try:
            parse_networks(proxies)
            problem = ""
        except ValueError as exc:
            problem = str(exc)
    if problem:
        messages.append(
            Error(
                "LLMSHOP['TRUSTED_PROXIES'] must be a list of IP addresses or CIDRs, or a "
                f"number of proxy hops >= 0: {problem}.",
                hint="For example ['10.0.0.0/8'] or 1 (one proxy in front of the shop).",
                id="llmshop.E014",
            )
        )
    token = merged["API_TOKEN_AUTH"]
    if not isinstance(token, bool):
        messages.append(
            Error("LLMSHOP['API_TOKEN_AUTH'] must be True or False.", id="llmshop.E014")
        )
    elif token and not apps.is_installed("rest_framework.authtoken"):
        messages.append(
            Error(
                "LLMSHOP['API_TOKEN_AUTH'] is True but 'rest_framework.authtoken' is not in "
                "INSTALLED_APPS.",
                id="llmshop.E014",
            )
        )
    return messages


SHARED_LIMIT_KEYS = ("SHARED_MAX_CONCURRENCY", "REQUESTS_PER_MINUTE", "TOKENS_PER_MINUTE")


def _check_shared_limits(merged: dict[str, Any], endpoints: dict[str, Any]) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    limited = []
    for alias, endpoint in endpoints.items():
        if not isinstance(endpoint, dict):
            continue  # reported by E003
        for key in SHARED_LIMIT_KEYS:
            value = endpoint.get(key)
            if value is None:
                continue
            limited.append(alias)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                messages.append(
                    Error(
                        f"LLMSHOP['ENDPOINTS'][{alias!r}]['{key}'] must be None or a whole "
                        f"number >= 1, got {value!r}.",
                        id="llmshop.E004",
                    )
                )
    url = merged["LIMITER_REDIS_URL"]
    if url is not None and (
        not isinstance(url, str) or urlsplit(url).scheme not in ("redis", "rediss", "unix")
    ):
        messages.append(
            Error(
                "LLMSHOP['LIMITER_REDIS_URL'] must be None or a redis:// URL.",
                hint="For example 'redis://127.0.0.1:6379/0'.",
                id="llmshop.E008",
            )
        )
    elif url is None and limited:
        names = ", ".join(sorted(set(map(repr, limited))))
        messages.append(
            Warning(
                f"Endpoints {names} have shared limits, but LLMSHOP['LIMITER_REDIS_URL'] is "
                "not set: each process keeps only to its own MAX_CONCURRENCY.",
                hint="Set LIMITER_REDIS_URL to a Redis that every worker and web process reaches.",
                id="llmshop.W002",
            )
        )
    return messages


def _positive(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and value > 0


CHAT_COUNTS = (
    "CHAT_MAX_MESSAGE_CHARS",
    "CHAT_RATE_LIMIT_PER_SESSION",
    "CHAT_RATE_LIMIT_PER_IP",
    "CHAT_RATE_LIMIT_WINDOW",
    "CHAT_CONVERSATION_RATE_LIMIT_PER_SESSION",
    "CHAT_CONVERSATION_RATE_LIMIT_PER_IP",
    "CHAT_HISTORY_CHARS",
    "CHAT_MAX_TOOL_STEPS",
    "CHAT_MAX_REPLY_TOKENS",
    "CHAT_REPLY_TIMEOUT",
    "CHAT_RETRIEVAL_TOP_K",
)


def _check_chat(merged: dict[str, Any]) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    for key in CHAT_COUNTS:
        value = merged[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            messages.append(
                Error(
                    f"LLMSHOP['{key}'] must be a whole number >= 1, got {value!r}.",
                    id="llmshop.E012",
                )
            )
    queue = merged["CHAT_QUEUE"]
    if queue is not None and (not isinstance(queue, str) or not queue):
        messages.append(
            Error("LLMSHOP['CHAT_QUEUE'] must be None or a queue name.", id="llmshop.E012")
        )
    url = merged["CHAT_STREAM_REDIS_URL"]
    if url is not None and (
        not isinstance(url, str) or urlsplit(url).scheme not in ("redis", "rediss", "unix")
    ):
        messages.append(
            Error(
                "LLMSHOP['CHAT_STREAM_REDIS_URL'] must be None or a redis:// URL.",
                hint="For example 'redis://127.0.0.1:6379/0'.",
                id="llmshop.E012",
            )
        )
    return messages


RECOMMEND_COUNTS = (
    "RECOMMEND_EVENT_RETENTION_DAYS",
    "RECOMMEND_EVENT_RATE_LIMIT",
    "RECOMMEND_NEIGHBOURS",
    "RECOMMEND_RERANK_CANDIDATES",
    "RECOMMEND_RERANK_CACHE_SECONDS",
)


def _check_recommend(merged: dict[str, Any]) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    for key in RECOMMEND_COUNTS:
        value = merged[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            messages.append(
                Error(
                    f"LLMSHOP['{key}'] must be a whole number >= 1, got {value!r}.",
                    id="llmshop.E013",
                )
            )
    if not isinstance(merged["RECOMMEND_RERANK"], bool):
        messages.append(
            Error("LLMSHOP['RECOMMEND_RERANK'] must be True or False.", id="llmshop.E013")
        )
    weights = merged["RECOMMEND_EVENT_WEIGHTS"]
    known = DEFAULTS["RECOMMEND_EVENT_WEIGHTS"]
    if not isinstance(weights, dict) or any(
        key not in known
        or isinstance(value, bool)
        or not isinstance(value, int | float)
        or value < 0
        for key, value in weights.items()
    ):
        messages.append(
            Error(
                "LLMSHOP['RECOMMEND_EVENT_WEIGHTS'] must map event types to numbers >= 0.",
                hint=f"Event types: {', '.join(known)}.",
                id="llmshop.E013",
            )
        )
    return messages
