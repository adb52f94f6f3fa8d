"""ShopAdapter: the one place that knows the host shop's Product, Order and Review models.

Shops whose models differ from the defaults subclass it and point ``LLMSHOP["ADAPTER"]`` at
the subclass; everything else in the package goes through :func:`get_adapter`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models

from django_llmshop.conf import llmshop_settings, on_reload


class ShopAdapter:
    """Reads and writes the host shop's models. Override methods to fit another schema."""

    def product_model(self) -> type[models.Model]:
        return apps.get_model(llmshop_settings.PRODUCT_MODEL)

    def order_model(self) -> type[models.Model] | None:
        label = llmshop_settings.ORDER_MODEL
        return apps.get_model(label) if label else None

    def review_model(self) -> type[models.Model] | None:
        label = llmshop_settings.REVIEW_MODEL
        return apps.get_model(label) if label else None

    def get_product(self, product_id: Any) -> models.Model:
        """The product with this primary key (raises the model's DoesNotExist)."""
        return self.product_model()._default_manager.get(pk=product_id)

    # --- product facts and texts (content generation, fact check, chat) -----------------------

    def field_name(self, role: str) -> str | None:
        """The host field that plays ``role`` ("name", "description", ...), or None."""
        value = llmshop_settings.PRODUCT_FIELDS.get(role)
        return str(value) if value else None

    def _value(self, product: models.Model, role: str, default: Any = None) -> Any:
        name = self.field_name(role)
        if not name:
            return default
        value: Any = product
        for part in name.split("__"):  # "category__name" follows relations
            value = getattr(value, part, None)
            if value is None:
                return default
        return value() if callable(value) else value

    def product_name(self, product: models.Model) -> str:
        return str(self._value(product, "name", "") or product)

    def product_category(self, product: models.Model) -> str:
        category = self._value(product, "category")
        return "" if category is None else str(category)

    def product_attributes(self, product: models.Model) -> dict[str, Any]:
        """The product's facts as a flat dict, e.g. ``{"capacity": "750 ml"}``."""
        value = self._value(product, "attributes", {})
        return dict(value) if isinstance(value, dict) else {}

    def product_price(self, product: models.Model) -> str:
        price = self._value(product, "price")
        return "" if price is None else str(price)

    def product_currency(self, product: models.Model) -> str:
        return str(self._value(product, "currency", "") or llmshop_settings.CURRENCY)

    def product_stock(self, product: models.Model) -> int | None:
        stock = self._value(product, "stock")
        return None if stock is None else int(stock)

    def product_is_available(self, product: models.Model) -> bool:
        return bool(self._value(product, "is_active", True))

    def product_url(self, product: models.Model) -> str:
        getter = getattr(product, "get_absolute_url", None)
        return str(getter()) if callable(getter) else ""

    def product_reviews(
        self, product: models.Model, limit: int | None = None
    ) -> list[ProductReview]:
        """The product's reviews, newest first (needs ``REVIEW_MODEL``)."""
        model = self.review_model()
        if model is None:
            return []
        rating, title, body = (
            llmshop_settings.REVIEW_FIELDS.get(k) for k in ("rating", "title", "body")
        )
        relation = llmshop_settings.REVIEW_FIELDS.get("product") or "product"
        queryset = model._default_manager.filter(**{relation: product}).order_by("-pk")
        if limit is not None:
            queryset = queryset[:limit]
        return [
            ProductReview(
                rating=int(getattr(review, rating)) if rating else None,
                title=str(getattr(review, title, "") or "") if title else "",
                body=str(getattr(review, body, "") or "") if body else str(review),
            )
            for review in queryset
        ]

    def get_text(self, product: models.Model, role: str) -> str:
        """The current text of a writable field (description, seo_title, ...)."""
        return str(self._value(product, role, "") or "")

    def set_texts(self, product: models.Model, texts: dict[str, str]) -> None:
        """Write generated texts into the host's fields, by role, and save only those."""
        names = []
        for role, text in texts.items():
            name = self.field_name(role)
            if not name or "__" in name:
                raise ValueError(f"The product field for {role!r} is not writable.")
            setattr(product, name, text)
            names.append(name)
        product.save(update_fields=names)

    def texts_fingerprint(self, product: models.Model, roles: list[str]) -> str:
        """A hash of the current texts of ``roles``: tells whether the merchant edited them."""
        current = {role: self.get_text(product, role) for role in sorted(roles)}
        return hashlib.sha256(json.dumps(current, sort_keys=True).encode()).hexdigest()

    def product_facts(self, product: models.Model) -> ProductFacts:
        return ProductFacts(
            product_id=str(product.pk),
            name=self.product_name(product),
            category=self.product_category(product),
            price=self.product_price(product),
            currency=self.product_currency(product),
            attributes=self.product_attributes(product),
            stock=self.product_stock(product),
            description=self.get_text(product, "description"),
            url=self.product_url(product),
        )

    # --- support chat: catalog search, the shopper's own orders, help pages ----------------

    def shop_name(self) -> str:
        """How the support chat names the shop to the model."""
        return "our shop"

    #: Fields of ORDER_MODEL: its owner and the number shoppers know it by.
    order_user_field = "user"
    order_number_field = "number"

    def product_search_fields(self) -> list[str]:
        """Text fields searched by :meth:`search_products` (name and description roles, SKU)."""
        model = self.product_model()
        names = [self.field_name("name"), self.field_name("description"), "sku"]
        own = {f.name for f in model._meta.get_fields()}
        return [n for n in names if n and n.split("__")[0] in own]

    def search_products(self, query: str, limit: int = 5) -> list[models.Model]:
        """Available products whose text fields contain words of ``query``, best first."""
        words = [w for w in re.findall(r"\w+", query.lower()) if len(w) > 2][:8]
        fields = self.product_search_fields()
        if not words or not fields:
            return []
        condition = models.Q()
        for word in words:
            for name in fields:
                condition |= models.Q(**{f"{name}__icontains": word})
        candidates = list(self.product_model()._default_manager.filter(condition)[:200])

        def score(product: models.Model) -> int:
            name = self.product_name(product).lower()
            text = " ".join(str(getattr(product, f, "") or "") for f in fields).lower()
            return sum(3 * (w in name) + (w in text) for w in words)

        ranked = sorted(
            (p for p in candidates if self.product_is_available(p)),
            key=lambda p: (-score(p), p.pk),
        )
        return ranked[:limit]

    def find_product(self, reference: Any) -> models.Model | None:
        """A product by primary key or SKU, or None."""
        manager = self.product_model()._default_manager
        ref = str(reference).strip()
        if ref.isdigit():
            found = manager.filter(pk=int(ref)).first()
            if found is not None:
                return found
        if "sku" in {f.name for f in self.product_model()._meta.get_fields()}:
            return manager.filter(sku__iexact=ref).first()
        return None

    def orders_for_user(self, user: Any, limit: int = 10) -> list[models.Model]:
        """The user's own orders, newest first; nobody else's, ever."""
        model = self.order_model()
        if model is None or user is None or not getattr(user, "is_authenticated", False):
            return []
        queryset = model._default_manager.filter(**{self.order_user_field: user})
        return list(queryset.order_by("-pk")[:limit])

    def get_order_for_user(self, user: Any, number: str) -> models.Model | None:
        """The user's own order with this number, or None (also for another shopper's order)."""
        model = self.order_model()
        if model is None or user is None or not getattr(user, "is_authenticated", False):
            return None
        return model._default_manager.filter(
            **{self.order_user_field: user, f"{self.order_number_field}__iexact": number}
        ).first()

    def order_summary(self, order: models.Model) -> dict[str, Any]:
        """What the chat may tell the order's owner about it."""
        items = getattr(order, "items", None)
        lines = []
        if items is not None:
            for item in items.all():
                product = getattr(item, "product", None)
                lines.append(
                    {
                        "product": self.product_name(product) if product is not None else "",
                        "quantity": getattr(item, "quantity", 1),
                        "unit_price": str(getattr(item, "unit_price", "")),
                    }
                )
        summary: dict[str, Any] = {"number": str(getattr(order, self.order_number_field))}
        for name in ("status", "carrier", "tracking_number", "placed_at", "shipped_at",
                     "delivered_at", "total"):  # fmt: skip
            value = getattr(order, name, None)
            if value not in (None, ""):
                display = getattr(order, f"get_{name}_display", None)
                summary[name] = str(display() if callable(display) else value)
        summary["items"] = lines
        summary["currency"] = llmshop_settings.CURRENCY
        getter = getattr(order, "get_absolute_url", None)
        summary["url"] = str(getter()) if callable(getter) else ""
        return summary

    def catalog_prices(self) -> set[Decimal]:
        """Every price in the catalog: a price in a chat reply must be one of these or quoted."""
        name = self.field_name("price")
        if not name or "__" in name:
            return set()
        values = self.product_model()._default_manager.values_list(name, flat=True)
        return {Decimal(str(v)).quantize(Decimal("0.01")) for v in values if v is not None}

    def knowledge_pages(self) -> list[KnowledgePage]:
        """The shop's help pages (``PAGE_MODEL``) for the chat's knowledge base."""
        label = llmshop_settings.PAGE_MODEL
        if not label:
            return []
        model = apps.get_model(label)
        return [self.knowledge_page(page) for page in model._default_manager.all()]

    def knowledge_page(self, page: models.Model) -> KnowledgePage:
        """One help page as the knowledge base imports it."""
        getter = getattr(page, "get_absolute_url", None)
        return KnowledgePage(
            key=f"{page._meta.label_lower}:{page.pk}",
            title=str(getattr(page, "title", page)),
            body=str(getattr(page, "body", "")),
            kind=str(getattr(page, "kind", "page")),
            url=str(getter()) if callable(getter) else "",
            language=str(getattr(page, "language", "") or ""),
            published=bool(getattr(page, "is_published", True)),
        )

    # --- recommendations ------------------------------------------------------------------

    def products_by_id(self, product_ids: Iterable[Any]) -> dict[str, models.Model]:
        """The products with these primary keys in one query, keyed by ``str(pk)``; unknown or
        malformed ids are left out. Callers still ask :meth:`product_is_available`."""
        model = self.product_model()
        pk_field = model._meta.pk
        keys = []
        for product_id in product_ids:
            try:
                keys.append(pk_field.to_python(product_id) if pk_field else product_id)
            except ValidationError:
                continue
        queryset = model._default_manager.all()
        relation = self._category_relation()
        if relation:
            queryset = queryset.select_related(relation)
        return {str(pk): product for pk, product in queryset.in_bulk(keys).items()}

    def _category_relation(self) -> str | None:
        name = self.field_name("category")
        first = name.split("__")[0] if name else None
        if not first:
            return None
        try:
            field = self.product_model()._meta.get_field(first)
        except FieldDoesNotExist:
            return None
        return first if field.is_relation else None

    def recommendation_catalog(self) -> Iterator[tuple[str, str, str]]:
        """``(product id, text, category)`` of every available product, for the content
        similarity that gives products without history their neighbours."""
        queryset = self.product_model()._default_manager.all().order_by("pk")
        relation = self._category_relation()
        if relation:
            queryset = queryset.select_related(relation)
        for product in queryset.iterator(chunk_size=2000):
            if not self.product_is_available(product):
                continue
            category = self.product_category(product)
            text = " ".join((self.product_name(product), self.get_text(product, "description")))
            yield str(product.pk), f"{text} {category}", category


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


_adapter: ShopAdapter | None = None


def get_adapter() -> ShopAdapter:
    """The configured adapter instance (built once per settings reload)."""
    global _adapter
    if _adapter is None:
        _adapter = llmshop_settings.ADAPTER()
    return _adapter


@on_reload
def _forget_adapter() -> None:
    global _adapter
    _adapter = None
