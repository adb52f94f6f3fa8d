"""The quality gate's off-topic check: a draft that names nothing of its product is pointed out."""

from __future__ import annotations

import pytest

from django_llmshop.content.factcheck.quality import blocking, check_draft

from .test_quality_gate import BOTTLE, BOTTLE_ZH, CLEAN_EN, CLEAN_ZH


def offtopic(text, facts=BOTTLE, language="en"):
    return [f for f in check_draft(text, facts, language) if f.kind == "offtopic"]


@pytest.mark.parametrize(
    "text",
    [
        "A brief description of the product - review summary of the item for customers who "
        "want the best quality and a great design for everyday use.",
        "This is a wonderful thing that everyone will enjoy, a lovely gift for friends and "
        "family at any time of the year and for every occasion.",
    ],
)
def test_a_draft_about_nothing_in_the_record_gets_a_warning(text):
    found = offtopic(text)
    assert found and found[0].severity == "warning"
    # A warning for the reviewer: a good text may name neither, so the gate does not fail it.
    assert not blocking(check_draft(text, BOTTLE, "en"))


@pytest.mark.parametrize(
    "text",
    [
        CLEAN_EN,
        # No word of the name, but three of the record's: it is about this bottle.
        "Made of stainless steel in midnight blue, from Zantrovic: a flask that keeps up with "
        "long walks and cold mornings alike, day after day.",
        # The name alone is enough.
        "Meet the trail companion that goes everywhere you go, on every walk and every ride, "
        "whatever the weather does to the rest of your plans.",
        "Short, but named: Trail Bottle.",  # too short to judge anyway
    ],
)
def test_a_draft_that_names_the_product_or_its_facts_passes(text):
    assert offtopic(text) == []


def test_only_english_is_judged():
    unrelated = "这是一段与任何商品都无关的文字，讲的是天气和城市里的生活，还有很多别的事情。"
    assert offtopic(unrelated, BOTTLE_ZH, "zh") == []
    assert offtopic(CLEAN_ZH, BOTTLE_ZH, "zh") == []
