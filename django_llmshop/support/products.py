"""Product answers composed from the record: price, stock and the attributes asked about."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from django_llmshop.adapters import get_adapter
from django_llmshop.support.retrieval.text import terms
from django_llmshop.support.tools import ChatContext, product_entry

CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "CNY": "¥", "JPY": "¥", "AUD": "A$"}
MAX_ATTRIBUTES = 6
UNIT_SUFFIXES = frozenset(["years", "months", "days", "hours", "minutes", "kg", "g", "cm", "mm",
                           "ml", "l", "w", "mah", "lm"])  # fmt: skip

# Words of a question that ask for an attribute, by words found in attribute keys.
ATTRIBUTE_WORDS: dict[str, tuple[str, ...]] = {
    "weight": ("heavy", "weigh", "weight", "light", "重", "多重", "重量"),
    "size": ("size", "big", "dimension", "large", "small", "tall", "wide", "尺寸", "大小", "尺码"),
    "dimension": ("size", "big", "dimension", "tall", "wide", "long", "尺寸", "大小"),
    "volume": ("volume", "hold", "capacity", "litre", "liter", "容量", "多大"),
    "capacity": ("volume", "hold", "capacity", "容量"),
    "material": ("material", "made", "fabric", "材质", "材料", "什么做"),
    "colour": ("colour", "color", "colours", "colors", "颜色"),
    "warranty": ("warranty", "guarantee", "保修", "质保"),
    "dishwasher": ("dishwasher", "洗碗机"),
    "battery": ("battery", "charge", "电池"),
}
PRICE_WORDS = ("how much", "price", "cost", "多少钱", "价格", "价钱", "费用")
STOCK_WORDS = ("in stock", "available", "availability", "sold out", "有货", "库存", "现货")


def money(amount: Any, currency: str) -> str:
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return f"{amount} {currency}".strip()
    sign = CURRENCY_SIGNS.get(currency.upper())
    return f"{sign}{value}" if sign else f"{value} {currency}"


def attribute_value(value: Any) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    return str(value)


def attribute_line(key: str, value: Any) -> str:
    """``warranty_years``, 5 -> "Warranty: 5 years"; ``weight``, "1.1 kg" -> "Weight: 1.1 kg"."""
    words = key.lower().replace("-", "_").split("_")
    unit = words[-1] if len(words) > 1 and words[-1] in UNIT_SUFFIXES else ""
    label = " ".join(words[:-1] if unit else words).capitalize()
    shown = attribute_value(value)
    if unit and not isinstance(value, bool):
        shown = f"{shown} {unit}"
    return f"{label}: {shown}"


def asked_attributes(question: str, attributes: dict[str, Any]) -> list[str]:
    """The attribute keys the question asks about, in the record's order."""
    lowered = question.lower()
    question_terms = set(terms(question))
    asked = []
    for key in attributes:
        key_words = str(key).lower().replace("-", "_").split("_")
        if question_terms & set(terms(" ".join(key_words))):
            asked.append(key)
            continue
        for word, synonyms in ATTRIBUTE_WORDS.items():
            if word in key_words and any(s in lowered for s in synonyms):
                asked.append(key)
                break
    return asked


def _stock_sentence(name: str, stock: int | None) -> str:
    if stock is None:
        return ""
    if stock > 0:
        return _("The **%(name)s** is in stock.") % {"name": name}
    return _("The **%(name)s** is out of stock at the moment.") % {"name": name}


def _one(ctx: ChatContext, product: Any, question: str) -> str:
    facts = get_adapter().product_facts(product)
    source = product_entry(ctx, product, full=False)["source"]
    lowered = question.lower()
    price = money(facts.price, facts.currency)
    lines: list[str] = []
    asked = asked_attributes(question, facts.attributes)
    wants_price = any(word in lowered for word in PRICE_WORDS)
    wants_stock = any(word in lowered for word in STOCK_WORDS)
    if wants_price or not (asked or wants_stock):
        lines.append(_("The **%(name)s** costs %(price)s.") % {"name": facts.name, "price": price})
    if wants_stock or not asked:
        stock = _stock_sentence(facts.name, facts.stock)
        if stock:
            lines.append(stock)
    shown = asked or list(facts.attributes)[:MAX_ATTRIBUTES]
    if asked and not (wants_price or wants_stock):
        lines.append(_("About the **%(name)s**:") % {"name": facts.name})
    for key in shown:
        lines.append(f"- {attribute_line(str(key), facts.attributes[key])}")
    if facts.url:
        lines.append(
            _("Product page: [%(name)s](%(url)s)") % {"name": facts.name, "url": facts.url}
        )
    return "\n".join(lines) + f" [{source}]"


def product_answer(ctx: ChatContext, products: list[Any], question: str) -> str:
    """What the record says about the one or two products the question names."""
    return "\n\n".join(_one(ctx, product, question) for product in products[:2])


def asks_about(question: str, product: Any) -> bool:
    """The question asks for an attribute that this product's record has."""
    return bool(asked_attributes(question, get_adapter().product_attributes(product)))
