"""The fake server's load: how long each answer waits, how many it takes at once, and counts."""

from __future__ import annotations

import math
import random
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class LoadStats:
    """What the server saw since start (or the last reset).

    ``answered`` requests were taken in and answered; ``rejected`` ones got 429 at once because
    ``max_in_flight`` were already being answered. ``waited`` is the total of the waits drawn
    for answered requests, so ``mean_latency`` is the latency the server actually served.
    """

    answered: int
    rejected: int
    peak_in_flight: int
    waited: float

    @property
    def mean_latency(self) -> float:
        return self.waited / self.answered if self.answered else 0.0

    def as_dict(self) -> dict[str, float]:
        return {
            "answered": self.answered,
            "rejected": self.rejected,
            "peak_in_flight": self.peak_in_flight,
            "waited": self.waited,
            "mean_latency": self.mean_latency,
        }


class Load:
    """Requests in flight, the limit on them, and the wait drawn for each answer.

    With ``latency_sigma`` > 0 the waits are lognormal with mean ``latency``: most answers come
    sooner, a long tail much later (sigma 1 puts the median at 0.61 × the mean and one answer in
    a hundred beyond 6 × it). ``seed`` makes the sequence of waits repeat from run to run.
    """

    def __init__(
        self,
        *,
        latency_sigma: float = 0.0,
        max_in_flight: int | None = None,
        retry_after: float = 1.0,
        seed: int | None = None,
    ) -> None:
        if latency_sigma < 0:
            raise ValueError("latency_sigma must be >= 0")
        if max_in_flight is not None and max_in_flight < 1:
            raise ValueError("max_in_flight must be >= 1 or None")
        if retry_after < 0:
            raise ValueError("retry_after must be >= 0")
        self.latency_sigma = latency_sigma
        self.max_in_flight = max_in_flight
        self.retry_after = retry_after
        self.seed = seed
        self._lock = threading.Lock()
        self._random = random.Random(seed)
        self._in_flight = 0
        self._peak = 0
        self._answered = 0
        self._rejected = 0
        self._waited = 0.0

    def admit(self) -> bool:
        """Take a request in (True), or refuse it because the limit is reached (False)."""
        with self._lock:
            if self.max_in_flight is not None and self._in_flight >= self.max_in_flight:
                self._rejected += 1
                return False
            self._in_flight += 1
            self._peak = max(self._peak, self._in_flight)
            return True

    def release(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def wait(self, latency: float) -> float:
        """Seconds an admitted request waits before its answer, drawn around ``latency``."""
        with self._lock:
            if latency > 0 and self.latency_sigma > 0:
                sigma = self.latency_sigma
                latency *= math.exp(self._random.gauss(-sigma * sigma / 2, sigma))
            self._answered += 1
            self._waited += max(latency, 0.0)
        return latency

    def refusal_headers(self) -> dict[str, str]:
        """Headers of a 429: Retry-After in whole seconds (as HTTP has it), retry-after-ms exact."""
        return {
            "Retry-After": str(math.ceil(self.retry_after)),
            "retry-after-ms": str(round(self.retry_after * 1000)),
        }

    @property
    def peak_in_flight(self) -> int:
        with self._lock:
            return self._peak

    def reset_peak(self) -> None:
        with self._lock:
            self._peak = self._in_flight

    def stats(self) -> LoadStats:
        with self._lock:
            return LoadStats(self._answered, self._rejected, self._peak, self._waited)

    def reset(self) -> None:
        """Zero the counts and start the waits' sequence again from the seed."""
        with self._lock:
            self._peak = self._in_flight
            self._answered = self._rejected = 0
            self._waited = 0.0
            self._random = random.Random(self.seed)
