"""The catalog part of the adapter: a product's facts and texts, writing texts, search."""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal
from typing import Any

from django.db import models

from django_llmshop.adapters.base import AdapterBase
from django_llmshop.adapters.records import ProductFacts
from django_llmshop.conf import llmshop_settings


class CatalogAdapter(AdapterBase):
    """Reads a product's facts and texts (content generation, fact check, chat), writes the
    texts a reviewer publishes, and searches the catalog for the support chat."""

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

    def text_for_field(self, product: models.Model, role: str, text: str, language: str) -> str:
        """``text`` as publishing would write it into the field of ``role`` in ``language``, so a
        template renders an unpublished text (a description experiment's) like the published
        one. The field holds plain text here; an adapter that writes markup converts alike."""
        return text

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
        ref = str(reference).strip()
        if ref.isdigit():
            found = self.product_model()._default_manager.filter(pk=int(ref)).first()
            if found is not None:
                return found
        return self._product_by_code(ref)

    def _product_by_code(self, code: str) -> models.Model | None:
        """The product whose SKU is ``code`` in any case, or None (and None without a SKU)."""
        model = self.product_model()
        if "sku" not in {f.name for f in model._meta.get_fields()}:
            return None
        return model._default_manager.filter(sku__iexact=code).first()

    def catalog_prices(self) -> set[Decimal]:
        """Every price in the catalog: a price in a chat reply must be one of these or quoted."""
        name = self.field_name("price")
        if not name or "__" in name:
            return set()
        values = self.product_model()._default_manager.values_list(name, flat=True)
        return {Decimal(str(v)).quantize(Decimal("0.01")) for v in values if v is not None}
