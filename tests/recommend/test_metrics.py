"""HR@k and NDCG@k under full ranking with the history removed."""

import math

import numpy as np
import pytest

from django_llmshop.recommend.engine import evaluate
from django_llmshop.recommend.engine.data import Split
from django_llmshop.recommend.engine.metrics import ranks_to_result, target_ranks


def test_history_items_are_removed_before_ranking():
    scores = np.array([[9.0, 8.0, 7.0, 6.0, 5.0]])
    # Items 0 and 1 score higher but are in the history: the target (3) moves up to rank 1.
    assert target_ranks(scores, [np.array([0, 1])], np.array([3])).tolist() == [1]
    assert target_ranks(scores, [np.array([], dtype=int)], np.array([3])).tolist() == [3]


def test_ties_count_against_the_target():
    scores = np.zeros((1, 5))
    assert target_ranks(scores, [np.array([0])], np.array([2])).tolist() == [3]


def test_rank_position_to_ndcg():
    result = ranks_to_result(np.array([0, 1, 9, 10]), k=10)
    assert result.hr == pytest.approx(3 / 4)
    expected = (1.0 + 1.0 / math.log2(3) + 1.0 / math.log2(11) + 0.0) / 4
    assert result.ndcg == pytest.approx(expected)


def test_evaluate_on_a_hand_made_case():
    # 4 items; user 0 saw item 0 and wants 1; user 1 saw 2 and wants 0; user 2 has no target.
    split = Split(
        train=[],
        histories=[np.array([0]), np.array([2]), np.array([1])],
        targets=np.array([1, 0, -1]),
        n_items=4,
    )

    def scorer(histories):
        # Fixed preference 0 > 3 > 1 > 2 for everyone.
        return np.tile(np.array([4.0, 2.0, 1.0, 3.0]), (len(histories), 1))

    result = evaluate(scorer, split, k=1, batch_size=1)
    # User 0: item 0 removed -> 3 first, target 1 at rank 1 (miss at k=1).
    # User 1: target 0 at rank 0 (hit). User 2 is not counted.
    assert result.users == 2
    assert result.hr == pytest.approx(0.5)
    assert result.ndcg == pytest.approx(0.5)
    at_two = evaluate(scorer, split, k=2)
    assert at_two.hr == pytest.approx(1.0)
    assert at_two.ndcg == pytest.approx((1 / math.log2(3) + 1.0) / 2)
