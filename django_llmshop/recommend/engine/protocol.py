"""The evaluation protocol end to end: split, popularity, our model, and the published table."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .data import Sequences, leave_one_out, refit_split
from .metrics import Result, evaluate
from .popularity import item_counts, popularity_scorer
from .sequence_knn import SequenceKNNParams, fit_sequence_knn
from .tuning import Trial, tune

#: Full-ranking HR@10 / NDCG@10 on Amazon Beauty, from the S3-Rec paper (CIKM 2020, Table 3).
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


@dataclass
class Report:
    """Everything the protocol measured, ready to print."""

    users: int
    items: int
    interactions: int
    params: SequenceKNNParams
    popularity_validation: Result
    popularity_test: Result
    popularity_refit_test: Result
    validation: Result
    test: Result
    refit_test: Result
    train_seconds: float
    refit_seconds: float
    published: dict[str, tuple[float, float]] = field(default_factory=dict)
    trials: list[Trial] = field(default_factory=list)


def run_protocol(
    data: Sequences,
    params: SequenceKNNParams | None = None,
    *,
    k: int = 10,
    tune_params: bool = False,
    log: Callable[[Trial], None] | None = None,
) -> Report:
    """Leave-one-out, full ranking, history removed, for popularity and our model.

    Main figures: fitted on all but the last two items of each user (the published protocol);
    validation and test are answered by that one model. ``refit_test``: refitted on all but the
    last item (what a shop retraining nightly would serve), popularity counted the same way.
    """
    validation, test = leave_one_out(data)
    trials: list[Trial] = []
    chosen = params or SequenceKNNParams()
    if tune_params:
        chosen, trials = tune(validation, chosen, k=k, log=log)

    started = time.perf_counter()
    model = fit_sequence_knn(validation.train, data.n_items, chosen)
    train_seconds = time.perf_counter() - started
    refit = refit_split(test)
    started = time.perf_counter()
    refit_model = fit_sequence_knn(refit.train, data.n_items, chosen)
    refit_seconds = time.perf_counter() - started

    counts = popularity_scorer(item_counts(validation.train, data.n_items))
    refit_counts = popularity_scorer(item_counts(refit.train, data.n_items))
    return Report(
        users=data.n_users,
        items=data.n_items,
        interactions=data.n_interactions,
        params=chosen,
        popularity_validation=evaluate(counts, validation, k=k),
        popularity_test=evaluate(counts, test, k=k),
        popularity_refit_test=evaluate(refit_counts, refit, k=k),
        validation=evaluate(model.score, validation, k=k),
        test=evaluate(model.score, test, k=k),
        refit_test=evaluate(refit_model.score, refit, k=k),
        train_seconds=train_seconds,
        refit_seconds=refit_seconds,
        published=dict(PUBLISHED_BEAUTY) if looks_like_beauty(data) and k == 10 else {},
        trials=trials,
    )


def format_report(report: Report) -> str:
    """The report as a plain-text table."""
    k = report.test.k
    lines = [
        f"users {report.users:,}  items {report.items:,}  interactions {report.interactions:,}",
        "protocol: leave-one-out, full ranking over all items, the user's history removed,",
        "ties counted against the target. Validation = second-to-last item, test = last item.",
        "Models fitted on all but the last two items of each user (as the S3-Rec code);",
        "'refitted' rows: fitted on all but the last item. Popularity counted leak-free.",
        f"training: {report.train_seconds:.1f} s (refit {report.refit_seconds:.1f} s)",
        f"params: {report.params}",
        "",
        f"{'model':<44} {'HR@' + str(k):>8} {'NDCG@' + str(k):>8}",
    ]

    def row(name: str, hr: float, ndcg: float) -> None:
        lines.append(f"{name:<44} {hr:>8.4f} {ndcg:>8.4f}")

    if report.published:
        lines.append(f"{PUBLISHED_SOURCE} (test item; PopRec counts the test item):")
        for name, (hr, ndcg) in report.published.items():
            row(f"  {name}", hr, ndcg)
    pop_val, pop_test, pop_refit = (
        report.popularity_validation,
        report.popularity_test,
        report.popularity_refit_test,
    )
    row("popularity, leak-free (validation)", pop_val.hr, pop_val.ndcg)
    row("popularity, leak-free (test)", pop_test.hr, pop_test.ndcg)
    row("popularity, leak-free (test, refitted)", pop_refit.hr, pop_refit.ndcg)
    row("ours: sequence item-kNN (validation)", report.validation.hr, report.validation.ndcg)
    row("ours: sequence item-kNN (test)", report.test.hr, report.test.ndcg)
    row("ours: sequence item-kNN (test, refitted)", report.refit_test.hr, report.refit_test.ndcg)
    return "\n".join(lines)
