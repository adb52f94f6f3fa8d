"""Other honest views of a sequence dataset, to check that defaults hold beyond one file."""

from __future__ import annotations

import numpy as np

from .data import Sequences


def _subset(data: Sequences, sequences: list[np.ndarray], users: list[str]) -> Sequences:
    """Re-index the remaining items (keeping their original ids) after a filter."""
    used = np.unique(np.concatenate(sequences)) if sequences else np.zeros(0, dtype=np.int64)
    remap = np.full(data.n_items, -1, dtype=np.int64)
    remap[used] = np.arange(len(used))
    return Sequences(
        sequences=[remap[s].astype(np.int32) for s in sequences],
        item_ids=data.item_ids[used],
        user_ids=users,
    )


def random_users(data: Sequences, fraction: float, seed: int) -> Sequences:
    """A random share of the users (a smaller shop with the same catalogue)."""
    rng = np.random.default_rng(seed)
    keep = np.flatnonzero(rng.random(data.n_users) < fraction)
    return _subset(data, [data.sequences[u] for u in keep], [data.user_ids[u] for u in keep])


def earlier_period(data: Sequences, drop_last: int = 1, min_length: int = 5) -> Sequences:
    """Every user's sequence without their last ``drop_last`` items (an earlier test period)."""
    kept = [
        (u, s[:-drop_last])
        for u, s in zip(data.user_ids, data.sequences, strict=True)
        if len(s) - drop_last >= min_length
    ]
    return _subset(data, [s for _, s in kept], [u for u, _ in kept])


def k_core(data: Sequences, k: int) -> Sequences:
    """Repeatedly drop items and users with fewer than ``k`` interactions (a denser dataset)."""
    sequences, users = list(data.sequences), list(data.user_ids)
    while True:
        counts = np.bincount(np.concatenate(sequences), minlength=data.n_items)
        filtered = [s[counts[s] >= k] for s in sequences]
        keep = [i for i, s in enumerate(filtered) if len(s) >= k]
        changed = len(keep) != len(sequences) or any(
            len(filtered[i]) != len(sequences[i]) for i in keep
        )
        sequences, users = [filtered[i] for i in keep], [users[i] for i in keep]
        if not changed or not sequences:
            return _subset(data, sequences, users)
