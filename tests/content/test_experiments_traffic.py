"""A description experiment over seeded traffic: add-to-cart rate per view in each arm, the
difference with its interval, the verdict, and the dashboard that shows them."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from scipy.stats import binomtest

from django_llmshop.content import experiments
from django_llmshop.dashboard import content_experiments
from django_llmshop.recommend.models import ShopperEvent
from django_llmshop.shoppers import Shopper
from tests.content.test_experiments import NEW_TEXT, ready_draft

VIEWS = 2000
DASHBOARD = "/admin/llmshop_dashboard/dashboard/"


def seed(experiment, product, cart_rates, views=VIEWS):
    """``views`` shoppers per arm who each viewed the product once; the first ``rate`` share of
    them then put it in the cart. Also traffic that must not count."""
    wanted = dict.fromkeys(cart_rates, views)
    start = experiment.started_at
    events, n = [], 0
    while any(wanted.values()):
        token = f"shopper-{n}"
        n += 1
        arm = experiments.arm_for(experiment, Shopper(session_key=token))
        if not wanted[arm]:
            continue
        seen = views - wanted[arm]
        wanted[arm] -= 1
        at = start + timedelta(seconds=n)
        events.append(
            ShopperEvent(session_key=token, product_id=product.pk, type="view", created=at)
        )
        if seen < round(cart_rates[arm] * views):
            later = at + timedelta(seconds=30)
            events.append(
                ShopperEvent(session_key=token, product_id=product.pk, type="cart", created=later)
            )
    # Not counted: traffic before the start, another product, carts without a view, and a
    # second cart of one view.
    before = start - timedelta(hours=1)
    for token in ("early-1", "early-2"):
        for kind in ("view", "cart"):
            events.append(
                ShopperEvent(session_key=token, product_id=product.pk, type=kind, created=before)
            )
    events.append(
        ShopperEvent(session_key="shopper-0", product_id="other", type="cart", created=start)
    )
    events.append(
        ShopperEvent(session_key="no-view", product_id=product.pk, type="cart", created=start)
    )
    events.append(
        ShopperEvent(
            session_key="shopper-0",
            product_id=product.pk,
            type="cart",
            created=start + timedelta(hours=2),
        )
    )
    ShopperEvent.objects.bulk_create(events)


@pytest.fixture
def running(catalog):
    product = catalog[0]
    experiment = experiments.start_experiment(ready_draft(product), None)
    experiment.started_at = timezone.now() - timedelta(days=1)
    experiment.save()
    return experiment, product


def test_seeded_traffic_gives_each_arms_rate_and_the_difference_with_its_interval(running):
    experiment, product = running
    seed(experiment, product, {experiments.CURRENT: 0.10, experiments.GENERATED: 0.14})
    measured = content_experiments.measure(experiment)
    current, generated = measured.current, measured.generated
    assert (current.views, current.carts) == (VIEWS, 200)
    assert (generated.views, generated.carts) == (VIEWS, 280)
    for arm in (current, generated):
        reference = binomtest(arm.carts, arm.views).proportion_ci(method="wilson")
        assert arm.rate.value == pytest.approx(arm.carts / arm.views)
        assert (arm.rate.low, arm.rate.high) == pytest.approx((reference.low, reference.high))
    difference = measured.difference
    assert difference is not None and difference.value == pytest.approx(0.04)
    # With 2,000 views an arm, Newcombe's interval is close to the normal approximation's.
    half = 1.959964 * math.sqrt(0.10 * 0.90 / VIEWS + 0.14 * 0.86 / VIEWS)
    assert difference.low == pytest.approx(0.04 - half, abs=0.002)
    assert difference.high == pytest.approx(0.04 + half, abs=0.002)
    assert difference.excludes_zero()
    assert "more often: 4.0 more per 100 views" in measured.verdict


def test_equal_rates_give_an_interval_across_zero_and_no_verdict(running):
    experiment, product = running
    seed(experiment, product, {experiments.CURRENT: 0.12, experiments.GENERATED: 0.12}, views=500)
    measured = content_experiments.measure(experiment)
    assert (measured.current.carts, measured.generated.carts) == (60, 60)
    assert measured.difference is not None
    assert measured.difference.low < 0 < measured.difference.high
    assert measured.verdict == ""


def test_a_worse_description_is_called_worse(running):
    experiment, product = running
    seed(experiment, product, {experiments.CURRENT: 0.20, experiments.GENERATED: 0.10}, views=400)
    measured = content_experiments.measure(experiment)
    assert measured.difference is not None and measured.difference.high < 0
    assert "less often: 10.0 fewer per 100 views" in measured.verdict


def test_the_dashboard_shows_the_experiment_and_publishing_the_winner_ends_it(
    admin_client, running
):
    experiment, product = running
    seed(experiment, product, {experiments.CURRENT: 0.10, experiments.GENERATED: 0.14})
    page = admin_client.get(DASHBOARD)
    assert page.status_code == 200
    html = page.content.decode()
    section = html[html.index('id="llmshop-description-experiments"') :]
    assert "Trail Bottle 1 (en)" in section
    measured = content_experiments.measure(experiment)
    low, high = f"{measured.difference.low:.4f}", f"{measured.difference.high:.4f}"
    assert f"0.0400, 95-percent interval {low} to {high}" in section
    assert "more often: 4.0 more per 100 views" in section
    assert f'data-chart="description-experiment-{experiment.pk}" data-points="3"' in section
    end = reverse("admin:llmshop_content_descriptionexperiment_end", args=[experiment.pk])
    assert f'action="{end}"' in section

    response = admin_client.post(end, {"publish": "1", "next": DASHBOARD})
    assert response.status_code == 302 and response["Location"] == DASHBOARD
    product.refresh_from_db()
    experiment.refresh_from_db()
    assert product.description == NEW_TEXT and experiment.outcome == "published"
    # The ended experiment keeps its figures, up to its end, and offers no buttons.
    html = admin_client.get(DASHBOARD).content.decode()
    section = html[html.index('id="llmshop-description-experiments"') :]
    assert "Generated description published" in section and f'action="{end}"' not in section
    assert f"0.0400, 95-percent interval {low} to {high}" in section
