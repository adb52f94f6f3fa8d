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
        label = str(key).replace("_", " ").capitalize()
        lines.append(f"- {label}: {attribute_value(facts.attributes[key])}")
    if facts.url:
        lines.append(
            _("Product page: [%(name)s](%(url)s)") % {"name": facts.name, "url": facts.url}
        )
    return "\n".join(lines) + f" [{source}]"


def product_answer(ctx: ChatContext, products: list[Any], question: str) -> str:
    """What the record says about the one or two products the question names."""
    return "\n\n".join(_one(ctx, product, question) for product in products[:2])
