"""Shared fixtures, and the rule for tests that need a server that may be missing.

A test that needs PostgreSQL, Redis, a Celery worker or the local model skips with the reason
when it is not there; with ``LLMSHOP_REQUIRE_SERVICES=1`` (set by CI) such a skip fails instead.
"""

from __future__ import annotations

import os

import pytest

REQUIRE_SERVICES = os.environ.get("LLMSHOP_REQUIRE_SERVICES") == "1"


def missing_service(reason: str) -> None:
    """Skip the current test for a missing service, or fail it where services are required."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def require_service():
    return missing_service
