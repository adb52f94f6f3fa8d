"""A/B experiments: sticky arms per shopper, and rates compared with 95 % confidence intervals.

Arms are drawn from a hash of the experiment's name and the shopper's key, so a shopper keeps
their arm on every request and every process without anything stored. Rates get Wilson score
intervals, and the difference of two rates Newcombe's hybrid score interval (his method 10),
which stays inside [-1, 1] and behaves with few events, unlike the plain normal approximation.

Both assume independent trials, and one shopper's views are not: a shopper who views a product
ten times is more like one trial than ten. :func:`design_effect` measures how much the trials
cluster by shopper (the variance of the rate between shoppers, over what independent trials
would give); dividing the counts by it gives the effective counts the intervals are computed
from, so that many views by few shoppers widen them as they should.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass

#: z for a two-sided 95 % interval.
Z95 = 1.959963984540054


def bucket(experiment: str, shopper_key: str) -> float:
    """A number in [0, 1) fixed for this experiment and shopper, spread evenly over shoppers."""
    digest = hashlib.sha256(f"{experiment}\0{shopper_key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def assign(experiment: str, shopper_key: str, baseline_share: float) -> str:
    """``"baseline"`` for a ``baseline_share`` of shoppers, ``"treatment"`` for the rest."""
    return "baseline" if bucket(experiment, shopper_key) < baseline_share else "treatment"


@dataclass(frozen=True)
class Interval:
    """An estimate with the low and high ends of its confidence interval."""

    value: float
    low: float
    high: float

    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0


def wilson(successes: float, trials: float, z: float = Z95) -> Interval:
    """The rate ``successes / trials`` with its Wilson score interval ((0, 0, 1) with no trials).
    Effective counts (see :func:`design_effect`) may be fractions."""
    if trials <= 0:
        return Interval(0.0, 0.0, 1.0)
    if not 0 <= successes <= trials:
        raise ValueError(f"successes must be within 0..{trials}, got {successes}")
    p = successes / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / (1 + z2 / trials)
    return Interval(p, max(0.0, centre - half), min(1.0, centre + half))


def difference(a: tuple[float, float], b: tuple[float, float], z: float = Z95) -> Interval:
    """Rate of ``b`` minus rate of ``a`` (each ``(successes, trials)``) with Newcombe's interval."""
    ra, rb = wilson(*a, z=z), wilson(*b, z=z)
    d = rb.value - ra.value
    low = d - math.sqrt((rb.value - rb.low) ** 2 + (ra.high - ra.value) ** 2)
    high = d + math.sqrt((rb.high - rb.value) ** 2 + (ra.value - ra.low) ** 2)
    return Interval(d, max(-1.0, low), min(1.0, high))


def design_effect(clusters: Iterable[tuple[int, int]]) -> float:
    """How much ``(successes, trials)`` per shopper cluster: the cluster-robust variance of the
    pooled rate over the binomial one, at least 1 (1 when it cannot be told: fewer than two
    shoppers, or a rate of 0 or 1)."""
    pairs = [(s, n) for s, n in clusters if n > 0]
    total = sum(n for _, n in pairs)
    if len(pairs) < 2 or total <= 0:
        return 1.0
    rate = sum(s for s, _ in pairs) / total
    if rate <= 0.0 or rate >= 1.0:
        return 1.0
    # Both variances in the same (maximum-likelihood) form, so that shoppers of one trial each
    # give exactly 1: then the intervals are the plain ones.
    clustered = sum((s - rate * n) ** 2 for s, n in pairs) / total**2
    return max(1.0, clustered / (rate * (1 - rate) / total))


def effective(successes: int, trials: int, deff: float) -> tuple[float, float]:
    """The counts divided by the design effect: what the intervals are computed from."""
    return successes / deff, trials / deff
