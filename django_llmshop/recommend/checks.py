"""System checks of the recommendations' settings (``RECOMMEND_...``): all are llmshop.E013.

Registered by :class:`django_llmshop.recommend.apps.RecommendConfig` when it is installed.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error

from django_llmshop.conf import llmshop_settings
from django_llmshop.recommend.app_settings import DEFAULTS

#: Settings that must be whole numbers >= 1.
RECOMMEND_COUNTS = (
    "RECOMMEND_EVENT_RETENTION_DAYS",
    "RECOMMEND_EVENT_RATE_LIMIT",
    "RECOMMEND_NEIGHBOURS",
    "RECOMMEND_RERANK_CANDIDATES",
    "RECOMMEND_RERANK_CACHE_SECONDS",
)


def check_recommend_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    for key in RECOMMEND_COUNTS:
        value = getattr(llmshop_settings, key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            messages.append(
                Error(
                    f"LLMSHOP['{key}'] must be a whole number >= 1, got {value!r}.",
                    id="llmshop.E013",
                )
            )
    for key in ("RECOMMEND_RERANK", "RECOMMEND_TRACKING"):
        if not isinstance(getattr(llmshop_settings, key), bool):
            messages.append(Error(f"LLMSHOP['{key}'] must be True or False.", id="llmshop.E013"))
    messages.extend(check_experiment())
    # A shop's weights are merged over the defaults, so a key outside them is a typo.
    weights = llmshop_settings.RECOMMEND_EVENT_WEIGHTS
    known = DEFAULTS["RECOMMEND_EVENT_WEIGHTS"]
    if not isinstance(weights, dict) or any(
        key not in known
        or isinstance(value, bool)
        or not isinstance(value, int | float)
        or value < 0
        for key, value in weights.items()
    ):
        messages.append(
            Error(
                "LLMSHOP['RECOMMEND_EVENT_WEIGHTS'] must map event types to numbers >= 0.",
                hint=f"Event types: {', '.join(known)}.",
                id="llmshop.E013",
            )
        )
    return messages


def check_experiment() -> list[CheckMessage]:
    """``RECOMMEND_EXPERIMENT``: a baseline share in [0, 1] and a name, and no other keys."""
    experiment = llmshop_settings.RECOMMEND_EXPERIMENT
    known = DEFAULTS["RECOMMEND_EXPERIMENT"]
    if not isinstance(experiment, dict) or set(experiment) - set(known):
        return [
            Error(
                f"LLMSHOP['RECOMMEND_EXPERIMENT'] must be a dict with the keys {', '.join(known)}.",
                id="llmshop.E013",
            )
        ]
    share = experiment.get("baseline_share")
    messages: list[CheckMessage] = []
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
        messages.append(
            Error(
                "LLMSHOP['RECOMMEND_EXPERIMENT']['baseline_share'] must be a number from 0 to 1, "
                f"got {share!r}.",
                id="llmshop.E013",
            )
        )
    if not isinstance(experiment.get("name"), str) or not experiment.get("name"):
        messages.append(
            Error(
                "LLMSHOP['RECOMMEND_EXPERIMENT']['name'] must be a non-empty string.",
                id="llmshop.E013",
            )
        )
    return messages
