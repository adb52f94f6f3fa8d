"""Sequence-aware item-kNN: distance-decayed transitions, asymmetric-cosine normalised."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .data import IntArray
from .neighbours import NeighbourTable
from .popularity import item_counts


@dataclass(frozen=True)
class SequenceKNNParams:
    """Hyper-parameters of the sequence-aware item-kNN; the defaults are the shipped values.

    Pairs: item ``j`` taken ``g`` steps after item ``i`` (``g <= window``) adds ``decay**(g-1)``
    to ``i -> j`` and ``backward * decay**(g-1)`` to ``j -> i`` (shoppers often buy things
    together, so order is a strong but not absolute signal).
    Similarity: ``C[i, j] / (n_i**alpha * n_j**(1 - alpha) + shrink)`` with ``n`` the item
    counts; ``alpha > 0.5`` penalises popular targets less than popular sources, ``shrink``
    damps pairs seen only a few times. Each item keeps its ``neighbours`` strongest.
    ``content`` weighs an optional items × items content similarity (attributes or text,
    cosine in [0, 1]) added to the learned similarity before pruning: it gives items with
    little or no history neighbours, and adds brand and category sense to the others.
    Serving: history item of age ``a`` (0 = last) weighs ``recency**a``, over the last
    ``max_history`` items, plus ``prior`` × popularity scaled to 1 at the most popular item.
    """

    window: int = 10
    decay: float = 0.7
    backward: float = 0.25
    alpha: float = 0.7
    shrink: float = 20.0
    neighbours: int = 200
    recency: float = 0.6
    max_history: int = 10
    prior: float = 0.02
    content: float = 0.03


def transition_counts(
    sequences: Sequence[IntArray], n_items: int, window: int, decay: float, backward: float
) -> sp.csr_matrix:
    """Item × item matrix of distance-decayed forward (and damped backward) co-occurrences."""
    if not sequences:
        return sp.csr_matrix((n_items, n_items), dtype=np.float64)
    flat = np.concatenate(sequences).astype(np.int64)
    lengths = np.fromiter((len(s) for s in sequences), dtype=np.int64, count=len(sequences))
    owner = np.repeat(np.arange(len(sequences)), lengths)
    rows, cols, vals = [], [], []
    for gap in range(1, window + 1):
        same = owner[:-gap] == owner[gap:]
        before, after = flat[:-gap][same], flat[gap:][same]
        weight = decay ** (gap - 1)
        rows += [before, after]
        cols += [after, before]
        vals += [np.full(len(before), weight), np.full(len(before), weight * backward)]
    counts = sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n_items, n_items),
    )
    counts.sum_duplicates()
    counts.setdiag(0)
    counts.eliminate_zeros()
    return counts


def asymmetric_cosine(
    counts: sp.csr_matrix, item_totals: np.ndarray, alpha: float, shrink: float
) -> sp.csr_matrix:
    """Normalise co-occurrences: ``C[i, j] / (n_i**alpha * n_j**(1-alpha) + shrink)``."""
    coo = counts.tocoo()
    n = np.maximum(item_totals, 1.0)
    denominator = n[coo.row] ** alpha * n[coo.col] ** (1.0 - alpha) + shrink
    return sp.csr_matrix((coo.data / denominator, (coo.row, coo.col)), shape=counts.shape)


def fit_sequence_knn(
    sequences: Sequence[IntArray],
    n_items: int,
    params: SequenceKNNParams | None = None,
    content: sp.spmatrix | None = None,
) -> NeighbourTable:
    """Train the neighbour table from time-ordered sequences (and optional content similarity).

    ``content`` is an items × items similarity such as
    :func:`~django_llmshop.recommend.engine.content.attribute_neighbours` returns.
    """
    p = params or SequenceKNNParams()
    totals = item_counts(sequences, n_items)
    counts = transition_counts(sequences, n_items, p.window, p.decay, p.backward)
    similarity = asymmetric_cosine(counts, totals, p.alpha, p.shrink)
    if content is not None and p.content:
        similarity = sp.csr_matrix(similarity + p.content * sp.csr_matrix(content))
    return NeighbourTable.from_matrix(
        similarity,
        totals,
        k=p.neighbours,
        recency=p.recency,
        max_history=p.max_history,
        prior=p.prior,
    )
