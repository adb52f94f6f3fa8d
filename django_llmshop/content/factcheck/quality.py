"""The quality gate: the fact check plus what a small model gets wrong whatever the facts.

Debris, made-up words, numbers the record does not hold and a wrong language are errors that
fail the gate (``blocking``): such a draft is generated once more with a note saying what was
wrong, and kept as failed if the second one fails too. Repetition, a length far from the one
asked for and a text that names nothing of the product are warnings. Nothing here needs the model
to know anything: every check looks at the draft's form or compares it with the record::

    findings = check_draft("Holds 120 ingredients. palablados", facts, language="en")
    blocking(findings)  # [Finding(kind="number", text="120"), Finding(kind="nonword", ...)]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from . import check_text
from .claims import Claim
from .debris import find_debris
from .extract import detect_language, extract_claims, protected_spans
from .facts import Facts
from .findings import Finding
from .form import find_length, find_repetition, find_wrong_language
from .numerals import scan_numbers
from .topic import find_off_topic
from .words import find_non_words

#: Finding kinds of the quality gate, beside the fact check's.
QUALITY_KINDS = ("debris", "nonword", "number", "language", "offtopic", "repetition", "length")
#: Error kinds that fail the gate: the draft is regenerated, then failed, never offered as clean.
BLOCKING_KINDS = frozenset({"debris", "nonword", "number", "language"})
_NUMERIC_KINDS = {"quantity", "percentage", "dimensions", "price", "year", "count", "identifier"}
_NOTES = {
    "debris": "Write plain prose only: no JSON, brackets, braces, markdown or remarks about "
    "the task",
    "nonword": "Use only real words",
    "number": "Use only numbers that the product record states",
    "language": "Write everything in the language asked for",
}


def record_numbers(facts: Facts) -> set[float]:
    """Every number the record holds, as written and in base units."""
    numbers = {value for value, _ in facts.numbers}
    for claim in facts.claims:
        numbers.update(claim.values)
        numbers.update(claim.base_values())
    numbers.update(token.value for token in scan_numbers(facts.corpus))
    for identifier in facts.identifiers:
        if identifier.isdigit():
            numbers.add(float(identifier))
    return numbers


def _covering(findings: list[Finding], start: int, end: int) -> Finding | None:
    return next((f for f in findings if f.start <= start and end <= f.end), None)


def _glued(text: str, start: int, end: int) -> bool:
    """A number that is part of a name ("XR-200", "4K", "3D", "#1"), not a claim."""
    before, after = text[start - 1 : start], text[end : end + 1]
    if re.match(r"(?:st|nd|rd|th)\b", text[end : end + 3], re.I):
        return False  # an ordinal: "the 12th printing"
    return bool(before and (before.isalpha() or before in "#/") and before.isascii()) or bool(
        after and after.isalpha() and after.isascii()
    )


def _accepted(claim: Claim, known: set[float]) -> bool:
    """Whether a claim the fact check let pass holds a number of the record.

    The fact check accepts a bound the record keeps ("within 3 days" for 24 hours, "over 300
    pages" for 352); the gate wants the number itself, in some unit.
    """
    if not claim.comparator:
        return True
    return any(
        abs(value - number) <= 0.01 * max(1.0, abs(number))
        for value in (*claim.values, *claim.base_values())
        for number in known
    )


def find_unsupported_numbers(
    text: str, facts: Facts, language: str, fact_findings: list[Finding]
) -> tuple[list[Finding], list[Finding]]:
    """Errors for numbers the record does not hold, and the fact-check warnings they replace.

    The fact check reads numbers with their units and judges them against the record; where it
    only warns because the record is silent ("120 ingredients", "a 5-year warranty"), the number
    is an error here. Where the fact check finds a contradiction, it keeps its own error.
    A number it reads and accepts (750 ml as 0.75 l) is supported.
    """
    known = record_numbers(facts)
    claims = [
        c for c in extract_claims(text, language, names=facts.names) if c.kind in _NUMERIC_KINDS
    ]
    skip = protected_spans(text, facts.names)
    found: list[Finding] = []
    replaced: list[Finding] = []
    for token in scan_numbers(text):
        if any(a <= token.start < b for a, b in skip) or token.value in known:
            continue
        claim = next((c for c in claims if c.start <= token.start and token.end <= c.end), None)
        if token.word and (claim is None or token.value < 2):
            continue  # "one of the best", "一直": words are numbers only inside a claim
        earlier = _covering(fact_findings, token.start, token.end)
        if earlier is not None:
            weak = earlier.severity == "warning" and earlier.kind in _NUMERIC_KINDS
            if weak and earlier not in replaced:
                replaced.append(earlier)
                found.append(_number(text, earlier.start, earlier.end, earlier.message))
            continue
        if claim is not None and _accepted(claim, known):
            continue  # read and accepted by the fact check (750 ml as "0.75 l")
        if claim is None and _glued(text, token.start, token.end):
            continue  # part of a name
        found.append(_number(text, token.start, token.end))
    return found, replaced


def _number(text: str, start: int, end: int, message: str = "") -> Finding:
    message = message or f"The product record does not mention {text[start:end]}."
    return Finding("number", start, end, text[start:end], message, [], "error")


def check_quality(
    text: str,
    facts: Facts,
    language: str | None = None,
    words: int | None = None,
    fact_findings: list[Finding] | None = None,
) -> tuple[list[Finding], list[Finding]]:
    """The gate's own findings, and the fact-check findings they replace.

    `words` is the length asked for (None: no length check); `fact_findings` the fact check's
    findings on the same text, computed here when not given.
    """
    language = (language or detect_language(text)).lower()[:2]
    if fact_findings is None:
        fact_findings = check_text(text, facts, language=language)
    numbers, replaced = find_unsupported_numbers(text, facts, language, fact_findings)
    found = [
        *find_debris(text, facts.corpus),
        *find_non_words(text, facts.corpus, language),
        *numbers,
        *find_wrong_language(text, language, facts.corpus),
        *find_off_topic(text, facts, language),
        *find_repetition(text, language),
        *find_length(text, words),
    ]
    return found, replaced


def check_draft(
    text: str, facts: Facts, language: str | None = None, words: int | None = None
) -> list[Finding]:
    """Fact check and quality gate together, in text order: the findings a draft carries."""
    language = (language or detect_language(text)).lower()[:2]
    facts_found = check_text(text, facts, language=language)
    quality, replaced = check_quality(text, facts, language, words, facts_found)
    kept = [f for f in facts_found if f not in replaced]
    return sorted([*kept, *quality], key=lambda f: (f.start, f.end, f.kind))


def _finding(item: Finding | Mapping[str, Any]) -> Finding:
    return item if isinstance(item, Finding) else Finding.from_dict(dict(item))


def blocking(findings: Iterable[Finding | Mapping[str, Any]]) -> list[Finding]:
    """The findings that fail the gate."""
    found = [_finding(f) for f in findings]
    return [f for f in found if f.severity == "error" and f.kind in BLOCKING_KINDS]


def _quoted(findings: list[Finding], kind: str, limit: int = 3) -> str:
    texts = [f.text.strip()[:40] for f in findings if f.kind == kind and f.text.strip()]
    return ", ".join(f"“{t}”" for t in list(dict.fromkeys(texts))[:limit])


def retry_note(findings: Iterable[Finding | Mapping[str, Any]]) -> str:
    """What the model is told when its draft is generated again."""
    failed = blocking(findings)
    parts = [
        note + (f" (the last draft had {quoted})" if (quoted := _quoted(failed, kind)) else "")
        for kind, note in _NOTES.items()
        if any(f.kind == kind for f in failed)
    ]
    return "The previous draft was rejected. " + "; ".join(parts) + "." if parts else ""


def failure_reason(findings: Iterable[Finding | Mapping[str, Any]]) -> str:
    """Why a draft failed the gate (after its second try), for the shop's staff."""
    failed = blocking(findings)
    labels = {
        "debris": "prompt or format debris",
        "nonword": "made-up words",
        "number": "numbers not in the product record",
        "language": "text in the wrong language",
    }
    parts = [
        f"{label} {_quoted(failed, kind)}".strip()
        for kind, label in labels.items()
        if any(f.kind == kind for f in failed)
    ]
    if not parts:
        return ""
    return "Failed the quality check: " + "; ".join(parts) + "."
