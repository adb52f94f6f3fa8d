"""The full protocol on the Amazon Beauty file, and on views of it the defaults never saw."""

from pathlib import Path

import pytest

from django_llmshop.recommend.engine import load_sequences
from django_llmshop.recommend.engine.data import load_item_attributes
from django_llmshop.recommend.engine.protocol import PUBLISHED_BEAUTY, format_report, run_protocol
from django_llmshop.recommend.engine.variants import earlier_period, k_core, random_users

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "amazon_beauty"
BEAUTY = DATA / "Beauty.txt"
ATTRIBUTES = DATA / "Beauty_item2attributes.json"
S3REC_HR, S3REC_NDCG = PUBLISHED_BEAUTY["S3-Rec"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (BEAUTY.is_file() and ATTRIBUTES.is_file()),
        reason=f"the Amazon Beauty data is not at {DATA} (only the project's data folder has it)",
    ),
]


def test_beauty_reaches_the_target_with_the_shipped_defaults():
    data = load_sequences(BEAUTY)
    report = run_protocol(data, attributes=load_item_attributes(ATTRIBUTES, data))
    print(format_report(report))
    popularity = report.run("popularity, leak-free")
    sequences = report.run("ours: sequence item-kNN")
    attributes = report.run("ours: item-kNN + attributes")
    # The published protocol (fitted on all but the last two items), with brand/category
    # attributes as S3-Rec itself uses them.
    assert attributes.test.hr >= 0.095 and attributes.test.ndcg >= 0.056
    # Sequences only: the target when refitted on all but the last item; under the
    # published protocol, a clear margin over S3-Rec.
    assert sequences.refit_test.hr >= 0.095 and sequences.refit_test.ndcg >= 0.056
    assert sequences.test.hr >= 1.25 * S3REC_HR and sequences.test.ndcg >= 1.5 * S3REC_NDCG
    assert sequences.test.hr >= 5 * popularity.test.hr
    assert sequences.train_seconds < 120 and attributes.train_seconds < 120


@pytest.mark.parametrize(
    "name",
    ["random half of users", "earlier period", "10-core"],
)
def test_the_margin_holds_on_views_never_tuned_on(name):
    data = load_sequences(BEAUTY)
    view = {
        "random half of users": lambda: random_users(data, 0.5, seed=1),
        "earlier period": lambda: earlier_period(data),
        "10-core": lambda: k_core(data, 10),
    }[name]()
    report = run_protocol(view, attributes=load_item_attributes(ATTRIBUTES, view))
    print(name, format_report(report), sep="\n")
    popularity = report.run("popularity, leak-free")
    sequences = report.run("ours: sequence item-kNN")
    attributes = report.run("ours: item-kNN + attributes")
    for run in (sequences, attributes):
        assert run.test.hr >= 4 * popularity.test.hr
        assert run.test.ndcg >= 4 * popularity.test.ndcg
        # S3-Rec's figure is for the whole file: a reference bar, not a same-data comparison.
        assert run.test.hr >= S3REC_HR and run.test.ndcg >= S3REC_NDCG
