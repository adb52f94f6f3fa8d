"""The evaluation protocol end to end: split, popularity, our model, and the published table."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from .content import attribute_neighbours
from .data import IntArray, Sequences, Split, leave_one_out, refit_split
from .metrics import Result, evaluate
from .neighbours import NeighbourTable
from .popularity import item_counts, popularity_scorer
from .sequence_knn import SequenceKNNParams, fit_sequence_knn
from .tuning import GRID, Trial, tune

#: Full-ranking HR@10 / NDCG@10 on Amazon Beauty, from the S3-Rec paper (CIKM 2020).
PUBLISHED_BEAUTY: dict[str, tuple[float, float]] = {
    "PopRec": (0.0152, 0.0068),
    "GRU4Rec": (0.0283, 0.0137),
    "Caser": (0.0347, 0.0176),
    "SASRec": (0.0605, 0.0318),
    "BERT4Rec": (0.0347, 0.0170),
    "S3-Rec": (0.0647, 0.0327),
}
PUBLISHED_SOURCE = "published, S3-Rec paper, CIKM 2020"


def looks_like_beauty(data: Sequences) -> bool:
    """True for the Amazon Beauty 5-core file the published figures were measured on."""
    return data.n_users == 22363 and data.n_items == 12101 and data.n_interactions == 198502


@dataclass(frozen=True)
class ModelRun:
    """One model's figures under the protocol."""

    name: str
    params: SequenceKNNParams | None
    validation: Result
    test: Result
    refit_test: Result
    train_seconds: float


@dataclass
class Report:
    """Everything the protocol measured, ready to print."""

    users: int
    items: int
    interactions: int
    runs: list[ModelRun]
    published: dict[str, tuple[float, float]] = field(default_factory=dict)
    trials: list[Trial] = field(default_factory=list)

    def run(self, name: str) -> ModelRun:
        return next(r for r in self.runs if r.name == name)


def _popularity_run(validation: Split, test: Split, k: int) -> ModelRun:
    n_items = validation.n_items
    started = time.perf_counter()
    counts = item_counts(validation.train, n_items)
    seconds = time.perf_counter() - started
    refit = refit_split(test)
    refit_counts = item_counts(refit.train, n_items)
    return ModelRun(
        "popularity, leak-free",
        None,
        evaluate(popularity_scorer(counts), validation, k=k),
        evaluate(popularity_scorer(counts), test, k=k),
        evaluate(popularity_scorer(refit_counts), refit, k=k),
        seconds,
    )


def _knn_run(
    name: str,
    validation: Split,
    test: Split,
    params: SequenceKNNParams,
    attributes: Sequence[Sequence[int]] | None,
    k: int,
) -> ModelRun:
    n_items = validation.n_items

    def fit(train: Sequence[IntArray]) -> tuple[NeighbourTable, float]:
        started = time.perf_counter()
        content = attribute_neighbours(attributes, params.neighbours) if attributes else None
        model = fit_sequence_knn(train, n_items, params, content)
        return model, time.perf_counter() - started

    model, seconds = fit(validation.train)
    refit = refit_split(test)
    refit_model, _ = fit(refit.train)
    return ModelRun(
        name,
        params,
        evaluate(model.score, validation, k=k),
        evaluate(model.score, test, k=k),
        evaluate(refit_model.score, refit, k=k),
        seconds,
    )


def run_protocol(
    data: Sequences,
    params: SequenceKNNParams | None = None,
    *,
    attributes: Sequence[Sequence[int]] | None = None,
    k: int = 10,
    tune_params: bool = False,
    log: Callable[[Trial], None] | None = None,
) -> Report:
    """Leave-one-out, full ranking, history removed, for popularity and our model.

    Main figures: fitted on all but the last two items of each user (the published protocol);
    validation and test are answered by that one model. ``refit_test``: refitted on all but the
    last item (what a shop retraining nightly would serve), popularity counted the same way.
    With ``attributes`` (per item index), the model is also run with attribute similarity.
    """
    validation, test = leave_one_out(data)
    base = params or SequenceKNNParams()
    trials: list[Trial] = []
    sequence_only = replace(base, content=0.0)
    if tune_params:
        sequence_only, trials = tune(validation, sequence_only, k=k, log=log)
    runs = [
        _popularity_run(validation, test, k),
        _knn_run("ours: sequence item-kNN", validation, test, sequence_only, None, k),
    ]
    if attributes is not None:
        with_attributes = base
        if tune_params:
            content = attribute_neighbours(attributes, base.neighbours)
            grid = {**GRID, "content": (0.01, 0.03, 0.06)}
            with_attributes, more = tune(validation, base, grid, k=k, log=log, content=content)
            trials += more
        runs.append(
            _knn_run(
                "ours: item-kNN + attributes", validation, test, with_attributes, attributes, k
            )
        )
    return Report(
        users=data.n_users,
        items=data.n_items,
        interactions=data.n_interactions,
        runs=runs,
        published=dict(PUBLISHED_BEAUTY) if looks_like_beauty(data) and k == 10 else {},
        trials=trials,
    )


def format_report(report: Report) -> str:
    """The report as a plain-text table."""
    k = report.runs[0].test.k
    lines = [
        f"users {report.users:,}  items {report.items:,}  interactions {report.interactions:,}",
        "protocol: leave-one-out, full ranking over all items, the user's history removed,",
        "ties counted against the target. Validation = second-to-last item, test = last item.",
        "Models fitted on all but the last two items of each user, as in the S3-Rec code;",
        "'refitted': fitted again on all but the last item. Popularity counted leak-free.",
    ]
    for run in report.runs[1:]:
        lines.append(f"{run.name}: training {run.train_seconds:.1f} s, {run.params}")
    lines += ["", f"{'model':<46} {'HR@' + str(k):>8} {'NDCG@' + str(k):>8}"]

    def row(name: str, hr: float, ndcg: float) -> None:
        lines.append(f"{name:<46} {hr:>8.4f} {ndcg:>8.4f}")

    if report.published:
        lines.append(f"{PUBLISHED_SOURCE} (test; PopRec counts the test item):")
        for name, (hr, ndcg) in report.published.items():
            row(f"  {name}", hr, ndcg)
    for run in report.runs:
        row(f"{run.name} (validation)", run.validation.hr, run.validation.ndcg)
        row(f"{run.name} (test)", run.test.hr, run.test.ndcg)
        row(f"{run.name} (test, refitted)", run.refit_test.hr, run.refit_test.ndcg)
    return "\n".join(lines)
