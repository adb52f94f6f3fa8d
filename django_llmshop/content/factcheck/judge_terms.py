"""Whether the record supports a material, colour, format, origin or claim word in the draft."""

from __future__ import annotations

from . import vocab_en
from .claims import Claim
from .facts import Facts
from .findings import Finding
from .judge import finding

_LABELS = {key: spellings[0] for key, spellings in vocab_en.CLAIMS.items()}
_WHAT = {"material": "material", "colour": "colour", "format": "format", "origin": "origin"}


def _ancestors(key: str) -> set[str]:
    found = set()
    while key in vocab_en.MATERIAL_PARENTS:
        key = vocab_en.MATERIAL_PARENTS[key]
        found.add(key)
    return found


def _record_terms(facts: Facts, kind: str, key: str) -> list[Claim]:
    kinds = {kind}
    if key in vocab_en.COLOUR_OR_MATERIAL:
        kinds |= {"material", "colour"}
    return [c for c in facts.of_kind(*kinds) if not c.negated]


def _stated(facts: Facts, kind: str, terms: list[Claim]) -> bool:
    """Whether the record states this kind of thing outright (not just in passing)."""
    return kind in facts.declared or any(t.role == "record" for t in terms)


def check_term(claim: Claim, facts: Facts) -> list[Finding]:
    """A material, colour, format or origin: supported when the record names it."""
    terms = _record_terms(facts, claim.kind, claim.key)
    keys = {t.key for t in terms}
    if claim.key in keys or facts.says(claim.text):
        return []
    if claim.kind == "material" and any(claim.key in _ancestors(k) for k in keys):
        return []  # "steel" for a stainless-steel bottle
    families = {vocab_en.COLOUR_FAMILIES.get(k, k) for k in keys}
    if claim.kind == "colour" and claim.key in families:
        return []  # "blue" for a midnight-blue bottle
    others = [t for t in terms if t.kind == claim.kind or claim.kind == "colour"]
    what = _WHAT.get(claim.kind, claim.kind)
    if not others:
        return [finding(claim, f"The product record does not give this {what}: {claim.text}.")]
    said = " or ".join(dict.fromkeys(t.text for t in others))
    expected = [t.text for t in others]
    if claim.kind == "colour" and vocab_en.COLOUR_FAMILIES.get(claim.key, claim.key) in families:
        return [
            finding(
                claim, f"The product record says {said}; {claim.text} is another shade.", expected
            )
        ]
    error = _stated(facts, claim.kind, others)
    ending = "" if error else " (check what this refers to)"
    return [
        finding(
            claim, f"The product record says {said}, not {claim.text}{ending}.", expected, error
        )
    ]


def _record_flag(facts: Facts, key: str) -> tuple[bool | None, str]:
    """What the record says about a claim, and where: its flag, else its texts."""
    if key in facts.flags:
        return facts.flags[key], ""
    for term in facts.of_kind("claim"):
        if term.key == key:
            return not term.negated, term.text
    return None, ""


def check_claim(claim: Claim, facts: Facts) -> list[Finding]:
    """A claim word ("dishwasher-safe", "不含BPA"): the record must say so, and not the opposite."""
    stated, where = _record_flag(facts, claim.key)
    label = _LABELS.get(claim.key, claim.key)
    asserted = not claim.negated
    if stated is not None:
        if stated == asserted:
            return []
        truth = "is" if stated else "is not"
        source = f' ("{where}")' if where else ""
        return [
            finding(
                claim,
                f"The product record says it {truth} {label}{source}.",
                [label if stated else f"not {label}"],
                error=True,
            )
        ]
    if asserted and facts.says(claim.text):
        return []  # the record says it in words the vocabulary lacks ("保温时长")
    if claim.key == "lifetime_warranty":
        warranty = [c for c in facts.of_kind("quantity") if c.role == "warranty"]
        if warranty:
            said = " or ".join(c.text for c in warranty)
            return [
                finding(
                    claim,
                    f"The product record gives a warranty of {said}.",
                    [c.text for c in warranty],
                    error=True,
                )
            ]
    weaker = vocab_en.OVERSTATES.get(claim.key)
    if weaker and _record_flag(facts, weaker)[0]:
        return [
            finding(
                claim, f"The product record says {_LABELS[weaker]}, not {label}.", [_LABELS[weaker]]
            )
        ]
    if claim.negated:
        return [finding(claim, f"The product record does not say whether it is {label}.")]
    return [finding(claim, f"The product record does not say it is {label}.")]
