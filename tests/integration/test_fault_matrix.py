"""Every request ends: each fault of the fake endpoint against each purpose, tasks inline.

A cell passes when the work ends as done or failed (a reply never left pending or streaming, a
job never left running), nothing a shopper or a reviewer sees holds NUL, a lone surrogate or a
control character, and the call log accounts for every HTTP request exactly once: one row per
call, whose ``retries`` count the requests beyond its first.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from django.core.cache import cache

from django_llmshop.content.models import Draft, GenerationJob
from django_llmshop.content.services import start_job
from django_llmshop.models import LLMCall
from django_llmshop.recommend.rerank import rerank
from django_llmshop.support.models import Conversation, KnowledgeDocument, Message, StreamEvent
from django_llmshop.support.replies import generate_reply
from django_llmshop.support.retrieval import index_document, vectors
from django_llmshop.support.tasks import enqueue_reply
from shop.models import Category, Product, Review
from tests.conftest import missing_service
from tests.integration.faultkit import FAULTS, Fault, Model, unwanted_in

CONTENT_KINDS = ["description", "seo", "marketing", "review_summary"]
PURPOSES = ["chat", *CONTENT_KINDS, "rerank", "embeddings"]


def cells() -> list[Any]:
    found = []
    for fault in FAULTS:
        for purpose in PURPOSES:
            kind = "chat" if purpose == "chat" else "embed" if purpose == "embeddings" else "json"
            script = getattr(fault, kind)
            if script is not None:
                found.append(pytest.param(fault, purpose, id=f"{fault.name}-{purpose}"))
    return found


def make_products() -> list[Product]:
    """Two bottles with three reviews each."""
    category = Category.objects.create(name="Drinkware", slug="drinkware")
    made = []
    for n in (1, 2):
        product = Product.objects.create(
            category=category,
            name=f"Trail Bottle {n}",
            slug=f"trail-bottle-{n}",
            sku=f"TB-{n}",
            price=Decimal("24.00"),
            stock=5,
            description="A stainless steel bottle, 750 ml.",
            attributes={"capacity": "750 ml", "material": "stainless steel"},
        )
        for r in range(3):
            Review.objects.create(
                product=product, rating=4, title=f"R{r}", body="Keeps it cold.", author_name="A"
            )
        made.append(product)
    return made


@pytest.fixture
def products(db) -> list[Product]:
    return make_products()


def configure(settings: Any, server: Any, fault: Fault, purpose: str) -> None:
    settings.LLMSHOP = {
        "ENDPOINTS": {
            "default": {
                "BASE_URL": server.base_url,
                "API_KEY": "sk-test",
                "MODEL": server.model,
                "TIMEOUT": 1.0,
                "CONNECT_TIMEOUT": 5.0,  # the fake accepts at once; no fault stalls a connect
                "MAX_RETRIES": fault.max_retries,
                "MAX_CONCURRENCY": 4,
            }
        },
        "PURPOSES": {"embedding": "default" if purpose == "embeddings" else None},
        "RETRY_AFTER_CAP": 1.0,
        "CHAT_MAX_TOOL_STEPS": 2,
    }


def assert_one_row_per_attempt(server: Any, purpose: str, path: str) -> list[LLMCall]:
    rows = list(LLMCall.objects.filter(purpose=purpose))
    requests = [r for r in server.requests if r.path == path]
    assert rows, "no call-log row"
    assert sum(1 + row.retries for row in rows) == len(requests), [
        (row.status, row.error_class, row.retries) for row in rows
    ]
    return rows


def pending_reply() -> Message:
    conversation = Conversation.objects.create(session_key="matrix", language="en")
    Message.objects.create(conversation=conversation, role="user", content="Is it steel?")
    return Message.objects.create(
        conversation=conversation, role="assistant", status=Message.Status.PENDING
    )


def check_reply(server: Any, reply: Message) -> None:
    reply.refresh_from_db()
    assert reply.status in (Message.Status.DONE, Message.Status.FAILED), reply.status
    assert reply.content.strip(), "an empty reply"
    events = [
        json.loads(data)
        for data in StreamEvent.objects.filter(message=reply).values_list("data", flat=True)
    ]
    assert events, "the stream was never closed"
    shown = [reply.content, reply.error, reply.tool_calls, reply.citations, events]
    assert unwanted_in(shown) == []
    rows = assert_one_row_per_attempt(server, "support", "/v1/chat/completions")
    assert reply.llm_call_id in {row.pk for row in rows}


def check_job(server: Any, job: GenerationJob) -> None:
    job.refresh_from_db()
    assert job.status in (GenerationJob.Status.DONE, GenerationJob.Status.FAILED), job.status
    assert job.done + job.failed == job.total
    drafts = list(Draft.objects.filter(job=job))
    assert len(drafts) == job.total
    assert {d.status for d in drafts} <= {Draft.Status.READY, Draft.Status.FAILED}
    assert unwanted_in([[d.text, d.parts, d.error, d.findings] for d in drafts]) == []
    for draft in drafts:
        assert draft.text.strip() if draft.status == Draft.Status.READY else draft.error
    assert_one_row_per_attempt(server, "content", "/v1/chat/completions")


def run_chat(server: Any) -> None:
    reply = pending_reply()
    assert generate_reply(reply.pk)
    check_reply(server, reply)


def run_content(server: Any, products: list[Product], kind: str, capture: Any) -> None:
    with capture(execute=True):
        job = start_job(kind, [p.pk for p in products], {"languages": ["en"]})
    check_job(server, job)


def run_rerank(server: Any, products: list[Product]) -> None:
    ids = [str(p.pk) for p in products]
    key = "llmshop:test:matrix"
    cache.delete(key)
    rerank(key, ids[:1], ids, "en")
    ranking = cache.get(key)
    assert ranking is not None, "no ranking and no fallback was cached"
    assert sorted(ranking["order"]) == sorted(ids)
    assert unwanted_in(ranking) == []
    assert_one_row_per_attempt(server, "recommend", "/v1/chat/completions")


def run_embeddings(server: Any) -> None:
    document = KnowledgeDocument.objects.create(
        title="Returns", body="You can return unused items within 30 days for a refund."
    )
    count = index_document(document)
    document.refresh_from_db()
    assert count >= 1 and document.indexed_at is not None
    stored = list(document.chunks.values_list("vector", flat=True))
    assert len(stored) == count
    for raw in stored:
        if raw is not None:
            assert vectors.usable([np.frombuffer(bytes(raw), dtype=np.float32).tolist()], 1)
    assert_one_row_per_attempt(server, "embedding", "/v1/embeddings")


@pytest.mark.parametrize(("fault", "purpose"), cells())
def test_every_request_ends(
    fault, purpose, products, llm_server, settings, django_capture_on_commit_callbacks
):
    configure(settings, llm_server, fault, purpose)
    model = Model()
    llm_server.responder = model
    kind = "chat" if purpose == "chat" else "embed" if purpose == "embeddings" else "json"
    getattr(fault, kind)(llm_server, model)
    if purpose == "chat":
        run_chat(llm_server)
    elif purpose in CONTENT_KINDS:
        run_content(llm_server, products, purpose, django_capture_on_commit_callbacks)
    elif purpose == "rerank":
        run_rerank(llm_server, products)
    else:
        run_embeddings(llm_server)


# --- on a real worker -------------------------------------------------------------------------


@contextmanager
def start_worker(tmp_path: Any, server: Any, broker: str) -> Iterator[Any]:
    """A real worker on ``broker`` ("redis" or "rabbitmq") whose endpoint is ``server`` (read
    timeout 1 s), taking the default and chat queues of this test alone."""
    from tests.worker import database_url, own_queues, real_broker, worker_process

    url = real_broker(broker)
    if database_url() is None:
        missing_service("a worker needs a file or server database")
    env = {"LLMSHOP_TEST_FAKE_URL": server.base_url, "LLMSHOP_TEST_TIMEOUT": "1"}
    with (
        own_queues(url, "llmshop-faults") as (queue,),
        worker_process(tmp_path, broker=url, queues=queue, default_queue=queue, env=env) as process,
    ):
        yield process


#: A representative subset of the matrix, run by the worker's own processes.
WORKER_CELLS = [
    ("chat", "NUL in text"),
    ("chat", "stall"),
    ("chat", "endless tool calls"),
    ("description", "NUL in text"),
]


@pytest.mark.parametrize("broker", ["redis", "rabbitmq"])
def test_faults_on_a_real_worker(broker, tmp_path, llm_settings, transactional_db):
    with start_worker(tmp_path, llm_settings, broker):
        run_worker_cells(llm_settings)


def run_worker_cells(llm_settings: Any) -> None:
    from tests.worker import wait_for

    products = make_products()
    faults = {fault.name: fault for fault in FAULTS}
    for purpose, name in WORKER_CELLS:
        llm_settings.reset()  # forgets the requests counted for the cell before
        LLMCall.objects.all().delete()
        model = Model()
        llm_settings.responder = model
        script = faults[name].chat if purpose == "chat" else faults[name].json
        assert script is not None
        script(llm_settings, model)
        if purpose == "chat":
            reply = pending_reply()
            enqueue_reply(reply.pk)
            wait_for(lambda r=reply: Message.objects.get(pk=r.pk).is_final, timeout=30)
            check_reply(llm_settings, reply)
        else:
            job = start_job(purpose, [p.pk for p in products], {"languages": ["en"]})
            wait_for(lambda j=job: GenerationJob.objects.get(pk=j.pk).finished, timeout=30)
            check_job(llm_settings, job)
