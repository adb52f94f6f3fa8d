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
| E008 | a budget, the circuit breaker, ``RETRY_AFTER_CAP`` or the log retention is invalid |
| E009 | the call-log settings (``LOG_EXCERPT_CHARS``, ``LOG_REDACT_PATTERNS``) are invalid |
| E010 | ``ALLOWED_LINK_HOSTS`` is not a list of host names |
| E011 | a field map (``PRODUCT_FIELDS``, ``TRANSLATED_FIELDS`` ...) is wrong; bad ``CURRENCY`` |
| E012 | a support chat setting (``CHAT_...``): in :mod:`django_llmshop.support.checks` |
| E013 | a recommendations setting (``RECOMMEND_...``): in :mod:`django_llmshop.recommend.checks` |
| E014 | ``TRUSTED_PROXIES`` or ``API_TOKEN_AUTH`` is invalid |
| W001 | an API key would travel over plain http to a host that is not this machine |
| W002 | an endpoint has shared limits but ``LIMITER_REDIS_URL`` is unset: they are not applied |
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.utils.module_loading import import_string

from django_llmshop.budgetchecks import check_budget_settings
from django_llmshop.conf import DEFAULTS, known_keys
from django_llmshop.endpointchecks import check_endpoint, check_purposes, check_shared_limits
from django_llmshop.translationchecks import check_translated_fields

HINT_DOCS = "See the settings reference in the django-llmshop docs."


@register(Tags.compatibility, "llmshop")
def check_settings(app_configs: Iterable[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    raw = getattr(settings, "LLMSHOP", {})
    if not isinstance(raw, dict):
        return [Error("LLMSHOP must be a dict.", hint=HINT_DOCS, id="llmshop.E001")]
    messages: list[CheckMessage] = []
    known = known_keys()
    unknown = sorted(set(raw) - known)
    if unknown:
        messages.append(
            Error(
                f"Unknown LLMSHOP keys: {', '.join(unknown)}.",
                hint=f"Known keys: {', '.join(sorted(known))}. A sub-app's keys (CHAT_..., "
                f"RECOMMEND_...) are known only while it is in INSTALLED_APPS. {HINT_DOCS}",
                id="llmshop.E001",
            )
        )
    merged = {**DEFAULTS, **raw}
    endpoints = merged["ENDPOINTS"]
    if not isinstance(endpoints, dict) or not endpoints:
        messages.append(Error("LLMSHOP['ENDPOINTS'] must be a non-empty dict.", id="llmshop.E003"))
        endpoints = {}
    for alias, endpoint in endpoints.items():
        messages.extend(check_endpoint(alias, endpoint))
    purposes = merged["PURPOSES"]
    if isinstance(purposes, dict):  # merged over the defaults, as the settings object does
        purposes = {**DEFAULTS["PURPOSES"], **purposes}
    messages.extend(check_purposes(purposes, endpoints))
    messages.extend(_check_models(merged))
    messages.extend(_check_field_maps(merged))
    messages.extend(check_translated_fields(merged))
    messages.extend(_check_adapter(merged["ADAPTER"]))
    messages.extend(_check_limits(merged))
    messages.extend(check_shared_limits(merged, endpoints))
    messages.extend(_check_api(merged))
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
    messages = check_budget_settings(merged)
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


def _positive(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and value > 0
