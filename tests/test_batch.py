"""run_batch: many calls from sync code, results and the call log handled in the caller's thread."""

import threading
import time

import pytest

from django_llmshop import batch
from django_llmshop.batch import run_batch
from django_llmshop.llm import BudgetExceededError
from django_llmshop.models import LLMCall

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint(llm_server, settings):
    settings.LLMSHOP = {
        "ENDPOINTS": {
            "default": {
                "BASE_URL": llm_server.base_url,
                "MODEL": "fake",
                "MAX_CONCURRENCY": 3,
                "PRICE_PER_MTOK_IN": 1000.0,
                "PRICE_PER_MTOK_OUT": 1000.0,
            }
        },
    }
    return llm_server


def ask(text):
    async def task(llm):
        return (await llm.chat([{"role": "user", "content": text}])).text

    return task


def test_results_errors_and_the_call_log_arrive_in_the_calling_thread(endpoint):
    caller = threading.get_ident()
    seen = {}

    async def broken(llm):
        raise ValueError("no facts")

    def on_result(key, value):
        assert threading.get_ident() == caller
        seen[key] = value

    items = [(n, ask(f"item {n}")) for n in range(6)] + [("broken", broken)]
    run_batch("content", iter(items), on_result)
    assert {k: v for k, v in seen.items() if k != "broken"} == {
        n: f"Echo: item {n}" for n in range(6)
    }
    assert isinstance(seen["broken"], ValueError)
    assert LLMCall.objects.filter(purpose="content", status="ok").count() == 6


def test_a_spent_budget_stops_the_batch_before_any_call(endpoint, settings):
    settings.LLMSHOP = {**settings.LLMSHOP, "DAILY_BUDGETS": {"content": 0}}
    with pytest.raises(BudgetExceededError):
        run_batch("content", iter([(1, ask("item"))]), lambda key, value: None)
    assert endpoint.requests == []


def test_tasks_not_started_when_the_budget_runs_out_end_without_a_call(endpoint, settings):
    endpoint_conf = {**settings.LLMSHOP["ENDPOINTS"]["default"], "MAX_CONCURRENCY": 1}
    settings.LLMSHOP = {
        **settings.LLMSHOP,
        "ENDPOINTS": {"default": endpoint_conf},
        "DAILY_BUDGETS": {"content": 0.000001},  # the first call's tokens spend it
    }
    endpoint.latency = 0.3  # the caller checks the budget while the next call is in flight
    seen = {}
    run_batch("content", iter([(n, ask(f"item {n}")) for n in range(5)]), seen.__setitem__)
    assert seen[0] == "Echo: item 0"
    assert isinstance(seen[4], BudgetExceededError)
    assert len(endpoint.requests) < 5


def test_a_failure_of_the_loop_thread_is_raised_in_the_caller(endpoint, monkeypatch):
    class Unreachable(batch.AsyncPurposeLLM):
        async def __aenter__(self):
            raise RuntimeError("no event loop for you")

    monkeypatch.setattr(batch, "AsyncPurposeLLM", Unreachable)
    seen = []
    with pytest.raises(RuntimeError, match="no event loop for you"):
        run_batch("content", iter([(1, ask("item"))]), lambda key, value: seen.append(key))
    assert seen == [] and endpoint.requests == []


def test_a_loop_that_closed_before_the_first_task_is_submitted_still_reports_its_failure(
    endpoint, monkeypatch
):
    class Unreachable(batch.AsyncPurposeLLM):
        async def __aenter__(self):
            raise RuntimeError("no event loop for you")

    monkeypatch.setattr(batch, "AsyncPurposeLLM", Unreachable)

    def slow_tasks():
        time.sleep(0.3)  # the loop thread fails and closes its loop meanwhile
        yield 1, ask("item")

    with pytest.raises(RuntimeError, match="no event loop for you"):
        run_batch("content", slow_tasks(), lambda key, value: None)
    assert endpoint.requests == []
