"""Review markup as escaped HTML: a word diff of two texts, and a text with its findings marked.

Both take untrusted text (the merchant's and the model's) and escape every piece of it; the
only markup in the result is the ``<ins>``, ``<del>`` and ``<mark>`` tags added here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from difflib import SequenceMatcher
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

#: A word, a run of whitespace, or one other character (punctuation is a token of its own).
TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)

Opcode = tuple[str, int, int, int, int]


def tokenize(text: str) -> list[str]:
    """Split ``text`` into tokens that join back to exactly ``text``."""
    return TOKEN.findall(text or "")


def _merge_small_matches(opcodes: Sequence[Opcode], old: list[str], new: list[str]) -> list[Opcode]:
    """Fold a match between two changes into them when it is only whitespace or under half as
    long as either change, so a rewritten phrase reads as one deletion and one insertion rather than
    fragments around a stray "of" or space (the idea of diff-match-patch's semantic cleanup)."""

    def size(op: Opcode) -> int:
        _, i1, i2, j1, j2 = op
        return max(len("".join(old[i1:i2])), len("".join(new[j1:j2])))

    merged: list[Opcode] = []
    for index, op in enumerate(opcodes):
        tag, i1, i2, j1, j2 = op
        if tag == "equal" and merged and index < len(opcodes) - 1:
            matched = "".join(old[i1:i2])
            small = 2 * len(matched) <= min(size(merged[-1]), size(opcodes[index + 1]))
            if matched.isspace() or small:
                tag = "replace"
        if merged and tag != "equal" and merged[-1][0] != "equal":
            _, p1, _, q1, _ = merged[-1]
            merged[-1] = ("replace", p1, i2, q1, j2)
        else:
            merged.append((tag, i1, i2, j1, j2))
    return merged


def word_opcodes(old: str, new: str) -> tuple[list[str], list[str], list[Opcode]]:
    """Tokens of both texts and the operations turning the first into the second."""
    a, b = tokenize(old), tokenize(new)
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return a, b, _merge_small_matches(matcher.get_opcodes(), a, b)


def word_diff(old: str, new: str) -> SafeString:
    """``new`` against ``old`` word by word: removed words in ``<del>``, added in ``<ins>``."""
    a, b, opcodes = word_opcodes(old, new)
    html: list[str] = []
    for tag, i1, i2, j1, j2 in opcodes:
        removed, added = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal":
            html.append(escape(removed))
            continue
        if removed:
            html.append(f"<del>{escape(removed)}</del>")
        if added:
            html.append(f"<ins>{escape(added)}</ins>")
    # Safe: every piece of text above went through escape(); the tags are our own.
    return mark_safe("".join(html))  # noqa: S308


def diff_stats(old: str, new: str) -> dict[str, int]:
    """Words removed and added (whitespace and punctuation not counted)."""
    a, b, opcodes = word_opcodes(old, new)

    def words(tokens: Iterable[str]) -> int:
        return sum(1 for token in tokens if re.fullmatch(r"\w+", token))

    return {
        "removed": sum(words(a[i1:i2]) for tag, i1, i2, _, _ in opcodes if tag != "equal"),
        "added": sum(words(b[j1:j2]) for tag, _, _, j1, j2 in opcodes if tag != "equal"),
    }


def usable_findings(text: str, findings: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Findings whose span still fits ``text``, in order, without overlaps (first one wins)."""
    spans = []
    for finding in findings:
        try:
            start, end = int(finding["start"]), int(finding["end"])
        except (KeyError, TypeError, ValueError):
            continue
        if 0 <= start < end <= len(text):
            spans.append((start, end, finding))
    usable, last_end = [], 0
    for start, end, finding in sorted(spans, key=lambda span: (span[0], -span[1])):
        if start >= last_end:
            usable.append(finding)
            last_end = end
    return usable


def highlight_findings(text: str, findings: Iterable[Mapping[str, Any]]) -> SafeString:
    """``text`` with each finding's span in a ``<mark>`` whose title is the finding's message."""
    html: list[str] = []
    position = 0
    for number, finding in enumerate(usable_findings(text, findings), start=1):
        start, end = int(finding["start"]), int(finding["end"])
        severity = "error" if finding.get("severity") == "error" else "warning"
        html.append(escape(text[position:start]))
        html.append(
            f'<mark class="llmshop-finding llmshop-{severity}" id="finding-{number}" '
            f'title="{escape(finding.get("message", ""))}">{escape(text[start:end])}'
            f"<sup>{number}</sup></mark>"
        )
        position = end
    html.append(escape(text[position:]))
    # Safe: the text and the messages are escaped; only the <mark> and <sup> tags are ours.
    return mark_safe("".join(html))  # noqa: S308
