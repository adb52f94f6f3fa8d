"""The answer plan: route a question by rules, gather its facts, and compose the answer.

A small model cannot be trusted with facts, so for order, policy, product and handoff questions
the app writes the answer itself from the shopper's own order, the best help passage or the
product record, through translatable sentences, and cites the source. Only "other" questions
are left to the model (see :mod:`django_llmshop.support.replies`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from django_llmshop.adapters import get_adapter
from django_llmshop.support import catalog, retrieval
from django_llmshop.support.handoffs import request_handoff
from django_llmshop.support.intents import Intent, asks_for_person, classify
from django_llmshop.support.orders import order_answer
from django_llmshop.support.products import product_answer
from django_llmshop.support.retrieval.text import terms
from django_llmshop.support.tools import ChatContext, add_passages

# Chinese topic words and the English words the help pages use for them, so that a question in
# Chinese finds the passage of an English help page.
ZH_TOPICS = {
    "退货": "return", "退款": "refund", "换货": "exchange", "运费": "shipping cost",
    "配送": "shipping delivery", "发货": "ship dispatch", "快递": "shipping carrier",
    "保修": "warranty", "质保": "warranty", "付款": "payment", "支付": "payment pay",
    "发票": "invoice", "隐私": "privacy data", "礼品包装": "gift wrapping", "包装": "wrapping",
    "礼品卡": "gift card", "取消": "cancel", "政策": "policy", "海外": "outside international",
    "国际": "international",
    "关税": "duties import", "地址": "address", "多少天": "days", "几天": "days",
    "洗碗机": "dishwasher", "动物": "animals tested", "蜡烛": "candle",
}  # fmt: skip
QUOTE_CHARS = 420  # a passage longer than this is condensed to its best sentences
MAX_SENTENCES = 3
_SENTENCE_RE = re.compile(r"(?<=[^\d\s][.!?])\s+(?=[A-Z*\"(\[])|(?<=[。！？])")
_AMOUNT_QUESTION_RE = re.compile(
    r"\bhow\s+(?:many|long|much|soon|fast|quickly)\b|\bwhen\b|多少|几|多久|多长", re.I
)
_DIGIT_RE = re.compile(r"\d")
_BLOCK_START_RE = re.compile(r"[-*+|#>]|\d+[.)]\s")


@dataclass
class Plan:
    intent: Intent
    question: str
    order_number: str | None = None
    passages: list[retrieval.Hit] = field(default_factory=list)
    products: list[Any] = field(default_factory=list)


def search_text(question: str) -> str:
    """The question with English words added for the Chinese topic words it contains."""
    extra = [english for word, english in ZH_TOPICS.items() if word in question]
    return " ".join([question, *extra])


# Words of small talk that say nothing about what a help passage should contain.
CHAT_TERMS = frozenset(
    terms(
        "tell say know want need please help thank thanks hello hi hey nice good great like get "
        "make give show something anything thing way much many lot ok okay sure yes just also "
        "really very"
    )
)


def question_terms(question: str) -> set[str]:
    return {t for t in terms(search_text(question)) if t not in CHAT_TERMS}


def coverage(question: str, hit: retrieval.Hit) -> float:
    """Share of the question's index terms that the passage (with its heading) contains."""
    wanted = question_terms(question)
    if not wanted:
        return 0.0
    found = set(terms(f"{hit.title} {hit.heading} {hit.text}"))
    return len(wanted & found) / len(wanted)


def best_passages(question: str, hits: list[retrieval.Hit]) -> list[retrieval.Hit]:
    """The hits re-ranked for quoting: a passage whose heading is what the question asks about
    ("return policy" -> "Returns policy") goes before one that only mentions its words."""
    wanted = question_terms(question)

    def score(hit: retrieval.Hit) -> float:
        heading = set(terms(hit.heading or hit.title))
        if not wanted or not heading:
            return hit.score
        shared = len(wanted & heading)
        return hit.score + 0.25 * shared / len(wanted) + 0.25 * shared / len(heading)

    return sorted(hits, key=lambda hit: -score(hit))


def plan(question: str) -> Plan:
    """Decide what ``question`` asks for and gather the candidates to answer it from."""
    passages = best_passages(question, retrieval.search(search_text(question), limit=8))
    hits = catalog.search(question, limit=3)
    named = [hit for hit in hits if hit.named]
    decided = classify(
        question,
        policy_score=coverage(question, passages[0]) if passages else 0.0,
        product_match=bool(named),
    )
    products: list[Any] = []
    if named:
        by_id = get_adapter().products_by_id(hit.product_id for hit in named)
        products = [by_id[hit.product_id] for hit in named if hit.product_id in by_id]
    return Plan(decided.intent, question, decided.order_number, passages, products)


def _lines(text: str) -> list[str]:
    """The lines of a passage with hard-wrapped lines joined: a list item, a table row or a
    paragraph each becomes one line."""
    lines: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            lines.append("")
        elif lines and lines[-1] and not _BLOCK_START_RE.match(line):
            lines[-1] += " " + line
        else:
            lines.append(line)
    return [line for line in lines if line and not set(line) <= set("|-: ")]


def sentences(text: str) -> list[str]:
    """The sentences of a passage; a list item or a table row stays one piece."""
    pieces = []
    for line in _lines(text):
        pieces += [p.strip() for p in _SENTENCE_RE.split(line) if p.strip()]
    return pieces


def _asks_amount(question: str) -> bool:
    return bool(_AMOUNT_QUESTION_RE.search(question))


def condense(question: str, hits: list[retrieval.Hit]) -> list[tuple[int, str]]:
    """The sentences of ``hits`` that answer ``question`` best, as (hit index, text) in order.

    A passage whose heading is the question itself (an FAQ entry) is quoted whole."""
    wanted = question_terms(question)
    first = hits[0]
    heading = set(terms(first.heading))
    if wanted and len(wanted & heading) / len(wanted) >= 2 / 3 and len(first.text) <= QUOTE_CHARS:
        return [(0, first.text.strip())]
    amount = _asks_amount(question)
    scored = []
    for index, hit in enumerate(hits):
        for position, sentence in enumerate(sentences(hit.text)):
            score = float(len(wanted & set(terms(sentence))))
            if amount and _DIGIT_RE.search(sentence):
                score += 0.5
            scored.append((-score, index, position, sentence))
    scored.sort()
    best = -scored[0][0] if scored else 0
    chosen: list[tuple[int, int, str]] = []
    size = 0
    for negative, index, position, sentence in scored[:MAX_SENTENCES]:
        if chosen and (-negative < best / 2 or size + len(sentence) > QUOTE_CHARS):
            break
        chosen.append((index, position, sentence))
        size += len(sentence)
    return [(index, sentence) for index, _position, sentence in sorted(chosen)]


def policy_answer(ctx: ChatContext, plan: Plan) -> str:
    if not plan.passages:
        return _(
            "I couldn't find that in our help pages. A person from our team can answer it: "
            "just ask for a person."
        )
    hits = plan.passages[:3]
    quoted = condense(plan.question, hits)
    used = sorted({index for index, _text in quoted})
    entries = add_passages(ctx, [hits[i] for i in used])
    marker = {index: entry["source"] for index, entry in zip(used, entries, strict=True)}
    pages = "; ".join(dict.fromkeys(hits[i].heading or hits[i].title for i in used))
    lines = [_("From our %(page)s:") % {"page": pages}, ""]
    for position, (index, text) in enumerate(quoted):
        last_of_hit = position + 1 == len(quoted) or quoted[position + 1][0] != index
        lines.append(f"{text} [{marker[index]}]" if last_of_hit else text)
    return "\n".join(lines)


def handoff_answer(ctx: ChatContext, plan: Plan) -> str:
    request_handoff(ctx.conversation, plan.question[:500] or "Asked by the shopper.")
    ctx.handed_off = True
    return _(
        "I have asked a person from our team to join this chat. They will answer here, so you "
        "can keep this window open."
    )


def compose(ctx: ChatContext, plan: Plan) -> str | None:
    """The app's own answer for the planned intent, or None when the model should answer."""
    if plan.intent == Intent.HANDOFF:
        return handoff_answer(ctx, plan)
    if plan.intent == Intent.ORDER:
        return order_answer(ctx, plan.order_number)
    if plan.intent == Intent.POLICY:
        return policy_answer(ctx, plan)
    if plan.intent == Intent.PRODUCT and plan.products:
        return product_answer(ctx, plan.products, plan.question)
    return None


def planned_reply(message: Any, question: str, *, small: bool) -> tuple[str, ChatContext] | None:
    """The app's composed answer to ``question`` and its context, or None for the model.

    For a small model every question is routed; for a capable one only a request for a person
    is (the model's tools cover the rest).
    """
    conversation = message.conversation
    owner = conversation.user
    ctx = ChatContext(
        conversation=conversation,
        user=owner if owner is not None and owner.is_active else None,
    )
    if small:
        planned = plan(question)
    elif asks_for_person(question):
        planned = Plan(Intent.HANDOFF, question)
    else:
        return None
    text = compose(ctx, planned)
    return None if text is None else (text, ctx)


_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")
_DEBRIS_RE = re.compile(r"</?data\b|data source|shopper's recent orders|system prompt", re.I)


def unsupported(text: str, ctx: ChatContext, question: str) -> bool:
    """The model's text holds prompt debris, or a number that neither its sources nor the
    question contain (a small model invents figures)."""
    if _DEBRIS_RE.search(text):
        return True
    known = set(_NUMBER_RE.findall(f"{ctx.sources.text()} {question}"))
    return any(number not in known for number in _NUMBER_RE.findall(text))


def safe_fallback() -> str:
    return _(
        "I can help with your orders, our shipping, returns and warranty, and our products. "
        "What would you like to know? You can also ask for a person from our team."
    )


def checked_small_reply(text: str, ctx: ChatContext, question: str) -> str:
    """A small model's own answer, or the safe fallback when it fails the check."""
    return safe_fallback() if unsupported(text, ctx, question) else text
