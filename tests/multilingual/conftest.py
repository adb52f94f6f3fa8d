"""Fixtures of the multilingual shop: a product per translation library, and a copywriter
model that writes in the language it is asked for."""

from __future__ import annotations

import json
import os
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from django_llmshop.testing import Reply
from tests.conftest import MULTILINGUAL_SETTINGS

if os.environ.get("DJANGO_SETTINGS_MODULE") != MULTILINGUAL_SETTINGS:
    # Asked for by path under other settings: nothing to collect, the libraries are not set up.
    collect_ignore_glob = ["test_*.py"]

ENGLISH = "A light steel bottle that keeps water cold on long walks."
CHINESE = "一个轻便的钢制水瓶，长途步行时让水保持凉爽。"
ROLES_OFF = {"category": None, "currency": None, "attributes": None, "stock": None}


@pytest.fixture(autouse=True)
def _forget_cached_translations():
    """django-parler caches translation rows; a rolled-back test must not leave them behind."""
    cache.clear()
    yield
    cache.clear()


def copywriter(request):
    """Answers description and SEO prompts in English or Chinese, as the system prompt asks."""
    if request.path != "/v1/chat/completions":
        return None
    chinese = "Simplified Chinese" in request.json["messages"][0]["content"]
    text = CHINESE if chinese else ENGLISH
    prompt = request.json["messages"][-1]["content"]
    if '"seo_title"' in prompt:
        body = {"seo_title": text[:12], "seo_description": text}
    else:
        body = {"description": text, "bullets": []}
    return Reply.text(json.dumps(body))


@pytest.fixture
def model(llm_settings):
    llm_settings.responder = copywriter
    return llm_settings


def use_product_model(settings, label: str, **extra) -> None:
    settings.LLMSHOP = {
        **settings.LLMSHOP,
        "PRODUCT_MODEL": label,
        "PRODUCT_FIELDS": {**ROLES_OFF, "is_active": None, **extra.pop("fields", {})},
        **extra,
    }


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_superuser("staff", "staff@example.com", "pw")


@pytest.fixture
def mt_product(db, model, settings):
    """A product translated by django-modeltranslation, with an English description only."""
    from tests.multilingual.models import Product

    use_product_model(settings, "multilingual.Product")
    return Product.objects.create(
        name_en="Trail Bottle",
        name_zh_hans="登山水瓶",
        price=Decimal("24.00"),
        description_en="The shop's own English text.",
    )


@pytest.fixture
def parler_product(db, model, settings):
    """A product translated by django-parler, with an English translation row only."""
    from tests.multilingual.models import ParlerProduct

    use_product_model(settings, "multilingual.ParlerProduct")
    product = ParlerProduct(price=Decimal("24.00"))
    product.set_current_language("en")
    product.name = "Trail Bottle"
    product.description = "The shop's own English text."
    product.save()
    return product


@pytest.fixture
def own_product(db, model, settings):
    """A product of a shop with its own per-language field, mapped by TRANSLATED_FIELDS."""
    from tests.multilingual.models import OwnFieldsProduct

    use_product_model(
        settings,
        "multilingual.OwnFieldsProduct",
        fields={"seo_title": None, "seo_description": None},
        TRANSLATED_FIELDS={"description": {"en": "description", "zh-hans": "description_zh"}},
    )
    return OwnFieldsProduct.objects.create(
        name="Trail Bottle", price=Decimal("24.00"), description="The shop's own English text."
    )


@pytest.fixture
def generate(django_capture_on_commit_callbacks, staff):
    """Generate drafts of ``kind`` for a product, one per language; returns them by language."""
    from django_llmshop.content import services
    from django_llmshop.content.models import Draft

    def run(product, languages, kind="description", **options):
        with django_capture_on_commit_callbacks(execute=True):
            job = services.start_job(kind, [product.pk], {"languages": languages, **options}, staff)
        drafts = {d.language: d for d in Draft.objects.filter(job=job)}
        assert sorted(drafts) == sorted(languages)
        for draft in drafts.values():
            assert draft.status == Draft.Status.READY, (draft.error, draft.findings)
        return drafts

    return run
