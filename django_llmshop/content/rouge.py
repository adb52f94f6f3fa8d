"""ROUGE-1, ROUGE-2 and ROUGE-L F1 (Lin, 2004) on lower-cased word tokens, for choosing a model.

A small implementation of the standard definitions: n-gram overlap counts clipped by the
reference, and the longest common subsequence for ROUGE-L. With several references, each score
is the best over them, as is usual for multi-reference summaries.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

TOKEN = re.compile(r"[a-z0-9]+|[\u4e00-\u9fff]")


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


def _f1(overlap: int, candidate: int, reference: int) -> float:
    if not overlap or not candidate or not reference:
        return 0.0
    precision, recall = overlap / candidate, overlap / reference
    return 2 * precision * recall / (precision + recall)


def rouge_n(candidate: Sequence[str], reference: Sequence[str], n: int) -> float:
    cand = Counter(tuple(candidate[i : i + n]) for i in range(len(candidate) - n + 1))
    ref = Counter(tuple(reference[i : i + n]) for i in range(len(reference) - n + 1))
    overlap = sum((cand & ref).values())
    return _f1(overlap, sum(cand.values()), sum(ref.values()))


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def rouge_l(candidate: Sequence[str], reference: Sequence[str]) -> float:
    return _f1(lcs_length(candidate, reference), len(candidate), len(reference))


def score(candidate: str, references: Sequence[str]) -> dict[str, float]:
    """Best ROUGE-1/2/L F1 of ``candidate`` over ``references``."""
    cand = tokens(candidate)
    refs = [tokens(r) for r in references] or [[]]
    return {
        "rouge1": max(rouge_n(cand, r, 1) for r in refs),
        "rouge2": max(rouge_n(cand, r, 2) for r in refs),
        "rougeL": max(rouge_l(cand, r) for r in refs),
    }
