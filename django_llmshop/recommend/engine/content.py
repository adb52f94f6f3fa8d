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
    vectors: sp.csr_matrix, rows: np.ndarray, k: int = 20, batch_size: int = 512
) -> sp.csr_matrix:
    """Like :func:`cosine_neighbours`, for the given ``rows`` only (items without history);
    the other rows of the items × items result stay empty.

    Scales to large catalogs: the similarities of a block of rows are a sparse product (only
    the items sharing a term with the row), and each row keeps its ``k`` best with
    ``argpartition`` over that row's non-zeros — nothing items × items is ever dense.
    """
    n = vectors.shape[0]
    rows = np.asarray(rows, dtype=np.int64)
    k = min(k, max(n - 1, 0))
    if k == 0 or len(rows) == 0:
        return sp.csr_matrix((n, n))
    vectors = sp.csr_matrix(vectors, dtype=np.float32)
    transposed = sp.csr_matrix(vectors.T)
    out_rows, out_cols, out_vals = [], [], []
    for start in range(0, len(rows), batch_size):
        chosen = rows[start : start + batch_size]
        block = sp.csr_matrix(vectors[chosen] @ transposed)
        found_rows, found_cols, found_vals = top_k_per_row(block, k, exclude=chosen)
        out_rows.append(chosen[found_rows])
        out_cols.append(found_cols)
        out_vals.append(found_vals)
    return sp.csr_matrix(
        (np.concatenate(out_vals), (np.concatenate(out_rows), np.concatenate(out_cols))),
        shape=(n, n),
    )


def top_k_per_row(
    block: sp.csr_matrix, k: int, exclude: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, column, value) of each row's ``k`` largest positive entries of a sparse block,
    leaving out column ``exclude[row]`` (the item itself)."""
    counts = np.diff(block.indptr)
    row_of = np.repeat(np.arange(block.shape[0]), counts)
    values = np.where(block.indices == exclude[row_of], 0.0, block.data).astype(np.float32)
    width = int(counts.max()) if len(counts) else 0
    if width <= k:  # every entry of every row is kept
        keep = values > 0
        return row_of[keep], block.indices[keep], values[keep]
    # Each row's entries side by side, padded with zeros, then the k largest of each row.
    position = np.arange(len(values)) - np.repeat(block.indptr[:-1], counts)
    padded = np.zeros((block.shape[0], width), dtype=np.float32)
    padded[row_of, position] = values
    columns = np.zeros((block.shape[0], width), dtype=block.indices.dtype)
    columns[row_of, position] = block.indices
    top = np.argpartition(-padded, k - 1, axis=1)[:, :k]
    best = np.take_along_axis(padded, top, axis=1)
    keep = best > 0
    return (
        np.repeat(np.arange(block.shape[0]), k)[keep.ravel()],
        np.take_along_axis(columns, top, axis=1)[keep],
        best[keep],
    )
