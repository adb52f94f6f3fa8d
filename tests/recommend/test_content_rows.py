"""Content neighbours computed for chosen rows only (the items without history)."""

import numpy as np
import scipy.sparse as sp

from django_llmshop.recommend.engine.content import (
    cosine_neighbours,
    cosine_neighbours_of,
    tfidf_matrix,
    tokenize,
    top_k_per_row,
)
from django_llmshop.recommend.training import needing_content

TEXTS = [
    "Matte red lipstick, long lasting",
    "Long lasting matte lipstick in red",
    "Shampoo for dry and damaged hair",
    "Conditioner for dry hair",
]


def test_the_chosen_rows_match_the_full_computation_and_the_others_stay_empty():
    vectors = tfidf_matrix([tokenize(t) for t in TEXTS])
    full = cosine_neighbours(vectors, k=2).toarray()
    some = cosine_neighbours_of(vectors, np.array([1, 3]), k=2, batch_size=1).toarray()
    assert np.allclose(some[[1, 3]], full[[1, 3]], atol=1e-6)
    assert not some[[0, 2]].any()


def test_no_rows_give_an_empty_matrix():
    vectors = tfidf_matrix([tokenize(t) for t in TEXTS])
    assert cosine_neighbours_of(vectors, np.array([], dtype=np.int64)).nnz == 0


def test_top_k_per_row_of_a_sparse_block_matches_a_dense_ranking():
    rng = np.random.default_rng(3)
    dense = rng.random((6, 40)) * (rng.random((6, 40)) < 0.5)
    exclude = np.array([0, 5, 7, 9, 11, 39])
    rows, cols, vals = top_k_per_row(sp.csr_matrix(dense), 4, exclude)
    for row in range(6):
        expected = dense[row].copy()
        expected[exclude[row]] = 0
        best = np.sort(expected)[::-1][:4]
        mine = vals[rows == row]
        assert np.allclose(np.sort(mine)[::-1], best[best > 0], atol=1e-6)
        assert exclude[row] not in cols[rows == row]
        assert np.allclose(expected[cols[rows == row]], mine, atol=1e-6)


def test_rows_with_fewer_than_k_similar_items_keep_them_all():
    block = sp.csr_matrix(np.array([[0.0, 0.5, 0.2], [0.3, 0.0, 0.0]]))
    rows, cols, vals = top_k_per_row(block, 5, np.array([0, 1]))
    assert sorted(zip(rows.tolist(), cols.tolist(), strict=True)) == [(0, 1), (0, 2), (1, 0)]


def test_a_large_catalog_with_a_real_vocabulary_is_computed_sparsely():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(2000)]
    weights = 1.0 / np.arange(1, 2001) ** 1.1
    texts = [
        " ".join(words[w] for w in rng.choice(2000, 8, p=weights / weights.sum()))
        for _ in range(3000)
    ]
    vectors = tfidf_matrix([tokenize(t) for t in texts])
    rows = np.arange(0, 3000, 7)
    some = cosine_neighbours_of(vectors, rows, k=5, batch_size=64)
    full = cosine_neighbours(vectors, k=5)
    assert np.allclose(
        np.sort(some[rows].toarray(), axis=1), np.sort(full[rows].toarray(), axis=1), atol=1e-5
    )


def test_content_goes_to_the_items_with_little_history_the_least_seen_first_up_to_a_cap():
    sequences = [np.array([0, 1, 2]), np.array([0, 1]), np.array([0, 5])]
    # Seen: item 0 three times, 1 twice, 2 and 5 once; 3 and 4 never (5 is not in the catalog).
    assert needing_content(sequences, 5, few=0, cap=10).tolist() == [3, 4]
    assert needing_content(sequences, 5, few=2, cap=10).tolist() == [1, 2, 3, 4]
    assert needing_content(sequences, 5, few=2, cap=3).tolist() == [2, 3, 4]
    assert needing_content([], 3, few=0, cap=10).tolist() == [0, 1, 2]
