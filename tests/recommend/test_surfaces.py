"""Where shoppers meet recommendations: the API, the HTMX block, the tags and the example shop."""

from __future__ import annotations

from django.template import Context, Template
from django.test import Client, RequestFactory

from django_llmshop.recommend.models import ShopperEvent
from django_llmshop.recommend.training import train

from .conftest import add_events

API = "/llmshop/api/recommendations/"


def shopper_client(token: str) -> Client:
    client = Client()
    session = client.session
    session["llmshop_shopper"] = token
    session.save()
    return client


def test_the_api_lists_this_shoppers_recommendations(history):
    train()
    b = history.bottles
    add_events("me", [b[0]])
    data = shopper_client("me").get(f"{API}?limit=2").json()
    assert [d["product_id"] for d in data][:1] == [str(b[1].pk)]
    assert len(data) == 2 and set(data[0]) == {"product_id", "score", "reason"}
    assert data[0]["reason"] == f"Because you viewed {b[0].name}"
    with_product = Client().get(f"{API}?limit=1&product_id={b[2].pk}").json()
    assert with_product[0]["product_id"] == str(b[3].pk)


def test_the_api_refuses_an_unknown_product_and_caps_the_limit(history):
    train()
    assert Client().get(f"{API}?product_id=999999").status_code == 400
    assert len(Client().get(f"{API}?limit=500").json()) <= 50
    assert Client().get(f"{API}?limit=x").status_code == 200


def test_the_block_shows_products_and_reasons(history):
    train()
    b = history.bottles
    body = Client().get(f"{API}block/?product_id={b[0].pk}&limit=2").content.decode()
    assert b[1].name in body and f"Because you viewed {b[0].name}" in body
    assert b[1].get_absolute_url() in body and 'data-pending="false"' in body


def test_the_tags_render_a_lazy_block_and_a_beacon(catalog):
    request = RequestFactory().get("/")
    template = Template(
        "{% load llmshop %}{% llmshop_recommendations product=product limit=3 %}"
        "{% llmshop_track product %}{% llmshop_recommendations %}"
    )
    html = template.render(Context({"product": catalog.bottles[0], "request": request,
                                    "csrf_token": "tok"}))  # fmt: skip
    product_id = catalog.bottles[0].pk
    assert f'hx-get="{API}block/?limit=3&amp;product_id={product_id}"' in html
    assert html.count('hx-post="/llmshop/api/events/"') == 2
    assert f"&quot;product_id&quot;: &quot;{product_id}&quot;" in html
    assert "&quot;X-CSRFToken&quot;: &quot;tok&quot;" in html
    assert f'hx-get="{API}block/?limit=4"' in html  # the home page form: no product


def test_the_example_shop_shows_the_block(history):
    train()
    b = history.bottles
    client = Client()
    page = client.get(b[0].get_absolute_url()).content.decode()
    assert "llmshop-recommendations-lazy" in page and "llmshop-track" in page
    assert "llmshop-recommendations-lazy" in client.get("/").content.decode()


def test_add_to_cart_in_the_example_shop_records_a_cart_event(history):
    client = Client()
    product = history.bottles[2]
    response = client.post(f"{product.get_absolute_url()}cart/")
    assert response.status_code == 302
    event = ShopperEvent.objects.get(session_key=client.session["llmshop_shopper"])
    assert (event.product_id, event.type) == (str(product.pk), "cart")
    assert client.get(f"{product.get_absolute_url()}cart/").status_code == 405
