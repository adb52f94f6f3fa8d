"""The sweeper: replies left pending or streaming end as failed (and can be retried), stale
content jobs are resumed, on the ``llmshop.sweep`` task and when a worker starts."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from celery.signals import worker_ready
from django.utils import timezone

from django_llmshop import sweeper
from django_llmshop.content.models import GenerationJob
from django_llmshop.content.services import STALE_AFTER, start_job
from django_llmshop.support import replies
from django_llmshop.support.endings import sweep_replies
from django_llmshop.support.models import Conversation, Message, StreamEvent
from django_llmshop.support.services import retry_reply
from django_llmshop.support.streambuffer import get_stream_buffer
from django_llmshop.support.streamwriter import StreamWriter
from django_llmshop.tasks import sweep_task
from django_llmshop.testing import Reply

LONG_AGO = timedelta(seconds=301)


@pytest.fixture
def conversation(db):
    return Conversation.objects.create(session_key="sweeper", language="en")


def stuck_reply(conversation, status, age=LONG_AGO):
    Message.objects.create(conversation=conversation, role="user", content="Is it steel?")
    reply = Message.objects.create(conversation=conversation, role="assistant", status=status)
    Message.objects.filter(pk=reply.pk).update(updated_at=timezone.now() - age)
    return reply


def stream_events(reply):
    rows = StreamEvent.objects.filter(message=reply).order_by("seq")
    return [(row.seq, row.kind, json.loads(row.data)) for row in rows]


def test_a_reply_streaming_past_the_timeout_fails_and_its_stream_is_closed(conversation):
    reply = stuck_reply(conversation, Message.Status.STREAMING)
    writer = StreamWriter(get_stream_buffer(), reply.pk)
    writer.token("The bottle is")
    writer.flush()
    fresh = stuck_reply(conversation, Message.Status.PENDING, age=timedelta(seconds=10))

    assert sweep_replies() == 1

    reply.refresh_from_db()
    assert reply.status == Message.Status.FAILED
    assert reply.content == replies.failure_text("en")
    assert reply.error.startswith("SweptReply: streaming for more than 300 s")
    assert reply.finished_at is not None
    events = stream_events(reply)
    assert [(seq, kind) for seq, kind, _ in events] == [(1, "token"), (2, "error")]
    assert events[-1][2]["message"] == reply.content
    fresh.refresh_from_db()
    assert fresh.status == Message.Status.PENDING
    assert sweep_replies() == 0  # nothing left to sweep


def test_the_timeout_is_a_setting(conversation, settings):
    settings.LLMSHOP = {**settings.LLMSHOP, "CHAT_REPLY_TIMEOUT": 5}
    reply = stuck_reply(conversation, Message.Status.PENDING, age=timedelta(seconds=10))
    assert sweep_replies() == 1
    reply.refresh_from_db()
    assert reply.error.startswith("SweptReply: pending for more than 5 s")


def test_a_swept_reply_can_be_retried_and_answered(
    conversation, llm_settings, django_capture_on_commit_callbacks
):
    llm_settings.add(Reply.text("Yes, it is stainless steel."))
    reply = stuck_reply(conversation, Message.Status.PENDING)
    assert sweep_task() == {"budget_holds": 0, "chat_replies": 1, "content_jobs": 0}

    with django_capture_on_commit_callbacks(execute=True):
        assert retry_reply(reply)  # the task runs inline
    reply.refresh_from_db()
    assert (reply.status, reply.content) == (Message.Status.DONE, "Yes, it is stainless steel.")
    assert reply.attempts == 1
    assert sweep_replies() == 0  # the retry restarted its clock


def test_a_worker_that_finishes_after_the_sweep_does_not_overwrite_it(
    conversation, llm_settings, monkeypatch
):
    """The sweeper gave up on a reply whose worker was only slow: the shopper already saw the
    failure, so the late answer is dropped instead of replacing it under their eyes."""
    llm_settings.add(Reply.text("A late answer."))
    reply = stuck_reply(conversation, Message.Status.PENDING, age=timedelta(0))
    search = replies.retrieval.search

    def slow_search(question, *args, **kwargs):
        sweep_replies(now=timezone.now() + LONG_AGO)  # meanwhile, the timeout passes
        return search(question, *args, **kwargs)

    monkeypatch.setattr(replies.retrieval, "search", slow_search)
    assert replies.generate_reply(reply.pk)
    reply.refresh_from_db()
    assert reply.status == Message.Status.FAILED
    assert reply.error.startswith("SweptReply: streaming")
    kinds = [kind for _, kind, _ in stream_events(reply)]
    assert kinds.count("error") == 1 and "done" not in kinds


def test_sweep_resumes_a_stale_content_job(db, llm_settings, django_capture_on_commit_callbacks):
    from tests.content.conftest import copywriter
    from tests.integration.test_fault_matrix import make_products

    llm_settings.responder = copywriter
    products = make_products()
    job = start_job("description", [p.pk for p in products], {"languages": ["en"]})
    # Its chunks were never sent (the transaction's on_commit did not run): a dead worker.
    old = timezone.now() - STALE_AFTER - timedelta(minutes=1)
    GenerationJob.objects.filter(pk=job.pk).update(
        status=GenerationJob.Status.RUNNING, created_at=old, started_at=old, heartbeat_at=old
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert sweeper.sweep() == {"budget_holds": 0, "chat_replies": 0, "content_jobs": 1}
    job.refresh_from_db()
    assert (job.status, job.done, job.attempts) == (GenerationJob.Status.DONE, 2, 1)


def test_a_starting_worker_sweeps(conversation, monkeypatch):
    closed = []
    monkeypatch.setattr(sweeper.connections, "close_all", lambda: closed.append(True))
    reply = stuck_reply(conversation, Message.Status.STREAMING)
    worker_ready.send(sender=None)
    reply.refresh_from_db()
    assert reply.status == Message.Status.FAILED
    assert closed == [True]


def test_one_failing_sweeper_does_not_stop_the_others(conversation, monkeypatch):
    def broken() -> int:
        raise RuntimeError("broken")

    monkeypatch.setitem(sweeper._sweepers, "broken", broken)
    reply = stuck_reply(conversation, Message.Status.PENDING)
    assert sweeper.sweep()["chat_replies"] == 1
    reply.refresh_from_db()
    assert reply.status == Message.Status.FAILED


def test_a_real_worker_sweeps_when_it_starts(request, transactional_db):
    from tests.worker import wait_for

    conversation = Conversation.objects.create(session_key="sweeper", language="en")
    reply = stuck_reply(conversation, Message.Status.STREAMING)
    fresh = stuck_reply(conversation, Message.Status.STREAMING, age=timedelta(seconds=5))
    request.getfixturevalue("celery_worker_process")  # started only now
    wait_for(lambda: Message.objects.get(pk=reply.pk).status == Message.Status.FAILED, 30)
    assert Message.objects.get(pk=fresh.pk).status == Message.Status.STREAMING


def test_the_retry_endpoint_takes_a_swept_reply(
    db, client, llm_settings, django_capture_on_commit_callbacks
):
    from tests.support.conftest import API, start_chat

    llm_settings.add(Reply.text("Yes, it is stainless steel."))
    conversation = Conversation.objects.get(pk=start_chat(client))
    reply = stuck_reply(conversation, Message.Status.STREAMING)
    retry = f"{API}/messages/{reply.pk}/retry/"
    assert client.post(retry).status_code == 409  # still streaming: nothing to retry yet
    assert sweep_replies() == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry)
    assert response.status_code == 202
    answer = client.get(f"{API}/messages/{reply.pk}/").json()
    assert (answer["status"], answer["content"]) == ("done", "Yes, it is stainless steel.")
