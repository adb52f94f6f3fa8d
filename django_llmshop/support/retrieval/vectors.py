"""Vector search behind a small interface; the shipped backend is exact search with numpy."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np
from django.db.models import Count, Max

from django_llmshop.support.models import KnowledgeChunk, KnowledgeDocument


def to_bytes(vector: Sequence[float]) -> bytes:
    """A unit-length float32 copy of ``vector``, as stored in ``KnowledgeChunk.vector``."""
    array = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(array))
    return (array / norm if norm else array).tobytes()


def usable(vectors: Sequence[object], count: int) -> bool:
    """Whether an embedding endpoint's answer is ``count`` vectors of one length, each made of
    finite numbers and not all zero (an endpoint may send NaN, ``1e400``, strings or nothing)."""
    if len(vectors) != count:
        return False
    size = None
    for vector in vectors:
        if not isinstance(vector, list) or not vector or size not in (None, len(vector)):
            return False
        size = len(vector)
        if not all(type(x) in (int, float) for x in vector):
            return False
        array = np.asarray(vector, dtype=np.float64)
        if not np.isfinite(array).all() or not array.any():
            return False
    return True


class VectorIndex(ABC):
    """Nearest chunks to a query vector, by cosine similarity."""

    @abstractmethod
    def search(self, vector: Sequence[float], limit: int) -> list[tuple[int, float]]:
        """``(chunk_id, similarity)`` pairs, most similar first."""


class NumpyVectorIndex(VectorIndex):
    """All published chunk vectors in one matrix, rebuilt when the knowledge base changes.

    Brute force is exact and takes milliseconds up to about 100k chunks.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._signature: tuple[object, ...] | None = None
        self._ids = np.zeros(0, dtype=np.int64)
        self._matrix = np.zeros((0, 0), dtype=np.float32)

    def _current_signature(self) -> tuple[object, ...]:
        stats = KnowledgeDocument.objects.filter(published=True).aggregate(
            n=Count("id"), last=Max("indexed_at"), changed=Max("updated_at")
        )
        return (stats["n"], stats["last"], stats["changed"])

    def _load(self) -> None:
        signature = self._current_signature()
        if signature == self._signature:
            return
        rows = KnowledgeChunk.objects.filter(
            document__published=True, vector__isnull=False
        ).values_list("id", "vector")
        ids: list[int] = []
        vectors: list[np.ndarray] = []
        for chunk_id, raw in rows:
            if raw is None:
                continue
            vector = np.frombuffer(bytes(raw), dtype=np.float32)
            if vectors and vector.shape != vectors[0].shape:
                continue  # left from another embedding model: skipped until re-indexed
            ids.append(chunk_id)
            vectors.append(vector)
        self._ids = np.asarray(ids, dtype=np.int64)
        self._matrix = np.vstack(vectors) if vectors else np.zeros((0, 0), dtype=np.float32)
        self._signature = signature

    def search(self, vector: Sequence[float], limit: int) -> list[tuple[int, float]]:
        with self._lock:
            self._load()
            ids, matrix = self._ids, self._matrix
        query = np.frombuffer(to_bytes(vector), dtype=np.float32)
        if not len(ids) or matrix.shape[1] != query.shape[0]:
            return []
        similarities = matrix @ query
        top = np.argsort(-similarities)[:limit]
        return [(int(ids[i]), float(similarities[i])) for i in top]


vector_index: VectorIndex = NumpyVectorIndex()
