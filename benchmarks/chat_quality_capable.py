"""A capable, tool-calling model, played by the fake endpoint, for ``chat_quality.py --fake``.

The fake endpoint answers every chat request through :func:`respond`: on the shopper's turn it
calls the tool a competent model would pick (an order number → ``get_my_order``, an order
question → ``list_my_orders``, a policy word → ``read_policy``, else ``search_catalog``); once
the tool results are in, it answers from them alone, citing each result with its ``[Sn]``
marker. So the run measures the chat's capable path — the tools, the shopper's identity in
them, the citations and the checks on the reply — with a model that does not invent anything:
a wrong answer here is the tools' or the checks' fault, not the model's.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django_llmshop.testing import Reply
from django_llmshop.testing.recorded import RecordedRequest
from django_llmshop.testing.replies import ToolCall

ORDER_NUMBER = re.compile(r"\b[A-Z]{2}-\d{4,}\b")
MY_ORDER = re.compile(r"\bmy\s+(?:latest\s+|last\s+)?(?:order|package|parcel)\b|我的订单")
CHANGE = re.compile(r"\b(?:cancel|change|return)\b")
POLICY_WORDS = (
    "return", "refund", "ship", "deliver", "cancel", "address", "pay", "warranty", "gift",
    "discount", "code", "price match", "exchange", "policy", "damaged", "broken", "lost",
    "invoice", "tested on", "dishwasher", "wash", "care", "退", "运费", "配送", "保修", "付款",
    "礼品", "包装",
)  # fmt: skip
DATA_BLOCK = re.compile(r'<data tool="(?P<name>[^"]+)">\n(?P<body>.*)\n</data>', re.S)


def _tool_for(text: str) -> tuple[str, dict[str, Any]]:
    lowered = text.lower()
    number = ORDER_NUMBER.search(text)
    if number:
        return "get_my_order", {"order_number": number.group(0)}
    if MY_ORDER.search(lowered) and not CHANGE.search(lowered):
        return "list_my_orders", {}
    if any(word in lowered for word in POLICY_WORDS):
        return "read_policy", {"topic": text}
    return "search_catalog", {"query": text, "limit": 3}


def _order_line(order: dict[str, Any]) -> str:
    parts = [f"Order {order.get('number')}: {order.get('status')}"]
    for key in ("carrier", "tracking_number", "placed_at", "shipped_at", "delivered_at"):
        if order.get(key):
            value = str(order[key])
            parts.append(f"{key.replace('_', ' ')} {value[:10] if key.endswith('_at') else value}")
    if order.get("total"):
        dollars = order.get("currency") == "USD"
        parts.append(f"total ${order['total']}" if dollars else f"total {order['total']}")
    items = order.get("items") or []
    if items:
        names = ", ".join(str(item.get("product") or "") for item in items)
        parts.append(f"items {names}")
    return "; ".join(parts) + f" [{order.get('source')}]."


def _product_line(product: dict[str, Any]) -> str:
    stock = {True: "in stock", False: "out of stock", None: ""}[product.get("in_stock")]
    attributes = "; ".join(f"{k}: {v}" for k, v in (product.get("attributes") or {}).items())
    facts = ", ".join(p for p in (f"{product.get('price')} {product.get('currency')}", stock) if p)
    return f"{product.get('name')}: {facts}. {attributes} [{product.get('source')}]."


def _answer(name: str, result: dict[str, Any]) -> str:
    error = str(result.get("error") or "")
    if "not logged in" in error:
        return "Please log in, then I can look up your orders."
    if error:
        return "I can't find an order with that number in your account."
    if "order" in result:
        return _order_line(result["order"])
    if "orders" in result:
        return " ".join(_order_line(o) for o in result["orders"]) or "You have no orders yet."
    if "passages" in result:
        passages = result["passages"][:3]
        quoted = [f"{p['text'].strip()} [{p['source']}]" for p in passages]
        return "\n\n".join(quoted) or "I could not find that in our help pages."
    if "products" in result or "product" in result:
        products = result.get("products") or [result.get("product")]
        return " ".join(_product_line(p) for p in products[:1] if p) or "No product matched."
    return f"The {name} tool gave no answer I can use."


def respond(record: RecordedRequest) -> Reply | None:
    """The next reply for one chat request, or None for the server's default."""
    body = record.json if isinstance(record.json, dict) else {}
    messages = body.get("messages") or []
    if not body.get("tools") or not messages:
        return Reply.text("Happy to help with anything about the shop.")
    last = messages[-1]
    if last.get("role") == "tool":
        answers = []
        for message in reversed(messages):
            if message.get("role") != "tool":
                break
            match = DATA_BLOCK.search(str(message.get("content") or ""))
            if match:
                answers.append(_answer(match["name"], json.loads(match["body"])))
        return Reply.text(" ".join(reversed(answers)) or "Sorry, I could not look that up.")
    name, arguments = _tool_for(str(last.get("content") or ""))
    return Reply.tool_calls(ToolCall(name, json.dumps(arguments, ensure_ascii=False)))
