"""Review summaries ("customers say"): pros, cons and a short summary, map-reduce when many."""

from __future__ import annotations

import asyncio
from typing import Any

from django.db import models

from django_llmshop.adapters import ProductFacts, ProductReview
from django_llmshop.content.prompts import review_reduce_prompt, review_summary_prompt
from django_llmshop.gateway import AsyncPurposeLLM
from django_llmshop.llm import LLMResponseError

#: Reviews per model call; more than this are summarised in batches, then merged.
BATCH = 25
#: Reviews read at most (newest first).
MAX_REVIEWS = 400


async def _ask(llm: AsyncPurposeLLM, prompt: Any, product: models.Model | None) -> dict[str, Any]:
    result = await llm.chat(
        prompt.messages, obj=product, response_format=prompt.response_format(llm.endpoint)
    )
    if not isinstance(result.parsed, dict):
        raise LLMResponseError("the summary is not a JSON object")
    return result.parsed


async def summarize_reviews(
    llm: AsyncPurposeLLM,
    facts: ProductFacts,
    reviews: list[ProductReview],
    *,
    language: str,
    note: str = "",
    obj: models.Model | None = None,
) -> dict[str, Any]:
    """Summarise reviews (read beforehand); batches of ``BATCH`` are summarised, then merged."""
    product = obj
    if not reviews:
        return {"summary": "", "pros": [], "cons": [], "review_count": 0}
    batches = [reviews[i : i + BATCH] for i in range(0, len(reviews), BATCH)]
    partials = await asyncio.gather(
        *(
            _ask(
                llm,
                review_summary_prompt(
                    facts, batch, language=language, total_reviews=len(reviews), note=note
                ),
                product,
            )
            for batch in batches
        )
    )
    if len(partials) == 1:
        merged = partials[0]
    else:
        merged = await _ask(
            llm,
            review_reduce_prompt(
                facts, list(partials), language=language, total_reviews=len(reviews)
            ),
            product,
        )
    ratings = [r.rating for r in reviews if r.rating is not None]
    merged["review_count"] = len(reviews)
    if ratings:
        merged["average_rating"] = round(sum(ratings) / len(ratings), 2)
    return merged
