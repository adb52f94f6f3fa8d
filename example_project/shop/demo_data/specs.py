"""The shapes of the demo records, kept apart from the data so each topic module stays flat."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class CategorySpec:
    slug: str
    name: str
    description: str = ""
    parent: str | None = None


@dataclass(frozen=True)
class ProductSpec:
    sku: str
    name: str
    price: str
    stock: int
    attributes: dict[str, Any]
    description: str = ""
    seo_title: str = ""
    seo_description: str = ""
    active: bool = True

    @property
    def unit_price(self) -> Decimal:
        return Decimal(self.price)


@dataclass(frozen=True)
class OrderLine:
    sku: str
    quantity: int = 1
    # The price paid when it differs from today's catalog price (a past sale, say).
    unit_price: str | None = None


@dataclass(frozen=True)
class OrderSpec:
    number: str
    status: str
    days_ago: int
    lines: tuple[OrderLine, ...]
    carrier: str = ""
    tracking_number: str = ""
    shipped_days_ago: int | None = None
    delivered_days_ago: int | None = None


@dataclass(frozen=True)
class ShopperSpec:
    username: str
    password: str
    first_name: str
    last_name: str
    email: str
    address: str
    orders: tuple[OrderSpec, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ReviewSpec:
    rating: int
    title: str
    body: str
    author_name: str
    days_ago: int
    verified_purchase: bool
