"""Content neighbours computed for chosen rows only (the items without history)."""

import numpy as np

from django_llmshop.recommend.engine.content import (
    cosine_neighbours,
    cosine_neighbours_of,
    tfidf_matrix,
    tokenize,
)

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
