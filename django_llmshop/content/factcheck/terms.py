"""Word claims in text: materials, colours, formats, origins, claims such as "dishwasher-safe"."""

from __future__ import annotations

import re
from functools import lru_cache

from . import vocab_en, vocab_zh
from .claims import Claim
from .roles import sentence_bounds

COUNTRY_ALIASES = {
    "usa": "united states",
    "u.s.a.": "united states",
    "u.s.": "united states",
    "us": "united states",
    "america": "united states",
    "the usa": "united states",
    "uk": "united kingdom",
    "britain": "united kingdom",
    "great britain": "united kingdom",
    "england": "united kingdom",
    "prc": "china",
    "korea": "south korea",
}
_ORIGIN_EN = re.compile(
    r"\b(?i:made|manufactured|produced|crafted|assembled) in (?:the )?"
    r"([A-Z][a-z]+(?: [A-Z][a-z]+)?|U\.S\.A?\.?|[A-Z]{2,3}\b)"
)
_COUNTRIES_ZH = "|".join(vocab_zh.COUNTRIES)
_ORIGIN_ZH = re.compile(
    r"(?:产地|原产地|产自|原产于|产于)[:：]?\s*("
    + _COUNTRIES_ZH
    + ")|("
    + _COUNTRIES_ZH
    + r")(?:制造|生产|原产|制)"
)


def normalise(phrase: str) -> str:
    """A spelling-insensitive form: "Dishwasher-Safe" and "dishwasher safe" agree."""
    return re.sub(r"[\s\-_]+", "", phrase.lower())


@lru_cache(maxsize=2)
def _vocabulary(chinese: bool) -> tuple[re.Pattern[str], dict[str, tuple[str, str]]]:
    entries: dict[str, tuple[str, str]] = {}
    tables = (
        (vocab_zh.MATERIALS, "material"),
        (vocab_zh.COLOURS, "colour"),
        (vocab_zh.FORMATS, "format"),
        (vocab_zh.CLAIMS, "claim"),
    )
    if not chinese:
        tables = (
            (vocab_en.MATERIALS, "material"),
            (vocab_en.COLOURS, "colour"),
            (vocab_en.FORMATS, "format"),
            (vocab_en.CLAIMS, "claim"),
        )
    for table, kind in tables:
        for key, spellings in table.items():
            for spelling in (() if chinese else (key.replace("_", " "),)) + spellings:
                entries.setdefault(normalise(spelling), (kind, key))
    negative = vocab_zh.NEGATIVE_CLAIMS if chinese else vocab_en.NEGATIVE_CLAIMS
    entries.update({normalise(spelling): ("denial", key) for spelling, key in negative.items()})
    ordered = sorted(entries, key=len, reverse=True)
    if chinese:
        pattern = re.compile("|".join(re.escape(s) for s in ordered), re.I)
    else:
        body = "|".join(r"[\s\-]?".join(re.escape(ch) for ch in s) for s in ordered)
        pattern = re.compile(r"(?<![A-Za-z0-9])(?:" + body + r")(?![A-Za-z0-9])", re.I)
    return pattern, entries


@lru_cache(maxsize=2)
def _idioms(chinese: bool) -> re.Pattern[str]:
    phrases = vocab_zh.IDIOMS if chinese else vocab_en.IDIOMS
    body = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(body if chinese else r"\b(?:" + body + r")\b", re.I)


def _proper_noun(text: str, start: int, end: int) -> bool:
    """ "Black Hat", "Iron Throne": a capitalised term inside a capitalised name."""
    if not text[start].isupper():
        return False
    left = text[:start].rstrip()
    sentence_start = not left or left[-1] in ".!?:\"'(\n"
    after = re.match(r"[\s-]+([A-Z][a-z]+)", text[end : end + 20])
    before = re.search(r"([A-Z][a-z]+)\s+$", text[max(0, start - 20) : start])
    return bool(after) or (bool(before) and not sentence_start)


def _negated(text: str, start: int, chinese: bool) -> bool:
    left, _ = sentence_bounds(text, start, start)
    before = text[left:start]
    if chinese:
        return before.rstrip().endswith(vocab_zh.NEGATIONS)
    clause = re.split(r"[,:()]", before)[-1].lower()
    words = re.findall(r"[a-z']+", clause)[-3:]
    return bool(set(words) & vocab_en.NEGATIONS) or clause.endswith("non-")


def extract_terms(text: str, chinese: bool) -> list[Claim]:
    """Vocabulary claims in the text; Chinese lists too when `chinese` is true."""
    claims: list[Claim] = []
    for use_chinese in (False, True) if chinese else (False,):
        pattern, entries = _vocabulary(use_chinese)
        idiom_spans = [m.span() for m in _idioms(use_chinese).finditer(text)]
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(a <= start < b or a < end <= b for a, b in idiom_spans):
                continue
            entry = entries.get(normalise(match.group()))
            if entry is None:
                continue
            kind, key = entry
            denial = kind == "denial"  # "contains BPA", "含BPA"
            kind = "claim" if denial else kind
            if (
                kind in {"material", "colour"}
                and not use_chinese
                and _proper_noun(text, start, end)
            ):
                continue
            claims.append(
                Claim(
                    kind,
                    start,
                    end,
                    match.group(),
                    key=key,
                    negated=kind == "claim" and denial != _negated(text, start, use_chinese),
                )
            )
    claims.extend(extract_origins(text))
    return claims


def country_key(name: str) -> str:
    name = name.strip().replace(".", "").lower()
    return vocab_zh.COUNTRIES.get(name) or COUNTRY_ALIASES.get(name, name)


def extract_origins(text: str) -> list[Claim]:
    """ "Made in Portugal", "日本制造", "产地：中国"."""
    claims = []
    for match in _ORIGIN_EN.finditer(text):
        claims.append(
            Claim("origin", *match.span(1), match.group(1), key=country_key(match.group(1)))
        )
    for match in _ORIGIN_ZH.finditer(text):
        group = 1 if match.group(1) else 2
        claims.append(
            Claim(
                "origin",
                *match.span(group),
                match.group(group),
                key=country_key(match.group(group)),
            )
        )
    return claims
