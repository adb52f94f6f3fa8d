"""A circuit breaker: stop calling an endpoint that keeps failing, and probe it now and then."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Literal

from .errors import CircuitOpenError

BreakerState = Literal["closed", "open", "half_open"]


class CircuitBreaker:
    """Counts consecutive failed calls to one endpoint; opens after ``failure_threshold``.

    While open, :meth:`before_call` raises :class:`CircuitOpenError` at once. Once
    ``reset_timeout`` seconds have passed, one trial call is let through (half-open): its
    success closes the breaker, its failure opens it for another ``reset_timeout``. A trial
    whose outcome never arrives stops blocking others after ``reset_timeout``.

    Thread-safe, never blocks for long, so one instance can serve a sync and an async client.
    """

    def __init__(
        self,
        failure_threshold: int = 5,
        reset_timeout: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        self.failure_threshold = failure_threshold
        self.reset_timeout = reset_timeout
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_started_at: float | None = None

    @property
    def state(self) -> BreakerState:
        with self._lock:
            if self._opened_at is None:
                return "closed"
            return "half_open" if self._trial_started_at is not None else "open"

    @property
    def failures(self) -> int:
        """Consecutive failed calls counted so far."""
        return self._failures

    def before_call(self) -> None:
        """Let a call through, or raise :class:`CircuitOpenError`."""
        with self._lock:
            if self._opened_at is None:
                return
            now = self._clock()
            wait = self._opened_at + self.reset_timeout - now
            trial = self._trial_started_at
            if wait <= 0 and (trial is None or now - trial >= self.reset_timeout):
                self._trial_started_at = now
                return
            if trial is not None:
                wait = max(wait, trial + self.reset_timeout - now)
        raise CircuitOpenError(
            f"circuit open after {self._failures} consecutive failures; "
            f"next trial in {max(wait, 0.0):.1f}s",
            retry_in=max(wait, 0.0),
        )

    def record_success(self) -> None:
        """The endpoint answered: close the breaker."""
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._trial_started_at = None

    def record_failure(self) -> None:
        """The endpoint failed (after retries): count it, and open when over the threshold."""
        with self._lock:
            self._failures += 1
            if self._trial_started_at is not None or self._failures >= self.failure_threshold:
                self._opened_at = self._clock()
                self._trial_started_at = None

    def record_abandoned(self) -> None:
        """A call ended with no verdict on the endpoint (cancelled): free its trial slot."""
        with self._lock:
            self._trial_started_at = None
