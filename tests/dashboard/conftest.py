"""Fixtures of the dashboard tests: a seeded week, and staff allowed to see the dashboard."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.core.cache import cache

from tests.dashboard.seed import Week, seed_week


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def week(db) -> Week:
    return seed_week()


@pytest.fixture
def viewer(db) -> User:
    """Staff with only the dashboard's view permission."""
    user = User.objects.create_user("viewer", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_dashboard"))
    return user
