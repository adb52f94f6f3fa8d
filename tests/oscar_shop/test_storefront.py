"""The chat widget and the recommendations in Oscar's storefront, with the documented templates."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management import call_command

from django_llmshop.recommend.models import ShopperEvent
from django_llmshop.recommend.services import record_event
from tests.oscar_shop.settings import DOCS

TEMPLATES = Path(__file__).resolve().parent / "templates"
API = "/llmshop/api/recommendations/"


def test_the_shops_templates_are_the_documented_ones():
    blocks = re.findall(
        r"```html\+django\n\{# templates/(.*?) #\}\n(.*?)```", DOCS.read_text(), re.S
    )
    assert {name for name, _ in blocks} == {"oscar/layout.html", "oscar/catalogue/detail.html"}
    for name, body in blocks:
        assert (TEMPLATES / name).read_text(encoding="utf-8") == body


def test_oscars_product_page_shows_the_chat_and_the_recommendations(client, oscar_shop):
    page = client.get(oscar_shop.bottle.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "data-llmshop-chat" in html and "htmx-2.min.js" in html
    assert "llmshop-recommend" in html
    assert "Old <strong>steel</strong> bottle." in html  # Oscar's own page, still all there
    # One view, recorded by Oscar's signal only (the block is told not to record it again).
    assert ShopperEvent.objects.filter(type="view").count() == 1


def test_recommendations_are_available_oscar_products(client, oscar_shop, llm_settings):
    for n in range(4):
        shopper = f"shopper-{n}"
        for product in (oscar_shop.bottle, oscar_shop.mug, oscar_shop.hidden):
            record_event(shopper, product, "view")
    call_command("llmshop_train_recommendations", verbosity=0)
    response = client.get(API, {"product_id": oscar_shop.bottle.pk, "limit": 4})
    assert response.status_code == 200
    ids = {item["product_id"] for item in response.json()}
    assert ids and str(oscar_shop.bottle.pk) not in ids
    # Seen together with the bottle, but out of stock / not public: never recommended.
    assert not ids & {str(oscar_shop.mug.pk), str(oscar_shop.hidden.pk)}
