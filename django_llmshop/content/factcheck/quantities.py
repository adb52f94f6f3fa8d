"""Numeric claims in text: quantities with units, sizes, ranges, prices and percentages."""

from __future__ import annotations

import re
from typing import Any

from . import vocab_en, vocab_zh
from .claims import Claim
from .counts import COUNT_SUFFIX, identifiers, read_count, read_year
from .numerals import NumberToken, scan_numbers
from .roles import find_role
from .units import (
    CURRENCY_PREFIXES,
    CURRENCY_SUFFIXES,
    PREFIX_CURRENCY_RE,
    SUFFIX_CURRENCY_RE,
    UNIT_RE,
    Unit,
    is_cjk,
    resolve_unit,
)

_LATIN = re.compile(r"[A-Za-z0-9_]")
_SIZE_JOIN = re.compile(r"[ \u00a0]*(?:x|×|X|\*|by)[ \u00a0]*")
_RANGE_JOIN = re.compile(r"[ \u00a0]*(?:-|–|—|to|~|～|至|到)[ \u00a0]*")
_APPROX = [re.compile(r"(?:^|\W)" + re.escape(w) + "$") for w in vocab_en.APPROXIMATE]
_COMPARATORS = [
    (re.compile(r"(?:^|\W)" + re.escape(p) + "$"), sign) for p, sign in vocab_en.COMPARATORS.items()
]
Found = tuple[Unit, int]  # a unit and where its spelling ends


def _glued_before(text: str, start: int) -> bool:
    """A number that is part of a name or a reference: "XR-200", "v1.2", "24/7", "#3"."""
    before = text[start - 1] if start else ""
    before2 = text[start - 2] if start > 1 else ""
    if not before:
        return False
    if _LATIN.match(before) or before in "/:#№第":
        return True
    if before == "-" and before2.isdigit():
        return False  # the end of a range
    return before in ".-" and bool(_LATIN.match(before2))


def _glued_after(text: str, end: int) -> bool:
    after, after2 = text[end : end + 1], text[end + 1 : end + 2]
    return bool(_LATIN.match(after)) or (after in {"/", ":"} and after2.isdigit())


def _unit_after(text: str, token: NumberToken, in_size: bool = False) -> Found | None:
    match = UNIT_RE.match(text, token.end)
    if not match:
        return None
    alias, end = match.group(1), match.end()
    unit = resolve_unit(alias)
    if unit is None:
        return None
    if not is_cjk(alias[-1]) and alias[-1].isalnum() and _LATIN.match(text[end : end + 1]):
        return None
    if unit.id == "in" and alias.lower() == "in" and re.match(r"[- ]?(?:\d|one\b)", text[end:]):
        return None  # "2-in-1"
    if unit.id == "in" and alias.lower() == "in" and not in_size:
        # "12 in long" is a length; "12 in the box" is not.
        rest = text[end : end + 16]
        word = re.match(r"\s*([A-Za-z]+)", rest)
        if word and word.group(1).lower() not in vocab_en.INCH_FOLLOWERS:
            return None
    if alias in {'"', "″"} and text[: token.start].count('"') % 2:
        return None  # a closing quotation mark, not inches
    return unit, end


def _qualifiers(text: str, start: int, end: int) -> tuple[bool, str]:
    """(approximate?, comparator) from words such as "about", "over", "up to", "约", "以上"."""
    before = text[max(0, start - 20) : start]
    match = PREFIX_CURRENCY_RE.search(before)
    before = (before[: match.start()] if match else before).rstrip().lower()
    after = text[end : end + 3]
    approx = any(pattern.search(before) for pattern in _APPROX)
    approx = approx or before.endswith(vocab_zh.APPROXIMATE)
    approx = approx or after.startswith(vocab_zh.APPROXIMATE_SUFFIXES)
    comparator = ""
    for pattern, sign in _COMPARATORS:
        if pattern.search(before):
            comparator = sign
    for phrase, sign in vocab_zh.COMPARATORS.items():
        if before.endswith(phrase):
            comparator = sign
    for suffix, sign in (*vocab_zh.COMPARATOR_SUFFIXES.items(), ("+", ">")):
        if after.startswith(suffix):
            comparator = sign
    return approx, comparator


def _claim(text: str, kind: str, start: int, end: int, token: NumberToken, **fields: Any) -> Claim:
    claim = Claim(
        kind,
        start,
        end,
        text[start:end],
        decimals=token.decimals,
        trailing_zeros=token.trailing_zeros,
        word=token.word,
        **fields,
    )
    claim.approx, claim.comparator = _qualifiers(text, start, end)
    return claim


def extract_numbers(text: str, skip: list[tuple[int, int]], loose: bool = False) -> list[Claim]:
    """Every numeric claim in the text, except numbers inside the given spans."""
    claims, id_spans = identifiers(text)
    skip = skip + id_spans
    tokens = [t for t in scan_numbers(text) if not any(a <= t.start < b for a, b in skip)]
    index = 0
    while index < len(tokens):
        index += _read(text, tokens, index, claims, loose)
    return claims


def _price(text: str, token: NumberToken) -> Claim | None:
    prefix = PREFIX_CURRENCY_RE.search(text[max(0, token.start - 8) : token.start])
    if prefix:
        code = CURRENCY_PREFIXES[prefix.group(1).lower()]
        start, end = token.start - len(prefix.group(0)), token.end
    else:
        suffix = SUFFIX_CURRENCY_RE.match(text, token.end)
        if not suffix or _LATIN.match(text[suffix.end() : suffix.end() + 1]):
            return None
        code = CURRENCY_SUFFIXES[suffix.group(1).lower()]
        start, end = token.start, suffix.end()
    return _claim(
        text, "price", start, end, token, dimension="price", values=(token.value,), units=(code,)
    )


def _read(
    text: str, tokens: list[NumberToken], index: int, claims: list[Claim], loose: bool
) -> int:
    """Read the claim that starts at tokens[index]; returns how many tokens it used."""
    token = tokens[index]
    if token.percent:
        claims.append(
            _claim(
                text,
                "percentage",
                token.start,
                token.end,
                token,
                dimension="percent",
                values=(token.value,),
                units=("pct",),
            )
        )
        return 1
    if (not token.word and _glued_before(text, token.start)) or (
        token.word and token.start and text[token.start - 1] in {"-", "第"}
    ):
        return 1
    price = _price(text, token)
    if price:
        claims.append(price)
        return 1
    unit = _unit_after(text, token)
    consumed = _size(text, tokens, index, unit, claims) or _range(text, tokens, index, unit, claims)
    if consumed:
        return consumed
    if unit:
        _with_unit(text, token, unit, claims)
        return 1
    if _glued_after(text, token.end) and not COUNT_SUFFIX.match(text, token.end):
        return 1
    found = read_count(text, token, loose) or read_year(text, token)
    if found:
        claims.append(found)
    return 1


def _with_unit(text: str, token: NumberToken, found: Found, claims: list[Claim]) -> None:
    unit, end = found
    digits = token.end - token.start
    if unit.id == "year" and text[end - 1] == "年" and digits == 4 and not token.word:
        if 1000 <= token.value <= 2099 and text[end : end + 1] != "代":  # 1992年, not 1990年代
            claims.append(
                _claim(
                    text,
                    "year",
                    token.start,
                    end,
                    token,
                    dimension="year",
                    values=(token.value,),
                    units=("",),
                )
            )
        return
    if (
        token.word
        and token.value == 1
        and unit.dimension == "time"
        and not find_role(text, token.start, end, "time")
    ):
        return  # "one day", "一年四季": an idiom, unless a cue makes it a duration
    kind = "percentage" if unit.dimension == "percent" else "quantity"
    claims.append(
        _claim(
            text,
            kind,
            token.start,
            end,
            token,
            dimension=unit.dimension,
            values=(token.value,),
            units=(unit.id,),
        )
    )


def _size(
    text: str, tokens: list[NumberToken], index: int, unit: Found | None, claims: list[Claim]
) -> int:
    """ "13.2 x 20.3 x 2.5 cm", "13 cm × 20 cm": two or three lengths joined by x."""
    chain = [(tokens[index], unit)]
    position = unit[1] if unit else tokens[index].end
    while index + len(chain) < len(tokens):
        join = _SIZE_JOIN.match(text, position)
        following = tokens[index + len(chain)]
        if not join or join.end() != following.start:
            break
        next_unit = _unit_after(text, following, in_size=True)
        chain.append((following, next_unit))
        position = next_unit[1] if next_unit else following.end
    last = chain[-1][1]
    if len(chain) < 2 or not last or last[0].dimension != "length":
        return 0
    if any(u and u[0].dimension != "length" for _, u in chain):
        return 0
    claims.append(
        _claim(
            text,
            "dimensions",
            chain[0][0].start,
            position,
            chain[0][0],
            dimension="length",
            values=tuple(t.value for t, _ in chain),
            units=tuple((u or last)[0].id for _, u in chain),
            spans=tuple((t.start, u[1] if u else t.end) for t, u in chain),
        )
    )
    return len(chain)


def _range(
    text: str, tokens: list[NumberToken], index: int, unit: Found | None, claims: list[Claim]
) -> int:
    """ "2-3 days", "20 to 25 cm", "3至5天"."""
    join = _RANGE_JOIN.match(text, unit[1] if unit else tokens[index].end)
    if not join or index + 1 >= len(tokens) or tokens[index + 1].start != join.end():
        return 0
    second = _unit_after(text, tokens[index + 1])
    if not second or (unit and unit[0].dimension != second[0].dimension):
        return 0
    first = (unit or second)[0]
    kind = "percentage" if first.dimension == "percent" else "quantity"
    claims.append(
        _claim(
            text,
            kind,
            tokens[index].start,
            second[1],
            tokens[index],
            dimension=first.dimension,
            values=(tokens[index].value, tokens[index + 1].value),
            units=(first.id, second[0].id),
            ranged=True,
        )
    )
    return 2
