"""The "shop" scenario of the fake server: content, chat and re-ranking succeed against it,
as they would against a model, without scripting a single reply."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from io import StringIO
from typing import Any

import httpx
import pytest
from django.core.cache import cache
from django.core.management import call_command

from django_llmshop.content.models import Draft, GenerationJob
from django_llmshop.content.services import start_job
from django_llmshop.models import LLMCall
from django_llmshop.recommend.rerank import rerank
from django_llmshop.support.models import Conversation, Message
from django_llmshop.support.replies import generate_reply
from django_llmshop.testing.scenario import shop_responder
from shop.models import Product, Review
from tests.support.conftest import new_reply


@pytest.fixture
def scenario(db: None, llm_settings: Any, settings: Any) -> Any:
    """The demo shop, its help pages indexed, and the fake server in the shop scenario."""
    call_command("load_demo_shop", stdout=StringIO())
    call_command("llmshop_index_knowledge", stdout=StringIO())
    cache.clear()
    llm_settings.responder = shop_responder
    return llm_settings


def use_endpoint(settings: Any, **keys: Any) -> None:
    endpoints = settings.LLMSHOP["ENDPOINTS"]
    settings.LLMSHOP = {
        **settings.LLMSHOP,
        "ENDPOINTS": {name: {**conf, **keys} for name, conf in endpoints.items()},
    }


def varied_products() -> list[Any]:
    """Two plain products and those whose facts hold lists and yes/no values."""
    products = list(Product.objects.order_by("pk"))
    varied = [p for p in products if any(isinstance(v, list | bool) for v in p.attributes.values())]
    assert len(varied) >= 4  # the demo shop has them: the test covers them
    return products[:2] + varied[:6]


def run_job(kind: str, products: list[Any], options: dict[str, Any], capture: Any) -> Any:
    with capture(execute=True):
        job = start_job(kind, [p.pk for p in products], options, None)
    job.refresh_from_db()
    return job


@pytest.mark.parametrize("json_schema", [True, False], ids=["json-schema", "llama-cpp-schema"])
@pytest.mark.parametrize(
    ("kind", "options"),
    [
        ("description", {"languages": ["en", "zh-hans"]}),
        ("seo", {}),
        ("marketing", {"channel": "search_ad", "variants": 2}),
        ("marketing", {"channel": "email"}),
        ("marketing", {"channel": "social"}),
    ],
    ids=["description", "seo", "search-ad", "email", "social"],
)
def test_generated_drafts_pass_the_quality_gate(
    scenario: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
    kind: str,
    options: dict[str, Any],
    json_schema: bool,
) -> None:
    use_endpoint(settings, SUPPORTS_JSON_SCHEMA=json_schema)
    products = varied_products()
    job = run_job(kind, products, options, django_capture_on_commit_callbacks)
    drafts = list(Draft.objects.filter(job=job))
    assert drafts, "the job made no drafts"
    assert [(d.product_id, d.status, d.error) for d in drafts if d.status != "ready"] == []
    assert job.status == GenerationJob.Status.DONE
    assert (job.done, job.failed) == (job.total, 0)
    assert all(d.text.strip() for d in drafts)


@pytest.mark.parametrize("kind", ["description", "seo"])
def test_translations_of_the_shops_text_pass_the_quality_gate(
    scenario: Any, django_capture_on_commit_callbacks: Any, kind: str
) -> None:
    products = list(Product.objects.order_by("pk")[:3])
    for product in products:
        product.description = f"The {product.name} is made to last."
        product.seo_title, product.seo_description = product.name, f"Buy the {product.name}."
        product.save()
    options = {"translate_from": "en", "languages": ["zh-hans"]}
    job = run_job(kind, products, options, django_capture_on_commit_callbacks)
    drafts = list(Draft.objects.filter(job=job))
    assert len(drafts) == len(products)
    assert [(d.status, d.error) for d in drafts if d.status != "ready"] == []


def test_review_summaries_quote_the_reviews(
    scenario: Any, django_capture_on_commit_callbacks: Any
) -> None:
    reviewed = Product.objects.filter(pk__in=Review.objects.values("product")).order_by("pk")[:2]
    job = run_job("review_summary", list(reviewed), {}, django_capture_on_commit_callbacks)
    drafts = list(Draft.objects.filter(job=job))
    assert len(drafts) == len(reviewed) and {d.status for d in drafts} == {"ready"}
    titles = set(Review.objects.filter(product__in=reviewed).values_list("title", flat=True))
    for draft in drafts:
        quoted = draft.parts["pros"] + draft.parts["cons"]
        assert quoted and set(quoted) <= titles  # taken from the reviews, never invented


@pytest.mark.parametrize(
    ("question", "tool"),
    [
        ("Where is my order?", "list_my_orders"),
        ("Can I return an opened item?", "read_policy"),
        ("Do you have an insulated bottle?", "search_catalog"),
        ("I want to talk to a person", None),  # the app hands over without the model
        ("Hi", None),
    ],
)
@pytest.mark.parametrize("capability", ["capable", "small"])
def test_chat_replies_are_done_with_text(
    scenario: Any, settings: Any, question: str, tool: str | None, capability: str
) -> None:
    from django.contrib.auth import get_user_model

    use_endpoint(settings, CAPABILITY=capability)
    alice = get_user_model().objects.get(username="alice")
    reply = new_reply(Conversation.objects.create(user=alice), question)
    assert generate_reply(reply.pk) is True
    reply.refresh_from_db()
    assert (reply.status, reply.error) == (Message.Status.DONE, "")
    assert reply.content.strip()
    assert "couldn't find an answer" not in reply.content
    if capability == "capable" and tool is not None:
        assert [call["name"] for call in reply.tool_calls] == [tool]
    assert not LLMCall.objects.exclude(status="ok").exists()


def test_a_staff_reply_draft_is_written(scenario: Any) -> None:
    from django.contrib.auth import get_user_model

    from django_llmshop.support.models import ReplySuggestion
    from django_llmshop.support.suggestions import draft_suggestion

    alice = get_user_model().objects.get(username="alice")
    conversation = Conversation.objects.create(user=alice)
    Message.objects.create(conversation=conversation, role="user", content="My mug arrived broken.")
    suggestion = ReplySuggestion.objects.create(conversation=conversation)
    assert draft_suggestion(suggestion.pk) is True
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.error) == (ReplySuggestion.Status.DONE, "")
    assert "Our team will check this" in suggestion.text  # the staff draft, not the echo


def test_a_reranking_orders_every_candidate_with_a_reason(scenario: Any) -> None:
    products = list(Product.objects.select_related("category").order_by("pk"))
    seen, candidates = products[0], products[1:9]
    assert rerank("scenario-key", [str(seen.pk)], [str(p.pk) for p in candidates], "en") is True
    ranked = cache.get("scenario-key")
    assert "skipped" not in ranked
    assert sorted(ranked["order"]) == sorted(str(p.pk) for p in candidates)
    assert set(ranked["reasons"]) == {str(p.pk) for p in candidates}
    same = [str(p.pk) for p in candidates if p.category_id == seen.category_id]
    assert ranked["order"][: len(same)] == same  # the category the shopper saw comes first


def test_the_command_line_runs_the_scenario() -> None:
    command = [sys.executable, "-m", "django_llmshop.testing", "--port", "0"]
    with subprocess.Popen(
        [*command, "--scenario", "shop"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            assert process.stdout is not None
            base_url = process.stdout.readline().strip()
            schema = {
                "type": "object",
                "properties": {"seo_title": {"type": "string", "maxLength": 60}},
            }
            body = {
                "messages": [
                    {"role": "system", "content": "Write in English."},
                    {"role": "user", "content": "Product record:\n- Name: Trail Bottle\n"},
                ],
                "response_format": {
                    "type": "json_schema",
                    "json_schema": {"name": "seo", "schema": schema},
                },
            }
            response = httpx.post(f"{base_url}/chat/completions", json=body, timeout=10)
            content = response.json()["choices"][0]["message"]["content"]
            assert json.loads(content) == {"seo_title": "Trail Bottle"}
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0


def test_copy_is_cut_to_its_limit_between_words() -> None:
    from django_llmshop.testing.scenario_content import clip

    assert clip("Steel bottle for cold drinks", 14) == "Steel bottle"
    assert clip("Steel bottle for cold drinks", 13) == "Steel bottle"
    assert clip("Trail Bottle，精心之选，做工用心", 16) == "Trail Bottle，精心之"
    assert clip("short", 30) == "short"
