"""System checks of the ``LLMSHOP['ENDPOINTS']`` entries, the purposes and the shared limits.

Run by :func:`django_llmshop.checks.check_settings`; the ids are listed there.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core.checks import CheckMessage, Error, Warning

from django_llmshop.conf import ENDPOINT_DEFAULTS, PURPOSES

LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


def check_endpoint(alias: str, endpoint: Any) -> list[CheckMessage]:
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


def check_purposes(purposes: Any, endpoints: dict[str, Any]) -> list[CheckMessage]:
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


SHARED_LIMIT_KEYS = ("SHARED_MAX_CONCURRENCY", "REQUESTS_PER_MINUTE", "TOKENS_PER_MINUTE")


def check_shared_limits(merged: dict[str, Any], endpoints: dict[str, Any]) -> list[CheckMessage]:
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
