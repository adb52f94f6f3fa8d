"""Full-ranking evaluation: HR@k and NDCG@k over all items, the user's own history removed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .data import IntArray, Split

#: Scores a batch of histories against every item: returns a dense (batch, n_items) array.
Scorer = Callable[[Sequence[IntArray]], np.ndarray]


@dataclass(frozen=True)
class Result:
    """Hit rate and NDCG at ``k``, averaged over ``users`` evaluated users."""

    hr: float
    ndcg: float
    k: int
    users: int

    def __str__(self) -> str:
        return f"HR@{self.k} {self.hr:.4f}  NDCG@{self.k} {self.ndcg:.4f}"


def target_ranks(scores: np.ndarray, histories: Sequence[IntArray], targets: IntArray) -> IntArray:
    """0-based rank of each target among all items, history items excluded.

    Ties count against the target (every item scoring the same ranks above it), so a model
    cannot gain from arbitrary tie-breaking: a constant scorer never scores a hit.
    """
    scores = np.array(scores, dtype=np.float64, copy=True)
    for row, history in enumerate(histories):
        scores[row, history] = -np.inf
    rows = np.arange(len(targets))
    target_scores = scores[rows, targets]
    above = (scores >= target_scores[:, None]).sum(axis=1) - 1
    # A target that is also in the history has score -inf; it can still be found by a model
    # only if it is re-recommended, which history removal forbids: it counts as a miss.
    above[np.isneginf(target_scores)] = scores.shape[1]
    return np.asarray(above, dtype=np.int64)


def ranks_to_result(ranks: IntArray, k: int) -> Result:
    """HR@k and NDCG@k from 0-based target ranks (one relevant item per user)."""
    hits = ranks < k
    gains = np.where(hits, 1.0 / np.log2(ranks + 2.0), 0.0)
    n = len(ranks)
    return Result(float(hits.mean()) if n else 0.0, float(gains.mean()) if n else 0.0, k, n)


def evaluate(scorer: Scorer, split: Split, k: int = 10, batch_size: int = 2048) -> Result:
    """Rank all items for every user with a target and return HR@k / NDCG@k."""
    users = np.flatnonzero(split.targets >= 0)
    ranks = np.empty(len(users), dtype=np.int64)
    for start in range(0, len(users), batch_size):
        chunk = users[start : start + batch_size]
        histories = [split.histories[u] for u in chunk]
        scores = scorer(histories)
        ranks[start : start + len(chunk)] = target_ranks(scores, histories, split.targets[chunk])
    return ranks_to_result(ranks, k)
