"""Shared endpoint limits built from LLMSHOP: the settings, their checks, the local fallback."""

from __future__ import annotations

import os

import pytest

from django_llmshop.llm import LLMClient
from django_llmshop.llm.limiter import SharedLimits
from django_llmshop.testing import FakeLLMServer
from tests.conftest import missing_redis
from tests.test_limiter import call_in_threads


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL")
    if not url:
        missing_redis()
    return str(url)


def endpoint_settings(settings, **keys: object) -> None:  # type: ignore[no-untyped-def]
    default = {**settings.LLMSHOP["ENDPOINTS"]["default"], **keys}
    settings.LLMSHOP = {**settings.LLMSHOP, "ENDPOINTS": {"default": default}}


def test_without_redis_only_the_local_cap_applies(llm_settings, settings) -> None:  # type: ignore[no-untyped-def]
    from django_llmshop.checks import check_settings
    from django_llmshop.clients import client_kwargs
    from django_llmshop.conf import llmshop_settings
    from django_llmshop.limiter import limiter_for

    # A server of its own: the session's may still hold requests an earlier test left stalled,
    # and they would count in its peak.
    with FakeLLMServer() as server:
        server.latency = 0.05
        endpoint_settings(
            settings, BASE_URL=server.base_url, MAX_CONCURRENCY=2, SHARED_MAX_CONCURRENCY=1
        )
        endpoint = llmshop_settings.endpoint("default")
        assert limiter_for(endpoint) is None
        assert "llmshop.W002" in {message.id for message in check_settings()}
        client = LLMClient(**client_kwargs(endpoint))
        outcomes = call_in_threads([client], calls_each=2, threads_each=6)
        assert all(isinstance(outcome, str) for outcome in outcomes)
        assert 1 <= server.peak_in_flight <= 2


def test_with_redis_the_endpoint_gets_its_shared_limiter(llm_settings, settings, redis_url) -> None:  # type: ignore[no-untyped-def]
    from django_llmshop.checks import check_settings
    from django_llmshop.conf import llmshop_settings
    from django_llmshop.limiter import limiter_for

    endpoint_settings(settings, TIMEOUT=20, SHARED_MAX_CONCURRENCY=3, REQUESTS_PER_MINUTE=100)
    settings.LLMSHOP = {**settings.LLMSHOP, "LIMITER_REDIS_URL": redis_url}
    shared = limiter_for(llmshop_settings.endpoint("default"))
    assert shared is not None and shared.url == redis_url
    assert shared.limits == SharedLimits("default", 3, 100, None, lease=30.0)
    assert not [message for message in check_settings() if message.id.startswith("llmshop.")]


@pytest.mark.parametrize(
    ("keys", "top", "expected"),
    [
        ({"SHARED_MAX_CONCURRENCY": 0}, {}, "llmshop.E004"),
        ({"TOKENS_PER_MINUTE": "1000"}, {}, "llmshop.E004"),
        ({"REQUESTS_PER_MINUTE": True}, {"LIMITER_REDIS_URL": "redis://h/0"}, "llmshop.E004"),
        ({}, {"LIMITER_REDIS_URL": "http://h/0"}, "llmshop.E008"),
    ],
)
def test_bad_shared_limit_settings_are_reported(
    llm_settings, settings, keys, top, expected
) -> None:  # type: ignore[no-untyped-def]
    from django_llmshop.checks import check_settings

    endpoint_settings(settings, **keys)
    settings.LLMSHOP = {**settings.LLMSHOP, **top}
    assert expected in {message.id for message in check_settings()}


@pytest.mark.django_db
def test_the_gateway_waits_for_the_shared_slot_and_logs_a_busy_endpoint(
    llm_settings, settings, redis_url
) -> None:  # type: ignore[no-untyped-def]
    from django_llmshop.gateway import llm_for
    from django_llmshop.llm import EndpointBusyError
    from django_llmshop.llm.limiter import SharedLimiter
    from django_llmshop.models import LLMCall

    endpoint_settings(settings, TIMEOUT=0.5, SHARED_MAX_CONCURRENCY=1)
    settings.LLMSHOP = {**settings.LLMSHOP, "LIMITER_REDIS_URL": redis_url}
    other_host = SharedLimiter(redis_url, SharedLimits("default", concurrency=1))
    lease = other_host.acquire(0, timeout=5)
    assert lease is not None
    try:
        with pytest.raises(EndpointBusyError):
            llm_for("support").chat([{"role": "user", "content": "Hi"}])
    finally:
        other_host.release(lease)
    assert llm_settings.requests == []
    assert LLMCall.objects.get().error_class == "EndpointBusyError"
    assert llm_for("support").chat([{"role": "user", "content": "Hi"}]).text
    assert len(llm_settings.requests) == 1
