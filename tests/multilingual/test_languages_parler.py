"""With django-parler, each draft publishes to its language's translation row."""

from __future__ import annotations

import pytest

from django_llmshop.content import services
from tests.multilingual.conftest import CHINESE, ENGLISH
from tests.multilingual.models import ParlerProduct


def texts(product_pk):
    product = ParlerProduct.objects.get(pk=product_pk)
    return {row.language_code: (row.name, row.description) for row in product.translations.all()}


def test_english_and_chinese_publish_side_by_side(parler_product, generate, staff, client):
    drafts = generate(parler_product, ["en", "zh-hans"])
    services.publish_draft(drafts["zh-hans"], staff)
    services.publish_draft(drafts["en"], staff)

    # The new Chinese row keeps the name the storefront showed until now (parler's fallback).
    assert texts(parler_product.pk) == {
        "en": ("Trail Bottle", ENGLISH),
        "zh-hans": ("Trail Bottle", CHINESE),
    }
    english = client.get(f"/en/parler-products/{parler_product.pk}/").content.decode()
    chinese = client.get(f"/zh-hans/parler-products/{parler_product.pk}/").content.decode()
    assert ENGLISH in english and CHINESE not in english
    assert CHINESE in chinese and ENGLISH not in chinese
    assert "Trail Bottle" in chinese


def test_the_storefront_shows_the_text_after_a_cached_miss(parler_product, generate, staff, client):
    page = f"/zh-hans/parler-products/{parler_product.pk}/"
    assert "The shop&#x27;s own English text." in client.get(page).content.decode()  # fallback
    services.publish_draft(generate(parler_product, ["zh-hans"])["zh-hans"], staff)
    assert CHINESE in client.get(page).content.decode()


def test_the_conflict_check_is_per_language(parler_product, generate, staff):
    drafts = generate(parler_product, ["en", "zh-hans"])
    parler_product.create_translation("zh-hans", name="登山水瓶", description="店主写的。")

    with pytest.raises(services.ContentConflict) as conflict:
        services.publish_draft(drafts["zh-hans"], staff)
    assert conflict.value.current == {"description": "店主写的。"}
    services.publish_draft(drafts["en"], staff)
    assert texts(parler_product.pk) == {
        "en": ("Trail Bottle", ENGLISH),
        "zh-hans": ("登山水瓶", "店主写的。"),
    }


def test_revert_restores_one_language(parler_product, generate, staff):
    drafts = generate(parler_product, ["en", "zh-hans"])
    english = services.publish_draft(drafts["en"], staff)
    services.publish_draft(drafts["zh-hans"], staff)
    services.revert_version(english, staff)
    assert texts(parler_product.pk) == {
        "en": ("Trail Bottle", "The shop's own English text."),
        "zh-hans": ("Trail Bottle", CHINESE),
    }


def test_reverting_the_publication_that_added_a_language_takes_its_row_away(
    parler_product, generate, staff, client
):
    page = f"/zh-hans/parler-products/{parler_product.pk}/"
    chinese = services.publish_draft(generate(parler_product, ["zh-hans"])["zh-hans"], staff)
    assert chinese.added_translation
    services.revert_version(chinese, staff)
    assert texts(parler_product.pk) == {"en": ("Trail Bottle", "The shop's own English text.")}
    assert "The shop&#x27;s own English text." in client.get(page).content.decode()  # fallback


def test_a_row_with_a_text_of_its_own_stays_when_reverted(parler_product, generate, staff):
    chinese = services.publish_draft(generate(parler_product, ["zh-hans"])["zh-hans"], staff)
    row = parler_product.translations.get(language_code="zh-hans")
    row.name = "登山水瓶"  # the merchant names the product in Chinese meanwhile
    row.save()
    services.revert_version(chinese, staff)
    assert texts(parler_product.pk)["zh-hans"] == ("登山水瓶", "")
