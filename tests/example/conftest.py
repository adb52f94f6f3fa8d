"""Fixtures for the example shop's tests: the loaded demo shop and logged-in shoppers."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client


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
