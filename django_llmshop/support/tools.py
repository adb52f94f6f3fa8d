"""The chat's read-only tools. The shopper is whoever owns the conversation, never an argument.

Each tool returns a JSON-able dict; :func:`run_tool` wraps it in a ``<data>`` block that the
system prompt tells the model to treat as information, never as instructions.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django_llmshop.adapters import get_adapter
from django_llmshop.conf import llmshop_settings
from django_llmshop.llm import ToolCall
from django_llmshop.support import retrieval
from django_llmshop.support.handoffs import request_handoff
from django_llmshop.support.models import Conversation
from django_llmshop.support.ranking import find_passages
from django_llmshop.support.sources import SourceList
from django_llmshop.support.tool_arguments import (
    ToolArgumentError,
    check_arguments,
    decode_arguments,
)
from django_llmshop.text import clean_text

logger = logging.getLogger("django_llmshop.support")

MAX_RESULT_CHARS = 6000
DESCRIPTION_CHARS = 1200


@dataclass
class ChatContext:
    """Who is asking and what the reply has seen so far."""

    conversation: Conversation
    user: Any  # the conversation's owner when logged in, else None
    sources: SourceList = field(default_factory=SourceList)
    handed_off: bool = False


def _function(
    name: str, description: str, properties: dict[str, Any], required: list[str]
) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {"type": "object", "properties": properties, "required": required},
        },
    }


TOOL_SPECS: list[dict[str, Any]] = [
    _function(
        "search_catalog",
        "Search the shop's products by words, e.g. 'insulated bottle'. Returns names, ids, "
        "prices and key facts.",
        {"query": {"type": "string"}, "limit": {"type": "integer", "minimum": 1, "maximum": 8}},
        ["query"],
    ),
    _function(
        "get_product",
        "All facts about one product, by its id or SKU.",
        {"product": {"type": "string", "description": "product id or SKU"}},
        ["product"],
    ),
    _function("list_my_orders", "The shopper's own recent orders.", {}, []),
    _function(
        "get_my_order",
        "One of the shopper's own orders, by its number: status, items, carrier, tracking.",
        {"order_number": {"type": "string"}},
        ["order_number"],
    ),
    _function(
        "read_policy",
        "Passages of the shop's policies and FAQ about a topic, e.g. 'returns of opened items'.",
        {"topic": {"type": "string"}},
        ["topic"],
    ),
    _function(
        "handoff_to_human",
        "Hand the conversation to a person on the support team.",
        {"reason": {"type": "string"}},
        ["reason"],
    ),
]


#: Each tool's declared parameters, which its arguments are checked against.
PARAMETERS: dict[str, dict[str, Any]] = {
    spec["function"]["name"]: spec["function"]["parameters"] for spec in TOOL_SPECS
}


def product_entry(ctx: ChatContext, product: Any, *, full: bool) -> dict[str, Any]:
    adapter = get_adapter()
    facts = adapter.product_facts(product)
    summary = f"{facts.name}: {facts.price} {facts.currency}; {json.dumps(facts.attributes)}"
    source = ctx.sources.add("product", facts.name, facts.url, summary, match=(facts.name,))
    entry: dict[str, Any] = {
        "source": source.id,
        "product_id": facts.product_id,
        "name": facts.name,
        "category": facts.category,
        "price": facts.price,
        "currency": facts.currency,
        "in_stock": None if facts.stock is None else facts.stock > 0,
        "attributes": facts.attributes,
        "url": facts.url,
    }
    if full:
        entry["description"] = facts.description[:DESCRIPTION_CHARS]
        source.text += "\n" + entry["description"]
    return entry


def search_catalog(ctx: ChatContext, query: str = "", limit: int = 5, **_: Any) -> dict[str, Any]:
    products = get_adapter().search_products(query, limit=limit)
    return {"products": [product_entry(ctx, p, full=False) for p in products]}


def get_product(ctx: ChatContext, product: Any = "", **_: Any) -> dict[str, Any]:
    found = get_adapter().find_product(product)
    if found is None or not get_adapter().product_is_available(found):
        return {"error": "No product with that id or SKU."}
    return {"product": product_entry(ctx, found, full=True)}


def order_entry(ctx: ChatContext, order: Any) -> dict[str, Any]:
    summary = get_adapter().order_summary(order)
    number = summary["number"]
    source = ctx.sources.add(
        "order", f"Order {number}", summary.get("url", ""), json.dumps(summary), match=(number,)
    )
    return {"source": source.id, **summary}


NOT_LOGGED_IN = {"error": "The shopper is not logged in. Ask them to log in to see their orders."}


def list_my_orders(ctx: ChatContext, **_: Any) -> dict[str, Any]:
    if ctx.user is None:
        return NOT_LOGGED_IN
    return {"orders": [order_entry(ctx, o) for o in get_adapter().orders_for_user(ctx.user)]}


def get_my_order(ctx: ChatContext, order_number: Any = "", **_: Any) -> dict[str, Any]:
    if ctx.user is None:
        return NOT_LOGGED_IN
    order = get_adapter().get_order_for_user(ctx.user, str(order_number).strip()[:40])
    if order is None:
        return {"error": "There is no order with that number in this shopper's account."}
    return {"order": order_entry(ctx, order)}


def add_passages(ctx: ChatContext, hits: list[retrieval.Hit]) -> list[dict[str, Any]]:
    out = []
    for hit in hits:
        source = ctx.sources.add(hit.kind, hit.heading or hit.title, hit.url, hit.text)
        out.append({"source": source.id, "title": hit.heading or hit.title, "text": hit.text})
    return out


def read_policy(ctx: ChatContext, topic: str = "", **_: Any) -> dict[str, Any]:
    hits = find_passages(str(topic), limit=int(llmshop_settings.CHAT_RETRIEVAL_TOP_K))
    return {"passages": add_passages(ctx, hits)}


def handoff_to_human(ctx: ChatContext, reason: str = "", **_: Any) -> dict[str, Any]:
    request_handoff(ctx.conversation, str(reason) or "Asked by the assistant.")
    ctx.handed_off = True
    return {"handed_off": True, "note": "A person from the team will reply in this chat."}


TOOLS: dict[str, Callable[..., dict[str, Any]]] = {
    "search_catalog": search_catalog,
    "get_product": get_product,
    "list_my_orders": list_my_orders,
    "get_my_order": get_my_order,
    "read_policy": read_policy,
    "handoff_to_human": handoff_to_human,
}


def wrap(name: str, payload: dict[str, Any]) -> str:
    """A tool result as the model sees it: JSON inside a data block it cannot close."""
    text = json.dumps(payload, ensure_ascii=False, default=str)[:MAX_RESULT_CHARS]
    text = text.replace("</", "<\\/")
    return f'<data tool="{name}">\n{text}\n</data>'


def run_tool(ctx: ChatContext, call: ToolCall) -> tuple[str, dict[str, Any]]:
    """Run one call; returns the wrapped result and a record for ``Message.tool_calls``.

    Whatever the model sent, the model gets an answer: a result, or an error text it can act on.
    """
    name = clean_text(call.name)[:60]
    function = TOOLS.get(name)
    payload: dict[str, Any]
    if function is None:
        payload = {"error": f"There is no tool named {name!r}."}
    else:
        try:
            arguments = check_arguments(PARAMETERS[name], decode_arguments(call.arguments))
            payload = function(ctx, **arguments)
        except ToolArgumentError as exc:
            payload = {"error": str(exc)}
        except Exception:  # noqa: BLE001 - the model is told the tool failed; the log has why
            logger.exception("chat tool %s failed", name)
            payload = {"error": "The tool failed. Answer without it, or offer a person's help."}
    wrapped = wrap(name, payload)
    arguments_text = clean_text(call.arguments)[:1000]
    record = {"name": name, "arguments": arguments_text, "result": wrapped[:2000]}
    return wrapped, record
