"""Fixtures for the recommendations: a small catalog and shoppers with an obvious next item."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from django_llmshop.recommend.models import ShopperEvent
from shop.models import Category, Product


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@dataclass
class Catalog:
    drinkware: Category
    kitchen: Category
    bottles: list[Product]  # bottles[i] is usually followed by bottles[i + 1]
    knives: list[Product]

    def ids(self, products: list[Product]) -> list[str]:
        return [str(p.pk) for p in products]


@pytest.fixture
def catalog(db) -> Catalog:
    drinkware = Category.objects.create(name="Drinkware", slug="drinkware")
    kitchen = Category.objects.create(name="Kitchen", slug="kitchen")

    def product(category: Category, name: str, n: int) -> Product:
        return Product.objects.create(
            category=category,
            name=name,
            slug=f"{category.slug}-{n}",
            sku=f"{category.slug[:2].upper()}-{n}",
            price=Decimal("20.00"),
            stock=10,
            description=f"{name}: made to last.",
        )

    bottles = [product(drinkware, f"Trail Bottle {n}", n) for n in range(5)]
    knives = [product(kitchen, f"Chef Knife {n}", n) for n in range(4)]
    return Catalog(drinkware, kitchen, bottles, knives)


def add_events(session: str, products: list[Product], kind: str = "view", user=None) -> None:
    start = timezone.now() - timedelta(hours=1)
    ShopperEvent.objects.bulk_create(
        ShopperEvent(
            user=user,
            session_key=session,
            product_id=str(p.pk),
            type=kind,
            created=start + timedelta(seconds=n),
        )
        for n, p in enumerate(products)
    )


@pytest.fixture
def history(catalog: Catalog) -> Catalog:
    """Thirty shoppers walk the bottles in order; knife 0 is viewed often (the popular one)."""
    b = catalog.bottles
    for n in range(30):
        add_events(f"walker{n}", [b[0], b[1], b[2], b[3]])
        add_events(f"cook{n}", [catalog.knives[0], catalog.knives[1]], kind="cart")
    return catalog
