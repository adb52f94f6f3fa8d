"""Whether the record supports a number, quantity, size, price, year or count in the draft."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import permutations

from .claims import Claim
from .facts import Facts
from .findings import Finding
from .roles import mentions, role_of_key
from .units import SPECIFIC_DIMENSIONS, UNITS, Unit, candidates, format_value, tolerance

_GENERIC_COUNTS = {"set", "pack", "piece", "count", "item", "box", "bundle", "kit", "carton"}
Value = tuple[float, str, Claim]  # a record value in base units, its unit id, where it is from


def finding(
    claim: Claim,
    message: str,
    expected: Iterable[str] = (),
    error: bool = False,
    span: tuple[int, int] | None = None,
    text: str = "",
) -> Finding:
    start, end = span or (claim.start, claim.end)
    unique = list(dict.fromkeys(e for e in expected if e))
    return Finding(
        claim.kind, start, end, text or claim.text, message, unique, "error" if error else "warning"
    )


def _said(expected: list[Claim]) -> str:
    return " or ".join(dict.fromkeys(c.text for c in expected))


def _report(
    claim: Claim,
    expected: list[Claim],
    error: bool,
    label: str = "",
    span: tuple[int, int] | None = None,
) -> Finding:
    """The finding for an unsupported number; `label` names it ("the year 1855")."""
    label = label or claim.text
    if not expected:
        message = f"The product record does not mention {label}."
    elif error:
        message = f"The product record says {_said(expected)}, not {label}."
    else:
        message = (
            f"The product record does not mention {label}; it gives "
            f"{_said(expected)} (check what this refers to)."
        )
    text = claim.text[span[0] - claim.start : span[1] - claim.start] if span else ""
    return finding(claim, message, [c.text for c in expected], error, span, text)


def _severity(claim: Claim, found: list[Claim]) -> tuple[bool, list[Claim]]:
    """(error?, the record's values to name) for an unsupported number.

    An error when the record gives another value for the same thing; a warning when the record
    is silent, or when the number may be about something else ("in London of 1855").
    """
    if not found or claim.role in {"discount", "shipping"}:
        return False, found
    named = [c for c in found if c.source and mentions(claim.context, c.source)]
    if named:
        return True, named  # "a 25 cm blade" against {"blade_length": "20 cm"}
    if claim.role:
        same = [c for c in found if c.role in {claim.role, "", "of:"}]
        return (True, same) if same else (False, found)
    return claim.dimension in SPECIFIC_DIMENSIONS or claim.kind == "dimensions", found


def _agrees(value: float, unit: Unit, claim: Claim, fact: Value) -> bool:
    fact_value, fact_unit, source = fact
    margin = tolerance(
        value,
        unit,
        claim.decimals,
        claim.trailing_zeros,
        fact_value,
        UNITS.get(fact_unit),
        claim.approx,
    )
    base = unit.to_base(value)
    if claim.comparator == ">" and not source.comparator:
        return fact_value >= base - margin  # "over 300 pages" for 352 pages
    if claim.comparator == "<" and not source.comparator:
        return 0 < fact_value <= base + margin
    return abs(base - fact_value) <= margin


def _values(found: list[Claim]) -> list[Value]:
    return [
        (value, unit, fact)
        for fact in found
        for value, unit in zip(fact.base_values(), fact.units, strict=True)
    ]


def _supported(value: float, unit: Unit, claim: Claim, found: list[Claim], facts: Facts) -> bool:
    if any(_agrees(value, unit, claim, fact) for fact in _values(found)):
        return True
    return _bare(facts, value, unit.dimension, found)


def _bare(facts: Facts, value: float, dimension: str, found: list[Claim]) -> bool:
    """A number the record gives without a unit: {"capacity": 750}, or the 750 of
    "Trail Bottle 750" where the record has no other value of that kind."""
    for number, key in facts.numbers:
        if number == value and (
            (key == "name" and not found) or (key != "name" and role_of_key(key, dimension))
        ):
            return True
    return False


def _numeric_facts(facts: Facts, dimension: str) -> list[Claim]:
    kinds = ("quantity", "percentage", "dimensions", "year", "price")
    return [c for c in facts.of_kind(*kinds) if c.dimension == dimension]


def _readings(units: list[Unit]) -> list[list[Unit]]:
    """The ways to read the units: "oz" is an ounce by weight, or a fluid ounce."""
    count = max(len(candidates(unit)) for unit in units)
    return [[candidates(u)[min(k, len(candidates(u)) - 1)] for u in units] for k in range(count)]


def check_quantity(claim: Claim, facts: Facts) -> list[Finding]:
    """A quantity, percentage or range: supported when it agrees with a record value."""
    every: list[Claim] = []
    for reading in _readings([UNITS[u] for u in claim.units]):
        found = _numeric_facts(facts, reading[0].dimension)
        pairs = list(zip(claim.values, reading, strict=True))
        if all(_supported(value, unit, claim, found, facts) for value, unit in pairs):
            return []
        if claim.ranged:
            low, high = (unit.to_base(value) for value, unit in pairs)
            if any(low <= value <= high for value, _, _ in _values(found)):
                return []
        every.extend(found)
    error, shown = _severity(claim, every)
    return [_report(claim, shown, error)]


def _unmatched(claim: Claim, sizes: list[Claim]) -> list[int] | None:
    """Measures of the claim that no one-to-one match with a record size explains."""
    best: list[int] | None = None
    measures = list(zip(claim.values, claim.units, strict=True))
    for size in sizes:
        values = _values([size])
        width = min(len(measures), len(values))
        for order in permutations(range(len(values)), width):
            missing = [
                i
                for i, (value, unit) in enumerate(measures)
                if i >= width or not _agrees(value, UNITS[unit], claim, values[order[i]])
            ]
            if best is None or len(missing) < len(best):
                best = missing
    return best


def check_size(claim: Claim, facts: Facts) -> list[Finding]:
    """A size such as "13.2 x 20.3 cm": its measures must match a record size, one to one
    (or, when the record gives no size, be among the record's lengths)."""
    found = _numeric_facts(facts, "length")
    sizes = [f for f in found if f.kind == "dimensions"]
    missing = _unmatched(claim, sizes)
    if missing is None:
        missing = [
            i
            for i, (value, unit) in enumerate(zip(claim.values, claim.units, strict=True))
            if not _supported(value, UNITS[unit], claim, found, facts)
        ]
    error, shown = _severity(claim, sizes or found)
    findings = []
    for index in missing:
        label = f"{format_value(claim.values[index])} {claim.units[index]}"
        findings.append(_report(claim, shown, error, label, claim.spans[index]))
    return findings


def check_price(claim: Claim, facts: Facts) -> list[Finding]:
    """A price: the record's, in its currency; a discount or a shipping fee is only a warning."""
    prices = facts.of_kind("price")
    currency = claim.units[0]
    same = [p for p in prices if p.units[0] in {currency, ""}]
    unit = Unit(currency, "price", 1.0)
    if any(_agrees(claim.values[0], unit, claim, (p.values[0], currency, p)) for p in same):
        return []
    if prices and not same:
        message = (
            f"The price is stated in {currency}; the product record's price is {_said(prices)}."
        )
        return [finding(claim, message, [p.text for p in prices])]
    error, shown = _severity(claim, same)
    return [_report(claim, shown, error)]


def check_year(claim: Claim, facts: Facts) -> list[Finding]:
    years = facts.of_kind("year")
    if any(y.values[0] == claim.values[0] for y in years):
        return []
    if _bare(facts, claim.values[0], "year", years):
        return []
    error, shown = _severity(claim, years)
    return [_report(claim, shown, error, "" if error else f"the year {claim.text}")]


def check_count(claim: Claim, facts: Facts) -> list[Finding]:
    """A count: it must agree with the record's count of the same thing; where the record
    counts nothing alike, any count of the record with that number will do ("4 glasses" for a
    set of 4)."""
    counts = facts.of_kind("count")
    value = claim.values[0]
    same = [
        c
        for c in counts
        if c.key == claim.key
        or {c.key, claim.key} <= _GENERIC_COUNTS
        or (c.source and mentions(claim.context, c.source))  # "12个卡位" and {"卡位": "8个"}
    ]
    if any(c.values[0] == value for c in same or counts) or _bare(facts, value, "count", counts):
        return []
    return [_report(claim, same, True)] if same else [_report(claim, counts, False)]


def check_identifier(claim: Claim, facts: Facts) -> list[Finding]:
    if claim.key in facts.identifiers or facts.says(claim.key):
        return []
    return [finding(claim, f"{claim.text} is not an identifier in the product record.")]
