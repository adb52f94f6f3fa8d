"""Fixtures for the example shop's tests: the loaded demo shop, logged-in shoppers, and the
shop's Content-Security-Policy applied to the tests' settings."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.utils import get_random_secret_key
from django.test import Client

from tests.example.test_project import load_settings


@pytest.fixture
def demo_shop(db: None) -> StringIO:
    """The demo shop, loaded; returns what the command printed."""
    out = StringIO()
    call_command("load_demo_shop", stdout=out)
    return out


@pytest.fixture
def alice_client(demo_shop: StringIO, client: Client) -> Client:
    client.force_login(get_user_model().objects.get(username="alice"))
    return client


@pytest.fixture
def csp_settings(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The tests' settings with the example shop's middleware, policy and context processors
    (the production settings keep them: test_deploy.py)."""
    example = load_settings(monkeypatch, DJANGO_SECRET_KEY=get_random_secret_key())
    settings.MIDDLEWARE = example.MIDDLEWARE
    settings.SECURE_CSP = example.SECURE_CSP
    template = {**settings.TEMPLATES[0]}
    template["OPTIONS"] = {
        **template["OPTIONS"],
        "context_processors": example.TEMPLATES[0]["OPTIONS"]["context_processors"],
    }
    settings.TEMPLATES = [template]
    return settings
