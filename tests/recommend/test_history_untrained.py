"""A shop that never trained still recommends: popularity from orders and events, the catalog,
labelled "popularity" in tracking; and after an import and a training run, the model's."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from django_llmshop.recommend.models import ShopperEvent, TrackingEvent
from django_llmshop.recommend.services import recommend_for

from .conftest import add_events
from .test_history import place

BLOCK = "/llmshop/api/recommendations/block/"


def ids(items):
    return [r.product_id for r in items]


@pytest.fixture
def sold(catalog):
    """Orders, not imported: bottle 3 is in three orders, knife 1 in two, bottle 1 in one."""
    user = get_user_model().objects.create_user("ann", password="x")
    b, k = catalog.bottles, catalog.knives
    place(user, [b[3], k[1]], "O-1")
    place(user, [b[3], k[1]], "O-2")
    place(user, [b[3], b[1]], "O-3")
    return catalog


def test_a_never_trained_shop_recommends_its_best_sellers(sold):
    b, k = sold.bottles, sold.knives
    served = recommend_for("new-shopper", k=3)
    assert ids(served) == [str(b[3].pk), str(k[1].pk), str(b[1].pk)]
    assert [r.reason for r in served] == ["Popular in Drinkware", "Popular in Kitchen"] + [
        "Popular in Drinkware"
    ]


def test_the_viewed_products_category_comes_first(sold):
    b, k = sold.bottles, sold.knives
    served = recommend_for("new-shopper", product=k[0], k=4)
    # Kitchen: the best-selling knife, then the rest of the kitchen catalog; then the shop's.
    assert ids(served) == [str(k[1].pk), str(k[2].pk), str(k[3].pk), str(b[3].pk)]
    assert served[1].reason == "More from Kitchen" and served[1].score == 0


def test_events_count_too_and_history_is_left_out(sold):
    b = sold.bottles
    for n in range(10):
        add_events(f"walker{n}", [b[4]], kind="cart")
    add_events("me", [b[3]], kind="purchase")
    served = ids(recommend_for("me", k=2))
    assert str(b[3].pk) not in served
    assert served[0] == str(b[4].pk)


def test_an_empty_shop_fills_from_the_catalog(catalog):
    served = recommend_for("new-shopper", k=20)
    assert len(served) == 9  # every available product
    assert {r.reason for r in served} == {"More from Drinkware", "More from Kitchen"}
    catalog.bottles[0].is_active = False
    catalog.bottles[0].save()
    from django.core.cache import cache

    cache.clear()
    assert str(catalog.bottles[0].pk) not in ids(recommend_for("new-shopper", k=20))


def test_the_block_shows_them_tracked_as_popularity(sold):
    body = Client().get(f"{BLOCK}?limit=2").content.decode()
    assert body.count("llmshop-rec-item") == 2 and sold.bottles[3].name in body
    rows = TrackingEvent.objects.all()
    assert rows.count() == 2 and {r.model_version for r in rows} == {"popularity"}


def test_recommendations_come_from_the_model_after_import_and_training(sold):
    b = sold.bottles
    users = get_user_model().objects
    # Four shoppers bought bottle 0 and then, in a later order, bottle 2; bottle 3 sells most.
    for n in range(4):
        user = users.create_user(f"buyer{n}", password="x")
        place(user, [b[0]], f"P-{n}", days_ago=20)
        place(user, [b[2]], f"Q-{n}", days_ago=10)
    fan = users.create_user("fan", password="x")
    for n in range(10):
        place(fan, [b[3]], f"F-{n}", days_ago=n)
    before = recommend_for("me", product=b[0], k=1)
    assert before[0].product_id != str(b[2].pk)  # the best seller, by popularity

    out = StringIO()
    call_command("llmshop_import_history", "--train", stdout=out)
    assert "Trained recommendation model" in out.getvalue()
    assert ShopperEvent.objects.filter(type="purchase").count() == 24
    after = recommend_for("me", product=b[0], k=1)
    assert after[0].product_id == str(b[2].pk)
    assert after[0].reason == f"Because you viewed {b[0].name}"
    body = Client().get(f"{BLOCK}?limit=1&product_id={b[0].pk}").content.decode()
    assert b[2].name in body
    assert TrackingEvent.objects.get().model_version.startswith("model-")
