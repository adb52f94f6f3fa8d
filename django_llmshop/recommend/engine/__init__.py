"""Recommendation algorithms on integer item indices: numpy and scipy only, no Django."""

from .data import Sequences, Split, leave_one_out, load_sequences, parse_sequences
from .metrics import Result, evaluate
from .neighbours import NeighbourTable
from .popularity import item_counts, popularity_scorer
from .sequence_knn import SequenceKNNParams, fit_sequence_knn

__all__ = [
    "NeighbourTable",
    "Result",
    "SequenceKNNParams",
    "Sequences",
    "Split",
    "evaluate",
    "fit_sequence_knn",
    "item_counts",
    "leave_one_out",
    "load_sequences",
    "parse_sequences",
    "popularity_scorer",
]
