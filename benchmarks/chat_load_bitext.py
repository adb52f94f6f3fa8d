"""Chat under load with real shopper messages: every message one reply, and the handoff rate.

Messages come from the Bitext customer-support sample (``../shared/data/support_bitext``, read
at run time, never copied into the repository). Each message is posted by its own anonymous
shopper (own session, own IP address) through the chat API: POST a conversation, POST the
message. A real Celery worker (threads pool, queue ``llmshop_chat``) generates the replies
against the fake endpoint, scripted by :func:`shop_model`, which decides like a model with
tools might, from the words of the message: it calls ``handoff_to_human`` when the shopper
complains, asks about a refund or asks for a person, and answers plainly otherwise. The
package runs the tool, opens the handoff and finishes the reply; this measures that path.

Prints messages, replies, failures, elapsed time, and the handoff rate by intent group.
Needs PostgreSQL and Redis (a scratch test database is created and dropped)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench REDIS_URL=redis://127.0.0.1:6379/15 \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/15 python benchmarks/chat_load_bitext.py
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.chat_load_parts import require_servers  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "support_bitext"
API = "/llmshop/api/chat"

#: Bitext intents about complaints and refunds: the shopper's money or grievance.
COMPLAINT_REFUND = frozenset({"complaint", "get_refund", "track_refund", "check_refund_policy"})
#: Bitext intents that ask for a person or the service desk.
CONTACT = frozenset({"contact_human_agent", "contact_customer_service"})

#: Words on which the fake model hands the chat to a person (a crude stand-in for a model).
HANDOFF_WORDS = re.compile(
    r"complain|reclamation|\bclaim\b|grievance|dissatisf|unhappy|"
    r"refund|reimb|rebat|compensation|restitution|money back|my money|"
    r"speak (?:to|with)|talk (?:to|with)|human|\bagent\b|operator|representative|"
    r"a person|someone|manager",
    re.IGNORECASE,
)
PLAIN_ANSWER = (
    "Thanks for your message. I can help with orders, delivery, returns and your account. "
    "You will find the details in our help pages, and I am happy to explain any step."
)
AFTER_HANDOFF = "I have asked a person from our support team to join; they will reply here."


@dataclass(frozen=True)
class ShopperMessage:
    text: str
    intent: str
    category: str


def intent_group(intent: str) -> str:
    if intent in COMPLAINT_REFUND:
        return "complaint/refund"
    if intent in CONTACT:
        return "contact"
    return "other"


def data_file() -> Path | None:
    """The Bitext CSV, or None where the shared data folder is absent."""
    found = sorted(DATA.glob("*.csv")) if DATA.is_dir() else []
    return found[0] if found else None


def load_messages(path: Path, count: int, seed: int = 7) -> list[ShopperMessage]:
    """``count`` messages sampled at random (with ``seed``) from the Bitext file."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [
            ShopperMessage(row["instruction"].strip(), row["intent"], row["category"])
            for row in csv.DictReader(handle)
            if row["instruction"].strip()
        ]
    return random.Random(seed).sample(rows, min(count, len(rows)))


def wants_person(text: str) -> bool:
    return bool(HANDOFF_WORDS.search(text))


def shop_model(request: Any) -> Any:
    """The fake model's decision for one chat completion request (a FakeLLMServer responder)."""
    from django_llmshop.testing import Reply

    body = request.json or {}
    messages = body.get("messages") or []
    last = messages[-1] if messages else {}
    if last.get("role") == "tool":
        return Reply.text(AFTER_HANDOFF)
    offered = {tool["function"]["name"] for tool in body.get("tools") or []}
    question = str(last.get("content") or "")
    if "handoff_to_human" in offered and wants_person(question):
        return Reply.tool_calls(("handoff_to_human", {"reason": question[:200]}))
    return Reply.text(PLAIN_ANSWER)


def post_message(index: int, message: ShopperMessage) -> tuple[int, int, int]:
    """One anonymous shopper asks one question: (conversation id, reply id, HTTP status)."""
    from django.db import connection
    from django.test import Client

    client = Client(REMOTE_ADDR=f"10.{index // 62500}.{index // 250 % 250}.{index % 250 + 1}")
    try:
        conversation = client.post(f"{API}/conversations/").json()["id"]
        response = client.post(
            f"{API}/conversations/{conversation}/messages/",
            {"content": message.text},
            content_type="application/json",
        )
        reply = response.json().get("id", 0) if response.status_code == 202 else 0
        return int(conversation), int(reply), response.status_code
    finally:
        connection.close()


@dataclass
class Figures:
    messages: int
    replies: int
    pending: int
    failed: int
    not_one_reply: list[int]
    handoff_mismatch: list[int]
    handed_off: dict[str, tuple[int, int]]  # group -> (handed off, conversations)
    by_intent: dict[str, tuple[int, int]]


def collect(conversations: list[tuple[int, ShopperMessage]]) -> Figures:
    """Count replies per shopper message, and handoffs per intent, from the database."""
    from django_llmshop.support.models import Conversation, Handoff, Message

    ids = [pk for pk, _ in conversations]
    replies_to: dict[int, int] = defaultdict(int)  # user message id -> assistant replies
    statuses: Counter[str] = Counter()
    user_messages = 0
    current: int | None = None  # the shopper message that the next reply answers
    last_conversation = None
    rows = Message.objects.filter(conversation_id__in=ids).order_by("conversation_id", "pk")
    for conversation_id, pk, role, status in rows.values_list(
        "conversation_id", "pk", "role", "status"
    ):
        if conversation_id != last_conversation:
            current, last_conversation = None, conversation_id
        if role == Message.Role.USER:
            current = pk
            replies_to.setdefault(pk, 0)
            user_messages += 1
        elif role == Message.Role.ASSISTANT:
            statuses[status] += 1
            if current is not None:
                replies_to[current] += 1
    not_one = [pk for pk, n in replies_to.items() if n != 1]
    handed = set(
        Handoff.objects.filter(conversation_id__in=ids).values_list("conversation_id", flat=True)
    )
    status_of = dict(Conversation.objects.filter(pk__in=ids).values_list("pk", "status"))
    mismatch = [
        pk
        for pk, message in conversations
        if wants_person(message.text)
        != (pk in handed and status_of.get(pk) == Conversation.Status.HANDED_OFF)
    ]
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    intents: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for pk, message in conversations:
        for table, key in ((groups, intent_group(message.intent)), (intents, message.intent)):
            table[key][0] += pk in handed
            table[key][1] += 1
    return Figures(
        messages=user_messages,
        replies=sum(statuses.values()),
        pending=statuses[Message.Status.PENDING] + statuses[Message.Status.STREAMING],
        failed=statuses[Message.Status.FAILED],
        not_one_reply=not_one,
        handoff_mismatch=mismatch,
        handed_off={k: (v[0], v[1]) for k, v in sorted(groups.items())},
        by_intent={k: (v[0], v[1]) for k, v in sorted(intents.items())},
    )


def rate_lines(figures: Figures, per_intent: bool = False) -> list[str]:
    table = figures.by_intent if per_intent else figures.handed_off
    return [
        f"  {name:<26} {done:4d} / {total:4d} handed off  ({done / total:6.1%})"
        for name, (done, total) in table.items()
        if total
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--shoppers", type=int, default=32, help="client threads posting")
    parser.add_argument("--worker-threads", type=int, default=32)
    parser.add_argument("--ttft", type=float, default=0.05, help="the fake model's latency")
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args()
    require_servers()
    path = data_file()
    if path is None:
        sys.exit(f"the Bitext sample is not in {DATA}: nothing to replay")
    sample = load_messages(path, args.messages)

    from django_llmshop.testing import FakeLLMServer

    with FakeLLMServer(latency=args.ttft) as server:
        server.responder = shop_model
        os.environ["LLMSHOP_TEST_FAKE_URL"] = server.base_url
        os.environ["DJANGO_SETTINGS_MODULE"] = "tests.worker_settings"
        os.environ["LLMSHOP_CELERY_EAGER"] = "0"
        import django

        django.setup()
        from django.db import connection

        from django_llmshop.support.models import Message
        from tests.worker import wait_for, worker_process

        old_name = connection.creation.create_test_db(verbosity=0, serialize=False)
        try:
            with (
                tempfile.TemporaryDirectory() as tmp,
                worker_process(
                    Path(tmp),
                    pool="threads",
                    concurrency=args.worker_threads,
                    queues="llmshop_chat",
                    env={"LLMSHOP_TEST_FAKE_URL": server.base_url},
                    settings_module="tests.worker_settings",
                ),
            ):
                started = time.perf_counter()
                with ThreadPoolExecutor(args.shoppers) as pool:
                    posted = list(pool.map(post_message, range(len(sample)), sample))
                posting = time.perf_counter() - started
                reply_ids = [reply for _c, reply, _s in posted if reply]
                unfinished = Message.objects.filter(
                    pk__in=reply_ids,
                    status__in=[Message.Status.PENDING, Message.Status.STREAMING],
                )
                try:
                    wait_for(lambda: not unfinished.exists(), timeout=args.timeout, interval=0.2)
                except AssertionError:
                    print(f"replies still unfinished after {args.timeout:.0f} s")
                elapsed = time.perf_counter() - started
            refused = Counter(status for _c, _r, status in posted if status != 202)
            figures = collect([(c, m) for (c, _r, _s), m in zip(posted, sample, strict=True)])
            calls = len(server.requests)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)

    print(f"Bitext messages posted:  {len(sample)} by {len(sample)} anonymous shoppers")
    print(f"refused by the API:      {dict(refused) or 0}")
    print(f"replies:                 {figures.replies} for {figures.messages} messages")
    print(f"not exactly one reply:   {len(figures.not_one_reply)}")
    print(f"pending / failed:        {figures.pending} / {figures.failed}")
    print(f"model calls:             {calls}")
    print(
        f"elapsed:                 {elapsed:.1f} s ({posting:.1f} s posting), "
        f"{figures.messages / elapsed:.1f} messages/s"
    )
    print(f"handoffs other than the model's choice: {len(figures.handoff_mismatch)}")
    print("handoff rate by intent group:")
    print("\n".join(rate_lines(figures)))
    print("handoff rate by intent:")
    print("\n".join(rate_lines(figures, per_intent=True)))


if __name__ == "__main__":
    main()
