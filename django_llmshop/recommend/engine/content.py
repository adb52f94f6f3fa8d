"""Content similarity for items with no history: TF-IDF cosine over text or attribute tokens."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens; single characters are kept only for non-Latin scripts."""
    return [t for t in _TOKEN.findall(text.lower()) if len(t) > 1 or not t.isascii()]


def tfidf_matrix(documents: Sequence[Iterable[str | int]]) -> sp.csr_matrix:
    """Items × terms TF-IDF matrix (sublinear tf, smoothed idf), rows L2-normalised."""
    vocabulary: dict[str | int, int] = {}
    rows, cols, vals = [], [], []
    for row, tokens in enumerate(documents):
        counts: dict[int, int] = {}
        for token in tokens:
            column = vocabulary.setdefault(token, len(vocabulary))
            counts[column] = counts.get(column, 0) + 1
        rows += [row] * len(counts)
        cols += list(counts)
        vals += [1.0 + np.log(c) for c in counts.values()]
    matrix = sp.csr_matrix(
        (np.asarray(vals, dtype=np.float64), (rows, cols)),
        shape=(len(documents), max(len(vocabulary), 1)),
    )
    document_frequency = np.bincount(matrix.indices, minlength=matrix.shape[1])
    idf = np.log((1.0 + len(documents)) / (1.0 + document_frequency)) + 1.0
    matrix = sp.csr_matrix(matrix @ sp.diags(idf))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)


def cosine_neighbours(vectors: sp.csr_matrix, k: int = 20, batch_size: int = 1024) -> sp.csr_matrix:
    """Items × items matrix keeping each item's ``k`` most similar others (cosine > 0)."""
    n = vectors.shape[0]
    k = min(k, max(n - 1, 0))
    transposed = sp.csr_matrix(vectors.T)
    rows, cols, vals = [], [], []
    for start in range(0, n, batch_size):
        stop = min(start + batch_size, n)
        block = np.asarray((vectors[start:stop] @ transposed).toarray())
        block[np.arange(stop - start), np.arange(start, stop)] = 0.0
        if k == 0:
            continue
        top = np.argpartition(-block, k - 1, axis=1)[:, :k]
        values = np.take_along_axis(block, top, axis=1)
        keep = values > 0
        rows.append(np.repeat(np.arange(start, stop), k)[keep.ravel()])
        cols.append(top[keep])
        vals.append(values[keep])
    if not rows:
        return sp.csr_matrix((n, n))
    return sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n)
    )


def text_neighbours(texts: Sequence[str], k: int = 20) -> sp.csr_matrix:
    """Each item's ``k`` textually nearest items (TF-IDF cosine over title, description ...)."""
    return cosine_neighbours(tfidf_matrix([tokenize(t) for t in texts]), k)


def attribute_neighbours(attributes: Sequence[Sequence[int]], k: int = 20) -> sp.csr_matrix:
    """Each item's ``k`` nearest items by shared attributes (brand, category ids), IDF-weighted."""
    return cosine_neighbours(tfidf_matrix(attributes), k)


def cosine_neighbours_of(
    vectors: sp.csr_matrix, rows: np.ndarray, k: int = 20, batch_size: int = 256
) -> sp.csr_matrix:
    """Like :func:`cosine_neighbours`, for the given ``rows`` only (items without history);
    the other rows of the items × items result stay empty."""
    n = vectors.shape[0]
    rows = np.asarray(rows, dtype=np.int64)
    k = min(k, max(n - 1, 0))
    if k == 0 or len(rows) == 0:
        return sp.csr_matrix((n, n))
    transposed = sp.csr_matrix(vectors.T)
    out_rows, out_cols, out_vals = [], [], []
    for start in range(0, len(rows), batch_size):
        chosen = rows[start : start + batch_size]
        block = np.asarray((vectors[chosen] @ transposed).toarray(), dtype=np.float32)
        block[np.arange(len(chosen)), chosen] = 0.0
        top = np.argpartition(-block, k - 1, axis=1)[:, :k]
        values = np.take_along_axis(block, top, axis=1)
        keep = values > 0
        out_rows.append(np.repeat(chosen, k)[keep.ravel()])
        out_cols.append(top[keep])
        out_vals.append(values[keep])
    return sp.csr_matrix(
        (np.concatenate(out_vals), (np.concatenate(out_rows), np.concatenate(out_cols))),
        shape=(n, n),
    )
