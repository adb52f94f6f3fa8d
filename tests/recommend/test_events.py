"""Recording events: the API, the service hooks, the login carry-over and the purge."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from django_llmshop.recommend.models import ShopperEvent, TrainedModel
from django_llmshop.recommend.services import SESSION_TOKEN, purge_events, record_event
from shop.models import Product

EVENTS = "/llmshop/api/events/"


def csrf_client() -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.get("/")  # the storefront sets the CSRF cookie
    return client, client.cookies["csrftoken"].value


def test_an_anonymous_shopper_records_a_view(catalog):
    client, token = csrf_client()
    product = catalog.bottles[0]
    response = client.post(
        EVENTS, {"product_id": str(product.pk), "type": "view"}, HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 201
    event = ShopperEvent.objects.get()
    assert (event.product_id, event.type, event.user) == (str(product.pk), "view", None)
    assert event.session_key == client.session[SESSION_TOKEN]


@pytest.mark.parametrize("product_id", ["999999", "not-a-number"])
def test_an_unknown_product_is_refused(catalog, product_id):
    client, token = csrf_client()
    response = client.post(
        EVENTS, {"product_id": product_id, "type": "view"}, HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 400
    assert "product_id" in response.json()
    assert not ShopperEvent.objects.exists()


def test_an_inactive_product_is_refused(catalog):
    product = catalog.bottles[0]
    Product.objects.filter(pk=product.pk).update(is_active=False)
    client, token = csrf_client()
    response = client.post(
        EVENTS, {"product_id": str(product.pk), "type": "cart"}, HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 400
    assert not ShopperEvent.objects.exists()


def test_an_unknown_type_is_refused(catalog):
    client, token = csrf_client()
    response = client.post(
        EVENTS, {"product_id": str(catalog.bottles[0].pk), "type": "like"}, HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 400


def test_a_post_without_the_csrf_token_is_refused(catalog):
    client, _ = csrf_client()
    response = client.post(EVENTS, {"product_id": str(catalog.bottles[0].pk), "type": "view"})
    assert response.status_code == 403
    assert not ShopperEvent.objects.exists()


def test_events_are_rate_limited(catalog, settings):
    settings.LLMSHOP = {**settings.LLMSHOP, "RECOMMEND_EVENT_RATE_LIMIT": 2}
    client, token = csrf_client()
    data = {"product_id": str(catalog.bottles[0].pk), "type": "view"}
    codes = [client.post(EVENTS, data, HTTP_X_CSRFTOKEN=token).status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    assert ShopperEvent.objects.count() == 2


def test_anonymous_events_follow_the_shopper_into_their_account(catalog):
    user = get_user_model().objects.create_user("ann", password="pw")
    other = Client()
    other.post(EVENTS, {"product_id": str(catalog.bottles[1].pk), "type": "view"})
    client = Client()
    client.post(EVENTS, {"product_id": str(catalog.bottles[0].pk), "type": "cart"})
    assert client.login(username="ann", password="pw")
    mine = ShopperEvent.objects.get(user=user)
    assert (mine.product_id, mine.type) == (str(catalog.bottles[0].pk), "cart")
    assert ShopperEvent.objects.get(user=None).product_id == str(catalog.bottles[1].pk)
    client.post(EVENTS, {"product_id": str(catalog.bottles[2].pk), "type": "view"})
    assert ShopperEvent.objects.filter(user=user).count() == 2


def test_record_event_takes_a_user_or_a_session_key(catalog):
    user = get_user_model().objects.create_user("bo", password="pw")
    assert record_event(user, catalog.bottles[0], "purchase").user == user
    assert record_event("abc", catalog.bottles[0].pk, "wishlist").session_key == "abc"
    with pytest.raises(ValueError):
        record_event(user, catalog.bottles[0], "like")


def test_old_events_and_retired_models_are_purged(catalog, settings):
    settings.LLMSHOP = {**settings.LLMSHOP, "RECOMMEND_EVENT_RETENTION_DAYS": 30}
    record_event("old", catalog.bottles[0], "view")
    ShopperEvent.objects.update(created=timezone.now() - timedelta(days=31))
    record_event("new", catalog.bottles[0], "view")
    TrainedModel.objects.create(status=TrainedModel.Status.RETIRED)
    active = TrainedModel.objects.create(status=TrainedModel.Status.ACTIVE)
    assert purge_events() == 1
    assert list(ShopperEvent.objects.values_list("session_key", flat=True)) == ["new"]
    assert list(TrainedModel.objects.all()) == [active]
