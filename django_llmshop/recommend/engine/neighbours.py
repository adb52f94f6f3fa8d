"""The served form of a model: each item's top-K neighbours with weights, plus popularity."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .data import IntArray


def recency_weights(length: int, recency: float) -> np.ndarray:
    """Weights of a history's items, oldest first: the last item 1, each older one × ``recency``."""
    return np.asarray(recency ** np.arange(length - 1, -1, -1, dtype=np.float64))


def history_matrix(
    histories: Sequence[IntArray], n_items: int, recency: float, max_history: int
) -> sp.csr_matrix:
    """Users × items matrix of recency weights over each user's last ``max_history`` items."""
    recent = [h[-max_history:] if max_history > 0 else h for h in histories]
    lengths = np.fromiter((len(h) for h in recent), dtype=np.int64, count=len(recent))
    rows = np.repeat(np.arange(len(recent)), lengths)
    cols = np.concatenate(recent) if len(recent) else np.zeros(0, dtype=np.int64)
    vals = np.concatenate([recency_weights(len(h), recency) for h in recent] or [np.zeros(0)])
    matrix = sp.csr_matrix((vals, (rows, cols)), shape=(len(recent), n_items))
    matrix.sum_duplicates()
    return matrix


def top_k_rows(matrix: sp.spmatrix, k: int) -> sp.csr_matrix:
    """Keep the ``k`` largest entries of every row (the item's nearest neighbours)."""
    csr = sp.csr_matrix(matrix)
    csr.eliminate_zeros()
    counts = np.diff(csr.indptr)
    keep = np.ones(csr.nnz, dtype=bool)
    for row in np.flatnonzero(counts > k):
        start, end = csr.indptr[row], csr.indptr[row + 1]
        drop = np.argpartition(-csr.data[start:end], k)[k:]
        keep[start + drop] = False
    rows = np.repeat(np.arange(csr.shape[0]), counts)[keep]
    return sp.csr_matrix((csr.data[keep], (rows, csr.indices[keep])), shape=csr.shape)


@dataclass(frozen=True)
class NeighbourTable:
    """Item-to-item neighbour lists (CSR arrays) and a popularity prior, ready to store.

    A shopper's score for item ``j`` is ``sum_h recency^age(h) * weight(h -> j)`` over their
    last ``max_history`` items ``h`` (age 0 = most recent), plus ``prior * popularity[j]``.
    Row ``i`` of the table is ``indices[indptr[i]:indptr[i+1]]`` with matching ``weights``,
    sorted by decreasing weight.
    """

    indptr: np.ndarray
    indices: np.ndarray
    weights: np.ndarray
    popularity: np.ndarray
    recency: float
    max_history: int
    prior: float

    @property
    def n_items(self) -> int:
        return len(self.popularity)

    @classmethod
    def from_matrix(
        cls,
        matrix: sp.spmatrix | np.ndarray,
        popularity: np.ndarray,
        *,
        k: int,
        recency: float,
        max_history: int,
        prior: float,
    ) -> NeighbourTable:
        """Prune an item × item weight matrix to its top ``k`` per row and freeze it."""
        pruned = top_k_rows(sp.csr_matrix(matrix), k)
        indptr, indices, weights = [0], [], []
        for row in range(pruned.shape[0]):
            start, end = pruned.indptr[row], pruned.indptr[row + 1]
            order = np.argsort(-pruned.data[start:end], kind="stable")
            indices.append(pruned.indices[start:end][order])
            weights.append(pruned.data[start:end][order])
            indptr.append(indptr[-1] + end - start)
        peak = float(popularity.max()) if len(popularity) and popularity.max() > 0 else 1.0
        return cls(
            indptr=np.asarray(indptr, dtype=np.int64),
            indices=np.concatenate(indices).astype(np.int32) if indices else np.zeros(0, np.int32),
            weights=np.concatenate(weights).astype(np.float32) if weights else np.zeros(0),
            popularity=(np.asarray(popularity, dtype=np.float64) / peak).astype(np.float32),
            recency=recency,
            max_history=max_history,
            prior=prior,
        )

    def matrix(self) -> sp.csr_matrix:
        """The table as a sparse item × item matrix."""
        return sp.csr_matrix(
            (self.weights, self.indices, self.indptr), shape=(self.n_items, self.n_items)
        )

    def neighbours(self, item: int) -> tuple[np.ndarray, np.ndarray]:
        """One item's neighbours and weights, strongest first (one indexed read when stored)."""
        start, end = self.indptr[item], self.indptr[item + 1]
        return self.indices[start:end], self.weights[start:end]

    def score(self, histories: Sequence[IntArray]) -> np.ndarray:
        """Dense scores (users × items) for a batch of histories: the evaluation's scorer."""
        weights = history_matrix(histories, self.n_items, self.recency, self.max_history)
        scores = np.asarray((weights @ self.matrix()).toarray(), dtype=np.float64)
        if self.prior:
            scores += self.prior * self.popularity[None, :]
        return scores

    def recommend(self, history: IntArray, k: int = 10) -> list[tuple[int, float]]:
        """Top ``k`` (item, score) for one shopper, from neighbour rows only, history excluded."""
        totals: dict[int, float] = {}
        recent = history[-self.max_history :] if self.max_history > 0 else history
        for item, weight in zip(recent, recency_weights(len(recent), self.recency), strict=True):
            items, values = self.neighbours(int(item))
            for j, v in zip(items.tolist(), values.tolist(), strict=True):
                totals[j] = totals.get(j, 0.0) + weight * v
        seen = {int(i) for i in history}
        # Popular items are candidates too: they fill the list for a shopper with little or
        # no history (cold start), ranked by the prior alone.
        for j in np.argsort(-self.popularity, kind="stable")[: k + len(seen)].tolist():
            totals.setdefault(j, 0.0)
        if self.prior:
            for j in totals:
                totals[j] += self.prior * float(self.popularity[j])
        ranked = sorted(
            ((j, s) for j, s in totals.items() if j not in seen),
            key=lambda p: (-p[1], -float(self.popularity[p[0]]), p[0]),
        )
        return ranked[:k]

    def rows(self) -> Iterator[tuple[int, int, int, float]]:
        """Every stored neighbour as ``(item, rank, neighbour, weight)``, for bulk inserts."""
        for item in range(self.n_items):
            neighbours, weights = self.neighbours(item)
            for rank, (j, w) in enumerate(zip(neighbours.tolist(), weights.tolist(), strict=True)):
                yield item, rank, j, w
