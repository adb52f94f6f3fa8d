"""Loading sequence files and the leave-one-out split."""

import numpy as np

from django_llmshop.recommend.engine import leave_one_out, load_sequences, parse_sequences
from django_llmshop.recommend.engine.data import refit_split


def test_parse_maps_ids_to_indices_in_numeric_order():
    data = parse_sequences(["u1 10 2 7", "u2 7 10", "", "u3"])
    assert data.item_ids.tolist() == [2, 7, 10]
    assert [s.tolist() for s in data.sequences] == [[2, 0, 1], [1, 2]]
    assert data.user_ids == ["u1", "u2"]
    assert (data.n_users, data.n_items, data.n_interactions) == (2, 3, 5)


def test_leave_one_out_on_a_tiny_file(tmp_path):
    path = tmp_path / "tiny.txt"
    path.write_text("1 1 2 3 4 5\n2 3 4 5\n3 5 1\n", encoding="utf-8")
    validation, test = leave_one_out(load_sequences(path))
    # Indices are ids - 1 here.
    assert [s.tolist() for s in validation.train] == [[0, 1, 2], [2], [4, 0]]
    assert validation.targets.tolist() == [3, 3, -1]
    assert [h.tolist() for h in validation.histories] == [[0, 1, 2], [2], [4, 0]]
    assert test.targets.tolist() == [4, 4, -1]
    assert [h.tolist() for h in test.histories] == [[0, 1, 2, 3], [2, 3], [4, 0]]
    # The test is answered by the model fitted on the validation's training data.
    assert all(a is b for a, b in zip(test.train, validation.train, strict=True))


def test_refit_trains_on_everything_but_the_test_item():
    validation, test = leave_one_out(parse_sequences(["1 1 2 3 4", "2 2 3 4"]))
    refit = refit_split(test)
    assert [s.tolist() for s in refit.train] == [[0, 1, 2], [1, 2]]
    assert np.array_equal(refit.targets, test.targets)
    assert all(t not in s for s, t in zip(refit.train, refit.targets, strict=True))
