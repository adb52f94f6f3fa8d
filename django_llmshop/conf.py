"""The ``LLMSHOP`` settings object: one dict, defaults, validation and reload on change.

Read settings through ``llmshop_settings``::

    from django_llmshop.conf import llmshop_settings
    llmshop_settings.PURPOSES["content"]
    llmshop_settings.endpoint("default").base_url

The object reads ``settings.LLMSHOP`` lazily, merges it over the defaults and resolves import
strings once. The core's defaults live in :mod:`django_llmshop.app_settings`; each sub-app
registers its own with :func:`register_defaults` from its ``app_settings`` module, which its
``apps.py`` imports, so the core never imports a sub-app. It reloads itself when a test or the
shop changes ``LLMSHOP`` through ``override_settings`` (the ``setting_changed`` signal). Unknown
keys are reported by the system checks in :mod:`django_llmshop.checks`, never silently ignored;
a sub-app's keys are known only while the sub-app is in ``INSTALLED_APPS``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from django_llmshop.app_settings import (
    DEFAULTS,
    ENDPOINT_DEFAULTS,
    IMPORT_STRINGS,
    MERGED_DICTS,
    PURPOSES,
)

__all__ = [
    "DEFAULTS",
    "ENDPOINT_DEFAULTS",
    "PURPOSES",
    "Endpoint",
    "ImproperlyConfiguredEndpoint",
    "llmshop_settings",
    "on_reload",
    "register_defaults",
]

CORE = "django_llmshop"

#: The keys each app brings, by app name: the core's own, then each sub-app's as it registers.
_app_defaults: dict[str, dict[str, Any]] = {CORE: DEFAULTS}
_merged_dicts: set[str] = set(MERGED_DICTS)


def register_defaults(
    app: str, defaults: dict[str, Any], *, merged_dicts: tuple[str, ...] = ()
) -> None:
    """Make ``defaults`` known as the keys of ``app`` (a sub-app's ``app_settings`` calls this).

    ``merged_dicts`` names the dict keys whose user value is merged over the default. A key
    another app already owns is a programming error, so it raises at import time.
    """
    for other, keys in _app_defaults.items():
        taken = sorted(set(keys) & set(defaults)) if other != app else []
        if taken:
            raise ValueError(f"{app} registers LLMSHOP keys {other} owns: {', '.join(taken)}.")
    _app_defaults[app] = dict(defaults)
    _merged_dicts.update(merged_dicts)
    llmshop_settings.reload()


def all_defaults() -> dict[str, Any]:
    """Every registered key with its default, whether or not its app is installed."""
    return {key: value for keys in _app_defaults.values() for key, value in keys.items()}


def defaults_by_app() -> dict[str, dict[str, Any]]:
    """The registered defaults, by the name of the app that owns them."""
    return {app: dict(keys) for app, keys in _app_defaults.items()}


def merged_dict_keys() -> set[str]:
    """The dict keys whose user value is merged over the default, of every registered app."""
    return set(_merged_dicts)


def known_keys() -> set[str]:
    """The keys ``LLMSHOP`` may hold: the core's and those of the installed sub-apps."""
    from django.apps import apps

    return {
        key
        for app, keys in _app_defaults.items()
        if app == CORE or apps.is_installed(app)
        for key in keys
    }


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
    """Lazy, cached view of ``settings.LLMSHOP`` merged over every registered default."""

    def __init__(self) -> None:
        self._cache: dict[str, Any] = {}
        self._keys: set[str] = set()
        self._loaded = False

    @property
    def user_settings(self) -> dict[str, Any]:
        value = getattr(settings, "LLMSHOP", None)
        return value if isinstance(value, dict) else {}

    def _load(self) -> None:
        defaults = all_defaults()
        merged = copy.deepcopy(defaults)
        for key, value in self.user_settings.items():
            if key in _merged_dicts and isinstance(value, dict):
                merged[key] = {**merged[key], **value}
            else:
                merged[key] = value
        self._cache = merged
        self._keys = set(defaults)
        self._loaded = True

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if not self._loaded:
            self._load()
        if name not in self._keys:
            raise AttributeError(f"Invalid LLMSHOP setting: {name!r}")
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
