"""The ShopAdapter for django-oscar: its catalogue, partner strategy, reviews and orders.

Point ``LLMSHOP["ADAPTER"]`` at :class:`OscarAdapter` (``defaults.LLMSHOP_OSCAR`` does). Prices,
currency and availability come from the shop's own partner strategy (a forked ``partner`` app's
``Selector`` included), so the chat and generated copy quote what the basket would charge.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.html import strip_tags

from django_llmshop.adapters import KnowledgePage, ProductFacts, ProductReview, ShopAdapter
from django_llmshop.contrib.oscar.descriptions import (
    plain_text,
    read_description,
    write_description,
)
from django_llmshop.contrib.oscar.prices import StrategyPrices

#: The description-like text roles that Oscar stores as HTML.
HTML_ROLES = frozenset({"description"})


class OscarAdapter(StrategyPrices, ShopAdapter):
    """Reads Oscar's products, prices, reviews and orders; writes product texts safely."""

    order_user_field = "user"
    order_number_field = "number"
    # Past orders for the history import (manage.py llmshop_import_history): Oscar's names.
    order_history_date_field = "date_placed"
    order_history_lines = "lines"
    order_history_guest_field = "guest_email"

    def product_facts(self, product: models.Model) -> ProductFacts:
        """The product's facts, with one strategy look-up for price, currency and stock."""
        info = self.purchase_info(product)
        return ProductFacts(
            product_id=str(product.pk),
            name=self.product_name(product),
            category=self.product_category(product),
            price=self.product_price(product, info),
            currency=self.product_currency(product, info),
            attributes=self.product_attributes(product),
            stock=self.product_stock(product, info),
            description=plain_text(self.get_text(product, "description")),
            url=self.product_url(product),
        )

    # --- catalogue facts and texts ---

    def product_name(self, product: models.Model) -> str:
        title = getattr(product, "get_title", None)
        return str(title() if callable(title) else product)

    def product_category(self, product: models.Model) -> str:
        return ", ".join(str(category.name) for category in product.get_categories())  # type: ignore[attr-defined]

    def product_attributes(self, product: models.Model) -> dict[str, Any]:
        return {
            str(value.attribute.name): value.value_as_text
            for value in product.get_attribute_values()  # type: ignore[attr-defined]
        }

    def product_image(self, product: models.Model) -> dict[str, str] | None:
        """The primary image's URL and alt text (its caption, else the title), or None."""
        image = product.primary_image()  # type: ignore[attr-defined]
        if isinstance(image, dict):  # Oscar's stand-in when the product has no image
            return None
        url = image.original.url if image.original else ""
        return {"url": url, "alt": str(image.caption or self.product_name(product))}

    def get_text(self, product: models.Model, role: str) -> str:
        text = super().get_text(product, role)
        return read_description(text) if role in HTML_ROLES else text

    def set_texts(self, product: models.Model, texts: dict[str, str]) -> None:
        super().set_texts(
            product,
            {role: write_description(t) if role in HTML_ROLES else t for role, t in texts.items()},
        )

    def text_for_field(self, product: models.Model, role: str, text: str, language: str) -> str:
        # Shared or per language, a description is written as escaped HTML (see set_texts_in).
        return write_description(text) if role in HTML_ROLES else text

    def _html_column(self, product: models.Model, role: str, language: str) -> bool:
        """Whether ``role`` in ``language`` is an HTML description column of its own
        (``TRANSLATED_FIELDS``, django-modeltranslation or django-parler)."""
        return role in HTML_ROLES and self.field_for(product, role, language) is not None

    def get_text_in(self, product: models.Model, role: str, language: str) -> str:
        text = super().get_text_in(product, role, language)
        return read_description(text) if self._html_column(product, role, language) else text

    def set_texts_in(self, product: models.Model, texts: dict[str, str], language: str) -> None:
        # A text kept once for all languages goes through set_texts, which converts it there.
        super().set_texts_in(
            product,
            {
                role: write_description(t) if self._html_column(product, role, language) else t
                for role, t in texts.items()
            },
            language,
        )

    def product_search_fields(self) -> list[str]:
        return ["title", "description", "upc"]

    def _product_by_code(self, code: str) -> models.Model | None:
        """:meth:`find_product` reads a reference that is not a primary key as a UPC."""
        if not code:
            return None
        return self.product_model()._default_manager.filter(upc__iexact=code).first()

    # --- reviews: approved ones only ---

    def _reviews_of(self, model: type[models.Model], product: models.Model) -> models.QuerySet[Any]:
        """Approved reviews only: spam and reviews awaiting moderation are never summarised."""
        return model._default_manager.filter(
            product=product,
            status=model.APPROVED,  # type: ignore[attr-defined]
        ).order_by("-date_created", "-pk")

    def _review_record(self, review: Any) -> ProductReview:
        return ProductReview(
            rating=int(review.score), title=str(review.title or ""), body=str(review.body or "")
        )

    # --- orders: the shopper's own ---

    def orders_for_user(self, user: Any, limit: int = 10) -> list[models.Model]:
        model = self.order_model()
        if model is None or user is None or not getattr(user, "is_authenticated", False):
            return []
        queryset = model._default_manager.filter(user=user).order_by("-date_placed", "-pk")
        return list(queryset.prefetch_related("lines")[:limit])

    def order_summary(self, order: models.Model) -> dict[str, Any]:
        """Number, status, date, lines with their prices, total with tax, currency, link."""
        currency = str(order.currency)  # type: ignore[attr-defined]
        lines = [
            {
                "product": str(line.title),
                "quantity": int(line.quantity),
                "unit_price": str(line.unit_price_incl_tax),
                "line_price": str(line.line_price_incl_tax),
            }
            for line in order.lines.all()  # type: ignore[attr-defined]
        ]
        summary: dict[str, Any] = {
            "number": str(order.number),  # type: ignore[attr-defined]
            "status": str(order.status or ""),  # type: ignore[attr-defined]
            "placed_at": order.date_placed.date().isoformat(),  # type: ignore[attr-defined]
            "items": lines,
            "total": str(order.total_incl_tax),  # type: ignore[attr-defined]
            "shipping": str(order.shipping_incl_tax),  # type: ignore[attr-defined]
            "currency": currency,
            "url": self.order_url(order),
        }
        method = str(getattr(order, "shipping_method", "") or "")
        if method:
            summary["shipping_method"] = method
        return summary

    def order_url(self, order: models.Model) -> str:
        """The order's page in the shopper's account ("" when the URL is not mounted)."""
        try:
            return reverse("customer:order", kwargs={"order_number": order.number})  # type: ignore[attr-defined]
        except NoReverseMatch:
            return ""

    def order_products(self, order: models.Model) -> list[models.Model]:
        """The products of an order's lines that still exist (for purchase events)."""
        lines: Iterable[Any] = order.lines.select_related("product")  # type: ignore[attr-defined]
        return [line.product for line in lines if line.product_id is not None]

    # --- help pages: Oscar's flat pages ---

    def knowledge_page(self, page: models.Model) -> KnowledgePage:
        """A flat page (``content`` is HTML) as a help page; other page models as usual."""
        if not apps.is_installed("django.contrib.flatpages") or page._meta.label != (
            "flatpages.FlatPage"
        ):
            return super().knowledge_page(page)
        return KnowledgePage(
            key=f"{page._meta.label_lower}:{page.pk}",
            title=str(page.title),  # type: ignore[attr-defined]
            body=strip_tags(str(page.content)),  # type: ignore[attr-defined]
            kind="page",
            url=str(page.get_absolute_url()),  # type: ignore[attr-defined]
            published=not page.registration_required,  # type: ignore[attr-defined]
        )
