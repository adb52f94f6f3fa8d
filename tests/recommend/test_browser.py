"""In a real browser: the product page loads its recommendation block, with reasons."""

from __future__ import annotations

import pytest

from django_llmshop.recommend.models import ShopperEvent
from django_llmshop.recommend.training import train


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's server, started only once the test database exists (see
    tests/content/test_browser.py: a file SQLite test database needs this order)."""
    return live_server


def test_the_product_page_shows_recommendations_with_reasons(page, live_server, history):
    train()
    b = history.bottles
    page.goto(live_server.url + b[0].get_absolute_url())
    block = page.locator(".llmshop-recommendations")
    block.locator(".llmshop-rec-item").first.wait_for()
    first = block.locator(".llmshop-rec-item").first
    assert first.get_attribute("data-product-id") == str(b[1].pk)
    assert first.locator(".llmshop-rec-reason").inner_text() == f"Because you viewed {b[0].name}"
    assert block.locator(".llmshop-rec-item").count() == 4

    # The page's beacon recorded the view for this browser's session.
    def viewed():
        return ShopperEvent.objects.filter(product_id=str(b[0].pk), type="view").exists()

    for _ in range(50):
        if viewed():
            break
        page.wait_for_timeout(100)
    assert viewed()

    page.click("text=Add to cart")
    page.wait_for_selector("text=is in your cart")
    assert ShopperEvent.objects.filter(product_id=str(b[0].pk), type="cart").exists()
