"""In a real browser: the dashboard draws every chart from a seeded week, in English and Chinese."""

from __future__ import annotations

import os

import pytest

URL = "/admin/llmshop_dashboard/dashboard/"
CHARTS = [
    "spend-support", "spend-content", "spend-endpoints", "latency", "error-rate", "tokens",
    "chat-outcomes", "chat-topics", "chat-cost", "content-drafts", "content-cost",
    "recommend-ctr", "recommend-carts", "recommend-experiment",
]  # fmt: skip


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's server, started only once the test database exists (see
    tests/content/test_browser.py: a file SQLite test database needs this order)."""
    return live_server


def login(page, live_server):
    page.goto(f"{live_server.url}/admin/login/?next={URL}")
    page.fill("input[name=username]", "viewer")
    page.fill("input[name=password]", "pw")
    page.click("input[type=submit]")
    page.wait_for_selector("#llmshop-dashboard")


def test_the_dashboard_draws_every_chart_of_a_seeded_week(page, live_server, week, viewer):
    login(page, live_server)
    for name in CHARTS:
        chart = page.locator(f'svg[data-chart="{name}"]')
        assert chart.count() == 1, name
        assert chart.is_visible(), name
        assert int(chart.get_attribute("data-points")) > 0, name
        assert chart.locator(".bar").count() > 0, name
        box = chart.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 20, name
    # The daily limit of the support chat is drawn over its bars.
    assert page.locator('svg[data-chart="spend-support"] .limit').count() == 1
    text = page.locator("#llmshop-recommend").inner_text()
    assert "minus the popularity baseline" in text and "95-percent interval" in text
    if os.environ.get("LLMSHOP_SCREENSHOTS"):
        page.screenshot(
            path=os.path.join(os.environ["LLMSHOP_SCREENSHOTS"], "dashboard.png"), full_page=True
        )
    # A bad range in the form is answered with the reason, not a server error.
    page.fill("input[name=start]", "2026-05-02")
    page.fill("input[name=end]", "2026-05-01")
    page.click("text=Show")
    page.wait_for_selector(".errorlist")
    assert page.locator("svg[data-chart]").count() == 0


def test_the_dashboard_speaks_chinese(browser, live_server, week, viewer):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        login(page, live_server)
        assert "客服聊天" in page.locator("#llmshop-chat h2").inner_text()
        assert page.locator("#llmshop-spend h2").inner_text() == "花费"
        assert "点击率" in page.locator("#llmshop-recommend").inner_text()
        assert page.locator('svg[data-chart="recommend-experiment"] .bar').count() > 0
    finally:
        context.close()
