"""Fixtures for the support chat: the demo shop with a canary in another shopper's order."""

from __future__ import annotations

import json
from dataclasses import dataclass
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command

from shop.models import Order

#: Planted in Bob's order: no reply to anyone else may ever contain it.
CANARY_TRACKING = "CANARY-BOB-TRACK-7731"
CANARY_ADDRESS = "CANARY 99 Secret Street"
API = "/llmshop/api/chat"


@dataclass
class Shop:
    alice: Any
    bob: Any
    staff: Any


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def shop(db: None) -> Shop:
    """The demo shop, its help pages indexed for the chat, and a canary in Bob's order."""
    call_command("load_demo_shop", stdout=StringIO())
    call_command("llmshop_index_knowledge", stdout=StringIO())
    Order.objects.filter(number="LS-100233").update(
        tracking_number=CANARY_TRACKING, shipping_address=CANARY_ADDRESS
    )
    users = get_user_model().objects
    staff = users.create_user("staffer", password="x", is_staff=True, is_superuser=True)
    return Shop(alice=users.get(username="alice"), bob=users.get(username="bob"), staff=staff)


@dataclass
class Event:
    id: str | None
    event: str
    data: str

    def json(self) -> Any:
        return json.loads(self.data)


def parse_sse(text: str) -> list[Event]:
    events = []
    for block in text.split("\n\n"):
        fields: dict[str, list[str]] = {}
        for line in block.splitlines():
            if line.startswith(":") or ":" not in line:
                continue
            name, _, value = line.partition(":")
            fields.setdefault(name, []).append(value[1:] if value.startswith(" ") else value)
        if "event" in fields:
            events.append(
                Event(
                    (fields.get("id") or [None])[0],
                    fields["event"][0],
                    "\n".join(fields.get("data", [])),
                )
            )
    return events


def start_chat(client: Any) -> int:
    response = client.post(f"{API}/conversations/")
    assert response.status_code == 201
    return int(response.json()["id"])


def send(client: Any, conversation_id: int, content: str) -> Any:
    return client.post(
        f"{API}/conversations/{conversation_id}/messages/",
        {"content": content},
        content_type="application/json",
    )


def redis_url_or_skip() -> str:
    """The test Redis URL, or a skip (a failure where services are required)."""
    import os

    from tests.conftest import missing_redis, missing_service

    url = os.environ.get("REDIS_URL")
    if not url:
        missing_redis()
        raise AssertionError("unreachable")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        missing_service(f"Redis at {url} is not reachable: {exc}")
    return url


@pytest.fixture(params=["database", "redis"])
def stream_backend(request: pytest.FixtureRequest, settings: Any) -> str:
    """Run the test with each stream buffer backend (Redis skips when it is not there)."""
    if request.param == "redis":
        url = redis_url_or_skip()
        settings.LLMSHOP = {**settings.LLMSHOP, "CHAT_STREAM_REDIS_URL": url}
    return str(request.param)


def new_reply(conversation: Any, question: str) -> Any:
    """A shopper message and its pending reply, saved without queueing the task."""
    from django_llmshop.support.models import Message

    Message.objects.create(conversation=conversation, role="user", content=question)
    return Message.objects.create(
        conversation=conversation, role="assistant", status=Message.Status.PENDING
    )
