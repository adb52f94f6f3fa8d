"""Template helpers of the storefront: prices, star ratings, navigation and footer links."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import gettext as _

from shop.models import CURRENCY, Category, Page

register = template.Library()

CURRENCY_SYMBOLS = {"USD": "$"}

#: Words that are written in capitals in attribute names.
ACRONYMS = {"bpa", "spf", "uv", "led", "usb"}


@register.filter
def money(amount: Decimal | float | None, currency: str = CURRENCY) -> str:
    """12.5 → "$12.50"."""
    if amount is None:
        return ""
    symbol = CURRENCY_SYMBOLS.get(currency, f"{currency} ")
    return f"{symbol}{Decimal(amount):,.2f}"


@register.filter
def stars(rating: float | None) -> str:
    """A rating out of five as filled and empty stars, rounded to the nearest whole star."""
    if rating is None:
        return ""
    filled = max(0, min(5, round(float(rating))))
    return "★" * filled + "☆" * (5 - filled)


@register.filter
def attribute_label(key: str) -> str:
    """ "dishwasher_safe" → "Dishwasher safe", "bpa_free" → "BPA free"."""
    words = [word.upper() if word in ACRONYMS else word for word in key.lower().split("_")]
    label = " ".join(words)
    return label[:1].upper() + label[1:]


@register.filter
def attribute_value(value: Any) -> str:
    """Attribute values as a shopper reads them: booleans as yes/no, lists joined."""
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


@register.inclusion_tag("shop/_nav.html", takes_context=True)
def shop_nav(context: template.Context) -> dict[str, Any]:
    return {
        "categories": Category.objects.filter(parent=None),
        "current": context.get("category"),
    }


@register.inclusion_tag("shop/_footer_pages.html")
def shop_footer_pages() -> dict[str, Any]:
    return {"pages": Page.objects.only("title", "slug")}
