"""The throttles count in one Redis cache instance per process, whatever the request's thread."""

from __future__ import annotations

import os
import threading
import uuid

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from django_llmshop.api.throttling import MessageShopperThrottle, counting_cache


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
