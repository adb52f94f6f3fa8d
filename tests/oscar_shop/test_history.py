"""An Oscar shop with orders from before the package: ``llmshop_import_history`` turns them into
purchase events, once, and the recommendations trained on them come from those orders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from django_llmshop.recommend.models import ShopperEvent, TrainedModel
from django_llmshop.recommend.together import bought_together
from tests.oscar_shop.conftest import OscarShop, basket_with

API = "/llmshop/api/recommendations/"
TOGETHER = "/llmshop/api/recommendations/together/"


@dataclass
class PastShop:
    shop: OscarShop
    brush: Any
    stove: Any
    guest_order: Any
    guest_later: Any


def order_sources(orders) -> set[str]:
    """The event keys of the orders' products, read from Oscar's own order lines."""
    return {
        f"order:{order.pk}:{product_id}"
        for order in orders
        for product_id in order.lines.values_list("product_id", flat=True)
    }


def import_history(*args: str) -> str:
    out = StringIO()
    call_command("llmshop_import_history", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def past_shop(oscar_shop: OscarShop) -> PastShop:
    """Orders placed before the package was installed: no shopper event records them.

    Three shoppers and a guest bought the bottle with a brush; six shoppers and the guest
    bought a stove alone, so the stove sells best; Alice bought the bottle alone (the
    conftest's order).
    """
    from oscar.apps.catalogue.categories import create_from_breadcrumbs
    from oscar.test.factories import create_order, create_product

    brush = create_product(title="Bottle Brush", price=Decimal("4.00"), num_in_stock=20)
    brush.categories.add(create_from_breadcrumbs("Cleaning"))
    stove = create_product(title="Camp Stove", price=Decimal("45.00"), num_in_stock=20)
    stove.categories.add(create_from_breadcrumbs("Cooking"))
    users = get_user_model().objects
    long_ago = timezone.now() - timedelta(days=400)
    for n in range(3):
        buyer = users.create_user(f"pair{n}", f"pair{n}@example.com", "x")
        basket = basket_with((oscar_shop.bottle, 1), (brush, 1))
        create_order(number=f"2000{n}", user=buyer, basket=basket, date_placed=long_ago)
    guest_order = create_order(
        number="30001",
        basket=basket_with((oscar_shop.bottle, 1), (brush, 2)),
        guest_email="Guest@Example.com",
        date_placed=long_ago,
    )
    for n in range(6):
        buyer = users.create_user(f"camper{n}", f"camper{n}@example.com", "x")
        create_order(number=f"4000{n}", user=buyer, basket=basket_with((stove, 1)))
    # The same guest again, the address spelled differently: one shopper all the same.
    guest_later = create_order(
        number="30002", basket=basket_with((stove, 1)), guest_email=" guest@example.com"
    )
    ShopperEvent.objects.all().delete()  # the package was installed after all these orders
    return PastShop(oscar_shop, brush, stove, guest_order, guest_later)


def test_the_history_import_reads_every_oscar_order_once(past_shop):
    from oscar.apps.order.models import Order

    orders = list(Order.objects.all())
    expected = order_sources(orders)
    out = import_history()
    events = ShopperEvent.objects.filter(type="purchase")
    assert set(events.values_list("source", flat=True)) == expected
    assert events.count() == len(expected)
    assert f"{len(orders)} orders gave {len(expected)} purchase events" in out
    guest = events.filter(source__startswith=f"order:{past_shop.guest_order.pk}:")
    assert guest.count() == 2  # the bottle and the brush (two of them: one line, one event)
    assert {(e.user_id, bool(e.session_key)) for e in guest} == {(None, True)}
    # The guest's later order (their address spelled differently) is the same shopper's.
    later = events.get(source__startswith=f"order:{past_shop.guest_later.pk}:")
    assert {e.session_key for e in guest} == {later.session_key}
    assert later.user_id is None
    assert {e.created for e in guest} == {past_shop.guest_order.date_placed}
    alice = events.get(user=past_shop.shop.alice)
    assert alice.product_id == str(past_shop.shop.bottle.pk)
    assert alice.created == past_shop.shop.alice_order.date_placed

    again = import_history()
    assert events.count() == len(expected)  # a second run adds nothing
    assert f"({len(expected)} new)" in out and "(0 new)" in again


def test_recommendations_come_from_the_imported_orders(client, past_shop):
    shop, brush, stove = past_shop.shop, past_shop.brush, past_shop.stove
    client.force_login(shop.alice)
    before = client.get(API, {"limit": 3})
    assert before.status_code == 200
    # Never trained, nothing recorded: the best seller, whatever Alice bought.
    assert before.json()[0]["product_id"] == str(stove.pk)

    import_history()
    call_command("llmshop_train_recommendations", stdout=StringIO())
    model = TrainedModel.objects.get()
    assert model.events == ShopperEvent.objects.count() > 0

    response = client.get(API, {"limit": 3})
    assert response.status_code == 200
    items = response.json()
    assert items[0]["product_id"] == str(brush.pk)  # bought with the bottle by others
    assert items[0]["reason"] == f"Because you bought {shop.bottle.get_title()}"
    assert str(shop.bottle.pk) not in {item["product_id"] for item in items}
    # Bob never bought a bottle: nothing of Alice's orders leads his list.
    client.force_login(shop.bob)
    assert client.get(API, {"limit": 1}).json()[0]["product_id"] != str(brush.pk)


def test_frequently_bought_together_lists_the_product_of_the_imported_orders(client, past_shop):
    shop, brush = past_shop.shop, past_shop.brush
    import_history()
    together = bought_together(shop.bottle)
    assert [r.product_id for r in together] == [str(brush.pk)]
    assert together[0].reason == "Bought together in 4 orders"  # three shoppers and the guest
    assert [r.product_id for r in bought_together(brush)] == [str(shop.bottle.pk)]
    body = client.get(TOGETHER, {"product_id": shop.bottle.pk}).content.decode()
    assert "Frequently bought together" in body and "Bottle Brush" in body
    assert "Camp Stove" not in body


def test_an_order_placed_after_the_import_is_counted_once(past_shop):
    from oscar.apps.order.models import Order
    from oscar.apps.order.signals import order_placed
    from oscar.test.factories import create_order

    shop, brush = past_shop.shop, past_shop.brush
    import_history()
    imported = ShopperEvent.objects.count()
    new = create_order(number="50001", user=shop.alice, basket=basket_with((brush, 1)))
    recorded = ShopperEvent.objects.filter(source__startswith=f"order:{new.pk}:")
    assert set(recorded.values_list("source", flat=True)) == order_sources([new])
    assert ShopperEvent.objects.count() == imported + len(order_sources([new]))

    assert "(0 new)" in import_history()  # Oscar's signal recorded it already
    # Oscar's signal for an order imported before (sent again) adds nothing either.
    old = Order.objects.get(number="20000")
    order_placed.send(sender=None, order=old, user=old.user)
    assert ShopperEvent.objects.count() == imported + len(order_sources([new]))
    assert recorded.get().user == shop.alice
