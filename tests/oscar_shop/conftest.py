"""Fixtures of the Oscar shop: a small catalogue with prices and stock, shoppers and orders.

Built with Oscar's own test factories, so the rows are what Oscar itself makes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from tests.conftest import OSCAR_SETTINGS

if os.environ.get("DJANGO_SETTINGS_MODULE") != OSCAR_SETTINGS:
    # Asked for by path under other settings (scripts/test passes its arguments to every run):
    # nothing to collect here, Oscar is not installed there.
    collect_ignore_glob = ["test_*.py"]

#: Planted in Bob's order: no reply to Alice may ever contain it.
CANARY_LINE = "CANARY Bob's secret lamp"


@dataclass
class OscarShop:
    bottle: Any
    mug: Any
    hidden: Any
    alice: Any
    bob: Any
    staff: Any
    alice_order: Any
    bob_order: Any


def basket_with(*lines: tuple[Any, int]) -> Any:
    from oscar.apps.basket.models import Basket
    from oscar.apps.partner.strategy import Default

    basket = Basket.objects.create()
    basket.strategy = Default()
    for product, quantity in lines:
        basket.add_product(product, quantity)
    return basket


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()  # rate limits and cached recommendations of an earlier test


@pytest.fixture
def oscar_shop(db: None) -> OscarShop:
    from oscar.apps.catalogue.categories import create_from_breadcrumbs
    from oscar.test.factories import create_order, create_product

    drinkware = create_from_breadcrumbs("Drinkware")
    bottle = create_product(
        title="Trail Bottle",
        upc="TB-750",
        price=Decimal("24.00"),
        num_in_stock=10,
        attributes={"capacity": "750 ml"},
        description="<p>Old <strong>steel</strong> bottle.</p>",
    )
    bottle.categories.add(drinkware)
    mug = create_product(title="Camp Mug", upc="CM-1", price=Decimal("9.50"), num_in_stock=0)
    hidden = create_product(title="Prototype", price=Decimal("99.00"), num_in_stock=5)
    hidden.is_public = False
    hidden.save()
    lamp = create_product(title=CANARY_LINE, price=Decimal("77.70"), num_in_stock=3)
    users = get_user_model().objects
    alice = users.create_user("alice", "alice@example.com", "x")
    bob = users.create_user("bob", "bob@example.com", "x")
    staff = users.create_user("staff", "staff@example.com", "x", is_staff=True)
    staff.is_superuser = True
    staff.save()
    alice_order = create_order(number="100041", user=alice, basket=basket_with((bottle, 2)))
    bob_order = create_order(number="100042", user=bob, basket=basket_with((lamp, 1)))
    return OscarShop(bottle, mug, hidden, alice, bob, staff, alice_order, bob_order)
