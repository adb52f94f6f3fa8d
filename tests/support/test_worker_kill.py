"""A chat worker killed with SIGKILL while replies stream: after a restart every shopper's message
has exactly one finished reply (a redelivered task restarts the reply it had claimed).

On Redis and on RabbitMQ, whose redelivery of a dead worker's messages differs (a visibility
timeout; the closed connection)."""

from __future__ import annotations

import itertools
import os
import signal
import time
from collections import Counter

import pytest
from django.db import transaction
from django.db.models import Count, Q

from django_llmshop.support.models import Conversation, Message
from django_llmshop.support.tasks import enqueue_reply
from django_llmshop.testing import Reply
from tests import worker_settings
from tests.conftest import missing_service
from tests.worker import (
    BROKERS,
    database_url,
    own_queues,
    real_broker,
    redelivery_options,
    wait_for,
    worker_process,
)

pytestmark = pytest.mark.slow

REPLIES = 50
#: Replies the first worker finishes before the rest stall mid-stream until it is killed.
FINISHED_BEFORE_KILL = 6
#: No number in it, so the reply's fact check has nothing to correct: the stored text is this.
ANSWER = (
    "Yes, the bottle is safe in the dishwasher, on the top rack. Hand washing keeps the "
    "lid seal soft for longer, and the care guide on our help pages has the details."
)


def settled_counts(quiet: float = 10.0) -> dict[str, int] | None:
    """The counts once every reply is done, or once nothing has changed for ``quiet`` seconds
    (the worker has nothing left to do); None while replies are still moving."""
    counts = status_counts()
    if counts["done"] == REPLIES:
        return counts
    seen = _last_seen.get("counts")
    now = time.monotonic()
    if seen is None or seen[0] != counts:
        _last_seen["counts"] = (counts, now)
        return None
    return counts if now - seen[1] >= quiet else None


_last_seen: dict[str, tuple[dict[str, int], float]] = {}


def recover_lost_replies() -> int:
    """Sweep the replies no worker will finish and retry each, as the sweeper and the widget's
    retry button do; returns how many were retried."""
    from datetime import timedelta

    from django.utils import timezone

    from django_llmshop.support.endings import sweep_replies
    from django_llmshop.support.services import retry_reply

    sweep_replies(now=timezone.now() + timedelta(hours=1))
    failed = Message.objects.filter(role=Message.Role.ASSISTANT, status=Message.Status.FAILED)
    return sum(retry_reply(message) for message in failed)


def status_counts() -> dict[str, int]:
    replies = Message.objects.filter(role=Message.Role.ASSISTANT)
    return replies.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in Message.Status.values}
    )


@pytest.mark.parametrize("broker_kind", BROKERS)
def test_kill_9_mid_replies_then_restart_finishes_each_reply_once(
    transactional_db, tmp_path, llm_server, settings, broker_kind
):
    broker = real_broker(broker_kind)
    if database_url() is None:
        missing_service("a worker needs a file or server database")
    # Every reply streams for a second or so. After the first FINISHED_BEFORE_KILL, each stalls
    # mid-stream until the kill: the worker's threads are then certainly mid-reply when it dies
    # (a reply that happened to end between the check and the kill left none interrupted).
    llm_server.default = Reply.text(ANSWER, token_delay=0.04)
    served = itertools.count()

    def stall_after_the_first_replies(request: object) -> Reply | None:
        if next(served) < FINISHED_BEFORE_KILL:
            return None
        return Reply.stall_mid_stream(after_chunks=2, seconds=120, text=ANSWER)

    llm_server.responder = stall_after_the_first_replies

    with own_queues(broker, "llmshop-chat") as (queue,):
        settings.LLMSHOP = {
            **worker_settings.LLMSHOP,
            "ENDPOINTS": {
                "default": {
                    "BASE_URL": llm_server.base_url,
                    "MODEL": "fake-model",
                    "MAX_RETRIES": 0,
                }
            },
            "CHAT_QUEUE": queue,
        }
        run = {
            "pool": "threads",
            "concurrency": 4,
            "queues": queue,
            "env": {"LLMSHOP_TEST_FAKE_URL": llm_server.base_url},
            "settings_module": "tests.worker_settings",
            "broker": broker,
            # Redis hands out again a message held unacknowledged past its visibility timeout,
            # even by a live worker: one message a thread (no prefetched backlog waiting), and
            # a timeout well above one reply's length, so only the dead worker's come back.
            "transport_options": redelivery_options(broker, visibility_timeout=6),
            "prefetch_multiplier": 1,
        }
        with worker_process(tmp_path / "first", **run) as first:
            with transaction.atomic():  # the tasks are sent when it commits
                for n in range(REPLIES):
                    conversation = Conversation.objects.create(session_key=f"kill-test-{n}")
                    Message.objects.create(
                        conversation=conversation,
                        role=Message.Role.USER,
                        content="Can the bottle go in the dishwasher?",
                    )
                    reply = Message.objects.create(
                        conversation=conversation,
                        role=Message.Role.ASSISTANT,
                        status=Message.Status.PENDING,
                    )
                    enqueue_reply(reply.pk)

            def mid_way():
                counts = status_counts()
                return counts["done"] >= 5 and counts["streaming"] >= 1

            wait_for(mid_way)
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
        llm_server.responder = None  # the restarted worker's calls answer in full
        at_kill = status_counts()
        interrupted = set(
            Message.objects.filter(status=Message.Status.STREAMING).values_list("pk", flat=True)
        )
        assert at_kill["done"] < REPLIES and interrupted, at_kill

        with worker_process(tmp_path / "second", **run):
            _last_seen.clear()
            settled = wait_for(settled_counts, timeout=180)
            lost = REPLIES - settled["done"]
            if lost and broker_kind == "redis":
                # Redis moves a message to its unacknowledged set only after popping it from the
                # queue: a kill between the two loses it. Such a reply is what the sweeper is
                # for: it fails it with the reason, and the shopper's retry finishes it.
                assert lost <= 8, settled  # at most what the dead worker had taken
                recovered = recover_lost_replies()
                assert recovered == lost, (recovered, settled)
                wait_for(lambda: status_counts()["done"] == REPLIES, timeout=120)

    assert status_counts() == {"pending": 0, "streaming": 0, "done": REPLIES, "failed": 0}
    replies = Message.objects.filter(role=Message.Role.ASSISTANT)
    per_conversation = Counter(replies.values_list("conversation_id", flat=True))
    assert len(per_conversation) == REPLIES and set(per_conversation.values()) == {1}
    assert set(replies.values_list("content", flat=True)) == {ANSWER}
    # The replies cut off by the kill were claimed again by their redelivered task.
    retried = replies.filter(attempts__gte=2).values_list("pk", flat=True)
    assert interrupted <= set(retried), (interrupted, sorted(retried))
    assert at_kill["done"] >= 5
