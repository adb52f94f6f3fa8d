"""Backoff, Retry-After parsing, what counts as retryable, and the circuit breaker."""

from __future__ import annotations

import threading

import pytest

from django_llmshop.llm import (
    APIStatusError,
    BadRequestError,
    CircuitBreaker,
    CircuitOpenError,
    LLMConnectionError,
    LLMResponseError,
    LLMTimeoutError,
    RateLimitError,
    ServerError,
    StreamInterruptedError,
)
from django_llmshop.llm.retry import (
    backoff_delay,
    counts_against_endpoint,
    is_retryable,
    parse_retry_after,
)


@pytest.mark.parametrize(
    ("retry", "longest"), [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (9, 8.0)]
)
def test_backoff_doubles_up_to_a_cap_with_jitter(retry, longest):
    assert backoff_delay(retry, lambda: 0.0) == longest
    assert backoff_delay(retry, lambda: 1.0) == pytest.approx(longest * 0.75)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, None),
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after": "-4"}, 0.0),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"retry-after-ms": "soon", "retry-after": "9"}, 9.0),
        ({"retry-after": "Wed, 21 Oct 2015 07:28:30 GMT"}, 30.0),
        ({"retry-after": "Wed, 21 Oct 2015 07:27:00 GMT"}, 0.0),
        ({"retry-after": "nan"}, None),
        ({"retry-after": "whenever"}, None),
    ],
)
def test_parse_retry_after(headers, expected):
    now = 1445412480.0  # Wed, 21 Oct 2015 07:28:00 GMT
    assert parse_retry_after(headers, now=lambda: now) == expected


def status(code):
    return APIStatusError("x", status_code=code)


@pytest.mark.parametrize("code", [408, 409, 429, 500, 502, 503, 504])
def test_retryable_statuses(code):
    assert is_retryable(status(code))


@pytest.mark.parametrize("code", [400, 401, 403, 404, 418, 422])
def test_statuses_not_retried(code):
    assert not is_retryable(status(code))


def test_retryable_errors():
    assert is_retryable(LLMConnectionError("x"))
    assert is_retryable(LLMTimeoutError("x"))
    assert is_retryable(StreamInterruptedError("x"))
    assert not is_retryable(LLMResponseError("x"))


def test_what_counts_against_the_endpoint():
    assert counts_against_endpoint(LLMTimeoutError("x"))
    assert counts_against_endpoint(RateLimitError("x", status_code=429))
    assert counts_against_endpoint(ServerError("x", status_code=502))
    assert not counts_against_endpoint(BadRequestError("x", status_code=400))
    assert not counts_against_endpoint(status(409))
    assert not counts_against_endpoint(LLMResponseError("x"))


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_breaker_opens_after_threshold_consecutive_failures():
    breaker = CircuitBreaker(failure_threshold=3, reset_timeout=10, clock=Clock())
    for _ in range(2):
        breaker.before_call()
        breaker.record_failure()
    breaker.record_success()  # a success resets the count
    for _ in range(2):
        breaker.before_call()
        breaker.record_failure()
    assert breaker.state == "closed"
    breaker.record_failure()
    assert breaker.state == "open"
    with pytest.raises(CircuitOpenError) as caught:
        breaker.before_call()
    assert caught.value.retry_in == 10


def test_breaker_half_opens_for_one_trial():
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=1, reset_timeout=10, clock=clock)
    breaker.record_failure()
    clock.now += 9.9
    with pytest.raises(CircuitOpenError):
        breaker.before_call()
    clock.now += 0.1
    breaker.before_call()  # the trial
    assert breaker.state == "half_open"
    with pytest.raises(CircuitOpenError):
        breaker.before_call()  # only one trial at a time
    breaker.record_success()
    assert breaker.state == "closed"
    breaker.before_call()


def test_failed_trial_reopens_for_a_full_timeout():
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=5, reset_timeout=10, clock=clock)
    for _ in range(5):
        breaker.record_failure()
    clock.now += 10
    breaker.before_call()
    breaker.record_failure()
    assert breaker.state == "open"
    clock.now += 9
    with pytest.raises(CircuitOpenError):
        breaker.before_call()
    clock.now += 1
    breaker.before_call()


def test_abandoned_trial_lets_the_next_call_try():
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=1, reset_timeout=10, clock=clock)
    breaker.record_failure()
    clock.now += 10
    breaker.before_call()
    breaker.record_abandoned()
    breaker.before_call()
    assert breaker.state == "half_open"


def test_lost_trial_stops_blocking_after_the_timeout():
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=1, reset_timeout=10, clock=clock)
    breaker.record_failure()
    clock.now += 10
    breaker.before_call()  # this trial never reports back
    clock.now += 10
    breaker.before_call()


def test_breaker_is_thread_safe():
    breaker = CircuitBreaker(failure_threshold=8000, reset_timeout=10)

    def fail():
        for _ in range(1000):
            breaker.record_failure()

    threads = [threading.Thread(target=fail) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert breaker.failures == 8000
    assert breaker.state == "open"


def test_breaker_rejects_a_zero_threshold():
    with pytest.raises(ValueError, match="failure_threshold"):
        CircuitBreaker(failure_threshold=0)
