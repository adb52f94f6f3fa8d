"""Scenarios: a fake server that answers every purpose of the app with valid output.

``python -m django_llmshop.testing --scenario shop`` runs the fake server with
:func:`shop_responder`, so a developer can click through the whole app without a model:

- content drafts, review summaries and re-rankings get JSON that fills the schema asked for,
  built from the request's own facts (so the drafts pass the quality gate);
- the support chat gets tool calls where the question calls for them (orders, products,
  policies, a person), then a short answer that quotes what the tools found and cites it;
- small talk and staff reply drafts get a short, fact-free reply.

Every answer is deterministic: the same request gets the same reply.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django_llmshop.testing.recorded import RecordedRequest
from django_llmshop.testing.replies import Reply
from django_llmshop.testing.scenario_content import (
    ContentWriter,
    chinese,
    fill,
    ranking,
    review_summary,
    schema_of,
)

#: Words of a question that call for each tool (English and Chinese).
TOOL_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("handoff_to_human", ("person", "human", "agent", "someone", "人工", "客服")),
    ("list_my_orders", ("order", "delivery", "parcel", "package", "订单", "快递")),
    ("read_policy", ("return", "refund", "shipping", "warranty", "policy", "退货", "退款", "运费")),
]
SOURCE_ID = re.compile(r"\b(S\d+)\b")
DATA_BLOCK = re.compile(r"<data[^>]*>\n?(.*?)\n?</data>", re.DOTALL)


def shop_responder(request: RecordedRequest) -> Reply | None:
    """The reply of the "shop" scenario to one request (None: the server's default)."""
    if request.path != "/v1/chat/completions" or not isinstance(request.json, dict):
        return None
    body: dict[str, Any] = request.json
    messages = [m for m in body.get("messages") or [] if isinstance(m, dict)]
    system = next((text(m) for m in messages if m.get("role") == "system"), "")
    prompt = next((text(m) for m in reversed(messages) if m.get("role") == "user"), "")
    schema = schema_of(body)
    if schema is not None or body.get("response_format"):
        return Reply.json(structured(schema or {}, prompt, system))
    if body.get("tools") and messages and messages[-1].get("role") == "user":
        call = tool_call(prompt)
        if call is not None:
            return Reply.tool_calls(call)
    return Reply.text(chat_answer(messages, system))


def text(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, list):  # content parts
        return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return content if isinstance(content, str) else ""


def structured(schema: dict[str, Any], prompt: str, system: str) -> dict[str, Any]:
    properties = set((schema.get("properties") or {}).keys())
    if "ranking" in properties or "Candidates:" in prompt:
        return ranking(prompt, system)
    if {"summary", "pros", "cons"} <= properties or "review" in prompt.lower()[:200]:
        return review_summary(prompt, system)
    return fill(schema, ContentWriter(prompt, system))


def tool_call(question: str) -> tuple[str, dict[str, Any]] | None:
    """The tool a question calls for, with its arguments; None to answer at once."""
    lowered = question.lower()
    for name, words in TOOL_WORDS:
        if any(word in lowered for word in words):
            if name == "handoff_to_human":
                return name, {"reason": "The shopper asked for a person."}
            if name == "read_policy":
                return name, {"topic": question[:200]}
            return name, {}
    if len(question.split()) >= 2 or len(question) >= 4:
        return "search_catalog", {"query": question[:200], "limit": 3}
    return None


def chat_answer(messages: list[dict[str, Any]], system: str) -> str:
    """The text of a chat reply: what the tools or the sources said, or a fact-free line."""
    zh = chinese(system)
    if "You draft replies for a person" in system:
        if zh:
            return "感谢您的留言。我们的团队会核实后尽快回复您。"
        return "Thank you for your message. Our team will check this and come back to you soon."
    results = [text(m) for m in messages if m.get("role") == "tool"]
    if results:
        return from_tool(results[-1], messages, zh)
    sources = DATA_BLOCK.findall(system)
    ids = SOURCE_ID.findall(" ".join(re.findall(r'source="(S\d+)"', system)))
    if sources and ids:
        first = first_sentence(sources[0])
        lead = "根据我们的资料：" if zh else "Here is what our help pages say:"
        return f"{lead} {first} [{ids[0]}]"
    if zh:
        return "您好！我可以帮您查询订单、商品、运费和退货，也可以为您转接人工客服。"
    return (
        "Hello! I can help with an order, a product, shipping or returns, or find a person "
        "from our team for you."
    )


def from_tool(result: str, messages: list[dict[str, Any]], zh: bool) -> str:
    """An answer that repeats the tool's findings as they are, with their source ids."""
    calls = [m for m in messages if m.get("role") == "assistant" and m.get("tool_calls")]
    name = ""
    if calls:
        function = (calls[-1]["tool_calls"][0] or {}).get("function") or {}
        name = str(function.get("name", ""))
    if name == "handoff_to_human":
        joined = "I have asked a person from our team to join."
        return "我已为您转接人工客服，请稍候。" if zh else joined
    block = DATA_BLOCK.search(result)
    payload_text = block.group(1) if block else result
    try:
        payload = json.loads(payload_text)
    except ValueError:
        payload = {}
    cite = " ".join(f"[{i}]" for i in dict.fromkeys(SOURCE_ID.findall(payload_text)))
    if isinstance(payload, dict) and payload.get("error"):
        missing = "Sorry, I could not find that. A person from our team can help."
        return "抱歉，我没有找到相关信息。" if zh else missing
    names = re.findall(r'"(?:name|title|number)": "([^"]{1,80})"', payload_text)
    if names:
        lead = "我找到了：" if zh else "Here is what I found:"
        listed = "\n".join(f"- {found}" for found in dict.fromkeys(names[:5]))
        return f"{lead}\n\n{listed}\n\n{cite}".strip()
    passage = first_sentence(payload_text)
    lead = "我找到的信息如下：" if zh else "Here is what I found:"
    return f"{lead} {passage} {cite}".strip()


def first_sentence(passage: str) -> str:
    """The first sentence of a passage, without Markdown headings or JSON punctuation."""
    lines = [
        line.strip(' #-"{}[],')
        for line in passage.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    joined = " ".join(line for line in lines if line)
    found = re.match(r"(.{10,300}?[.!?。！？])(\s|$)", joined)
    return found.group(1) if found else joined[:200]


#: The scenarios ``--scenario`` accepts, by name.
SCENARIOS: dict[str, Callable[[RecordedRequest], Reply | None]] = {"shop": shop_responder}
