"""The quality gate: debris, made-up words, numbers, language, repetition and length; and a
draft that fails it being generated once more, then kept as failed with the reason."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from django_llmshop.content.factcheck import Facts
from django_llmshop.content.factcheck.quality import (
    blocking,
    check_draft,
    failure_reason,
    retry_note,
)
from django_llmshop.content.models import Draft
from django_llmshop.content.prompts import PROSE_CHARACTERS, SCHEMAS, Prompt
from django_llmshop.content.services import publish_draft, start_job
from django_llmshop.testing import Reply

BOTTLE = Facts.from_product(
    name="Trail Bottle 750",
    category="Drinkware",
    price="24.00",
    currency="USD",
    attributes={
        "capacity": "750 ml",
        "material": "stainless steel",
        "colour": "midnight blue",
        "brand": "Zantrovic",
    },
)
BOTTLE_ZH = Facts.from_product(
    name="远足保温杯",
    category="水杯",
    price="24.00",
    currency="CNY",
    attributes={"容量": "750毫升", "材质": "不锈钢", "品牌": "Zantrovic"},
)


def kinds(text: str, facts: Facts = BOTTLE, language: str = "en", words: int | None = None):
    return [(f.kind, f.text) for f in check_draft(text, facts, language, words)]


def errors(text: str, facts: Facts = BOTTLE, language: str = "en") -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in check_draft(text, facts, language) if f.severity == "error"]


CLEAN_EN = "The Trail Bottle 750 holds 750 ml and is made of stainless steel, in midnight blue."
CLEAN_ZH = "这款远足保温杯容量750毫升，采用不锈钢材质，适合办公室和户外使用。"


# --- each kind, on planted drafts --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "debris"),
    [
        ("- ]. The items in this JSON are not the actual item", "]"),
        ("As an AI language model, I think this bottle is great.", "As an AI"),
        ('Great bottle. "description": "Steel"', '"description":'),
        ("```json\nA great bottle.", "```json"),
        ("assistant: A great bottle.", "assistant:"),
        ("## Features\nA great bottle.", "##"),
        ("A **great** bottle.", "**"),
        ("A great bottle.<br>Order now.", "<br>"),
        ("A great bottle} for you.", "}"),
        ("<|im_start|>A great bottle.", "<|im_start|>"),
    ],
)
def test_debris_in_english(text, debris):
    found = [f for f in check_draft(text, BOTTLE, "en") if f.kind == "debris"]
    assert found and all(f.severity == "error" for f in found)
    assert any(debris in f.text for f in found)
    assert all(text[f.start : f.end] == f.text for f in found)


@pytest.mark.parametrize(
    "text", ["作为一个AI语言模型，我推荐这款保温杯。", "以下是JSON格式的描述：这款保温杯很好。"]
)
def test_debris_in_chinese(text):
    assert [k for k, _ in errors(text, BOTTLE_ZH, "zh")].count("debris") >= 1


def test_no_debris_in_clean_text_or_in_the_products_own_name():
    assert not [k for k in kinds(CLEAN_EN) if k[0] == "debris"]
    assert not [k for k in kinds(CLEAN_ZH, BOTTLE_ZH, "zh") if k[0] == "debris"]
    prose = "Thanks to the prompt delivery [sic], it arrives in #1 condition: 50% off today."
    assert not [k for k in kinds(prose) if k[0] == "debris"]
    book = Facts.from_product(name="JSON Object Design [2nd edition]")
    text = "JSON Object Design [2nd edition] explains how JSON object models grow."
    assert not [k for k in kinds(text, book) if k[0] == "debris"]


def test_made_up_words():
    assert ("nonword", "palablados") in errors("A palablados bottle in midnight blue.")
    assert ("nonword", "palablados") in errors("这款palablados保温杯很好。", BOTTLE_ZH, "zh")
    assert ("nonword", "㐀") in errors("这款保温杯㐀很好。", BOTTLE_ZH, "zh")


def test_real_words_and_the_records_own_words_are_words():
    text = "A dishwasher-safe Zantrovic bottle, sold in KitchenAid-style café shops."
    assert not [k for k in kinds(text) if k[0] == "nonword"]
    assert not [k for k in kinds("Zantrovic出品的保温杯。", BOTTLE_ZH, "zh") if k[0] == "nonword"]
    assert ("nonword", "Zantrovic") in errors("A Zantrovic mug.", Facts.from_product(name="Mug"))


def test_numbers_not_in_the_record():
    found = errors("Made with 120 exceptional ingredients and a 5-year warranty.")
    assert ("number", "120") in found and ("number", "5-year") in found
    assert ("number", "3个") in errors("送3个杯盖，容量750毫升。", BOTTLE_ZH, "zh")
    assert ("number", "two lids") in errors("It comes with two lids.")


def test_numbers_the_record_supports_are_not_flagged():
    text = "The Trail Bottle 750 holds 0.75 l, costs $24 and is one of our best."
    assert not [k for k in kinds(text) if k[0] == "number"]
    assert not [k for k in kinds(CLEAN_ZH, BOTTLE_ZH, "zh") if k[0] == "number"]


def test_a_contradicted_number_keeps_the_fact_checks_error_and_does_not_block():
    findings = check_draft("It holds 1000 ml.", BOTTLE, "en")
    assert [(f.kind, f.severity) for f in findings] == [("quantity", "error")]
    assert not blocking(findings)


def test_wrong_language():
    assert [k for k, _ in errors(CLEAN_ZH, BOTTLE_ZH, "en")] == ["language"]
    assert [k for k, _ in errors(CLEAN_EN, BOTTLE, "zh")] == ["language"]
    mixed = errors(CLEAN_ZH + "This bottle is great for the office every day.", BOTTLE_ZH, "zh")
    assert ("language", "This bottle is great for the office every day") in mixed
    assert ("language", "好看的杯子") in errors(CLEAN_EN + " 好看的杯子", BOTTLE, "en")
    assert not errors(CLEAN_EN) and not errors(CLEAN_ZH, BOTTLE_ZH, "zh-hans")


def test_repetition_is_a_warning():
    looped = "It keeps drinks cold. " + "It is a great bottle for you. " * 3
    found = [f for f in check_draft(looped, BOTTLE, "en") if f.kind == "repetition"]
    assert found and found[0].severity == "warning" and not blocking(found)
    zh = "这款保温杯非常好用。" * 3
    assert [k for k in kinds(zh, BOTTLE_ZH, "zh") if k[0] == "repetition"]
    assert not [k for k in kinds(CLEAN_EN + " It keeps drinks cold.") if k[0] == "repetition"]


def test_length_out_of_range_is_a_warning():
    short = [f for f in check_draft(CLEAN_EN, BOTTLE, "en", words=120) if f.kind == "length"]
    assert short and short[0].severity == "warning" and (short[0].start, short[0].end) == (0, 0)
    assert not [k for k in kinds(CLEAN_EN, words=20) if k[0] == "length"]
    assert [k for k in kinds(CLEAN_ZH, BOTTLE_ZH, "zh", words=120) if k[0] == "length"]


def test_note_and_reason_name_what_was_wrong():
    findings = check_draft("- ]. A palablados bottle with 120 ingredients.", BOTTLE, "en")
    note = retry_note(findings)
    assert "palablados" in note and "120" in note and "JSON" in note
    reason = failure_reason(findings)
    assert reason.startswith("Failed the quality check") and "palablados" in reason
    assert retry_note(check_draft(CLEAN_EN, BOTTLE, "en")) == ""


def test_the_shops_own_descriptions_have_no_errors():
    from shop.demo_data.catalog import CATEGORIES, PRODUCTS

    names = {c.slug: c.name for c in CATEGORIES}
    checked = 0
    for slug, products in PRODUCTS.items():
        for spec in products:
            if spec.sku not in {"FH-DW-001", "FH-DW-002", "FH-KT-001", "FH-KB-001"}:
                continue
            facts = Facts.from_product(
                name=spec.name, category=names[slug], price=spec.price, currency="USD",
                attributes=spec.attributes,
            )  # fmt: skip
            assert not blocking(check_draft(spec.description, facts, "en")), spec.sku
            checked += 1
    assert checked >= 3


def test_llama_cpp_schema_form_keeps_strings_to_prose():
    prompt = Prompt([{"role": "user", "content": "x"}], "description", SCHEMAS["description"])
    local = SimpleNamespace(supports_json_schema=False)  # llama.cpp's server
    schema = prompt.response_format(local)["schema"]
    assert schema["properties"]["description"]["pattern"] == f"^{PROSE_CHARACTERS}{{20,}}$"
    assert schema["properties"]["bullets"]["items"]["pattern"] == f"^{PROSE_CHARACTERS}{{1,120}}$"
    pattern = re.compile(schema["properties"]["description"]["pattern"])
    assert pattern.match("Holds 750 ml of water, cold all day.")
    assert not pattern.match('Holds 750 ml. - ]. "bullets": [') and not pattern.match("Short.")
    assert "pattern" not in SCHEMAS["description"]["properties"]["description"]
    retry = prompt.with_note("Use only real words.")
    assert retry.messages[-1]["content"] == "x\nUse only real words."
    assert prompt.messages[-1]["content"] == "x"


# --- regenerate once, then failed with the reason ----------------------------------------------


DEBRIS = {"description": "- ]. The items in this JSON are not the actual item", "bullets": []}
CLEAN = {
    "description": "The Trail Bottle holds 750 ml and is made of stainless steel, in "
    "midnight blue. It keeps water cold on long walks and fits a bike's bottle cage.",
    "bullets": ["Stainless steel", "Midnight blue"],
}


def scripted(*bodies):
    """A model that answers content prompts with the given bodies in turn, then the last."""
    calls = []

    def respond(request):
        if request.path != "/v1/chat/completions":
            return None
        calls.append(request.json["messages"][-1]["content"])
        return Reply.text(json.dumps(bodies[min(len(calls), len(bodies)) - 1]))

    return respond, calls


def run_description(products, capture):
    with capture(execute=True):
        job = start_job("description", [p.pk for p in products], {"languages": ["en"]})
    job.refresh_from_db()
    return job


def test_a_draft_that_fails_twice_is_failed_with_the_reason(
    catalog, llm_settings, admin_user, django_capture_on_commit_callbacks
):
    llm_settings.responder, prompts = scripted(DEBRIS)
    job = run_description(catalog[:1], django_capture_on_commit_callbacks)
    draft = job.drafts.get()
    assert len(prompts) == 2  # generated once more, not again and again
    assert "rejected" not in prompts[0] and "The previous draft was rejected" in prompts[1]
    assert "JSON" in prompts[1]
    assert draft.status == Draft.Status.FAILED
    assert draft.error.startswith("Failed the quality check") and "debris" in draft.error
    assert draft.text and any(f["kind"] == "debris" for f in draft.findings)  # kept to be seen
    assert (job.done, job.failed) == (0, 1)
    with pytest.raises(Exception, match="ready for review"):
        publish_draft(draft, admin_user, confirm_findings=True)


def test_staff_see_why_a_draft_failed(
    catalog, llm_settings, admin_client, django_capture_on_commit_callbacks
):
    llm_settings.responder, _ = scripted(DEBRIS)
    draft = run_description(catalog[:1], django_capture_on_commit_callbacks).drafts.get()
    page = admin_client.get(reverse("admin:llmshop_content_draft_change", args=[draft.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-status="failed"' in html
    assert "Failed the quality check: prompt or format debris" in html
    assert "The items in this JSON" in html  # the text and its highlighted debris are shown


def test_a_draft_that_passes_on_the_second_try_is_ready(
    catalog, llm_settings, django_capture_on_commit_callbacks
):
    llm_settings.responder, prompts = scripted(DEBRIS, CLEAN)
    draft = run_description(catalog[:1], django_capture_on_commit_callbacks).drafts.get()
    assert len(prompts) == 2
    assert draft.status == Draft.Status.READY and draft.error == ""
    assert not blocking(draft.findings) and "JSON" not in draft.text


def test_a_clean_draft_is_generated_once(catalog, llm_settings, django_capture_on_commit_callbacks):
    llm_settings.responder, prompts = scripted(CLEAN)
    draft = run_description(catalog[:1], django_capture_on_commit_callbacks).drafts.get()
    assert len(prompts) == 1 and draft.status == Draft.Status.READY
