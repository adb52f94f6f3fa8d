"""What the adapter hands out: plain, frozen records, free of the host's models."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class KnowledgePage:
    """A help page as the chat's knowledge base imports it."""

    key: str
    title: str
    body: str
    kind: str = "page"
    url: str = ""
    language: str = ""
    published: bool = True


@dataclass(frozen=True)
class ProductReview:
    rating: int | None
    title: str
    body: str


@dataclass(frozen=True)
class ProductFacts:
    """What the shop's record says about a product: the ground truth for generated text."""

    product_id: str
    name: str
    category: str
    price: str
    currency: str
    attributes: dict[str, Any] = field(default_factory=dict)
    stock: int | None = None
    description: str = ""
    url: str = ""


@dataclass(frozen=True)
class PastOrder:
    """A placed order as the history import reads it: who bought which products, and when.

    ``user_id`` is the buyer's user primary key; a guest order has None there and a stable
    ``guest`` key instead (an e-mail address, say), so its products still count as bought
    together. ``product_ids`` holds each product once, in line order.
    """

    order_id: str
    user_id: Any
    placed_at: Any
    product_ids: tuple[str, ...]
    guest: str = ""
