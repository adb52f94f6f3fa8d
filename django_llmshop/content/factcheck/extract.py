"""All claims in a text, in order, each with its role; and the text's language."""

from __future__ import annotations

import re

from .claims import Claim
from .quantities import extract_numbers
from .roles import assign_roles, role_of_key
from .terms import extract_terms, normalise

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> str:
    """ "zh" when the text has about as many Chinese words as English ones, else "en"."""
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    return "zh" if cjk and cjk * 4 >= latin else "en"  # a character is worth ~4 letters


def protected_spans(text: str, names: list[str]) -> list[tuple[int, int]]:
    """Where the text repeats a name from the record ("Trail Bottle 750", "XR-200")."""
    spans = []
    lowered = text.lower()
    for name in names:
        name = name.strip().lower()
        if len(name) < 3 or not re.search(r"\d", name):
            continue
        position = lowered.find(name)
        while position >= 0:
            spans.append((position, position + len(name)))
            position = lowered.find(name, position + 1)
    return spans


def _subject(text: str, claim: Claim, terms: list[Claim]) -> str:
    """What a percentage is of: "95% cotton" -> "cotton", "30%棉" -> "cotton"."""
    for term in terms:
        if 0 <= term.start - claim.end <= 2:
            return term.key
    match = re.match(r"\s*(?:of\s+)?([A-Za-z]+|[\u3400-\u9fff]{1,2})", text[claim.end :])
    return normalise(match.group(1)) if match else ""


def _key_subject(key: str) -> str:
    terms = extract_terms(key.replace("_", " "), chinese=bool(_CJK.search(key)))
    return terms[0].key if terms else normalise(key)


def extract_claims(
    text: str,
    language: str = "en",
    names: list[str] | None = None,
    key: str = "",
    loose: bool = False,
) -> list[Claim]:
    """Every claim in the text, numbers inside repeated names excepted.

    `key` is the attribute name when the text is an attribute's value ("weight": "340 g"):
    it gives numbers their role where the words around them do not. `loose` reads any
    "number + plural noun" as a count, as record fields do ({"ribs": "8 ribs"}).
    """
    skip = protected_spans(text, names or [])
    terms = extract_terms(text, chinese=language == "zh" or bool(_CJK.search(text)))
    numbers = extract_numbers(text, skip, loose)
    assign_roles(text, numbers)
    for claim in numbers:
        if key and claim.dimension:
            claim.role = role_of_key(key, claim.dimension) or claim.role
        if claim.dimension == "percent" and claim.role != "discount":
            subject = _subject(text, claim, terms) or (_key_subject(key) if key else "")
            claim.role = "of:" + subject
    numbered = [(c.start, c.end) for c in numbers]
    terms = [t for t in terms if not any(a <= t.start < b for a, b in numbered)]
    return sorted(numbers + terms, key=lambda c: (c.start, c.end))
