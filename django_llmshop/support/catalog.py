"""Catalog search for the chat: BM25 over product names, categories and attributes.

The same terms as the help-page index (English stems, CJK bigrams), kept in process and rebuilt
after ``CHAT_CATALOG_INDEX_TTL`` seconds, so a question finds "Summit Insulated Bottle" from
"summit bottle" and ranks by how much of a product's name it mentions, not by ``icontains``.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django_llmshop.adapters import get_adapter
from django_llmshop.conf import llmshop_settings, on_reload
from django_llmshop.support.retrieval.text import terms
from django_llmshop.support.wording import search_text

K1 = 1.2
B = 0.75
NAME_WEIGHT = 3  # a word of the name counts three times a word of the attributes


@dataclass(frozen=True)
class ProductHit:
    product_id: str
    score: float
    # How many of the words of the product's name the question mentions, and of how many.
    name_terms_found: int
    name_terms: int

    @property
    def named(self) -> bool:
        """The question names this product (most of its distinctive name words, or two)."""
        return self.name_terms_found >= min(2, self.name_terms) and self.name_terms_found > 0


@dataclass
class _Index:
    built: float
    lengths: dict[str, int] = field(default_factory=dict)
    postings: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    names: dict[str, frozenset[str]] = field(default_factory=dict)
    skus: dict[str, str] = field(default_factory=dict)

    @property
    def average_length(self) -> float:
        return (sum(self.lengths.values()) / len(self.lengths)) if self.lengths else 1.0


_lock = threading.Lock()
_index: _Index | None = None


def _name_terms(name: str) -> frozenset[str]:
    return frozenset(t for t in terms(name) if not t.isdigit() and len(t) > 1)


def _attribute_text(attributes: dict[str, Any]) -> str:
    parts = []
    for key, value in attributes.items():
        parts.append(str(key).replace("_", " "))
        if not isinstance(value, bool):
            parts.append(" ".join(map(str, value)) if isinstance(value, list) else str(value))
    return " ".join(parts)


def build_index() -> _Index:
    adapter = get_adapter()
    index = _Index(built=time.monotonic())
    has_sku = "sku" in {f.name for f in adapter.product_model()._meta.get_fields()}
    for product in adapter.product_model()._default_manager.all().iterator(chunk_size=2000):
        if not adapter.product_is_available(product):
            continue
        pid = str(product.pk)
        name = adapter.product_name(product)
        counts: Counter[str] = Counter()
        for term in terms(name):
            counts[term] += NAME_WEIGHT
        counts.update(terms(adapter.product_category(product)))
        counts.update(terms(_attribute_text(adapter.product_attributes(product))))
        for term, frequency in counts.items():
            index.postings[term][pid] = frequency
        index.lengths[pid] = sum(counts.values())
        index.names[pid] = _name_terms(name)
        sku = str(getattr(product, "sku", "") or "") if has_sku else ""
        if sku:
            index.skus[sku.lower()] = pid
    return index


def _current() -> _Index:
    global _index
    ttl = float(llmshop_settings.CHAT_CATALOG_INDEX_TTL)
    with _lock:
        if _index is None or time.monotonic() - _index.built > ttl:
            _index = build_index()
        return _index


@on_reload
def clear() -> None:
    """Forget the index; the next search rebuilds it (call after bulk catalog changes)."""
    global _index
    with _lock:
        _index = None


def search(query: str, limit: int = 5) -> list[ProductHit]:
    """Available products for ``query``, best first."""
    index = _current()
    query_terms = set(terms(search_text(query)))
    scores: dict[str, float] = defaultdict(float)
    total = len(index.lengths)
    average = index.average_length
    for term in query_terms:
        docs = index.postings.get(term)
        if not docs:
            continue
        idf = math.log(1 + (total - len(docs) + 0.5) / (len(docs) + 0.5))
        for pid, frequency in docs.items():
            norm = frequency + K1 * (1 - B + B * index.lengths[pid] / average)
            scores[pid] += idf * frequency * (K1 + 1) / norm
    for word in query.lower().split():
        by_sku = index.skus.get(word.strip(".,;:!?()[]\"'"))
        if by_sku is not None:
            scores[by_sku] += 100.0  # a SKU names exactly one product
    best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
    hits = []
    for pid, score in best:
        name = index.names.get(pid, frozenset())
        found = len(name & query_terms) + (100 if score >= 100 else 0)
        hits.append(ProductHit(pid, score, min(found, len(name) or 1), len(name)))
    return hits
