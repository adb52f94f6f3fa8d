"""Popularity, the sequence item-kNN and its neighbour table."""

import numpy as np
import pytest

from django_llmshop.recommend.engine import (
    NeighbourTable,
    SequenceKNNParams,
    evaluate,
    fit_sequence_knn,
    item_counts,
    leave_one_out,
    parse_sequences,
    popularity_scorer,
)
from django_llmshop.recommend.engine.popularity import category_popularity

from .synthetic import planted_sequences


def _planted():
    lines = [" ".join(map(str, [u, *s])) for u, s in enumerate(planted_sequences(), 1)]
    return parse_sequences(lines)


def test_popularity_is_leak_free():
    # Item 9 is everyone's test item and item 8 everyone's validation item.
    data = parse_sequences(["1 1 2 8 9", "2 2 3 8 9", "3 1 3 8 9"])
    validation, test = leave_one_out(data)
    counts = item_counts(validation.train, data.n_items)
    nine, eight = data.item_ids.tolist().index(9), data.item_ids.tolist().index(8)
    assert counts[nine] == 0 and counts[eight] == 0
    assert evaluate(popularity_scorer(counts), test, k=1).hr == 0.0
    # Counting every interaction would leak the test item to the top.
    leaky = item_counts(data.sequences, data.n_items)
    assert evaluate(popularity_scorer(leaky), test, k=1).hr == 1.0


def test_category_popularity_ranks_within_each_category():
    counts = np.array([5.0, 1.0, 3.0, 9.0])
    ranked = category_popularity(counts, {0: [10], 1: [10], 2: [10, 11], 3: [11]})
    assert ranked[10].tolist() == [0, 2, 1]
    assert ranked[11].tolist() == [3, 2]


def test_model_finds_the_planted_next_item_and_beats_popularity():
    data = _planted()
    validation, test = leave_one_out(data)
    model = fit_sequence_knn(validation.train, data.n_items)
    ours = evaluate(model.score, test)
    popularity = evaluate(popularity_scorer(item_counts(validation.train, data.n_items)), test)
    assert ours.hr > 0.8
    assert ours.hr > popularity.hr + 0.5
    # The obvious next item after ... 20, 21, 22 is 23.
    index = {int(v): i for i, v in enumerate(data.item_ids)}
    history = np.array([index[20], index[21], index[22]])
    assert int(data.item_ids[model.recommend(history, k=1)[0][0]]) == 23


@pytest.mark.parametrize("prior", [0.0, 0.05])
def test_serving_from_the_exported_table_equals_the_batch_scores(prior):
    data = _planted()
    validation, _ = leave_one_out(data)
    params = SequenceKNNParams(neighbours=5, prior=prior, max_history=4)
    model = fit_sequence_knn(validation.train, data.n_items, params)
    exported = {name: np.array(getattr(model, name)) for name in ("indptr", "indices", "weights")}
    restored = NeighbourTable(
        **exported,
        popularity=model.popularity.copy(),
        recency=model.recency,
        max_history=model.max_history,
        prior=model.prior,
    )
    assert all(np.diff(restored.indptr) <= 5)
    for history in validation.histories[:50]:
        scores = model.score([history])[0]
        served = restored.recommend(history, k=10)
        for item, score in served:
            assert score == pytest.approx(scores[item], rel=1e-5, abs=1e-9)
        masked = scores.copy()
        masked[history] = -np.inf
        assert served[0][1] == pytest.approx(masked.max(), rel=1e-5)


def test_neighbour_rows_are_sorted_and_exclude_the_item_itself():
    data = _planted()
    model = fit_sequence_knn(data.sequences, data.n_items, SequenceKNNParams(neighbours=7))
    for item in range(data.n_items):
        neighbours, weights = model.neighbours(item)
        assert item not in neighbours.tolist()
        assert np.all(np.diff(weights) <= 0)


def test_a_shopper_without_history_gets_the_most_popular_items():
    data = _planted()
    model = fit_sequence_knn(data.sequences, data.n_items)
    counts = item_counts(data.sequences, data.n_items)
    top = [item for item, _ in model.recommend(np.array([], dtype=np.int32), k=3)]
    assert top == np.argsort(-counts, kind="stable")[:3].tolist()
    # With no prior, neighbour scores first, then popularity fills the list.
    plain = fit_sequence_knn(data.sequences, data.n_items, SequenceKNNParams(prior=0.0))
    assert len(plain.recommend(np.array([0], dtype=np.int32), k=50)) == 50


def test_rows_export_every_neighbour_in_rank_order():
    data = _planted()
    model = fit_sequence_knn(data.sequences, data.n_items, SequenceKNNParams(neighbours=4))
    rows = list(model.rows())
    assert len(rows) == len(model.indices)
    rebuilt = {}
    for item, rank, neighbour, weight in rows:
        rebuilt.setdefault(item, []).append((rank, neighbour, weight))
    for item, entries in rebuilt.items():
        assert [r for r, _, _ in entries] == list(range(len(entries)))
        assert [n for _, n, _ in entries] == model.neighbours(item)[0].tolist()
