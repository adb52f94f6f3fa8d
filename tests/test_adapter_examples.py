"""The documented adapter for a django-oscar-style catalog reads facts the generic way."""

import importlib.util
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "examples" / "oscar_adapter.py"


def load_example():
    spec = importlib.util.spec_from_file_location("oscar_adapter", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.OscarAdapter


class Related(list):
    def all(self):
        return self

    def first(self):
        return self[0] if self else None


def oscar_product():
    attribute = SimpleNamespace
    return SimpleNamespace(
        pk=7,
        title="Trail Bottle",
        is_public=True,
        meta_title="",
        description="A steel bottle.",
        categories=Related(["Drinkware", "Outdoor"]),
        attribute_values=Related(
            [
                SimpleNamespace(
                    attribute=attribute(name="capacity", code="capacity"), value="750 ml"
                ),
                SimpleNamespace(
                    attribute=attribute(name="material", code="material"), value="stainless steel"
                ),
            ]
        ),
        stockrecords=Related(
            [
                SimpleNamespace(
                    price=Decimal("24.00"), price_currency="EUR", num_in_stock=10, num_allocated=3
                )
            ]
        ),
        get_absolute_url=lambda: "/catalogue/trail-bottle_7/",
    )


def test_oscar_adapter_builds_the_same_facts(settings):
    settings.LLMSHOP = {
        "PRODUCT_FIELDS": {
            "name": "title",
            "category": None,
            "price": None,
            "currency": None,
            "attributes": None,
            "stock": None,
            "is_active": "is_public",
            "seo_title": "meta_title",
            "seo_description": None,
        },
    }
    adapter = load_example()()
    facts = adapter.product_facts(oscar_product())
    assert facts.name == "Trail Bottle"
    assert facts.category == "Drinkware, Outdoor"
    assert facts.attributes == {"capacity": "750 ml", "material": "stainless steel"}
    assert (facts.price, facts.currency, facts.stock) == ("24.00", "EUR", 7)
    assert facts.description == "A steel bottle."
    assert facts.url == "/catalogue/trail-bottle_7/"
    assert adapter.product_is_available(oscar_product())
    assert adapter.get_text(oscar_product(), "seo_title") == ""
