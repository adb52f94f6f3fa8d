"""My orders: a shopper sees their own orders and nobody else's."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from shop.models import Order


def test_my_orders_lists_only_my_orders(alice_client: Client) -> None:
    response = alice_client.get(reverse("shop:order_list"))
    assert response.status_code == 200
    listed = {order.number for order in response.context["orders"]}
    assert listed == set(
        Order.objects.filter(user__username="alice").values_list("number", flat=True)
    )
    html = response.content.decode()
    for number in Order.objects.filter(user__username="bob").values_list("number", flat=True):
        assert number not in html


def test_order_detail_shows_items_tracking_and_total(alice_client: Client) -> None:
    order = Order.objects.get(user__username="alice", status="shipped")
    response = alice_client.get(order.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert order.tracking_number in html
    assert order.carrier in html
    for item in order.items.all():
        assert item.product.name in html
    assert order.total == sum((i.unit_price * i.quantity for i in order.items.all()), Decimal(0))
    assert f"${order.total:,.2f}" in html


def test_another_shoppers_order_is_404(alice_client: Client) -> None:
    for order in Order.objects.filter(user__username="bob"):
        assert alice_client.get(order.get_absolute_url()).status_code == 404


def test_unknown_order_is_404(alice_client: Client) -> None:
    assert alice_client.get(reverse("shop:order_detail", args=["LS-999999"])).status_code == 404


def test_anonymous_shopper_is_sent_to_log_in(demo_shop: StringIO, client: Client) -> None:
    login_url = resolve_url(settings.LOGIN_URL)
    order = Order.objects.first()
    for url in (reverse("shop:order_list"), order.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(login_url)
        assert "next=" in response["Location"]


def test_discontinued_products_stay_on_old_orders(demo_shop: StringIO, client: Client) -> None:
    order = Order.objects.get(items__product__is_active=False)
    client.force_login(order.user)
    html = client.get(order.get_absolute_url()).content.decode()
    discontinued = order.items.get(product__is_active=False).product
    assert discontinued.name in html
    assert discontinued.get_absolute_url() not in html
