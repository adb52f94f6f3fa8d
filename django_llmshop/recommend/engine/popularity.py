"""Popularity: item counts over training interactions only, globally and per category."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .data import IntArray
from .metrics import Scorer


def item_counts(sequences: Sequence[IntArray], n_items: int) -> np.ndarray:
    """How often each item occurs in the given (training) sequences."""
    if not sequences:
        return np.zeros(n_items)
    return np.bincount(np.concatenate(sequences), minlength=n_items).astype(np.float64)


def popularity_scorer(counts: np.ndarray) -> Scorer:
    """A scorer ranking every item by its count, the same for every user."""

    def score(histories: Sequence[IntArray]) -> np.ndarray:
        return np.broadcast_to(counts, (len(histories), len(counts)))

    return score


def category_popularity(
    counts: np.ndarray, item_categories: Mapping[int, Sequence[int]], k: int = 50
) -> dict[int, np.ndarray]:
    """For each category, its ``k`` most popular items (most popular first)."""
    members: dict[int, list[int]] = {}
    for item, categories in item_categories.items():
        for category in categories:
            members.setdefault(category, []).append(item)
    ranked = {}
    for category, items in members.items():
        arr = np.asarray(items, dtype=np.int64)
        order = np.lexsort((arr, -counts[arr]))
        ranked[category] = arr[order][:k]
    return ranked
