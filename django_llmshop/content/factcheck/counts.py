"""Counts ("set of 4", "two lids", "4件套"), years and identifiers: numbers without a unit."""

from __future__ import annotations

import re

from . import vocab_en, vocab_zh
from .claims import Claim
from .numerals import NumberToken
from .roles import find_role

_IDENTIFIER = re.compile(
    r"(?<![\w-])(?:(?:ISBN|UPC|EAN|GTIN)(?:-1[03])?[:\s#]*)?(\d[\d-]{8,16}[\dXx]|\d{7,})(?![\w-])",
    re.I,
)
_SET_BEFORE = re.compile(r"\b(set|pack|box|case|bundle|kit|carton|pair)s?\s+of\s+$", re.I)
COUNT_SUFFIX = re.compile(
    r"[ -]?(pieces|piece|pcs|pc|packs|pack|count|ct|in[- ](?:1|one))(?![A-Za-z0-9])", re.I
)
_SUFFIX_NOUNS = {"pieces": "piece", "pcs": "piece", "pc": "piece", "packs": "pack", "ct": "count"}
_IN_ONE = re.compile(r"in[- ](?:1|one)", re.I)
_INCLUDES_BEFORE = re.compile(
    r"\b(includes|including|include|comes with|contains|containing|with|plus|featuring)\s+$", re.I
)
_WORD_AFTER = re.compile(r"[ \u00a0]+([a-z][a-z-]*)")
_ZH_CLASSIFIER = re.compile("|".join(sorted(vocab_zh.CLASSIFIERS, key=len, reverse=True)))
_SINGULAR = (("ies", "y"), ("ves", "fe"), ("sses", "ss"), ("shes", "sh"), ("ches", "ch"),
             ("xes", "x"), ("s", ""))  # fmt: skip


def lemma(word: str) -> str:
    """A rough singular for a count noun: "lids" -> "lid", "knives" -> "knife"."""
    word = word.lower()
    for suffix, replacement in _SINGULAR:
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            if suffix == "ves" and word[:-3] + "f" in vocab_en.COUNT_NOUNS:
                return word[:-3] + "f"
            return word[: -len(suffix)] + replacement
    return word


def previous_word(text: str, start: int) -> str:
    match = re.search(r"([A-Za-z]+)[\s.:#-]{0,2}$", text[max(0, start - 24) : start])
    return match.group(1).lower() if match else ""


def identifiers(text: str) -> tuple[list[Claim], list[tuple[int, int]]]:
    """ISBN/EAN-like numbers (claims) and other long digit strings (spans to leave alone)."""
    claims, spans = [], []
    for match in _IDENTIFIER.finditer(text):
        digits = match.group(1).replace("-", "").upper()
        spans.append(match.span())
        if len(digits) in (10, 12, 13) or match.group(0)[0].isalpha():
            claims.append(Claim("identifier", *match.span(), match.group(0), key=digits))
    return claims, spans


def _noun_after(text: str, token: NumberToken, loose: bool) -> tuple[str, int]:
    """The counted noun within the next few words: "4 reusable straws" -> ("straw", end)."""
    before = text[max(0, token.start - 24) : token.start]
    includes = loose or bool(_INCLUDES_BEFORE.search(before))
    position = token.end
    for step in range(3):
        word = _WORD_AFTER.match(text, position)
        if not word:
            break
        noun = word.group(1)
        if lemma(noun) in vocab_en.COUNT_NOUNS or (
            includes and step == 0 and noun.endswith("s") and len(noun) > 3
        ):
            return lemma(noun), word.end()
        if noun in vocab_en.COUNT_STOPS:
            break
        position = word.end()
    return "", token.end


def read_count(text: str, token: NumberToken, loose: bool = False) -> Claim | None:
    """A count claim at the token, if the words around it count something.

    `loose` accepts any plural noun, for record fields such as {"ribs": "8 ribs"}.
    """
    value = token.value
    if not value.is_integer() or value < 1 or (token.word and value < 2):
        return None
    before = text[max(0, token.start - 24) : token.start]
    start, end, noun = token.start, token.end, ""
    set_before = _SET_BEFORE.search(before)
    suffix = COUNT_SUFFIX.match(text, token.end)
    classifier = _ZH_CLASSIFIER.match(text, token.end)
    if set_before:
        noun, start = set_before.group(1).lower(), token.start - len(set_before.group(0))
    elif suffix:
        noun, end = suffix.group(1).lower(), suffix.end()
        noun = "in-1" if _IN_ONE.fullmatch(noun) else _SUFFIX_NOUNS.get(noun, noun)
    elif classifier and value >= 2:
        noun, end = vocab_zh.CLASSIFIERS[classifier.group()], classifier.end()
    elif previous_word(text, token.start) not in vocab_en.NUMBER_LABELS:
        noun, end = _noun_after(text, token, loose)
    if not noun:
        return None
    return Claim(
        "count",
        start,
        end,
        text[start:end],
        dimension="count",
        values=(value,),
        units=("",),
        key=noun,
        word=token.word,
    )


def read_year(text: str, token: NumberToken) -> Claim | None:
    """A year such as 1992; not a label ("Windows 2000") or a count ("2000 reviews")."""
    if token.word or token.decimals or token.end - token.start != 4:
        return None
    if not 1000 <= token.value <= 2099 or text[token.end : token.end + 2] in {"'s", "’s"}:
        return None
    if previous_word(text, token.start) in vocab_en.NUMBER_LABELS:
        return None
    following = re.match(r"\s+([a-z]+)\b", text[token.end : token.end + 24])
    if following:
        word = following.group(1)
        if word.endswith("s") and len(word) > 3 and word not in vocab_en.NOT_PLURAL:
            return None
    if token.value < 1800 and not find_role(text, token.start, token.end, "year"):
        return None
    return Claim(
        "year",
        token.start,
        token.end,
        text[token.start : token.end],
        dimension="year",
        values=(token.value,),
        units=("",),
    )
