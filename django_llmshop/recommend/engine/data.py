"""Shopper sequences: loading `user item item ...` files and the leave-one-out split."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

IntArray = np.ndarray


@dataclass(frozen=True)
class Sequences:
    """Time-ordered item sequences, one per user, over item indices ``0 .. n_items - 1``.

    ``item_ids[i]`` is the identifier the file used for item index ``i``.
    """

    sequences: list[IntArray]
    item_ids: IntArray
    user_ids: list[str]

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    @property
    def n_users(self) -> int:
        return len(self.sequences)

    @property
    def n_interactions(self) -> int:
        return sum(len(s) for s in self.sequences)


def parse_sequences(lines: Iterable[str]) -> Sequences:
    """Parse ``user item item ...`` lines (items in time order) into index sequences.

    Item identifiers may be any tokens; integer identifiers keep their numeric order.
    """
    users: list[str] = []
    raw: list[list[str]] = []
    for line in lines:
        parts = line.split()
        if len(parts) < 2:
            continue
        users.append(parts[0])
        raw.append(parts[1:])
    tokens = sorted({t for r in raw for t in r}, key=_id_sort_key)
    index = {t: i for i, t in enumerate(tokens)}
    sequences = [np.fromiter((index[t] for t in r), dtype=np.int32, count=len(r)) for r in raw]
    if all(t.lstrip("-").isdigit() for t in tokens):
        ids: IntArray = np.array([int(t) for t in tokens], dtype=np.int64)
    else:
        ids = np.array(tokens, dtype=object)
    return Sequences(sequences=sequences, item_ids=ids, user_ids=users)


def _id_sort_key(token: str) -> tuple[int, int | str]:
    if token.lstrip("-").isdigit():
        return (0, int(token))
    return (1, token)


def load_sequences(path: str | Path) -> Sequences:
    """Read a sequence file: one user a line, ``user_id item_id item_id ...`` in time order."""
    with open(path, encoding="utf-8") as handle:
        return parse_sequences(handle)


@dataclass(frozen=True)
class Split:
    """One leave-one-out evaluation task: what the model may see, and what it must find.

    ``train`` are the sequences the model is fitted on; ``histories[u]`` is what user ``u`` has
    done when asked to recommend, and ``targets[u]`` the item they took next (-1: no target).
    """

    train: list[IntArray]
    histories: list[IntArray]
    targets: IntArray
    n_items: int


def leave_one_out(data: Sequences) -> tuple[Split, Split]:
    """The standard protocol: (validation, test) splits.

    Validation: target = second-to-last item, history = all items before it.
    Test: target = last item, history = all items before it. As in the published protocol
    (SASRec, S3-Rec), both are answered by a model fitted on all but the last two items of
    every user; the test history includes the validation item.
    Users with fewer than three items keep them all for training and have no target.
    """
    train, val_targets, test_targets, test_hist = [], [], [], []
    for seq in data.sequences:
        if len(seq) < 3:
            train.append(seq)
            val_targets.append(-1)
            test_targets.append(-1)
            test_hist.append(seq)
            continue
        train.append(seq[:-2])
        val_targets.append(int(seq[-2]))
        test_targets.append(int(seq[-1]))
        test_hist.append(seq[:-1])
    validation = Split(train, train, np.array(val_targets, dtype=np.int64), data.n_items)
    test = Split(train, test_hist, np.array(test_targets, dtype=np.int64), data.n_items)
    return validation, test


def refit_split(split: Split) -> Split:
    """The test split with the model fitted on each test history (train + validation item)."""
    return Split(split.histories, split.histories, split.targets, split.n_items)


def interaction_matrix(
    sequences: Sequence[IntArray], n_items: int, binary: bool = True
) -> sp.csr_matrix:
    """Users × items matrix of the sequences (1 where seen, or a count when not ``binary``)."""
    lengths = np.fromiter((len(s) for s in sequences), dtype=np.int64, count=len(sequences))
    rows = np.repeat(np.arange(len(sequences)), lengths)
    cols = np.concatenate(sequences) if len(sequences) else np.zeros(0, dtype=np.int32)
    matrix = sp.csr_matrix(
        (np.ones(len(cols), dtype=np.float32), (rows, cols)), shape=(len(sequences), n_items)
    )
    matrix.sum_duplicates()
    if binary:
        matrix.data[:] = 1.0
    return matrix


def load_item_attributes(path: str | Path, data: Sequences) -> list[list[int]]:
    """Read ``{"item_id": [attribute_id, ...]}`` JSON into per-index attribute lists.

    Items absent from the file get no attributes; ids absent from the sequences are ignored.
    """
    with open(path, encoding="utf-8") as handle:
        raw = json.load(handle)
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a JSON object of item id -> attribute ids")
    return [[int(a) for a in raw.get(str(item_id), [])] for item_id in data.item_ids.tolist()]
