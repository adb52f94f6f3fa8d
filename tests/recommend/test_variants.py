"""Other views of a sequence dataset: random users, an earlier period, k-core."""

import numpy as np

from django_llmshop.recommend.engine import parse_sequences
from django_llmshop.recommend.engine.variants import earlier_period, k_core, random_users


def _ids(data):
    return [[int(data.item_ids[i]) for i in s] for s in data.sequences]


def test_random_users_keeps_whole_sequences_and_original_ids():
    data = parse_sequences([f"{u} {u} {u + 1000} {u + 2000}" for u in range(1, 201)])
    half = random_users(data, 0.5, seed=3)
    assert 60 < half.n_users < 140
    for user, items in zip(half.user_ids, _ids(half), strict=True):
        assert items == [int(user), int(user) + 1000, int(user) + 2000]
    assert half.n_items == 3 * half.n_users


def test_earlier_period_drops_each_users_last_item():
    data = parse_sequences(["a 1 2 3 4 5 6", "b 1 2 3 4 5", "c 7 8 9 1 2 3 4"])
    earlier = earlier_period(data, drop_last=1, min_length=5)
    assert earlier.user_ids == ["a", "c"]
    assert _ids(earlier) == [[1, 2, 3, 4, 5], [7, 8, 9, 1, 2, 3]]


def test_k_core_leaves_only_dense_users_and_items():
    # Items 8 and 9 are rare; without them user d has one item left and goes too.
    data = parse_sequences(["a 1 2 3", "b 1 2 3", "c 1 9 2 3", "d 1 8"])
    core = k_core(data, 3)
    assert core.user_ids == ["a", "b", "c"]
    assert _ids(core) == [[1, 2, 3]] * 3
    assert np.bincount(np.concatenate(core.sequences)).min() >= 3
