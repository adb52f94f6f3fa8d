"""Help pages: Markdown rendered without letting any HTML or script through."""

from __future__ import annotations

from io import StringIO

from django.test import Client
from django.urls import reverse

from shop.models import Page
from shop.rendering import render_markdown


def test_policy_page_renders_markdown(demo_shop: StringIO, client: Client) -> None:
    response = client.get(reverse("shop:page_detail", args=["returns-policy"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Returns policy</h1>" in html
    assert "<strong>30 days of delivery</strong>" in html


def test_shipping_page_keeps_its_table(demo_shop: StringIO, client: Client) -> None:
    html = client.get(reverse("shop:page_detail", args=["shipping-policy"])).content.decode()
    assert "<table>" in html


def test_page_escapes_script(db: None, client: Client) -> None:
    Page.objects.create(
        title="Hostile",
        slug="hostile",
        body='# Hi\n\n<script>alert("x")</script>\n\n<img src=x onerror="alert(1)">',
    )
    html = client.get(reverse("shop:page_detail", args=["hostile"])).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html
    assert "<img" not in html


def test_markdown_drops_javascript_links() -> None:
    html = render_markdown("[click](javascript:alert(1)) and [ok](https://example.com)")
    assert "javascript:" not in html.replace("[click](javascript:alert(1))", "")
    assert 'href="https://example.com"' in html


def test_unknown_page_is_404(db: None, client: Client) -> None:
    assert client.get(reverse("shop:page_detail", args=["nope"])).status_code == 404


def test_help_index_lists_pages(demo_shop: StringIO, client: Client) -> None:
    response = client.get(reverse("shop:page_list"))
    assert response.status_code == 200
    assert b"Frequently asked questions" in response.content
