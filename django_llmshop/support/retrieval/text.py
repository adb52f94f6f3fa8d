"""Text to index terms and documents to passages; works for English and Chinese alike.

Latin-script words are lower-cased, stripped of a few English suffixes and of stop words. Runs
of CJK characters become overlapping character bigrams (a lone character stays a unigram),
the usual way to index Chinese without a word segmenter.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

_CJK = (
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs
    "\u3040-\u30ff"  # kana
    "\uac00-\ud7af"  # hangul
)
_PIECE_RE = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+", re.UNICODE)
_CJK_RE = re.compile(rf"[{_CJK}]")
MAX_TERM_CHARS = 64

_STOP_TEXT = """a an and are as at be been but by can could do does did for from had has have how i
if in into is it its me my no not of on or our so than that the their them then there these they
this to too us was we were what when where which who why will with would you your yours"""
STOP_WORDS = frozenset(_STOP_TEXT.split())
# The CJK equivalents of stop words: particles and pronouns that say nothing about the topic.
CJK_STOP_BIGRAMS = frozenset(["我的", "你们", "我们", "可以", "什么", "怎么", "是否", "一个"])


def stem(word: str) -> str:
    """A light English stemmer: enough to match "returns" with "return", "shipped" with "ship"."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            if base[-1] == base[-2] and base[-1] not in "ls":
                base = base[:-1]  # "shipped" -> "shipp" -> "ship"
            return base
    if word.endswith(("sses", "xes", "zes", "ches", "shes")):
        return word[:-2]  # "boxes" -> "box", "dishes" -> "dish"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def terms(text: str) -> list[str]:
    """The index terms of ``text``, in order, repeats kept."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    out: list[str] = []
    for piece in _PIECE_RE.findall(text):
        if _CJK_RE.match(piece):
            if len(piece) == 1:
                out.append(piece)
            else:
                out.extend(
                    bigram
                    for bigram in (piece[i : i + 2] for i in range(len(piece) - 1))
                    if bigram not in CJK_STOP_BIGRAMS
                )
        elif piece not in STOP_WORDS:
            out.append(stem(piece)[:MAX_TERM_CHARS])
    return out


def term_counts(text: str) -> Counter[str]:
    return Counter(terms(text))


@dataclass(frozen=True)
class Passage:
    heading: str
    text: str


_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def split_passages(title: str, body: str, max_chars: int = 1200) -> list[Passage]:
    """Markdown to passages: one per section, long sections split at paragraph breaks.

    Each passage's heading is the document title plus its section heading, so that a passage
    read alone still says what it is about (and its terms are indexed with it).
    """
    sections: list[tuple[str, list[str]]] = [("", [])]
    for line in (body or "").splitlines():
        match = _HEADING_RE.match(line)
        if match and len(match.group(1)) >= 2:
            sections.append((match.group(2), []))
        elif match:  # the document's own "# Title": not a section of its own
            continue
        else:
            sections[-1][1].append(line)
    passages = []
    for heading, lines in sections:
        text = "\n".join(lines).strip()
        if not text:
            continue
        label = f"{title} › {heading}" if heading else title
        for part in _split_long(text, max_chars):
            passages.append(Passage(label, part))
    return passages


def _split_long(text: str, max_chars: int) -> list[str]:
    if len(text) <= max_chars:
        return [text]
    parts: list[str] = []
    current = ""
    for paragraph in re.split(r"\n\s*\n", text):
        if current and len(current) + len(paragraph) + 2 > max_chars:
            parts.append(current)
            current = ""
        while len(paragraph) > max_chars:  # one huge paragraph: cut it
            parts.append(paragraph[:max_chars])
            paragraph = paragraph[max_chars:]
        current = f"{current}\n\n{paragraph}" if current else paragraph
    if current:
        parts.append(current)
    return parts
