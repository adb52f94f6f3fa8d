"""The throttles count in one Redis cache instance per process, whatever the request's thread,
and a request's counts are read together and written together."""

from __future__ import annotations

import os
import threading
import uuid
from contextlib import contextmanager
from typing import ClassVar

import pytest
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

from django_llmshop.api.throttling import (
    MESSAGE_THROTTLES,
    MessageShopperThrottle,
    counting_cache,
    throttle_wait,
)
from tests.api.conftest import API, csrf_client

CONVERSATIONS = f"{API}/chat/conversations/"


@pytest.fixture
def redis_cache(settings):
    url = os.environ.get("REDIS_URL")
    if not url:
        from tests.conftest import missing_redis

        missing_redis()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
        }
    }


def in_new_thread(function):
    found = []
    thread = threading.Thread(target=lambda: found.append(function()))
    thread.start()
    thread.join()
    return found[0]


def test_a_redis_cache_is_one_instance_for_every_thread(redis_cache):
    here = counting_cache()
    assert isinstance(here, RedisCache)
    # Django's own handle is per thread (per request under ASGI); the throttles' is not.
    assert in_new_thread(lambda: caches["default"]) is not caches["default"]
    assert in_new_thread(counting_cache) is here
    assert MessageShopperThrottle().cache is here
    here.set("counted", 1)
    assert in_new_thread(lambda: caches["default"].get("counted")) == 1


def test_the_shared_cache_keeps_one_redis_client_for_every_operation(redis_cache, monkeypatch):
    """Django's Redis cache makes a redis-py client per operation; the shared one does not,
    and what it writes and reads is still the cache's own (its keys, prefix and values)."""
    import redis

    made = []
    init = redis.Redis.__init__

    def noting(self, *args, **kwargs):
        made.append(self)
        init(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", noting)
    shared = counting_cache()
    shared.set_many({"a": 1, "b": "two"}, 30)
    assert shared.get_many(["a", "b"]) == {"a": 1, "b": "two"}
    assert in_new_thread(lambda: shared.incr("a")) == 2
    assert len(made) == 1
    assert in_new_thread(lambda: caches["default"].get_many(["a", "b"])) == {"a": 2, "b": "two"}


def test_a_changed_cache_setting_is_followed(redis_cache, settings):
    before = counting_cache()
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    after = counting_cache()
    assert after is not before
    assert after is caches["default"]  # not a Redis cache: Django's per-thread instance


def test_other_backends_are_used_as_django_hands_them_out(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert counting_cache() is caches["default"]
    assert in_new_thread(counting_cache) is not caches["default"]


class CountingCache(LocMemCache):
    """A local-memory cache that notes each call the throttles make."""

    calls: ClassVar[list[str]] = []
    nested = False

    def note(self, call: str) -> None:
        if not self.nested:  # the base class's get_many calls get for each key
            self.calls.append(call)

    @contextmanager
    def inner(self):
        self.nested = True
        try:
            yield
        finally:
            self.nested = False

    def get(self, key, default=None, version=None):
        self.note("get")
        return super().get(key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self.note("set")
        super().set(key, value, timeout, version)

    def get_many(self, keys, version=None):
        self.note("get_many")
        with self.inner():
            return super().get_many(keys, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        self.note("set_many")
        with self.inner():
            return super().set_many(data, timeout, version)


@pytest.fixture
def counting(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": f"{__name__}.CountingCache",
            "LOCATION": f"throttles-{uuid.uuid4().hex[:8]}",
        }
    }
    CountingCache.calls.clear()
    return CountingCache.calls


def test_a_message_reads_and_writes_its_two_counts_together(db, counting, settings):
    settings.LLMSHOP = {**settings.LLMSHOP, "CHAT_RATE_LIMIT_PER_SESSION": 2}
    client, token = csrf_client()
    conversation = client.post(CONVERSATIONS, headers={"X-CSRFToken": token}).json()["id"]
    url = f"{CONVERSATIONS}{conversation}/messages/"
    counting.clear()
    statuses = []
    for _ in range(3):
        response = client.post(
            url,
            {"content": "Hello"},
            content_type="application/json",
            headers={"X-CSRFToken": token},
        )
        statuses.append(response.status_code)
    # The limit still holds: counted once per message, across requests.
    assert statuses == [202, 202, 429]
    # Per message: one read of both counts, one write of both; never one call per throttle.
    assert "get" not in counting and "set" not in counting
    assert counting.count("get_many") == 3
    assert counting.count("set_many") == 3  # the refused one still counts against the IP


def test_the_widget_way_counts_together_too(rf, counting, settings):
    request = rf.post("/", REMOTE_ADDR="192.0.2.7")
    request.session = None  # no sessions: only the IP throttle has a key
    assert throttle_wait(request, MESSAGE_THROTTLES) is None
    assert counting == ["get_many", "set_many"]
    # Asked again for the same request: counted already, nothing read or written.
    assert throttle_wait(request, MESSAGE_THROTTLES) is None
    assert counting == ["get_many", "set_many"]
