"""The prices part of the Oscar adapter: price, currency, stock and availability through the
shop's own partner strategy (a forked ``partner`` app's ``Selector`` included), so the chat and
generated copy quote what the basket would charge."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import models

from django_llmshop.adapters import CatalogAdapter
from django_llmshop.contrib.oscar.descriptions import plain_text

CATALOG_PRICES_KEY = "llmshop:oscar:catalog_prices"
CATALOG_PRICES_SECONDS = 300


def oscar_class(module: str, name: str) -> Any:
    """A class through Oscar's loader, so that a shop's forked app wins."""
    from oscar.core.loading import get_class

    return get_class(module, name)


def forget_catalog_prices(**kwargs: Any) -> None:
    """A stock record changed: the cached catalog prices are rebuilt on the next reply."""
    cache.delete(CATALOG_PRICES_KEY)


class StrategyPrices(CatalogAdapter):
    """Prices, stock and availability from Oscar's ``PurchaseInfo``."""

    def strategy(self, request: Any = None, user: Any = None) -> Any:
        """The shop's pricing strategy (``partner.strategy.Selector``), for a request or a user;
        without either, the strategy Oscar uses for offline work."""
        return oscar_class("partner.strategy", "Selector")().strategy(request=request, user=user)

    def purchase_info(self, product: models.Model, strategy: Any = None) -> Any:
        """Oscar's ``PurchaseInfo`` (price, availability, stock record) for the product."""
        strategy = strategy or self.strategy()
        if getattr(product, "is_parent", False):
            return strategy.fetch_for_parent(product)
        return strategy.fetch_for_product(product)

    @staticmethod
    def price_amount(price: Any) -> Decimal | None:
        """The price a shopper pays: with tax when the tax is known, else without."""
        if not getattr(price, "exists", False):
            return None
        amount = price.incl_tax if price.is_tax_known else price.excl_tax
        return None if amount is None else Decimal(amount)

    def product_price(self, product: models.Model, info: Any = None) -> str:
        amount = self.price_amount((info or self.purchase_info(product)).price)
        return "" if amount is None else str(amount)

    def product_currency(self, product: models.Model, info: Any = None) -> str:
        currency = getattr((info or self.purchase_info(product)).price, "currency", None)
        return str(currency or getattr(settings, "OSCAR_DEFAULT_CURRENCY", "") or "USD")

    def product_stock(self, product: models.Model, info: Any = None) -> int | None:
        availability = (info or self.purchase_info(product)).availability
        available = getattr(availability, "num_available", None)
        return None if available is None else int(available)

    def product_is_available(self, product: models.Model) -> bool:
        """Public, and buyable now by the strategy's rules (stock, partner)."""
        if not getattr(product, "is_public", True):
            return False
        return bool(self.purchase_info(product).availability.is_available_to_buy)

    def catalog_prices(self) -> set[Decimal]:
        """Every price the strategy gives a product with stock records (with and without tax).

        The chat checks each reply against it, so it is cached for ``CATALOG_PRICES_SECONDS``;
        saving or deleting a stock record forgets it (in the shop's cache, shared when that
        cache is)."""
        prices = cache.get(CATALOG_PRICES_KEY)
        if prices is None:
            prices = self._strategy_prices()
            cache.set(CATALOG_PRICES_KEY, prices, CATALOG_PRICES_SECONDS)
        return set(prices)

    def _strategy_prices(self) -> set[Decimal]:
        strategy = self.strategy()
        queryset = (
            self.product_model()
            ._default_manager.filter(stockrecords__isnull=False)
            .distinct()
            .order_by("pk")
            .select_related("product_class", "parent__product_class")
            .prefetch_related("stockrecords")
        )
        prices: set[Decimal] = set()
        for product in queryset.iterator(chunk_size=500):
            price = strategy.fetch_for_product(product).price
            if not getattr(price, "exists", False):
                continue
            amounts = [price.excl_tax, price.incl_tax if price.is_tax_known else None]
            prices.update(Decimal(a).quantize(Decimal("0.01")) for a in amounts if a is not None)
        return prices

    def recommendation_catalog(self) -> Iterator[tuple[str, str, str]]:
        """Every public product that can be bought now, read in chunks with its stock records
        and browsable categories prefetched (a few queries per chunk, not per product)."""
        strategy = self.strategy()
        queryset = (
            self.product_model()
            ._default_manager.filter(is_public=True)
            .order_by("pk")
            .select_related("product_class", "parent__product_class")
            .prefetch_browsable_categories()  # type: ignore[attr-defined]
            .prefetch_related("stockrecords")
        )
        for product in queryset.iterator(chunk_size=1000):
            if not self.purchase_info(product, strategy).availability.is_available_to_buy:
                continue
            category = self.product_category(product)
            text = " ".join(
                (self.product_name(product), plain_text(self.get_text(product, "description")))
            )
            yield str(product.pk), f"{text} {category}", category
