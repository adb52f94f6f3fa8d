"""Writing the call log's rows: one INSERT in autocommit, a savepoint inside a transaction."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.db import DatabaseError, transaction

from django_llmshop import calllog
from django_llmshop.llm import CallRecord
from django_llmshop.models import LLMCall


def record(**changes: Any) -> CallRecord:
    fields: dict[str, Any] = {
        "operation": "chat", "base_url": "", "model": "m", "status": "ok", "error_class": None,
        "error_message": "", "http_status": 200, "retries": 0, "prompt_tokens": 10,
        "completion_tokens": 5, "latency_s": 0.25, "ttft_s": 0.05, "request_excerpt": "",
        "response_excerpt": "", "metadata": {"purpose": "support", "endpoint": "default"},
    }  # fmt: skip
    fields.update(changes)
    return CallRecord(**fields)


@pytest.fixture
def atomic_blocks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The databases of the atomic blocks the call log opens."""
    entered: list[str] = []

    def atomic(using: str | None = None, **kwargs: Any) -> Any:
        entered.append(str(using))
        return transaction.atomic(using=using, **kwargs)

    spy = SimpleNamespace(atomic=atomic, get_connection=transaction.get_connection)
    monkeypatch.setattr(calllog, "transaction", spy)
    return entered


def test_in_autocommit_the_row_is_one_insert_without_a_transaction(transactional_db, atomic_blocks):
    call = calllog.write_call_record(record())
    assert atomic_blocks == []
    stored = LLMCall.objects.get(pk=call.pk)
    assert (stored.purpose, stored.latency_ms, stored.ttft_ms) == ("support", 250, 50)
    assert (stored.prompt_tokens, stored.completion_tokens) == (10, 5)


def test_inside_a_transaction_a_failed_row_leaves_it_usable(db, atomic_blocks):
    with transaction.atomic():
        with pytest.raises(DatabaseError):
            calllog.write_call_record(record(latency_s=-5.0))  # below the column's CHECK
        assert atomic_blocks == ["default"]
        calllog.write_call_record(record())  # the caller's transaction goes on
    assert LLMCall.objects.filter(latency_ms=250).count() == 1
