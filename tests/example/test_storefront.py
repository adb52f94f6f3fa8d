"""The storefront: home, catalog search and filters, product pages."""

from __future__ import annotations

from io import StringIO

from django.test import Client
from django.urls import reverse

from shop.models import Product


def catalog_names(client: Client, **params: str) -> list[str]:
    response = client.get(reverse("shop:catalog"), params)
    assert response.status_code == 200
    return [product.name for product in response.context["page"].object_list]


def test_home_lists_categories_and_favourites(demo_shop: StringIO, client: Client) -> None:
    response = client.get(reverse("shop:home"))
    assert response.status_code == 200
    assert b"Drinkware" in response.content
    assert b"Stationery" in response.content
    assert response.context["featured"]
    assert all(product.is_active and product.stock for product in response.context["featured"])


def test_search_finds_a_product_by_name(demo_shop: StringIO, client: Client) -> None:
    names = catalog_names(client, q="whetstone")
    assert names == ["Whetstone 1000/6000"]


def test_search_finds_a_product_by_sku(demo_shop: StringIO, client: Client) -> None:
    assert catalog_names(client, q="FH-KB-001") == ["Chef's Knife 20 cm"]
    assert catalog_names(client, q="fh-kb-001") == ["Chef's Knife 20 cm"]


def test_search_looks_in_descriptions(demo_shop: StringIO, client: Client) -> None:
    assert "Cast Iron Skillet 26 cm" in catalog_names(client, q="cornbread")


def test_search_leaves_out_inactive_products(demo_shop: StringIO, client: Client) -> None:
    assert catalog_names(client, q="Enamel Camp Mug") == []


def test_category_filter_includes_subcategories(demo_shop: StringIO, client: Client) -> None:
    names = catalog_names(client, category="kitchen")
    assert "Cast Iron Skillet 26 cm" in names
    assert "Chef's Knife 20 cm" in names  # in "Knives & boards", a child of Kitchen
    assert "Summit Insulated Bottle 750 ml" not in names
    assert catalog_names(client, category="knives-boards", q="paring") == ["Paring Knife 9 cm"]
    assert catalog_names(client, category="drinkware", q="paring") == []


def test_unknown_category_is_404(demo_shop: StringIO, client: Client) -> None:
    response = client.get(reverse("shop:catalog"), {"category": "no-such-thing"})
    assert response.status_code == 404


def test_catalog_is_paginated(demo_shop: StringIO, client: Client) -> None:
    first = catalog_names(client)
    second = catalog_names(client, page="2")
    assert len(first) == 12
    assert second and not set(first) & set(second)
    active = Product.objects.active().count()
    assert client.get(reverse("shop:catalog")).context["page"].paginator.count == active


def test_catalog_sorts_by_price(demo_shop: StringIO, client: Client) -> None:
    response = client.get(reverse("shop:catalog"), {"sort": "-price"})
    prices = [product.price for product in response.context["page"].object_list]
    assert prices == sorted(prices, reverse=True)
    assert client.get(reverse("shop:catalog"), {"sort": "bogus"}).status_code == 200


def test_htmx_search_returns_only_the_results(demo_shop: StringIO, client: Client) -> None:
    response = client.get(
        reverse("shop:catalog"),
        {"q": "candle"},
        headers={"HX-Request": "true", "HX-Target": "catalog-results"},
    )
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"Cedar &amp; Smoke Candle" in response.content
    assert "HX-Target" in response["Vary"]


def test_product_page(demo_shop: StringIO, client: Client) -> None:
    product = Product.objects.get(sku="FH-DW-001")
    response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Summit Insulated Bottle 750 ml</h1>" in html
    assert "$34.00" in html
    assert f"<title>{product.seo_title}</title>" in html
    assert f'<meta name="description" content="{product.seo_description}">' in html
    assert '<th scope="row">Capacity</th><td>750 ml</td>' in html
    assert '<th scope="row">Dishwasher safe</th><td>No</td>' in html
    assert '<th scope="row">BPA free</th><td>Yes</td>' in html
    reviews = list(product.reviews.all())
    assert response.context["rating_count"] == len(reviews)
    assert (
        abs(response.context["rating_average"] - sum(r.rating for r in reviews) / len(reviews))
        < 1e-9
    )
    for review in reviews:
        assert review.author_name in html


def test_product_page_without_seo_fields_falls_back(demo_shop: StringIO, client: Client) -> None:
    product = Product.objects.get(sku="FH-DW-003")
    assert not product.seo_title and not product.description
    html = client.get(product.get_absolute_url()).content.decode()
    assert "<title>Commuter Travel Mug 350 ml · Fernhill Goods</title>" in html
    assert "Out of stock" not in html


def test_out_of_stock_product_says_so(demo_shop: StringIO, client: Client) -> None:
    product = Product.objects.get(sku="FH-DW-005")
    assert b"Out of stock" in client.get(product.get_absolute_url()).content


def test_inactive_product_is_404(demo_shop: StringIO, client: Client) -> None:
    product = Product.objects.get(sku="FH-DW-010")
    assert not product.is_active
    assert client.get(product.get_absolute_url()).status_code == 404


def test_product_text_is_escaped(demo_shop: StringIO, client: Client) -> None:
    product = Product.objects.get(sku="FH-DW-003")
    product.description = "<script>alert(1)</script>"
    product.save()
    html = client.get(product.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_storefront_speaks_simplified_chinese(demo_shop: StringIO, client: Client) -> None:
    response = client.get(reverse("shop:catalog"), headers={"Accept-Language": "zh-hans"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "全部商品" in html
    assert "搜索商品" in html
