"""The call log: one ``LLMCall`` row per model call, with its cost at the endpoint's prices.

The clients in :mod:`django_llmshop.llm` hand each call's :class:`CallRecord` to
:func:`write_call_record` (or its async twin) through the gateway.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.contenttypes.models import ContentType
from django.db import models, router, transaction

from django_llmshop.conf import llmshop_settings
from django_llmshop.llm import CallRecord
from django_llmshop.models import LLMCall
from django_llmshop.text import clean_text

#: Tokens one call may count at most: an endpoint that reports more (or less than none) is
#: broken, and its figures must neither fail the row nor lower the day's spending.
MAX_CALL_TOKENS = 100_000_000
MAX_COST = Decimal("999999.999999")  # what LLMCall.cost holds


def _excerpt(text: str) -> str:
    if not llmshop_settings.LOG_PROMPTS:
        return ""
    # Cleaned: a model's NUL or lone surrogate would make the row impossible to store.
    text = clean_text(text[: int(llmshop_settings.LOG_EXCERPT_CHARS)])
    for pattern in llmshop_settings.LOG_REDACT_PATTERNS:
        text = re.sub(pattern, "[redacted]", text)
    return text


def _tokens(count: int) -> int:
    return max(0, min(int(count), MAX_CALL_TOKENS))


def write_call_record(record: CallRecord) -> LLMCall:
    """Store one ``CallRecord`` as an ``LLMCall`` row, with its cost at the endpoint's prices."""
    fields = _fields(record)
    using = router.db_for_write(LLMCall)
    if not transaction.get_connection(using).in_atomic_block:
        # In autocommit the INSERT is its own transaction: no BEGIN and COMMIT round trips.
        return _create(using, fields)
    # A savepoint: should the row still fail, the caller's transaction stays usable.
    with transaction.atomic(using=using):
        return _create(using, fields)


def _create(using: str, fields: dict[str, Any]) -> LLMCall:
    return LLMCall.objects.using(using).create(**fields)


def _fields(record: CallRecord) -> dict[str, Any]:
    """The ``LLMCall`` row's fields for ``record``."""
    meta: Mapping[str, Any] = record.metadata or {}
    alias = str(meta.get("endpoint", ""))
    prompt_tokens = _tokens(record.prompt_tokens)
    completion_tokens = _tokens(record.completion_tokens)
    cost = Decimal(0)
    if alias:
        endpoint = llmshop_settings.endpoint(alias)
        cost = Decimal(str(round(endpoint.cost(prompt_tokens, completion_tokens), 6)))
        cost = min(cost, MAX_COST)
    content_type = None
    object_id = ""
    obj = meta.get("obj")
    if isinstance(obj, models.Model) and obj.pk is not None:
        content_type = ContentType.objects.get_for_model(obj)
        object_id = str(obj.pk)
    return {
        "purpose": str(meta.get("purpose", "other")),
        "endpoint": alias,
        "model": clean_text(record.model)[:200],
        "operation": record.operation,
        "status": LLMCall.Status.OK if record.status == "ok" else LLMCall.Status.ERROR,
        "error_class": record.error_class or "",
        "error_message": clean_text(record.error_message or "")[:2000],
        "http_status": record.http_status,
        "retries": record.retries,
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "tokens_estimated": record.tokens_estimated,
        "cost": cost,
        "latency_ms": round(record.latency_s * 1000),
        "ttft_ms": None if record.ttft_s is None else round(record.ttft_s * 1000),
        "prompt_excerpt": _excerpt(record.request_excerpt),
        "response_excerpt": _excerpt(record.response_excerpt),
        "content_type": content_type,
        "object_id": object_id,
    }


# One thread for all writes: SQLite allows one writer, and Django connections are per thread.
_awrite_call_record = sync_to_async(write_call_record, thread_sensitive=True)


async def awrite_call_record(record: CallRecord) -> None:
    await _awrite_call_record(record)
