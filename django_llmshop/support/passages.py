"""Policy answers quoted from the help pages: the passages and sentences that answer a question.

The best passages (BM25, re-ranked so a passage headed by what the question asks about comes
first) are split into sentences, list items and table rows; the few that share most words with
the question are quoted, each passage with its citation marker. An FAQ entry whose heading is
the question is quoted whole.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from django_llmshop.support import retrieval
from django_llmshop.support.ranking import DURATION_RE, TIME_QUESTION_RE, own_heading
from django_llmshop.support.retrieval.text import terms
from django_llmshop.support.tools import ChatContext, add_passages
from django_llmshop.support.wording import question_terms

QUOTE_CHARS = 420  # the longest quote, in characters
MAX_SENTENCES = 3
PASSAGES_QUOTED = 5
_SENTENCE_RE = re.compile(r"(?<=[^\d\s][.!?])\s+(?=[A-Z*\"(\[])|(?<=[。！？])")
_BLOCK_START_RE = re.compile(r"[-*+|#>]|\d+[.)]\s")
_AMOUNT_QUESTION_RE = re.compile(r"\bhow\s+much\b|\bcost|\bprice|\bfee\b|多少钱|费用|运费", re.I)
_AMOUNT_RE = re.compile(r"[$€£¥]\s?\d|\d\s?(?:USD|EUR)")


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _is_rule(line: str) -> bool:
    return bool(line) and set(line) <= set("|-: ")


def _lines(text: str) -> list[str]:
    """The passage as lines: a hard-wrapped paragraph or list item joined into one line, and a
    table's rows written out with their column names ("Express: Cost $14.95; ...")."""
    raw = [line.strip() for line in text.split("\n")]
    lines: list[str] = []
    header: list[str] | None = None
    for i, line in enumerate(raw):
        if line.startswith("|"):
            if _is_rule(line):
                continue
            if i + 1 < len(raw) and _is_rule(raw[i + 1]):
                header = _cells(line)
                continue
            cells = _cells(line)
            if header and len(header) == len(cells) and len(cells) > 1:
                rest = "; ".join(f"{h} {c}" for h, c in zip(header[1:], cells[1:], strict=True))
                lines.append(f"{cells[0]}: {rest}")
            else:
                lines.append(" ".join(cells))
        elif not line:
            lines.append("")
        elif lines and lines[-1] and not _BLOCK_START_RE.match(line):
            lines[-1] += " " + line
        else:
            lines.append(line)
    return [line for line in lines if line]


def sentences(text: str) -> list[str]:
    """The sentences of a passage; a list item or a table row stays one piece."""
    pieces = []
    for line in _lines(text):
        pieces += [p.strip() for p in _SENTENCE_RE.split(line) if p.strip()]
    return pieces


def _score(sentence: str, wanted: set[str], time: bool, amount: bool) -> float:
    score = float(len(wanted & set(terms(sentence))))
    if time and DURATION_RE.search(sentence):
        score += 0.75
    if amount and _AMOUNT_RE.search(sentence):
        score += 0.75
    return score


def condense(question: str, hits: list[retrieval.Hit]) -> list[tuple[int, str]]:
    """The sentences of ``hits`` that answer ``question`` best, as (hit index, text) in order.

    A passage whose heading is the question itself (an FAQ entry) is quoted whole."""
    wanted = question_terms(question)
    first = hits[0]
    heading = set(terms(own_heading(first)))
    if wanted and len(wanted & heading) / len(wanted) >= 2 / 3 and len(first.text) <= QUOTE_CHARS:
        return [(0, " ".join(_lines(first.text)))]
    time = bool(TIME_QUESTION_RE.search(question))
    amount = bool(_AMOUNT_QUESTION_RE.search(question))
    scored = [
        (-_score(sentence, wanted, time, amount), index, position, sentence)
        for index, hit in enumerate(hits)
        for position, sentence in enumerate(sentences(hit.text))
    ]
    scored.sort()
    best = -scored[0][0] if scored else 0
    chosen: list[tuple[int, int, str]] = []
    size = 0
    for negative, index, position, sentence in scored[:MAX_SENTENCES]:
        if chosen and (-negative < best / 2 or size + len(sentence) > QUOTE_CHARS):
            break
        chosen.append((index, position, sentence))
        size += len(sentence)
    return [(index, sentence) for index, _position, sentence in sorted(chosen)]


def policy_answer(ctx: ChatContext, question: str, passages: list[retrieval.Hit]) -> str:
    """The sentences of the help pages that answer ``question``, each cited."""
    if not passages:
        return _(
            "I couldn't find that in our help pages. A person from our team can answer it: "
            "just ask for a person."
        )
    hits = passages[:PASSAGES_QUOTED]
    quoted = condense(question, hits)
    used = sorted({index for index, _text in quoted})
    entries = add_passages(ctx, [hits[i] for i in used])
    marker = {index: entry["source"] for index, entry in zip(used, entries, strict=True)}
    pages = "; ".join(dict.fromkeys(hits[i].heading or hits[i].title for i in used))
    lines = [_("From our %(page)s:") % {"page": pages}, ""]
    for position, (index, text) in enumerate(quoted):
        last_of_hit = position + 1 == len(quoted) or quoted[position + 1][0] != index
        lines.append(f"{text} [{marker[index]}]" if last_of_hit else text)
    return "\n".join(lines)
