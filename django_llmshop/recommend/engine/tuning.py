"""A small coordinate search of the model's hyper-parameters on the validation split only."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import scipy.sparse as sp

from .data import Split
from .metrics import Result, evaluate
from .sequence_knn import SequenceKNNParams, fit_sequence_knn

#: The values tried for each hyper-parameter (the defaults sit in the middle).
GRID: Mapping[str, Sequence[float]] = {
    "recency": (0.4, 0.6, 0.8),
    "alpha": (0.5, 0.7, 0.9),
    "shrink": (5.0, 20.0, 50.0),
    "decay": (0.5, 0.7, 0.9),
    "backward": (0.1, 0.25, 0.5),
    "prior": (0.0, 0.02, 0.05),
}


@dataclass(frozen=True)
class Trial:
    """One evaluated setting."""

    params: SequenceKNNParams
    result: Result


def tune(
    validation: Split,
    start: SequenceKNNParams | None = None,
    grid: Mapping[str, Sequence[float]] = GRID,
    rounds: int = 2,
    k: int = 10,
    log: Callable[[Trial], None] | None = None,
    content: sp.spmatrix | None = None,
) -> tuple[SequenceKNNParams, list[Trial]]:
    """Coordinate ascent on NDCG@k of the validation item; returns the best params and trials.

    ``content`` is passed to the model as is (see :func:`fit_sequence_knn`).
    Only ``validation`` is used: the test targets are never seen while choosing.
    """
    cache: dict[SequenceKNNParams, Result] = {}
    trials: list[Trial] = []

    def score(params: SequenceKNNParams) -> float:
        if params not in cache:
            model = fit_sequence_knn(validation.train, validation.n_items, params, content)
            cache[params] = evaluate(model.score, validation, k=k)
            trials.append(Trial(params, cache[params]))
            if log is not None:
                log(trials[-1])
        return cache[params].ndcg

    best = start or SequenceKNNParams()
    best_score = score(best)
    for _ in range(rounds):
        improved = False
        for name, values in grid.items():
            for value in values:
                candidate = replace(best, **{name: type(getattr(best, name))(value)})
                candidate_score = score(candidate)
                if candidate_score > best_score:
                    best, best_score, improved = candidate, candidate_score, True
        if not improved:
            break
    return best, trials
