"""Recommendation tracking: the block records what it showed once, its links' pings record
clicks, forged or malformed clicks get a 4xx, and the experiment's baseline arm is served."""

from __future__ import annotations

import re

import pytest
from django.core import checks
from django.test import Client

from django_llmshop.recommend.experiments import arm_for
from django_llmshop.recommend.models import TrackingEvent
from django_llmshop.recommend.training import train
from django_llmshop.shoppers import Shopper

BLOCK = "/llmshop/api/recommendations/block/"
CLICK = "/llmshop/api/recommendations/click/"


def pings(body: str) -> list[str]:
    return [p.replace("&amp;", "&") for p in re.findall(r'ping="([^"]+)"', body)]


def test_a_block_view_records_one_impression_per_product_shown(history):
    train()
    b = history.bottles
    client = Client()
    body = client.get(f"{BLOCK}?product_id={b[0].pk}&limit=3&placement=pdp").content.decode()
    rows = list(TrackingEvent.objects.order_by("position"))
    assert [r.kind for r in rows] == ["impression"] * 3
    assert rows[0].product_id == str(b[1].pk) and rows[0].placement == "pdp"
    assert {r.model_version for r in rows} == {f"model-{history_model_id()}"}
    assert len({r.view for r in rows}) == 1 and rows[0].session_key
    # The links still lead to the products; their pings name this view and product.
    assert b[1].get_absolute_url() in body and len(pings(body)) == 3
    # A second page view is a second set of impressions.
    client.get(f"{BLOCK}?product_id={b[0].pk}&limit=3")
    assert TrackingEvent.objects.filter(placement="product").count() == 3


def history_model_id() -> int:
    from django_llmshop.recommend.serving import active_model

    model_id, _params = active_model()
    assert model_id is not None
    return model_id


def test_the_re_poll_of_the_same_view_records_nothing_twice(history):
    from django_llmshop.recommend.experiments import Served
    from django_llmshop.recommend.serving import candidates
    from django_llmshop.recommend.tracking import record_impressions

    train()
    items = candidates(None, history.bottles[0], 3).items
    served = Served(items, False, "", "model-1")
    shopper = Shopper(session_key="tok")
    record_impressions(shopper, "v" * 22, "product", served)
    record_impressions(shopper, "v" * 22, "product", served)
    assert TrackingEvent.objects.count() == 3


def test_a_ping_records_one_click_copied_from_its_impression(history):
    train()
    client = Client(enforce_csrf_checks=True)
    body = client.get(f"{BLOCK}?product_id={history.bottles[0].pk}&limit=2").content.decode()
    first = pings(body)[0]
    assert client.post(first, data="PING", content_type="text/ping").status_code == 204
    assert client.post(first, data="PING", content_type="text/ping").status_code == 204
    (click,) = TrackingEvent.objects.filter(kind="click")
    shown = TrackingEvent.objects.get(
        kind="impression", view=click.view, product_id=click.product_id
    )
    assert (click.placement, click.model_version, click.position) == (
        shown.placement, shown.model_version, shown.position,
    )  # fmt: skip
    # The same URL followed as a link redirects to the product.
    response = client.get(first)
    assert (
        response.status_code == 302
        and response["Location"] == history.bottles[1].get_absolute_url()
    )


@pytest.mark.parametrize(
    "query",
    ["", "v=short&p=1", "v=" + "a" * 40 + "&p=1", "p=1", "v=" + "a" * 22,
     "v=" + "a" * 22 + "&p=" + "9" * 65, "v=" + "a" * 22 + "&p=%00", "v=%3Cscript%3E&p=1"],
)  # fmt: skip
def test_malformed_clicks_are_a_400(db, query):
    assert Client().post(f"{CLICK}?{query}").status_code == 400
    assert Client().get(f"{CLICK}?{query}").status_code == 400
    assert not TrackingEvent.objects.exists()


def test_a_click_on_a_product_the_view_never_showed_is_a_404(history):
    train()
    body = Client().get(f"{BLOCK}?product_id={history.bottles[0].pk}&limit=1").content.decode()
    view = re.search(r"v=([A-Za-z0-9_-]+)", pings(body)[0]).group(1)
    unshown = history.knives[3].pk
    assert Client().post(f"{CLICK}?v={view}&p={unshown}").status_code == 404
    assert Client().post(f"{CLICK}?v={'b' * 22}&p={history.bottles[1].pk}").status_code == 404
    assert Client().put(f"{CLICK}?v={view}&p={unshown}").status_code == 405
    assert not TrackingEvent.objects.filter(kind="click").exists()


def test_clicks_are_throttled(history, settings):
    settings.LLMSHOP = {**settings.LLMSHOP, "RECOMMEND_EVENT_RATE_LIMIT": 2}
    client = Client()
    url = f"{CLICK}?v={'c' * 22}&p=1"
    assert [client.post(url).status_code for _ in range(3)] == [404, 404, 429]
    assert int(client.post(url)["Retry-After"]) >= 1


def test_tracking_off_records_nothing_and_pings_nothing(history, settings):
    settings.LLMSHOP = {**settings.LLMSHOP, "RECOMMEND_TRACKING": False}
    train()
    body = Client().get(f"{BLOCK}?product_id={history.bottles[0].pk}").content.decode()
    assert history.bottles[1].name in body and not pings(body)
    assert not TrackingEvent.objects.exists()


def test_the_baseline_arm_gets_the_popular_items(history, settings):
    settings.LLMSHOP = {**settings.LLMSHOP, "RECOMMEND_EXPERIMENT": {"baseline_share": 1.0}}
    train()
    body = Client().get(f"{BLOCK}?product_id={history.bottles[0].pk}&limit=2").content.decode()
    rows = list(TrackingEvent.objects.order_by("position"))
    assert {(r.arm, r.model_version) for r in rows} == {("baseline", "popularity")}
    # Knife 0 is the most popular item; bottle 1 (the model's first pick) is not the baseline's.
    assert rows[0].product_id == str(history.knives[0].pk)
    assert f"Because you viewed {history.bottles[0].name}" not in body


def test_arms_follow_the_share_and_stay_with_the_shopper(settings):
    shoppers = [Shopper(session_key=f"t{n}") for n in range(400)]
    assert {arm_for(s) for s in shoppers} == {""}  # no experiment by default
    settings.LLMSHOP = {**settings.LLMSHOP, "RECOMMEND_EXPERIMENT": {"baseline_share": 0.5}}
    arms = [arm_for(s) for s in shoppers]
    assert arms == [arm_for(s) for s in shoppers]
    assert 140 < arms.count("baseline") < 260
    renamed = {"baseline_share": 0.5, "name": "another"}
    settings.LLMSHOP = {**settings.LLMSHOP, "RECOMMEND_EXPERIMENT": renamed}
    assert arms != [arm_for(s) for s in shoppers]  # a new name draws anew


@pytest.mark.parametrize(
    "value",
    [{"baseline_share": 1.5}, {"baseline_share": "0.1"}, {"baseline_share": True},
     {"share": 0.1}, {"name": ""}, "0.1"],
)  # fmt: skip
def test_a_bad_experiment_setting_is_reported(settings, value):
    from django_llmshop.recommend.checks import check_recommend_settings

    settings.LLMSHOP = {**settings.LLMSHOP, "RECOMMEND_EXPERIMENT": value}
    messages = check_recommend_settings()
    assert messages and all(m.id == "llmshop.E013" for m in messages)
    assert all(isinstance(m, checks.Error) for m in messages)


def test_a_bad_tracking_setting_is_reported(settings):
    from django_llmshop.recommend.checks import check_recommend_settings

    settings.LLMSHOP = {**settings.LLMSHOP, "RECOMMEND_TRACKING": "yes"}
    assert [m.id for m in check_recommend_settings()] == ["llmshop.E013"]


def test_a_product_shown_before_login_and_carted_after_counts(history, django_user_model):
    from django_llmshop.dashboard.forms import bounds, default_range
    from django_llmshop.recommend import metrics

    train()
    client = Client()
    client.get(f"{BLOCK}?product_id={history.bottles[0].pk}&limit=2")
    shown = TrackingEvent.objects.order_by("position").first()
    user = django_user_model.objects.create_user("buyer", password="pw")
    client.login(username="buyer", password="pw")
    assert set(TrackingEvent.objects.values_list("user_id", flat=True)) == {user.pk}
    client.post("/llmshop/api/events/", {"product_id": shown.product_id, "type": "cart"})
    (rates,) = metrics.by_placement_and_version(*bounds(*default_range()))
    assert (rates.impressions, rates.carts) == (2, 1)
