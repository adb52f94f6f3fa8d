"""Fact check: flag numbers, units, materials, colours and claims a product record does not support.

Deterministic and free of Django, so that it runs anywhere and fast::

    facts = Facts.from_product(name="Trail Bottle 750", price="24.00", currency="USD",
                               attributes={"capacity": "750 ml", "dishwasher_safe": True})
    findings = check_text("Holds 1000 ml and is dishwasher-safe.", facts)
    # [Finding(kind="quantity", text="1000 ml", severity="error", ...)]
"""

from __future__ import annotations

from .claims import Claim
from .extract import detect_language, extract_claims
from .facts import Facts
from .findings import Finding
from .judge import (
    check_count,
    check_identifier,
    check_price,
    check_quantity,
    check_size,
    check_year,
)
from .judge_terms import check_claim, check_term

__all__ = ["Claim", "Facts", "Finding", "check_text", "detect_language", "extract_claims"]

_CHECKS = {
    "quantity": check_quantity,
    "percentage": check_quantity,
    "dimensions": check_size,
    "price": check_price,
    "year": check_year,
    "count": check_count,
    "identifier": check_identifier,
    "material": check_term,
    "colour": check_term,
    "format": check_term,
    "origin": check_term,
    "claim": check_claim,
}


def check_text(text: str, facts: Facts, language: str | None = None) -> list[Finding]:
    """Findings for every claim in `text` that `facts` do not support, in text order.

    `language` ("en", "zh", or a code such as "zh-hans") is detected from the text when not
    given; Chinese text is also read for English units and words, as shop copy mixes them
    ("750ml 不锈钢").
    """
    language = (language or detect_language(text)).lower()[:2]
    findings: list[Finding] = []
    for claim in extract_claims(text, language, names=facts.names):
        findings.extend(_CHECKS[claim.kind](claim, facts))
    return sorted(findings, key=lambda f: (f.start, f.end))
