"""Fixtures for the fake server's own tests: an httpx client bound to `llm_server`."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from django_llmshop.testing import FakeLLMServer


@pytest.fixture
def client(llm_server: FakeLLMServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=llm_server.base_url, timeout=10) as client:
        yield client
