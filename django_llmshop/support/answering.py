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

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from django_llmshop.adapters import get_adapter
from django_llmshop.conf import llmshop_settings
from django_llmshop.support import catalog, prompts, retrieval
from django_llmshop.support.handoffs import request_handoff
from django_llmshop.support.intents import Intent, asks_for_person, classify, has_policy_words
from django_llmshop.support.orders import order_answer
from django_llmshop.support.passages import policy_answer
from django_llmshop.support.products import asks_about, product_answer
from django_llmshop.support.ranking import find_passages
from django_llmshop.support.retrieval.text import terms
from django_llmshop.support.tools import ChatContext
from django_llmshop.support.wording import question_terms

SMALL_TALK_TEMPLATE = "django_llmshop/support/prompts/small_talk.txt"


@dataclass
class Plan:
    intent: Intent
    question: str
    order_number: str | None = None
    passages: list[retrieval.Hit] = field(default_factory=list)
    products: list[Any] = field(default_factory=list)


def coverage(question: str, hit: retrieval.Hit) -> float:
    """Share of the question's index terms that the passage (with its heading) contains."""
    wanted = question_terms(question)
    if not wanted:
        return 0.0
    found = set(terms(f"{hit.title} {hit.heading} {hit.text}"))
    return len(wanted & found) / len(wanted)


def plan(question: str) -> Plan:
    """Decide what ``question`` asks for and gather the candidates to answer it from."""
    passages = find_passages(question)
    hits = catalog.search(question, limit=3)
    named = [hit for hit in hits if hit.named]
    decided = classify(
        question,
        policy_score=coverage(question, passages[0]) if passages else 0.0,
        product_match=bool(named),
    )
    products: list[Any] = []
    intent = decided.intent
    if named:
        by_id = get_adapter().products_by_id(hit.product_id for hit in named)
        products = [by_id[hit.product_id] for hit in named if hit.product_id in by_id]
        # Products whose record holds what is asked about ("warranty") go first; when none does
        # and the question has a policy word, the help pages answer it.
        products.sort(key=lambda product: not asks_about(question, product))
        policy_instead = has_policy_words(question) and not asks_about(question, products[0])
        if intent == Intent.PRODUCT and products and policy_instead:
            intent = Intent.POLICY
    return Plan(intent, question, decided.order_number, passages, products)


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
        return policy_answer(ctx, plan.question, plan.passages)
    if plan.intent == Intent.PRODUCT and plan.products:
        return product_answer(ctx, plan.products, plan.question)
    return None


def context_for(message: Any) -> ChatContext:
    """A reply's context: its conversation and, when logged in and active, its shopper."""
    conversation = message.conversation
    owner = conversation.user
    return ChatContext(
        conversation=conversation,
        user=owner if owner is not None and owner.is_active else None,
    )


def small_talk_messages(question: str, language: str) -> list[dict[str, Any]]:
    """A short prompt for what a small model may answer itself: greetings, thanks, chit-chat.
    No facts go in, so none can be misquoted, and the first token comes quickly."""
    system = render_to_string(
        SMALL_TALK_TEMPLATE,
        {
            "shop_name": get_adapter().shop_name(),
            "brand_voice": llmshop_settings.BRAND_VOICE,
            "language_name": prompts.language_name(language),
        },
    ).strip()
    return [{"role": "system", "content": system}, {"role": "user", "content": question}]


def planned_reply(message: Any, question: str, *, small: bool) -> tuple[str, ChatContext] | None:
    """The app's composed answer to ``question`` and its context, or None for the model.

    For a small model every question is routed; for a capable one only a request for a person
    is (the model's tools cover the rest).
    """
    ctx = context_for(message)
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
