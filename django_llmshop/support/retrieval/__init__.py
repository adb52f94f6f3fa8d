"""Retrieval over the knowledge base: indexing, lexical BM25, vectors and the hybrid ranking.

``search(query)`` ranks passages by BM25 alone, or, when the "embedding" purpose has an
endpoint, by an even blend of BM25 (scaled to 0..1) and cosine similarity.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from django_llmshop.conf import llmshop_settings
from django_llmshop.gateway import llm_for
from django_llmshop.llm import LLMError
from django_llmshop.support.models import KnowledgeChunk, KnowledgeDocument, KnowledgeTerm
from django_llmshop.support.retrieval import vectors
from django_llmshop.support.retrieval.lexical import bm25_scores
from django_llmshop.support.retrieval.text import split_passages, term_counts

logger = logging.getLogger("django_llmshop.support")

#: Weight of the vector similarity in the hybrid score (the rest is BM25).
VECTOR_WEIGHT = 0.5


@dataclass(frozen=True)
class Hit:
    chunk_id: int
    document_id: int
    title: str
    heading: str
    text: str
    url: str
    kind: str
    score: float


def embeddings_enabled() -> bool:
    return bool(llmshop_settings.PURPOSES.get("embedding"))


def index_document(document: KnowledgeDocument) -> int:
    """Rebuild a document's passages and postings (and vectors); returns the passage count."""
    passages = split_passages(document.title, document.body) if document.published else []
    vectors_out: list[list[float]] = []
    if passages and embeddings_enabled():
        texts = [f"{p.heading}\n{p.text}" for p in passages]
        try:
            vectors_out = llm_for("embedding", obj=document).embed(texts)
        except LLMError:
            logger.warning("embedding document %s failed; indexed lexically", document.pk)
        if vectors_out and not vectors.usable(vectors_out, len(texts)):
            logger.warning("embeddings of document %s are unusable; indexed lexically", document.pk)
            vectors_out = []
    with transaction.atomic():
        document.chunks.all().delete()
        postings = []
        for ordinal, passage in enumerate(passages):
            counts = term_counts(f"{passage.heading}\n{passage.text}")
            chunk = KnowledgeChunk.objects.create(
                document=document,
                ordinal=ordinal,
                heading=passage.heading[:300],
                text=passage.text,
                length=sum(counts.values()),
                vector=vectors.to_bytes(vectors_out[ordinal]) if vectors_out else None,
            )
            postings += [
                KnowledgeTerm(chunk=chunk, term=term, frequency=n) for term, n in counts.items()
            ]
        KnowledgeTerm.objects.bulk_create(postings, batch_size=1000)
        KnowledgeDocument.objects.filter(pk=document.pk).update(indexed_at=timezone.now())
    return len(passages)


def search(query: str, limit: int | None = None) -> list[Hit]:
    """The best passages for ``query``, best first."""
    limit = limit or int(llmshop_settings.CHAT_RETRIEVAL_TOP_K)
    lexical = bm25_scores(query)
    scores: dict[int, float] = {}
    top = max(lexical.values(), default=0.0)
    for chunk_id, score in lexical.items():
        scores[chunk_id] = score / top if top else 0.0
    if embeddings_enabled():
        try:
            found = llm_for("embedding").embed([query])
        except LLMError:
            logger.warning("embedding a query failed; lexical ranking only")
            found = []
        if found and not vectors.usable(found, 1):
            logger.warning("the embedding of a query is unusable; lexical ranking only")
            found = []
        if found:
            query_vector = found[0]
            lexical_weight = 1.0 - VECTOR_WEIGHT
            scores = {key: value * lexical_weight for key, value in scores.items()}
            for chunk_id, similarity in vectors.vector_index.search(query_vector, limit * 4):
                scores[chunk_id] = scores.get(chunk_id, 0.0) + VECTOR_WEIGHT * max(similarity, 0)
    best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
    chunks = KnowledgeChunk.objects.select_related("document").in_bulk([cid for cid, _ in best])
    hits = []
    for chunk_id, score in best:
        chunk = chunks.get(chunk_id)
        if chunk is None or score <= 0:
            continue
        doc = chunk.document
        hits.append(
            Hit(chunk.pk, doc.pk, doc.title, chunk.heading, chunk.text, doc.url, doc.kind, score)
        )
    return hits
