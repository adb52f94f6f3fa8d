"""In a real browser: the product page's block records its impressions once, and following a
recommended product's link records the click (the link's ping) and opens the product."""

from __future__ import annotations

import pytest

from django_llmshop.recommend.models import TrackingEvent
from django_llmshop.recommend.training import train


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's server, started only once the test database exists (see
    tests/content/test_browser.py: a file SQLite test database needs this order)."""
    return live_server


def wait_for(page, condition):
    for _ in range(100):
        if condition():
            return True
        page.wait_for_timeout(100)
    return condition()


def open_product_page(page, live_server, history):
    train()
    page.goto(live_server.url + history.bottles[0].get_absolute_url())
    first = page.locator(".llmshop-rec-item").first
    first.wait_for()
    return first


def follow(page, history, item):
    """Follow a recommended link; True once its click is recorded, once."""
    clicked = item.get_attribute("data-product-id")
    item.locator("a").click()
    page.wait_for_url(f"**{history.bottles[1].get_absolute_url()}")

    def clicked_once():
        return TrackingEvent.objects.filter(kind="click", product_id=clicked).count() == 1

    return wait_for(page, clicked_once)


def test_impressions_and_a_click_are_recorded_from_the_product_page(page, live_server, history):
    first = open_product_page(page, live_server, history)
    shown = page.locator(".llmshop-rec-item").count()
    impressions = TrackingEvent.objects.filter(kind="impression")
    assert impressions.count() == shown
    assert set(impressions.values_list("placement", flat=True)) == {"product"}
    assert follow(page, history, first)
    click = TrackingEvent.objects.get(kind="click")
    assert impressions.filter(view=click.view, product_id=click.product_id).exists()


def test_a_click_counts_in_a_browser_that_sends_no_ping(page, live_server, history):
    """As Firefox does by default: the link's ping is never sent, the block's beacon is."""
    first = open_product_page(page, live_server, history)
    page.wait_for_function("window.llmshopRecommendClicks === true")
    page.evaluate("document.querySelectorAll('a[ping]').forEach(a => a.removeAttribute('ping'))")
    assert follow(page, history, first)
