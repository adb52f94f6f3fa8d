"""Fixtures for the API layer: a shopper, a member of staff, and a row of each kind to aim at."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponseBase
from django.test import Client

from django_llmshop.content.models import Draft, GenerationJob
from django_llmshop.recommend.models import ShopperEvent
from django_llmshop.support.models import Conversation, Message
from shop.models import Category, Product

API = "/llmshop/api"
ROLES = ("anonymous", "shopper", "staff")
#: The rate limits that the fuzzing tests lift, so that a 429 never hides what a view does.
LIMITS = (
    "CHAT_RATE_LIMIT_PER_SESSION",
    "CHAT_RATE_LIMIT_PER_IP",
    "CHAT_CONVERSATION_RATE_LIMIT_PER_SESSION",
    "CHAT_CONVERSATION_RATE_LIMIT_PER_IP",
    "RECOMMEND_EVENT_RATE_LIMIT",
)


@dataclass
class Rows:
    shopper: Any
    staff: Any
    product: Product
    conversation: Conversation
    message: Message
    job: GenerationJob
    draft: Draft

    def ids(self) -> list[int]:
        return sorted(
            {self.product.pk, self.conversation.pk, self.message.pk, self.job.pk, self.draft.pk}
        )


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def rows(db: None) -> Rows:
    users = get_user_model().objects
    shopper = users.create_user("ann", password="ann")
    staff = users.create_user("sam", password="sam", is_staff=True, is_superuser=True)
    category = Category.objects.create(name="Drinkware", slug="drinkware")
    product = Product.objects.create(
        category=category, name="Trail Bottle", slug="trail-bottle", sku="TB-1",
        price=Decimal("24.00"), stock=5, description="A steel bottle.",
    )  # fmt: skip
    conversation = Conversation.objects.create(user=shopper)
    Message.objects.create(conversation=conversation, role="user", content="hello")
    message = Message.objects.create(
        conversation=conversation, role="assistant", status=Message.Status.FAILED
    )
    job = GenerationJob.objects.create(kind="description", product_ids=[str(product.pk)])
    draft = Draft.objects.create(
        job=job,
        product_type=ContentType.objects.get_for_model(Product),
        product_id=str(product.pk),
        kind="description",
        text="A steel bottle that keeps drinks cold.",
    )
    ShopperEvent.objects.create(user=shopper, product_id=str(product.pk), type="view")
    return Rows(shopper, staff, product, conversation, message, job, draft)


def client_as(who: str, rows: Rows, **defaults: Any) -> Client:
    """A test client for "anonymous", "shopper" or "staff"."""
    client = Client(**defaults)
    if who == "shopper":
        client.force_login(rows.shopper)
    elif who == "staff":
        client.force_login(rows.staff)
    return client


def csrf_client(**defaults: Any) -> tuple[Client, str]:
    """A client that checks CSRF like a browser, and the token a page gave it."""
    client = Client(enforce_csrf_checks=True, **defaults)
    client.get("/")  # the storefront sets the CSRF cookie
    return client, client.cookies["csrftoken"].value


@pytest.fixture
def generous_limits(settings: Any) -> None:
    """Limits high enough that a 429 never hides what a view does with the input."""
    settings.LLMSHOP = {
        **settings.LLMSHOP,
        **dict.fromkeys(LIMITS, 10**6),
        "TRUSTED_PROXIES": ["127.0.0.0/8"],  # the test client's address: X-Forwarded-For is read
    }


def answer(
    client: Client, method: str, path: str, body: bytes | str, content_type: str, **extra: Any
) -> tuple[HttpResponseBase, bytes]:
    """The response to one request and its whole body (an event stream read to its end), in a
    savepoint rolled back after it, so one request cannot change what the next one finds."""
    if isinstance(body, str):
        body = body.encode("utf-8", "surrogatepass")
    with transaction.atomic():
        response = client.generic(method, path, body, content_type=content_type, **extra)
        content = getattr(response, "content", None)
        if content is None:
            content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        transaction.set_rollback(True)
    return response, content
