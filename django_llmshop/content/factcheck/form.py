"""The form of a draft: its language, its length for the kind of copy, and repeated text."""

from __future__ import annotations

import re
from collections import Counter

from .extract import detect_language
from .findings import Finding

# Letters of another script than Latin (Chinese, Cyrillic, Greek...), with the spaces and
# punctuation between them.
_OTHER_SCRIPT = r"[^\W\d_A-Za-z\u00c0-\u024f\u1e00-\u1eff]"
_FOREIGN_RUN = re.compile(
    _OTHER_SCRIPT + r"(?:[\s\u3000-\u303f\uff00-\uffef,.]*" + _OTHER_SCRIPT + ")*"
)
_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:[ ,]+[A-Za-z][A-Za-z'’-]*){3,}")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’.-][A-Za-z0-9]+)*")
_SENTENCE = re.compile(r"[^.!?。！？\n]+[.!?。！？]*")
_LANGUAGE_NAMES = {"en": "English", "zh": "Chinese"}
#: A draft shorter than this share of the words asked for, or longer than this many times
#: them, is out of range (the description's bullets come on top of its words).
LENGTH_RANGE = (0.3, 3.0)
#: Word n-grams (English) or character n-grams (Chinese) seen this often are a loop.
NGRAM = {"en": 5, "zh": 8}
NGRAM_REPEATS = 3


def count_words(text: str) -> float:
    """Words in the text; a Chinese word is about 1.6 characters."""
    return len(_WORD.findall(text)) + len(re.findall(r"[\u3400-\u9fff]", text)) / 1.6


def _error(kind: str, text: str, start: int, end: int, message: str, severity: str) -> Finding:
    return Finding(kind, start, end, text[start:end], message, [], severity)


def _whole(kind: str, message: str, severity: str) -> Finding:
    """A finding about the whole draft: an empty span, so it highlights no words of it."""
    return Finding(kind, 0, 0, "", message, [], severity)


def find_wrong_language(text: str, language: str, record: str = "") -> list[Finding]:
    """Errors for a draft, or a stretch of it, in another language than the one asked for.

    Only English and Chinese are told apart; other languages are checked for Chinese only.
    `record` (lower case) holds the record's own words, which may be in any language.
    """
    body = text.strip()
    if not body:
        return []
    detected = detect_language(body)
    wanted = _LANGUAGE_NAMES.get(language, language)
    if detected != language and (language in _LANGUAGE_NAMES or detected == "zh"):
        message = f"The draft is in {_LANGUAGE_NAMES[detected]}; it was asked for in {wanted}."
        return [_whole("language", message, "error")]
    findings = []
    pattern = _FOREIGN_RUN if language != "zh" else _LATIN_RUN
    for match in pattern.finditer(text):
        # The record's words as Facts.corpus keeps them: hyphens as spaces ("end grain").
        if re.sub(r"[\s\-_]+", " ", match.group().strip(" ,").lower()) in record:
            continue
        if language != "zh" and len(re.findall(_OTHER_SCRIPT, match.group())) < 2:
            continue
        message = f"This part is not in {wanted}, the language the draft was asked for."
        findings.append(_error("language", text, *match.span(), message, "error"))
    return findings


def find_length(text: str, words: int | None) -> list[Finding]:
    """A warning when the draft is far shorter or longer than the words asked for."""
    if not words or not text.strip():
        return []
    counted = count_words(text)
    low, high = LENGTH_RANGE
    if low * words <= counted <= high * words:
        return []
    message = f"The draft has about {counted:.0f} words; about {words} were asked for."
    return [_whole("length", message, "warning")]


def _sentences(text: str) -> list[tuple[int, int, str]]:
    out = []
    for match in _SENTENCE.finditer(text):
        key = re.sub(r"[\W_]+", " ", match.group().lower()).strip()
        if len(key.split()) >= 4 or len(re.findall(r"[\u3400-\u9fff]", key)) >= 6:
            out.append((*match.span(), key))
    return out


def _ngram_loops(text: str, language: str) -> list[tuple[int, int]]:
    """Spans of an n-gram's third and later occurrences."""
    if language == "zh":
        units = [(m.start(), m.end()) for m in re.finditer(r"[\u3400-\u9fff]", text)]
        keys = [text[a:b] for a, b in units]
    else:
        units = [m.span() for m in _WORD.finditer(text)]
        keys = [text[a:b].lower() for a, b in units]
    size = NGRAM["zh" if language == "zh" else "en"]
    seen: Counter[tuple[str, ...]] = Counter()
    spans = []
    for i in range(len(keys) - size + 1):
        gram = tuple(keys[i : i + size])
        seen[gram] += 1
        if seen[gram] >= NGRAM_REPEATS:
            spans.append((units[i][0], units[i + size - 1][1]))
    return spans


def find_repetition(text: str, language: str = "en") -> list[Finding]:
    """Warnings for a sentence said twice and for phrases that loop."""
    spans: list[tuple[int, int]] = []
    seen: set[str] = set()
    for start, end, key in _sentences(text):
        if key in seen:
            spans.append((start, end))
        seen.add(key)
    spans.extend(_ngram_loops(text, language))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    findings = []
    for start, end in merged:
        while start < end and text[start].isspace():
            start += 1
        message = "This repeats what the draft already says."
        findings.append(_error("repetition", text, start, end, message, "warning"))
    return findings
