"""What serving hands out: recommended products and the candidates they were chosen from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Recommendation:
    """One recommended product: its id, the model's score and a one-line reason."""

    product_id: str
    score: float
    reason: str
    product: Any = field(default=None, compare=False, repr=False)


@dataclass
class Candidates:
    """The ranked, available candidates of one shopper and what they were computed from."""

    items: list[Recommendation]
    history: list[str]
    model_id: int | None = None  # the trained model they come from (None: popularity)
