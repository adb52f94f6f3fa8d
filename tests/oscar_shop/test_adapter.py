"""OscarAdapter against real Oscar rows: strategy prices, stock, reviews, orders, pages, texts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from django_llmshop.adapters import get_adapter
from django_llmshop.contrib.oscar.adapter import OscarAdapter
from django_llmshop.contrib.oscar.descriptions import (
    as_html,
    as_text,
    read_description,
    write_description,
)


def test_the_configured_adapter_is_oscars():
    assert isinstance(get_adapter(), OscarAdapter)


def test_facts_come_from_oscar_and_its_strategy(oscar_shop, settings):
    settings.OSCAR_DEFAULT_CURRENCY = "EUR"  # stock records keep their own currency
    facts = get_adapter().product_facts(oscar_shop.bottle)
    assert facts.name == "Trail Bottle"
    assert facts.category == "Drinkware"
    assert facts.attributes == {"capacity": "750 ml"}
    # 10 in stock, 2 allocated to Alice's order: the strategy says 8 can be bought.
    assert (facts.price, facts.currency, facts.stock) == ("24.00", "GBP", 8)
    assert facts.description == "Old steel bottle."  # Oscar's HTML, as readable text
    assert facts.url == oscar_shop.bottle.get_absolute_url()


def test_a_forked_strategy_sets_the_price(oscar_shop, monkeypatch):
    from oscar.apps.partner import strategy

    class WithTax(strategy.UseFirstStockRecord, strategy.StockRequired, strategy.FixedRateTax,
                  strategy.Structured):  # fmt: skip
        rate = Decimal("0.20")

    adapter = get_adapter()
    monkeypatch.setattr(adapter, "strategy", lambda request=None, user=None: WithTax())
    assert adapter.product_price(oscar_shop.bottle) == "28.8000"
    assert {Decimal("24.00"), Decimal("28.80")} <= adapter.catalog_prices()


def test_availability_follows_stock_and_visibility(oscar_shop):
    adapter = get_adapter()
    assert adapter.product_is_available(oscar_shop.bottle)
    assert not adapter.product_is_available(oscar_shop.mug)  # no stock left
    assert not adapter.product_is_available(oscar_shop.hidden)  # not public
    assert adapter.product_stock(oscar_shop.mug) == 0
    found = adapter.search_products("trail bottle")
    assert found == [oscar_shop.bottle]
    assert adapter.find_product("tb-750") == oscar_shop.bottle
    assert adapter.find_product(str(oscar_shop.mug.pk)) == oscar_shop.mug
    assert adapter.find_product("nope") is None


def test_catalog_prices_are_the_prices_shoppers_see(oscar_shop):
    prices = get_adapter().catalog_prices()
    assert {Decimal("24.00"), Decimal("9.50"), Decimal("99.00")} <= prices
    assert Decimal("48.00") not in prices


def test_catalog_prices_are_cached_until_a_stock_record_changes(
    oscar_shop, django_assert_num_queries
):
    adapter = get_adapter()
    first = adapter.catalog_prices()
    with django_assert_num_queries(0):
        assert adapter.catalog_prices() == first
    record = oscar_shop.bottle.stockrecords.get()
    record.price = Decimal("26.00")
    record.save()
    prices = adapter.catalog_prices()
    assert Decimal("26.00") in prices and Decimal("24.00") not in prices


def test_the_recommendation_catalog_reads_in_a_few_queries(
    oscar_shop, django_assert_max_num_queries
):
    from oscar.test.factories import create_product

    for n in range(30):
        create_product(title=f"Bottle {n}", price=Decimal("5.00"), num_in_stock=1)
    with django_assert_max_num_queries(8):
        rows = list(get_adapter().recommendation_catalog())
    ids = {row[0] for row in rows}
    assert len(rows) == 32  # 30 new, the bottle and the lamp; not the mug nor the hidden one
    assert str(oscar_shop.mug.pk) not in ids and str(oscar_shop.hidden.pk) not in ids
    bottle = next(row for row in rows if row[0] == str(oscar_shop.bottle.pk))
    assert bottle[1] == "Trail Bottle Old steel bottle. Drinkware" and bottle[2] == "Drinkware"


def test_only_approved_reviews_are_summarised(oscar_shop):
    from oscar.apps.catalogue.reviews.models import ProductReview

    def review(title, status):
        return ProductReview.objects.create(
            product=oscar_shop.bottle, title=title, body=f"{title} body", score=4, status=status,
            user=oscar_shop.alice if title == "Keeps cold" else None, name="x", email="x@x.org",
        )  # fmt: skip

    review("Keeps cold", ProductReview.APPROVED)
    review("BUY CHEAP WATCHES", ProductReview.REJECTED)
    review("Waiting", ProductReview.FOR_MODERATION)
    reviews = get_adapter().product_reviews(oscar_shop.bottle)
    assert [(r.title, r.rating, r.body) for r in reviews] == [("Keeps cold", 4, "Keeps cold body")]


def test_orders_are_the_shoppers_own_with_real_totals(oscar_shop):
    adapter = get_adapter()
    assert adapter.orders_for_user(oscar_shop.alice) == [oscar_shop.alice_order]
    assert adapter.get_order_for_user(oscar_shop.alice, "100042") is None  # Bob's
    assert adapter.orders_for_user(None) == []
    summary = adapter.order_summary(adapter.get_order_for_user(oscar_shop.alice, "100041"))
    assert summary["number"] == "100041"
    assert (summary["total"], summary["currency"]) == ("48.00", "GBP")
    assert summary["status"] == oscar_shop.alice_order.status
    assert summary["placed_at"] == oscar_shop.alice_order.date_placed.date().isoformat()
    assert summary["items"] == [
        {"product": "Trail Bottle", "quantity": 2, "unit_price": "24.00", "line_price": "48.00"}
    ]
    assert summary["url"] == "/accounts/orders/100041/"
    assert adapter.order_products(oscar_shop.alice_order) == [oscar_shop.bottle]


def test_flat_pages_are_the_help_pages(oscar_shop):
    from django.contrib.flatpages.models import FlatPage
    from django.contrib.sites.models import Site

    page = FlatPage.objects.create(
        url="/returns/", title="Returns", content="<p>Return within <b>30 days</b>.</p>"
    )
    page.sites.add(Site.objects.get_current())
    FlatPage.objects.create(url="/staff/", title="Staff", content="x", registration_required=True)
    pages = {p.title: p for p in get_adapter().knowledge_pages()}
    assert pages["Returns"].body == "Return within 30 days."
    assert pages["Returns"].url == "/returns/"
    assert pages["Returns"].published and not pages["Staff"].published
    # Saving a flat page indexed it for the chat, as PAGE_MODEL's pages are.
    from django_llmshop.support.models import KnowledgeDocument

    document = KnowledgeDocument.objects.get(source_key=f"flatpages.flatpage:{page.pk}")
    assert document.title == "Returns" and document.published


def test_the_primary_image_gives_alt_text(oscar_shop):
    from oscar.test.factories import create_product_image

    adapter = get_adapter()
    assert adapter.product_image(oscar_shop.bottle) is None
    create_product_image(
        product=oscar_shop.bottle, original="images/products/bottle.jpg", caption="On a rock"
    )
    image = adapter.product_image(oscar_shop.bottle)
    assert image == {"url": "/media/images/products/bottle.jpg", "alt": "On a rock"}


def test_texts_are_written_escaped_and_read_back_exactly(oscar_shop):
    adapter = get_adapter()
    product = oscar_shop.bottle
    text = "Steel & <script>alert(1)</script> bottle.\n\nHolds 750 ml.\nDishwasher safe."
    adapter.set_texts(product, {"description": text, "seo_title": "Trail <Bottle>"})
    product.refresh_from_db()
    assert "<script>" not in product.description
    assert product.meta_title == "Trail <Bottle>"  # a plain field: Oscar escapes it
    plain = "Holds 750 ml & keeps cold.\n\nDishwasher safe."
    adapter.set_texts(product, {"description": plain})
    product.refresh_from_db()
    assert product.description == ("<p>Holds 750 ml &amp; keeps cold.</p>\n<p>Dishwasher safe.</p>")
    assert adapter.get_text(product, "description") == plain


def test_a_description_per_language_is_escaped_too(oscar_shop, settings):
    # The shop keeps its Chinese description in a column of its own (here meta_description,
    # a text column every Oscar product has).
    columns = {"en": "description", "zh-hans": "meta_description"}
    settings.LLMSHOP = {**settings.LLMSHOP, "TRANSLATED_FIELDS": {"description": columns}}
    adapter = get_adapter()
    product = oscar_shop.bottle
    adapter.set_texts_in(product, {"description": "不锈钢水杯 <script>x()</script>"}, "zh-hans")
    adapter.set_texts_in(product, {"description": "Steel & glass"}, "en")
    product.refresh_from_db()
    assert product.meta_description == "不锈钢水杯 "
    assert product.description == "<p>Steel &amp; glass</p>"
    assert adapter.get_text_in(product, "description", "en") == "Steel & glass"
    fingerprint = adapter.texts_fingerprint_in(product, ["description"], "en")
    assert fingerprint == adapter.texts_fingerprint_in(product, ["description"], "en")


def test_shop_html_put_back_is_cleaned_and_kept_when_harmless():
    harmless = '<p>Old <strong>steel</strong> <a href="https://example.com">bottle</a>.</p>'
    assert read_description(harmless) == harmless
    assert write_description(harmless) == harmless
    assert write_description('<p onclick="x()">Hi<script>bad()</script></p>') == "<p>Hi</p>"
    assert write_description("<p>Old bottle.</p>") == "<p>Old bottle.</p>"


@given(st.text())
def test_every_text_survives_the_round_trip(text):
    assert as_text(as_html(text)) == text
    assert "<script" not in as_html(text).lower()


@pytest.mark.parametrize("value", ["", "plain", "<p>a</p><p>b</p>", "<p>x<br/>y</p>", "<p>a"])
def test_html_that_the_package_did_not_write_is_not_taken_for_text(value):
    text = as_text(value)
    assert text is None or as_html(text) == value
