"""Training on a synthetic event set, and serving the engine's ranking from the stored rows."""

from __future__ import annotations

import numpy as np
import pytest

from django_llmshop.recommend.engine import NeighbourTable
from django_llmshop.recommend.models import ItemNeighbour, ItemPopularity, TrainedModel
from django_llmshop.recommend.services import recommend_for
from django_llmshop.recommend.training import train
from shop.models import Product

from .conftest import add_events


def ids(recommendations):
    return [r.product_id for r in recommendations]


def test_training_writes_neighbours_and_popularity(history):
    model = train()
    assert model.status == TrainedModel.Status.ACTIVE
    assert model.events == 30 * 6 and model.shoppers == 60
    b0 = str(history.bottles[0].pk)
    first = ItemNeighbour.objects.filter(model=model, item=b0).order_by("rank").first()
    assert first is not None and first.neighbour == str(history.bottles[1].pk)
    overall = ItemPopularity.objects.filter(model=model, category="").order_by("rank")
    # Carts weigh more than views: the knives lead.
    assert overall[0].item in history.ids(history.knives[:2])
    assert ItemPopularity.objects.filter(model=model, category="Kitchen").count() == 4


def test_the_obvious_next_item_is_recommended_first(history):
    train()
    b = history.bottles
    add_events("me", [b[0]])
    recommended = recommend_for("me", k=3)
    assert recommended[0].product_id == str(b[1].pk)
    assert recommended[0].reason == f"Because you viewed {b[0].name}"
    # The viewed product counts as the most recent item.
    assert recommend_for("me", product=b[1], k=1)[0].product_id == str(b[2].pk)


def test_scores_are_the_engines(history):
    model = train()
    b = history.bottles
    add_events("me", [b[2], b[0], b[1]])
    served = recommend_for("me", k=5)

    items = sorted({*ItemNeighbour.objects.values_list("item", flat=True),
                    *ItemNeighbour.objects.values_list("neighbour", flat=True)})  # fmt: skip
    index = {item: i for i, item in enumerate(items)}
    indptr, indices, weights = [0], [], []
    popularity = np.zeros(len(items), dtype=np.float32)
    for item in items:
        rows = ItemNeighbour.objects.filter(model=model, item=item).order_by("rank")
        for row in rows:
            indices.append(index[row.neighbour])
            weights.append(row.weight)
            popularity[index[row.neighbour]] = row.popularity
        indptr.append(len(indices))
    for row in ItemPopularity.objects.filter(model=model, category=""):
        popularity[index[row.item]] = row.score
    table = NeighbourTable(
        np.asarray(indptr), np.asarray(indices, dtype=np.int32), np.asarray(weights),
        popularity, model.params["recency"], model.params["max_history"], model.params["prior"],
    )  # fmt: skip
    expected = table.recommend(np.asarray([index[str(p.pk)] for p in (b[2], b[0], b[1])]), k=5)
    assert ids(served) == [items[j] for j, _ in expected]
    assert [r.score for r in served] == pytest.approx([s for _, s in expected], abs=1e-5)


def test_purchased_items_are_not_recommended_again(history):
    train()
    b = history.bottles
    add_events("me", [b[1]], kind="purchase")
    add_events("me", [b[0]])
    assert str(b[1].pk) not in ids(recommend_for("me", k=8))


def test_an_inactive_product_never_appears(history):
    train()
    b = history.bottles
    Product.objects.filter(pk=b[1].pk).update(is_active=False)
    add_events("me", [b[0]])
    recommended = recommend_for("me", k=8)
    assert str(b[1].pk) not in ids(recommended)
    assert len(recommended) == 7  # every other available product fills the list


def test_cold_start_serves_popular_then_the_category(history):
    train()
    recommended = recommend_for("newcomer", k=2)
    assert ids(recommended) == history.ids(history.knives[:2])
    assert all(r.reason == "Popular in Kitchen" for r in recommended)
    # Popular items of the viewed product's category fill what its neighbours do not.
    Product.objects.filter(pk__in=[k.pk for k in history.knives]).update(is_active=False)
    recommended = recommend_for("newcomer", product=history.bottles[4], k=4)
    assert set(ids(recommended)) == set(history.ids(history.bottles[:4]))


def test_nothing_trained_yet_serves_the_catalog_by_category(catalog):
    # No model and no history at all: the viewed product's category first, then the rest.
    served = ids(recommend_for("anyone", product=catalog.bottles[0], k=10))
    assert served == catalog.ids(catalog.bottles[1:]) + catalog.ids(catalog.knives)


def test_a_model_being_built_is_not_served(history):
    train()
    b = history.bottles
    before = ids(recommend_for("x", product=b[0], k=3))
    building = TrainedModel.objects.create()
    ItemNeighbour.objects.create(
        model=building, item=str(b[0].pk), rank=0, neighbour=str(b[4].pk), weight=99.0
    )
    assert ids(recommend_for("x", product=b[0], k=3)) == before
    second = train()
    assert TrainedModel.objects.get(status=TrainedModel.Status.ACTIVE) == second


def test_serving_is_four_reads(history):
    """The active model, the shopper's events, the neighbours with the popular items, and the
    products (availability and the reasons' names at once)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    train()
    b = history.bottles
    add_events("me", [b[0], b[1]])
    add_events("me", [history.knives[0]], kind="purchase")
    with CaptureQueriesContext(connection) as queries:
        served = recommend_for("me", product=b[2], k=3, rerank=False)
    assert len(served) == 3 and len(queries) == 4
    assert str(history.knives[0].pk) not in ids(served)
    assert served[0].product_id == str(b[3].pk)
    assert served[0].reason == f"Because you viewed {b[2].name}"


def test_the_history_is_the_last_distinct_items_with_their_last_event(history):
    from datetime import timedelta

    from django.utils import timezone

    from django_llmshop.recommend.models import ShopperEvent
    from django_llmshop.recommend.serving import shopper_history
    from django_llmshop.shoppers import Shopper

    b = history.bottles
    start = timezone.now() - timedelta(hours=1)
    steps = [(b[4], "purchase"), (b[0], "view"), (b[1], "view"), (b[0], "cart"), (b[2], "view")]
    ShopperEvent.objects.bulk_create(
        ShopperEvent(session_key="me", product_id=str(p.pk), type=kind,
                     created=start + timedelta(seconds=n))
        for n, (p, kind) in enumerate(steps)
    )  # fmt: skip
    recent, kinds, bought = shopper_history(Shopper(session_key="me"), 3)
    assert recent == [str(b[1].pk), str(b[0].pk), str(b[2].pk)]
    assert kinds[str(b[0].pk)] == "cart"
    assert bought == {str(b[4].pk)}
    assert shopper_history(Shopper(session_key="nobody"), 3) == ([], {}, set())
