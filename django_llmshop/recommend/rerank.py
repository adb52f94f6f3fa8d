"""LLM re-ranking among the candidates: the model call, run in a task, that fills the cache.

A web request never waits for the model: serving (``services.recommend``) shows the candidate
order at once and, when the cache holds no ranking for this shopper and context, enqueues
:func:`rerank`. The model may only reorder the candidates and give each a one-line reason; ids
it invents are dropped and candidates it leaves out follow in their original order. On timeout,
bad JSON, a spent budget or an open circuit the candidate order stays, the call log says why.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import cache

from django_llmshop.adapters import get_adapter
from django_llmshop.conf import llmshop_settings
from django_llmshop.gateway import llm_for
from django_llmshop.llm import LLMError
from django_llmshop.text import clean_text

logger = logging.getLogger("django_llmshop.recommend")

MAX_REASON_CHARS = 160
#: How long a failed re-rank is remembered, so the model is not asked again at every view.
SKIPPED_SECONDS = 300

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "ranking": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "product_id": {"type": "string"},
                    "reason": {"type": "string"},
                },
                "required": ["product_id", "reason"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["ranking"],
    "additionalProperties": False,
}


def clean_ranking(value: Any, candidate_ids: list[str]) -> dict[str, Any]:
    """The model's answer reduced to candidate ids (each once) and short one-line reasons."""
    allowed = set(candidate_ids)
    order: list[str] = []
    reasons: dict[str, str] = {}
    entries = value.get("ranking") if isinstance(value, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        product_id = str(entry.get("product_id", ""))
        if product_id not in allowed or product_id in reasons:
            continue
        order.append(product_id)
        reason = " ".join(clean_text(str(entry.get("reason", ""))).split())[:MAX_REASON_CHARS]
        reasons[product_id] = reason
    order += [i for i in candidate_ids if i not in reasons]
    return {"order": order, "reasons": {i: r for i, r in reasons.items() if r}}


def prompt(history: list[str], candidate_ids: list[str], language: str) -> list[dict[str, str]]:
    adapter = get_adapter()
    products = adapter.products_by_id([*history, *candidate_ids])

    def line(product_id: str) -> str:
        product = products.get(product_id)
        if product is None:
            return f"- {product_id}"
        category = adapter.product_category(product)
        return f"- {product_id}: {adapter.product_name(product)}" + (
            f" ({category})" if category else ""
        )

    seen = "\n".join(line(i) for i in reversed(history)) or "- (nothing yet)"
    offered = "\n".join(line(i) for i in candidate_ids)
    system = (
        "You rank product recommendations for an online shop. Use only the candidate ids "
        "given. Put the candidates the shopper most likely wants next first, and give each a "
        f"short reason of at most 12 words, in the language with code '{language}'. Do not "
        "mention prices or discounts. Answer with JSON only."
    )
    user = (
        f"Recently viewed or bought (most recent first):\n{seen}\n\n"
        f"Candidates:\n{offered}\n\n"
        'Answer as {"ranking": [{"product_id": "...", "reason": "..."}]}.'
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def rerank(key: str, history: list[str], candidate_ids: list[str], language: str) -> bool:
    """Ask the model to rank the candidates and cache the result under ``key``.

    Returns False when the model call failed; the cache then remembers the candidate order
    for a while (``SKIPPED_SECONDS``) and the call log holds the error.
    """
    if cache.get(key) is not None:
        return True  # a redelivered or duplicate task
    llm = llm_for("recommend")
    response_format: dict[str, Any] = (
        {"type": "json_schema", "json_schema": {"name": "ranking", "schema": SCHEMA}}
        if llm.endpoint.supports_json_schema
        else {"type": "json_object", "schema": SCHEMA}
    )
    try:
        result = llm.chat(
            prompt(history, candidate_ids, language),
            response_format=response_format,
            max_tokens=60 + 40 * len(candidate_ids),
            temperature=0.0,
        )
        ranking = clean_ranking(result.parsed, candidate_ids)
    except LLMError as exc:
        logger.warning("Recommendation re-rank skipped: %s: %s", type(exc).__name__, exc)
        _skip(key, candidate_ids, exc)
        return False
    except Exception as exc:  # noqa: BLE001 - the candidate order is served; the log has why
        logger.exception("Recommendation re-rank failed")
        _skip(key, candidate_ids, exc)
        return False
    cache.set(key, ranking, int(llmshop_settings.RECOMMEND_RERANK_CACHE_SECONDS))
    return True


def _skip(key: str, candidate_ids: list[str], exc: BaseException) -> None:
    """Remember the candidate order for a while, so the model is not asked at every view."""
    skipped = {"order": candidate_ids, "reasons": {}, "skipped": type(exc).__name__}
    cache.set(key, skipped, SKIPPED_SECONDS)
