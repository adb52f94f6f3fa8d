"""Re-ranking with a model: in a task, cached, and never an error for the shopper."""

from __future__ import annotations

import pytest
from django.test import Client

from django_llmshop.models import LLMCall
from django_llmshop.recommend.services import recommend_for
from django_llmshop.recommend.training import train
from django_llmshop.testing import Reply

from .conftest import add_events


@pytest.fixture
def rerank(history, llm_settings, settings, django_capture_on_commit_callbacks):
    """Re-ranking on, with the fake model; training done; "me" has viewed bottle 0."""
    settings.LLMSHOP = {
        **settings.LLMSHOP,
        "RECOMMEND_RERANK": True,
        "RECOMMEND_RERANK_CANDIDATES": 4,
    }
    train()
    add_events("me", [history.bottles[0]])
    return llm_settings


def serve_twice(capture, k=4):
    """The first request serves the candidates and enqueues the re-rank; the second, after
    the task ran, serves its result."""
    with capture(execute=True):
        first = recommend_for("me", k=k)
    return first, recommend_for("me", k=k)


def ids(items):
    return [r.product_id for r in items]


def test_a_reranking_reorders_and_explains(rerank, history, django_capture_on_commit_callbacks):
    b = history.bottles
    first_ids = ids(recommend_for("me", k=4, rerank=False))
    wanted = [first_ids[2], first_ids[0]]
    rerank.add(Reply.json({"ranking": [
        {"product_id": wanted[0], "reason": "Pairs well with the bottle you looked at."},
        {"product_id": wanted[1], "reason": "The next size up.\nReally."},
    ]}))  # fmt: skip
    first, second = serve_twice(django_capture_on_commit_callbacks)
    assert ids(first) == first_ids  # served at once, in the candidates' order
    assert first[0].reason == f"Because you viewed {b[0].name}"
    assert ids(second) == wanted + [i for i in first_ids if i not in wanted]
    assert second[0].reason == "Pairs well with the bottle you looked at."
    assert second[1].reason == "The next size up. Really."  # one line
    assert second[2].reason == first[1].reason  # the default reason where the model gave none
    call = LLMCall.objects.get()
    assert (call.purpose, call.status) == ("recommend", "ok")
    assert len(rerank.requests) == 1
    recommend_for("me", k=4)  # cached: no second call
    assert len(rerank.requests) == 1


def test_unknown_ids_are_dropped_and_missing_ones_appended(
    rerank, django_capture_on_commit_callbacks
):
    first_ids = ids(recommend_for("me", k=4, rerank=False))
    rerank.add(Reply.json({"ranking": [
        {"product_id": "424242", "reason": "An invented product."},
        {"product_id": first_ids[3], "reason": "Last becomes first."},
        {"product_id": first_ids[3], "reason": "Twice."},
    ]}))  # fmt: skip
    _, second = serve_twice(django_capture_on_commit_callbacks)
    assert ids(second) == [first_ids[3], *first_ids[:3]]
    assert second[0].reason == "Last becomes first."


@pytest.mark.parametrize(
    "replies, error",
    [
        ([Reply.text("Sure! Here is my ranking: first the bottle"), Reply.text("no")],
         "OutputValidationError"),
        ([Reply.malformed_json()], "LLMResponseError"),
    ],
)  # fmt: skip
def test_bad_json_serves_the_candidates(rerank, django_capture_on_commit_callbacks, replies, error):
    rerank.add(*replies)
    first, second = serve_twice(django_capture_on_commit_callbacks)
    assert ids(second) == ids(first) and len(first) == 4
    call = LLMCall.objects.get()
    assert (call.status, call.error_class) == ("error", error)


def test_a_stalled_model_times_out_and_the_candidates_are_served(
    rerank, settings, django_capture_on_commit_callbacks
):
    endpoint = {**settings.LLMSHOP["ENDPOINTS"]["default"], "TIMEOUT": 0.3, "MAX_RETRIES": 0}
    settings.LLMSHOP = {**settings.LLMSHOP, "ENDPOINTS": {"default": endpoint}}
    rerank.add(Reply.stall(5))
    first, second = serve_twice(django_capture_on_commit_callbacks)
    assert ids(second) == ids(first) and len(first) == 4
    call = LLMCall.objects.get()
    assert (call.status, call.error_class) == ("error", "LLMTimeoutError")
    assert call.latency_ms < 3000


def test_a_spent_budget_skips_the_model(rerank, settings, django_capture_on_commit_callbacks):
    settings.LLMSHOP = {**settings.LLMSHOP, "DAILY_BUDGETS": {"recommend": 0}}
    first, second = serve_twice(django_capture_on_commit_callbacks)
    assert ids(second) == ids(first)
    assert rerank.requests == [] and not LLMCall.objects.exists()


def test_the_block_polls_once_for_the_reranked_reasons(
    rerank, history, django_capture_on_commit_callbacks
):
    client = Client()
    session = client.session
    session["llmshop_shopper"] = "me"
    session.save()
    first_ids = ids(recommend_for("me", k=4, rerank=False))
    rerank.add(Reply.json({"ranking": [{"product_id": first_ids[1], "reason": "Try this one."}]}))
    with django_capture_on_commit_callbacks(execute=True):
        pending = client.get("/llmshop/api/recommendations/block/?limit=4")
    body = pending.content.decode()
    assert 'data-pending="true"' in body and "polled=1" in body
    done = client.get("/llmshop/api/recommendations/block/?limit=4&polled=1").content.decode()
    assert "Try this one." in done and "hx-get" not in done
