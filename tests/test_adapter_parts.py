"""ShopAdapter is one class made of parts by concern; an override in one part reaches all."""

from decimal import Decimal
from pathlib import Path

import pytest

import django_llmshop.adapters as adapters
from django_llmshop.adapters import (
    CatalogAdapter,
    OrdersAdapter,
    PagesAdapter,
    RecommendationsAdapter,
    ReviewsAdapter,
    ShopAdapter,
    get_adapter,
)
from shop.models import Category, Product


class ShoutingNames(ShopAdapter):
    def product_name(self, product):
        return super().product_name(product).upper()


def test_the_public_adapter_is_made_of_every_part():
    for part in (CatalogAdapter, OrdersAdapter, PagesAdapter, RecommendationsAdapter):
        assert issubclass(ShopAdapter, part)
    assert issubclass(ShopAdapter, ReviewsAdapter)
    assert isinstance(get_adapter(), ShopAdapter)


def test_each_part_is_a_short_module():
    for path in Path(adapters.__file__).parent.glob("*.py"):
        assert len(path.read_text().splitlines()) < 300, path.name


@pytest.mark.django_db
def test_an_override_in_the_catalog_part_reaches_the_other_parts():
    category = Category.objects.create(name="Drinkware", slug="drinkware")
    product = Product.objects.create(
        category=category, name="Trail Bottle", slug="trail-bottle", sku="TB-1",
        price=Decimal("24.00"), description="A steel bottle.",
    )  # fmt: skip
    adapter = ShoutingNames()
    assert adapter.product_facts(product).name == "TRAIL BOTTLE"
    rows = list(adapter.recommendation_catalog())
    assert rows == [(str(product.pk), "TRAIL BOTTLE A steel bottle. Drinkware", "Drinkware")]
    assert [p.pk for p in adapter.search_products("trail bottle")] == [product.pk]
