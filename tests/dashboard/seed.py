"""A seeded week of shop activity: model calls, conversations, drafts and recommendations.

Every figure the dashboard shows has rows behind it, with known counts that tests check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from django_llmshop.content.models import Draft, Kind
from django_llmshop.models import Budget, LLMCall
from django_llmshop.recommend.models import ShopperEvent, TrackingEvent
from django_llmshop.support.models import Conversation, Handoff, Message
from shop.models import Category, Product


@dataclass
class Week:
    first_day: datetime  # midnight of the first seeded day
    products: list[Product]
    conversations: list[Conversation]


def _call(when: datetime, purpose: str, n: int, **fields: object) -> LLMCall:
    defaults: dict[str, object] = {
        "created_at": when,
        "purpose": purpose,
        "endpoint": "default" if n % 3 else "backup",
        "model": "test-model" if n % 3 else "backup-model",
        "operation": "chat",
        "status": LLMCall.Status.ERROR if n % 10 == 9 else LLMCall.Status.OK,
        "retries": 1 if n % 5 == 4 else 0,
        "prompt_tokens": 100 + n,
        "completion_tokens": 50,
        "cost": Decimal("0.010000"),
        "latency_ms": 100 + 10 * n,
    }
    defaults.update(fields)
    return LLMCall(**defaults)


def seed_week(days: int = 7) -> Week:
    now = timezone.localtime()
    first = (now - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    category = Category.objects.create(name="Bags", slug="bags-seeded")
    products = [
        Product.objects.create(
            category=category, name=f"Seeded Bag {n}", slug=f"seeded-bag-{n}",
            sku=f"SB-{n}", price=Decimal("30.00"), stock=5, description="A bag.",
        )
        for n in range(4)
    ]  # fmt: skip
    Budget.objects.create(purpose="support", daily_limit=Decimal("0.05"))
    message_type = ContentType.objects.get_for_model(Message)
    product_type = ContentType.objects.get_for_model(Product)
    calls: list[LLMCall] = []
    conversations: list[Conversation] = []
    for day in range(days):
        noon = first + timedelta(days=day, hours=12)
        # Two conversations a day: the first answered by the bot, the second handed to a person.
        for k in range(2):
            conversation = Conversation.objects.create(
                session_key=f"s{day}-{k}", topic="shipping" if k == 0 else "returns",
                status=Conversation.Status.OPEN if k == 0 else Conversation.Status.HANDED_OFF,
            )  # fmt: skip
            Conversation.objects.filter(pk=conversation.pk).update(created_at=noon)
            conversations.append(conversation)
            Message.objects.create(conversation=conversation, role="user", content="Hi",
                                   created_at=noon)  # fmt: skip
            reply = Message.objects.create(
                conversation=conversation, role="assistant", content="Hello", created_at=noon,
                citations=[{"title": "Shipping"}] if k == 0 else [],
                rating=Message.Rating.UP if k == 0 else Message.Rating.DOWN,
            )  # fmt: skip
            calls.append(_call(noon, "support", day * 2 + k, content_type=message_type,
                               object_id=str(reply.pk)))  # fmt: skip
            if k == 1:
                Handoff.objects.create(conversation=conversation, created_at=noon)
                Message.objects.create(conversation=conversation, role="staff", content="I'm here",
                                       created_at=noon + timedelta(minutes=10))  # fmt: skip
        # Four drafts a day: published, rejected, failed and ready, with one finding each.
        for k, status in enumerate(["published", "rejected", "failed", "ready"]):
            product = products[k]
            Draft.objects.create(
                product_type=product_type, product_id=str(product.pk), kind=Kind.DESCRIPTION,
                variant=day * 4 + k + 1, text="Text", status=status, created_at=noon,
                findings=[{"severity": "error", "kind": "number"}] if status != "failed" else [],
                reviewed_at=noon + timedelta(hours=2) if status == "published" else None,
            )  # fmt: skip
            calls.append(_call(noon, "content", 20 + k, content_type=product_type,
                               object_id=str(product.pk), cost=Decimal("0.020000")))  # fmt: skip
        seed_recommendations(noon, day, products)
    LLMCall.objects.bulk_create(calls)
    return Week(first, products, conversations)


def seed_recommendations(when: datetime, day: int, products: list[Product]) -> None:
    """Per day 40 item impressions per arm; the treatment gets 8 clicks, the baseline 2."""
    rows: list[TrackingEvent] = []
    for arm, version, clicks in (("treatment", "model-1", 8), ("baseline", "popularity", 2)):
        for n in range(40):
            view = f"{arm[:4]}{day:02d}{n:02d}".ljust(16, "x")
            product = str(products[n % 4].pk)
            fields = {
                "view": view,
                "placement": "product",
                "model_version": version,
                "arm": arm,
                "product_id": product,
                "session_key": view,
                "created": when,
            }
            rows.append(TrackingEvent(kind="impression", **fields))
            if n < clicks:
                rows.append(TrackingEvent(kind="click", **fields))
                if n < clicks // 2:
                    ShopperEvent.objects.create(
                        session_key=view,
                        product_id=product,
                        type="cart",
                        created=when + timedelta(minutes=5),
                    )
    TrackingEvent.objects.bulk_create(rows)
