"""With django-modeltranslation, English and Chinese drafts publish side by side, each to its
language's column, and the storefront shows each in its language."""

from __future__ import annotations

import pytest

from django_llmshop.content import services
from django_llmshop.content.models import Draft
from tests.multilingual.conftest import CHINESE, ENGLISH
from tests.multilingual.models import Product


def test_english_and_chinese_publish_side_by_side(mt_product, generate, staff, client):
    drafts = generate(mt_product, ["en", "zh-hans"])
    services.publish_draft(drafts["zh-hans"], staff)
    # Before the fix, the Chinese text went into the one field and the English draft conflicted.
    services.publish_draft(drafts["en"], staff)

    product = Product.objects.get(pk=mt_product.pk)
    assert product.description_en == ENGLISH
    assert product.description_zh_hans == CHINESE
    assert {d.status for d in Draft.objects.all()} == {Draft.Status.PUBLISHED}

    english = client.get(f"/en/products/{product.pk}/").content.decode()
    chinese = client.get(f"/zh-hans/products/{product.pk}/").content.decode()
    assert ENGLISH in english and CHINESE not in english
    assert CHINESE in chinese and ENGLISH not in chinese
    assert "登山水瓶" in chinese


def test_the_storefront_follows_accept_language(mt_product, generate, staff, client):
    for draft in generate(mt_product, ["en", "zh-hans"]).values():
        services.publish_draft(draft, staff)
    page = f"/products/{mt_product.pk}/"
    chinese = client.get(page, headers={"accept-language": "zh-hans"}, follow=True)
    assert chinese.redirect_chain[-1][0] == f"/zh-hans{page}"
    assert CHINESE in chinese.content.decode()
    english = client.get(page, headers={"accept-language": "en"}, follow=True)
    assert ENGLISH in english.content.decode()


def test_the_conflict_check_is_per_language(mt_product, generate, staff):
    drafts = generate(mt_product, ["en", "zh-hans"])
    # The merchant writes the Chinese text by hand while the drafts wait.
    Product.objects.filter(pk=mt_product.pk).update(description_zh_hans="店主自己写的中文。")

    with pytest.raises(services.ContentConflict) as conflict:
        services.publish_draft(drafts["zh-hans"], staff)
    assert conflict.value.current == {"description": "店主自己写的中文。"}
    services.publish_draft(drafts["en"], staff)  # English was not touched: no conflict

    product = Product.objects.get(pk=mt_product.pk)
    assert product.description_zh_hans == "店主自己写的中文。"
    assert product.description_en == ENGLISH


def test_revert_restores_one_language(mt_product, generate, staff):
    drafts = generate(mt_product, ["en", "zh-hans"])
    english = services.publish_draft(drafts["en"], staff)
    chinese = services.publish_draft(drafts["zh-hans"], staff)
    assert english.previous == {"description": "The shop's own English text."}
    assert chinese.previous == {"description": ""}

    services.revert_version(english, staff)
    product = Product.objects.get(pk=mt_product.pk)
    assert product.description_en == "The shop's own English text."
    assert product.description_zh_hans == CHINESE

    Product.objects.filter(pk=mt_product.pk).update(description_zh_hans="改过了。")
    with pytest.raises(services.ContentConflict):
        services.revert_version(chinese, staff)  # the Chinese text changed since publishing
    assert Product.objects.get(pk=mt_product.pk).description_zh_hans == "改过了。"


def test_approve_through_the_api_answers_409_for_the_edited_language(
    mt_product, generate, staff, client
):
    drafts = generate(mt_product, ["en", "zh-hans"])
    Product.objects.filter(pk=mt_product.pk).update(description_en="Edited by hand.")
    client.force_login(staff)
    url = "/llmshop/api/content/drafts/{}/approve/"
    refused = client.post(url.format(drafts["en"].pk), {}, content_type="application/json")
    assert refused.status_code == 409
    assert refused.json()["current"] == {"description": "Edited by hand."}
    approved = client.post(url.format(drafts["zh-hans"].pk), {}, content_type="application/json")
    assert approved.status_code == 200
    assert Product.objects.get(pk=mt_product.pk).description_zh_hans == CHINESE


def test_seo_fields_publish_per_language(mt_product, generate, staff):
    drafts = generate(mt_product, ["en", "zh-hans"], kind="seo")
    for draft in drafts.values():
        services.publish_draft(draft, staff)
    product = Product.objects.get(pk=mt_product.pk)
    assert (product.seo_description_en, product.seo_description_zh_hans) == (ENGLISH, CHINESE)


def test_the_review_pages_compare_with_the_text_in_the_drafts_language(
    mt_product, generate, staff, client
):
    drafts = generate(mt_product, ["en", "zh-hans"])
    Product.objects.filter(pk=mt_product.pk).update(description_zh_hans="店主自己写的中文。")
    client.force_login(staff)
    review = client.get(f"/admin/llmshop_content/draft/{drafts['zh-hans'].pk}/change/")
    assert "店主自己写的中文。" in review.content.decode()
    assert "The shop&#x27;s own English text." not in review.content.decode()

    version = services.publish_draft(drafts["en"], staff)
    page = client.get(f"/admin/llmshop_content/contentversion/{version.pk}/change/")
    assert ENGLISH in page.content.decode()
    assert "店主自己写的中文。" not in page.content.decode()
