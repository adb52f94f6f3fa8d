"""Generated shopper sequences with a planted sequential pattern, for the recommend tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def planted_sequences(
    n_users: int = 400, n_items: int = 60, length: int = 8, seed: int = 0
) -> list[list[int]]:
    """Sequences that mostly walk ``i -> i + 1``, mixed with popular (low-id) noise items.

    Item ids start at 1, as in the benchmark files.
    """
    rng = np.random.default_rng(seed)
    popular = np.arange(1, 6)
    sequences = []
    for _ in range(n_users):
        item = int(rng.integers(6, n_items - length))
        seq: list[int] = []
        while len(seq) < length:
            if rng.random() < 0.15:
                noise = int(rng.choice(popular))
                if noise not in seq:
                    seq.append(noise)
                continue
            if item not in seq:
                seq.append(item)
            item = item + 1 if item + 1 <= n_items else 6
        sequences.append(seq)
    return sequences


def write_sequences(path: Path, sequences: list[list[int]]) -> Path:
    """Write sequences in the benchmark format: ``user item item ...`` per line."""
    lines = [" ".join(str(v) for v in [user, *seq]) for user, seq in enumerate(sequences, 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
