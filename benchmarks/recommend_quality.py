"""Recommendation quality on Amazon Beauty and other views of it, with the shipped defaults.

Runs the leave-one-out protocol (full ranking, history removed) on the Beauty file and on
views of it that the defaults were never tuned on: two random halves of the users, an earlier
test period (every user's last item dropped) and the 10-core subset. For each, prints
leak-free popularity and our model (sequences only, and with brand/category attributes), and
the margins over popularity and over S3-Rec's published Beauty figure.

    python benchmarks/recommend_quality.py [--data ../shared/data/amazon_beauty]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from django_llmshop.recommend.engine import Sequences, load_sequences
from django_llmshop.recommend.engine.data import load_item_attributes
from django_llmshop.recommend.engine.protocol import (
    PUBLISHED_BEAUTY,
    format_report,
    run_protocol,
)
from django_llmshop.recommend.engine.variants import earlier_period, k_core, random_users

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "amazon_beauty"


def views(data: Sequences) -> list[tuple[str, Sequences]]:
    """The file itself and the views the defaults were not tuned on."""
    return [
        ("Beauty", data),
        ("random half of users (seed 1)", random_users(data, 0.5, seed=1)),
        ("random half of users (seed 2)", random_users(data, 0.5, seed=2)),
        ("earlier period (last item dropped)", earlier_period(data)),
        ("10-core", k_core(data, 10)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--verbose", action="store_true", help="print each full report")
    args = parser.parse_args()
    path = args.data / "Beauty.txt"
    if not path.is_file():
        sys.exit(f"{path} not found: this benchmark needs the Amazon Beauty file.")
    data = load_sequences(path)
    s3_hr, s3_ndcg = PUBLISHED_BEAUTY["S3-Rec"]
    header = (
        f"{'view':<36} {'users':>6} {'items':>6}  {'model':<12} "
        f"{'val HR':>7} {'test HR':>7} {'NDCG':>7} {'refit HR':>8} {'NDCG':>7} {'s':>5} "
        f"{'×pop':>5} {'×S3Rec':>6}"
    )
    print(header)
    for name, view in views(data):
        started = time.perf_counter()
        attributes = load_item_attributes(args.data / "Beauty_item2attributes.json", view)
        report = run_protocol(view, attributes=attributes)
        if args.verbose:
            print(format_report(report), f"({time.perf_counter() - started:.0f} s)", sep="\n")
        popularity = report.runs[0]
        for run, label in zip(report.runs, ("popularity", "sequences", "+attributes"), strict=True):
            print(
                f"{name:<36} {view.n_users:>6} {view.n_items:>6}  {label:<12} "
                f"{run.validation.hr:>7.4f} {run.test.hr:>7.4f} {run.test.ndcg:>7.4f} "
                f"{run.refit_test.hr:>8.4f} {run.refit_test.ndcg:>7.4f} "
                f"{run.train_seconds:>5.1f} "
                f"{run.test.hr / max(popularity.test.hr, 1e-9):>5.1f} "
                f"{run.test.hr / s3_hr:>6.2f}"
            )
    print(f"×pop: test HR@10 over leak-free popularity's; ×S3Rec: over {s3_hr} (NDCG {s3_ndcg}),")
    print("S3-Rec's published test HR@10 on the full Beauty file (a reference, not a same-data")
    print("comparison on the other views).")


if __name__ == "__main__":
    main()
