"""pytest plugin: the `llm_server` and `llm_settings` fixtures around one FakeLLMServer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from django_llmshop.testing.server import FakeLLMServer


@pytest.fixture(scope="session")
def _llm_server_session() -> Iterator[FakeLLMServer]:
    """One server for the whole session, started only when a test asks for it."""
    with FakeLLMServer() as server:
        yield server


@pytest.fixture
def llm_server(_llm_server_session: FakeLLMServer) -> FakeLLMServer:
    """The session's fake OpenAI-compatible server, reset to a clean state for this test."""
    _llm_server_session.reset()
    return _llm_server_session


@pytest.fixture
def llm_settings(request: pytest.FixtureRequest, llm_server: FakeLLMServer) -> FakeLLMServer:
    """Point every `LLMSHOP["ENDPOINTS"]` entry (and "default") at `llm_server` for this test.

    Needs pytest-django and configured Django settings; other LLMSHOP keys are kept.
    """
    if not request.config.pluginmanager.hasplugin("django"):
        pytest.fail("the llm_settings fixture needs pytest-django", pytrace=False)
    settings: Any = request.getfixturevalue("settings")  # skips when Django is not configured
    from django.conf import settings as django_settings  # lazily: Django is optional here

    current = dict(getattr(django_settings, "LLMSHOP", None) or {})
    fake = {"BASE_URL": llm_server.base_url, "API_KEY": "test-key", "MODEL": llm_server.model}
    endpoints = dict(current.get("ENDPOINTS") or {})
    endpoints.setdefault("default", {})
    # Every named endpoint goes to the fake, so purposes naming one never reach a real API.
    current["ENDPOINTS"] = {name: {**dict(conf or {}), **fake} for name, conf in endpoints.items()}
    settings.LLMSHOP = current
    return llm_server
