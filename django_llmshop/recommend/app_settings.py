"""The recommendations' ``LLMSHOP`` keys (``RECOMMEND_...``) and their defaults.

Imported by :mod:`.apps`, so the keys are known (read through ``llmshop_settings``, accepted by
the unknown-key check) exactly when ``django_llmshop.recommend`` is installed.
"""

from __future__ import annotations

from typing import Any

from django_llmshop.conf import register_defaults

DEFAULTS: dict[str, Any] = {
    # Shopper events older than this many days are deleted by the purge task.
    "RECOMMEND_EVENT_RETENTION_DAYS": 180,
    # Events a shopper (session or user) and an IP address may post per minute.
    "RECOMMEND_EVENT_RATE_LIMIT": 120,
    # How much each kind of event counts towards an item's popularity.
    "RECOMMEND_EVENT_WEIGHTS": {"view": 1.0, "wishlist": 2.0, "cart": 3.0, "purchase": 5.0},
    # Neighbours stored per item by training (serving reads them for the last items seen).
    "RECOMMEND_NEIGHBOURS": 50,
    # Re-rank the top candidates with the "recommend" model in a task (cached per shopper).
    "RECOMMEND_RERANK": False,
    "RECOMMEND_RERANK_CANDIDATES": 12,
    "RECOMMEND_RERANK_CACHE_SECONDS": 3600,
    # Record what the recommendations block shows (impressions) and which items are followed.
    "RECOMMEND_TRACKING": True,
    # A share of shoppers (sticky per shopper) served the popularity baseline instead of the
    # trained model; "name" salts the draw, so a new name gives every shopper a new draw.
    "RECOMMEND_EXPERIMENT": {"baseline_share": 0.0, "name": "recommend-baseline"},
}

#: The event weights a shop gives are merged over these, so naming one keeps the others.
register_defaults(
    "django_llmshop.recommend",
    DEFAULTS,
    merged_dicts=("RECOMMEND_EVENT_WEIGHTS", "RECOMMEND_EXPERIMENT"),
)
