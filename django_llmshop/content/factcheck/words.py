"""Non-words: words in neither the language's vocabulary nor the product record.

A small model makes up words ("palablados"). The vocabulary is wordfreq's (Apache-2.0 code,
CC BY-SA 4.0 data): a word it has never seen in its large English list, and that the record does
not use either, is flagged. Chinese text is read one character at a time: a character that no
word of wordfreq's Chinese list contains is garbled output. Latin words inside Chinese text are
English words and are checked as such.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from .findings import Finding

_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:['’][A-Za-z\u00c0-\u024f]+)*")
_CAMEL = re.compile(r"[A-Z]?[a-z\u00df-\u00ff]+|[A-Z]+(?![a-z])")
_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
_POSSESSIVE = re.compile(r"['’]s$", re.I)
#: Words this short are initials, units and abbreviations more often than words.
MIN_LENGTH = 3


@cache
def english_words() -> frozenset[str]:
    """wordfreq's large English list (about 320,000 words), loaded once per process (~1 s)."""
    from wordfreq import get_frequency_dict

    return frozenset(get_frequency_dict("en", wordlist="large"))


@cache
def chinese_characters() -> frozenset[str]:
    """Every character used by a word of wordfreq's large Chinese list (about 10,000)."""
    from wordfreq import get_frequency_dict

    return frozenset(char for word in get_frequency_dict("zh", wordlist="large") for char in word)


def record_words(record: str) -> frozenset[str]:
    """The words of the record's text, lower case: names, brands and terms the shop uses."""
    return frozenset(w.lower().replace("’", "'") for w in _LATIN_WORD.findall(record))


def is_english_word(word: str, record: frozenset[str] = frozenset()) -> bool:
    """Whether a Latin-script word is English (in wordfreq's list) or the record's own."""
    lowered = word.lower().replace("’", "'")
    vocabulary = english_words()
    if len(lowered) < MIN_LENGTH or lowered in vocabulary or lowered in record:
        return True
    bare = _POSSESSIVE.sub("", lowered)
    if bare in vocabulary or bare in record:
        return True
    if word.isupper() and len(word) <= 5:
        return True  # an acronym ("BPA", "USB-C")
    parts = _CAMEL.findall(word)
    if len(parts) > 1:  # a brand written in camel case ("KitchenAid") is made of words
        return all(is_english_word(part, record) for part in parts)
    return False


def _latin_non_words(text: str, record: frozenset[str]) -> Iterator[tuple[int, int]]:
    for match in _LATIN_WORD.finditer(text):
        before = text[max(0, match.start() - 1) : match.start()]
        after = text[match.end() : match.end() + 1]
        if (before and (before.isdigit() or before in "@/\\")) or (after and after.isdigit()):
            continue  # part of a model number, a unit ("750ml") or an address
        if not is_english_word(match.group(), record):
            yield match.span()


def _chinese_non_words(text: str, record: str) -> Iterator[tuple[int, int]]:
    known = chinese_characters()
    for match in _CJK_CHAR.finditer(text):
        if match.group() not in known and match.group() not in record:
            yield match.span()


def find_non_words(text: str, record: str = "", language: str = "en") -> list[Finding]:
    """Error findings for made-up words; `record` is the product record's text."""
    words = record_words(record)
    spans = list(_latin_non_words(text, words))
    if language == "zh" or _CJK_CHAR.search(text):
        spans.extend(_chinese_non_words(text, record))
    findings = []
    for start, end in sorted(spans):
        word = text[start:end]
        message = (
            f"“{word}” is not a word of the language, nor one the product record uses: "
            "the model made it up or garbled it."
        )
        findings.append(Finding("nonword", start, end, word, message, [], "error"))
    return findings
