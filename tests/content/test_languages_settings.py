"""TRANSLATED_FIELDS is checked (llmshop.E011), and a shop with one text field keeps it."""

from __future__ import annotations

import pytest
from django.test import override_settings

from django_llmshop.adapters import UnmappedLanguage, get_adapter
from django_llmshop.checks import check_settings
from django_llmshop.content import services
from django_llmshop.content.models import GenerationJob

GOOD = {"BASE_URL": "https://api.example.com/v1", "MODEL": "m"}
# The example shop's Product has no per-language fields; its SEO fields stand in for them here.
MAPPED = {"description": {"en": "description", "zh-hans": "seo_description"}}


def messages(translated):
    with override_settings(
        LLMSHOP={"ENDPOINTS": {"default": GOOD}, "TRANSLATED_FIELDS": translated}
    ):
        return [(m.id, m.msg) for m in check_settings()]


def test_a_good_mapping_passes():
    assert messages(MAPPED) == []
    assert messages({}) == []


@pytest.mark.parametrize(
    ("translated", "says"),
    [
        ([], "must map text roles"),
        ({"description": "description_zh"}, "must map text roles"),
        ({"description": {"en": ""}}, "must map text roles"),
        ({"name": {"en": "name", "zh-hans": "name"}}, "unknown text role 'name'"),
        ({"description": {"en": "description"}}, "has no field for zh-hans"),
        (
            {"description": {"en": "description", "zh-hans": "description_zh"}},
            "no field 'description_zh'",
        ),
    ],
)
def test_a_bad_mapping_is_an_error(translated, says):
    found = messages(translated)
    assert [message_id for message_id, _ in found] == ["llmshop.E011"]
    assert says in found[0][1]


def test_a_single_field_shop_keeps_one_text_for_every_language(catalog):
    adapter = get_adapter()
    product = catalog[0]
    assert adapter.field_for(product, "description", "zh-hans") is None
    adapter.set_texts_in(product, {"description": "不锈钢水杯。"}, "zh-hans")
    product.refresh_from_db()
    assert product.description == "不锈钢水杯。"
    assert adapter.get_text_in(product, "description", "en") == "不锈钢水杯。"
    assert adapter.texts_fingerprint_in(product, ["description"], "zh-hans") == (
        adapter.texts_fingerprint(product, ["description"])
    )


def test_a_mapped_shop_writes_the_field_of_each_language(catalog, settings):
    settings.LLMSHOP = {**settings.LLMSHOP, "TRANSLATED_FIELDS": MAPPED}
    adapter = get_adapter()
    product = catalog[0]
    adapter.set_texts_in(product, {"description": "不锈钢水杯。"}, "zh-hans")
    product.refresh_from_db()
    assert product.seo_description == "不锈钢水杯。"
    assert product.description == "Original text of bottle 1.\n"
    assert adapter.get_text_in(product, "description", "en") == "Original text of bottle 1.\n"


def test_a_language_without_a_field_is_refused_before_any_call(catalog, settings):
    settings.LLMSHOP = {
        **settings.LLMSHOP,
        "LANGUAGES": ["en", "zh-hans", "de"],
        "TRANSLATED_FIELDS": MAPPED,
    }
    with pytest.raises(UnmappedLanguage):
        get_adapter().field_for(catalog[0], "description", "de")
    with pytest.raises(ValueError, match="no field for 'de'"):
        services.start_job("description", [catalog[0].pk], {"languages": ["de"]})
    assert not GenerationJob.objects.exists()
    # Marketing copy stays in the draft: any language is fine.
    job = services.start_job("marketing", [catalog[0].pk], {"languages": ["de"]})
    assert job.total == 1
