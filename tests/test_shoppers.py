"""Who the shopper is: one token for the chat and recommendations, one login carry-over, the
sub-apps' old session keys still honoured, queued work sent only after the commit, and no
import circle in the sub-apps."""

from __future__ import annotations

import ast
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.test import Client

import django_llmshop
from django_llmshop import shoppers
from django_llmshop.content.services import start_job
from django_llmshop.content.tasks import generate_chunk
from django_llmshop.queueing import enqueue_on_commit
from django_llmshop.recommend.models import ShopperEvent
from django_llmshop.recommend.tasks import enqueue_rerank, enqueue_training, rerank_task, train_task
from django_llmshop.support.models import Conversation
from django_llmshop.support.tasks import (
    enqueue_index,
    enqueue_reply,
    generate_reply_task,
    index_document_task,
)
from shop.models import Category, Product

CHAT = "/llmshop/api/chat/conversations/"
EVENTS = "/llmshop/api/events/"


@pytest.fixture
def product(db) -> Product:
    category = Category.objects.create(name="Drinkware", slug="drinkware")
    return Product.objects.create(
        category=category, name="Trail Bottle", slug="trail-bottle", sku="TB-1",
        price=Decimal("20.00"), stock=10, description="A bottle.",
    )  # fmt: skip


def session_client(**values: str) -> Client:
    client = Client()
    session = client.session
    session.update(values)
    session.save()
    return client


def view(client: Client, product: Product) -> None:
    assert client.post(EVENTS, {"product_id": str(product.pk), "type": "view"}).status_code == 201


def test_chat_and_recommendations_know_the_shopper_by_one_token(product):
    chat_first, events_first = Client(), Client()
    chat_id = chat_first.post(CHAT).json()["id"]
    view(chat_first, product)
    view(events_first, product)
    later_id = events_first.post(CHAT).json()["id"]
    for client, conversation_id in [(chat_first, chat_id), (events_first, later_id)]:
        token = client.session[shoppers.SESSION_KEY]
        assert Conversation.objects.get(pk=conversation_id).session_key == token
        assert ShopperEvent.objects.filter(session_key=token).count() == 1
        assert shoppers.OLD_CHAT_SESSION_KEY not in client.session
    assert chat_first.session[shoppers.SESSION_KEY] != events_first.session[shoppers.SESSION_KEY]


def test_conversations_and_events_follow_the_shopper_at_login(product):
    user = get_user_model().objects.create_user("ann", password="pw")
    client, stranger = Client(), Client()
    mine, theirs = client.post(CHAT).json()["id"], stranger.post(CHAT).json()["id"]
    view(client, product)
    view(stranger, product)
    client.post("/accounts/login/", {"username": "ann", "password": "pw"})
    assert Conversation.objects.get(pk=mine).user == user
    assert ShopperEvent.objects.filter(user=user).count() == 1
    assert Conversation.objects.get(pk=theirs).user is None
    assert ShopperEvent.objects.filter(user=None).count() == 1
    assert client.get(f"{CHAT}{mine}/").status_code == 200
    assert stranger.get(f"{CHAT}{mine}/").status_code == 404


def test_one_receiver_carries_the_shopper_over_at_login():
    ours = [key[0] for key, *_ in user_logged_in.receivers if "llmshop" in str(key[0])]
    assert ours == ["llmshop.shoppers.carry_over"]


@pytest.mark.parametrize("old_key", ["llmshop_chat_owner", "llmshop_shopper"])
def test_a_session_with_a_sub_apps_old_key_keeps_what_it_had(product, old_key):
    client = session_client(**{old_key: "kept-token"})
    earlier = Conversation.objects.create(session_key="kept-token")
    assert client.get(f"{CHAT}{earlier.pk}/").status_code == 200
    view(client, product)
    started = client.post(CHAT).json()["id"]
    assert ShopperEvent.objects.get().session_key == "kept-token"
    assert Conversation.objects.get(pk=started).session_key == "kept-token"
    assert client.session.get(shoppers.SESSION_KEY) == "kept-token"
    assert shoppers.OLD_CHAT_SESSION_KEY not in client.session


def test_a_session_with_both_old_keys_keeps_the_chat_token_for_both(product):
    client = session_client(llmshop_shopper="events-token", llmshop_chat_owner="chat-token")
    chat = Conversation.objects.create(session_key="chat-token")
    ShopperEvent.objects.create(session_key="events-token", product_id=str(product.pk), type="view")
    ShopperEvent.objects.create(session_key="someone-else", product_id=str(product.pk), type="view")
    assert client.get(f"{CHAT}{chat.pk}/").status_code == 200
    assert client.session.get(shoppers.SESSION_KEY) == "chat-token"
    assert shoppers.OLD_CHAT_SESSION_KEY not in client.session
    tokens = ShopperEvent.objects.order_by("pk").values_list("session_key", flat=True)
    assert list(tokens) == ["chat-token", "someone-else"]
    view(client, product)
    assert ShopperEvent.objects.filter(session_key="chat-token").count() == 2
    chat.refresh_from_db()
    assert (chat.session_key, chat.user) == ("chat-token", None)


def test_the_old_chat_token_follows_the_shopper_at_login(db):
    user = get_user_model().objects.create_user("bo", password="pw")
    client = session_client(llmshop_chat_owner="old-chat")
    chat = Conversation.objects.create(session_key="old-chat")
    client.post("/accounts/login/", {"username": "bo", "password": "pw"})
    chat.refresh_from_db()
    assert chat.user == user


class AppTask:
    """A task of a Celery app with its own task class: ``apply_async`` only."""

    def __init__(self) -> None:
        self.sent: list[tuple[Any, ...]] = []

    def apply_async(self, args: tuple[Any, ...], **options: Any) -> None:
        self.sent.append((args, options))


def test_a_task_is_sent_after_the_commit_only(db, django_capture_on_commit_callbacks):
    task = AppTask()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            enqueue_on_commit(task, 1, "a", queue="chat")
        assert task.sent == []
    for callback in callbacks:
        callback()
    assert task.sent == [((1, "a"), {"queue": "chat"})]


def test_a_rolled_back_transaction_sends_nothing(db, django_capture_on_commit_callbacks):
    task = AppTask()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        enqueue_on_commit(task, 1)
        raise RuntimeError("rolled back")
    assert (callbacks, task.sent) == ([], [])


def reply(product: Product) -> tuple[Any, ...]:
    enqueue_reply(7)
    return (7,)


def index(product: Product) -> tuple[Any, ...]:
    enqueue_index(8)
    return (8,)


def rerank(product: Product) -> tuple[Any, ...]:
    enqueue_rerank("key", ["1"], ["2"], "en")
    return ("key", ["1"], ["2"], "en")


def training(product: Product) -> tuple[Any, ...]:
    enqueue_training()
    return ()


def content_job(product: Product) -> tuple[Any, ...]:
    return (start_job("description", [product.pk]).pk,)  # then the chunk's items


SUB_APP_QUEUES = {
    "chat reply": (generate_reply_task, reply, {"queue": "chat"}),
    "knowledge index": (index_document_task, index, {}),
    "re-rank": (rerank_task, rerank, {}),
    "training": (train_task, training, {}),
    "content chunk": (generate_chunk, content_job, {}),
}


@pytest.mark.parametrize("name", SUB_APP_QUEUES)
def test_every_sub_app_sends_its_tasks_after_the_commit(
    product, settings, monkeypatch, django_capture_on_commit_callbacks, name
):
    settings.LLMSHOP = {**settings.LLMSHOP, "CHAT_QUEUE": "chat"}
    task, enqueue, options = SUB_APP_QUEUES[name]
    sent: list[tuple[Any, ...]] = []
    monkeypatch.setattr(task, "apply_async", lambda args, **kw: sent.append((tuple(args), kw)))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            args = enqueue(product)
        assert sent == []
    for callback in callbacks:
        callback()
    assert len(sent) == 1
    assert sent[0][0][: len(args)] == tuple(args) and sent[0][1] == options


# --- import structure ----------------------------------------------------------------------

PACKAGE = Path(django_llmshop.__file__).parent


def module_imports() -> dict[str, set[str]]:
    """Every module of the package and the package modules it imports, at any depth of code
    (an import inside a function still closes a circle, it only hides it until it runs)."""
    names = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" not in path.parts:
            parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
            names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph: dict[str, set[str]] = {}
    for name, path in names.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = package.rsplit(".", node.level - 1)[0] if node.level else ""
                module = ".".join(p for p in (base, node.module or "") if p)
                found.add(module)
                found.update(f"{module}.{alias.name}" for alias in node.names)
        graph[name] = {m for m in found if m in names and m != name}
    return graph


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = list(graph[start])
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(graph[name])
    return seen


@pytest.mark.parametrize("sub_app", ["recommend", "support"])
def test_no_import_circle_in_a_sub_app(sub_app):
    graph = module_imports()
    prefix = f"django_llmshop.{sub_app}."
    circles = sorted(m for m in graph if m.startswith(prefix) and m in reachable(graph, m))
    assert circles == []


def test_the_core_shopper_and_queue_modules_import_no_sub_app():
    graph = module_imports()
    sub_apps = tuple(f"django_llmshop.{app}" for app in ("content", "recommend", "support"))
    for core in ("django_llmshop.shoppers", "django_llmshop.queueing"):
        assert not {m for m in reachable(graph, core) if m.startswith(sub_apps)}, core
    # And in a fresh interpreter, without Django set up: nothing else of the package loads.
    code = (
        "import sys, django_llmshop.shoppers, django_llmshop.queueing; "
        "print(sorted(m for m in sys.modules if m.startswith('django_llmshop.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["['django_llmshop.queueing',", "'django_llmshop.shoppers']"]
