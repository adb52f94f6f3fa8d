"""A shop with its own per-language fields maps them with LLMSHOP["TRANSLATED_FIELDS"], or
overrides the adapter's field_for."""

from __future__ import annotations

import pytest

from django_llmshop.adapters import ShopAdapter
from django_llmshop.content import services
from tests.multilingual.conftest import CHINESE, ENGLISH
from tests.multilingual.models import OwnFieldsProduct


class SuffixAdapter(ShopAdapter):
    """A shop whose fields follow a rule instead of a mapping: description_zh for zh-hans."""

    def field_for(self, product, role, language):
        if role != "description":
            return super().field_for(product, role, language)
        return "description" if language == "en" else f"description_{language[:2]}"


def test_mapped_fields_publish_side_by_side(own_product, generate, staff):
    drafts = generate(own_product, ["en", "zh-hans"])
    services.publish_draft(drafts["zh-hans"], staff)
    services.publish_draft(drafts["en"], staff)
    product = OwnFieldsProduct.objects.get(pk=own_product.pk)
    assert (product.description, product.description_zh) == (ENGLISH, CHINESE)


def test_an_adapter_rule_instead_of_the_setting(own_product, generate, staff, settings):
    settings.LLMSHOP = {
        **settings.LLMSHOP,
        "TRANSLATED_FIELDS": {},
        "ADAPTER": "tests.multilingual.test_languages_own_fields.SuffixAdapter",
    }
    drafts = generate(own_product, ["en", "zh-hans"])
    OwnFieldsProduct.objects.filter(pk=own_product.pk).update(description="Edited by hand.")
    with pytest.raises(services.ContentConflict):
        services.publish_draft(drafts["en"], staff)
    services.publish_draft(drafts["zh-hans"], staff)
    product = OwnFieldsProduct.objects.get(pk=own_product.pk)
    assert (product.description, product.description_zh) == ("Edited by hand.", CHINESE)
