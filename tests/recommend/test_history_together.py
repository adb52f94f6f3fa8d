""" "Frequently bought together": counted over the shop's orders, shown as its own placement."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.test import Client, RequestFactory

from django_llmshop.recommend.models import TrackingEvent
from django_llmshop.recommend.together import bought_together
from shop.models import Order, Product

from .test_history import place

TOGETHER = "/llmshop/api/recommendations/together/"


@pytest.fixture
def seeded(catalog):
    """Bottle 0 is ordered with knife 0 three times, with bottle 1 twice, with knife 3 once;
    a cancelled order with knife 2 does not count, nor do orders without bottle 0."""
    user = get_user_model().objects.create_user("ann", password="x")
    b, k = catalog.bottles, catalog.knives
    place(user, [b[0], k[0], b[1]], "T-1")
    place(user, [b[0], k[0], b[1], b[1]], "T-2")
    place(user, [k[0], b[0], k[3]], "T-3")
    place(user, [b[0], k[2]], "T-4", status=Order.Status.CANCELLED)
    place(user, [k[1], k[2]], "T-5")
    place(user, [k[1], b[4]], "T-6")
    return catalog


def test_counts_are_orders_shared_with_the_product(seeded):
    b, k = seeded.bottles, seeded.knives
    found = bought_together(b[0], k=5)
    assert [(r.product_id, r.score) for r in found] == [
        (str(k[0].pk), 3.0),
        (str(b[1].pk), 2.0),  # two lines in one order count once
        (str(k[3].pk), 1.0),
    ]
    assert found[0].reason == "Bought together in 3 orders"
    assert found[2].reason == "Bought together in 1 order"
    assert bought_together(b[2]) == []


def test_unavailable_products_are_left_out(seeded):
    k = seeded.knives
    Product.objects.filter(pk=k[0].pk).update(is_active=False)
    assert str(k[0].pk) not in [r.product_id for r in bought_together(seeded.bottles[0])]


def test_the_block_shows_them_under_their_own_title_and_placement(seeded):
    b, k = seeded.bottles, seeded.knives
    body = Client().get(f"{TOGETHER}?product_id={b[0].pk}&limit=2").content.decode()
    assert "Frequently bought together" in body and "Recommended for you" not in body
    assert k[0].name in body and b[1].name in body and k[3].name not in body
    assert "Bought together in 3 orders" in body
    rows = TrackingEvent.objects.order_by("position")
    assert [(r.placement, r.model_version) for r in rows] == [
        ("bought-together", "bought-together")
    ] * 2
    assert [r.product_id for r in rows] == [str(k[0].pk), str(b[1].pk)]


def test_the_block_needs_an_available_product(seeded):
    client = Client()
    assert client.get(TOGETHER).status_code == 400
    assert client.get(f"{TOGETHER}?product_id=nope").status_code == 400
    assert client.get(f"{TOGETHER}?product_id=999999").status_code == 400
    assert client.post(f"{TOGETHER}?product_id={seeded.bottles[0].pk}").status_code == 405


def test_the_tag_loads_the_block_beside_the_recommendations(seeded):
    request = RequestFactory().get("/")
    template = Template(
        "{% load llmshop %}{% llmshop_recommendations product=p %}"
        "{% llmshop_bought_together product=p limit=3 %}{% llmshop_bought_together product=None %}"
    )
    html = template.render(Context({"p": seeded.bottles[0], "request": request}))
    assert f'hx-get="{TOGETHER}?product_id={seeded.bottles[0].pk}&amp;limit=3"' in html
    assert html.count("llmshop-recommendations-lazy") == 2
