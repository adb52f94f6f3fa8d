"""Okapi BM25 over the ``KnowledgeTerm`` postings: plain SQL lookups, any database."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from django.db.models import Avg, Count

from django_llmshop.support.models import KnowledgeChunk, KnowledgeTerm
from django_llmshop.support.retrieval.text import terms

K1 = 1.2
B = 0.75


def bm25_scores(query: str) -> dict[int, float]:
    """BM25 score of every published chunk that shares a term with ``query``, by chunk id."""
    query_terms = set(terms(query))
    if not query_terms:
        return {}
    postings = list(
        KnowledgeTerm.objects.filter(
            term__in=query_terms, chunk__document__published=True
        ).values_list("chunk_id", "term", "frequency", "chunk__length")
    )
    if not postings:  # no passage shares a term: the collection's statistics are not needed
        return {}
    stats = KnowledgeChunk.objects.filter(document__published=True).aggregate(
        n=Count("id"), avg=Avg("length")
    )
    total = stats["n"] or 0
    average_length = float(stats["avg"] or 1.0) or 1.0
    document_frequency = Counter(term for _chunk, term, _tf, _len in postings)
    scores: dict[int, float] = defaultdict(float)
    for chunk_id, term, frequency, length in postings:
        df = document_frequency[term]
        idf = math.log(1 + (total - df + 0.5) / (df + 0.5))
        norm = frequency + K1 * (1 - B + B * (length or 0) / average_length)
        scores[chunk_id] += idf * frequency * (K1 + 1) / norm
    return dict(scores)
