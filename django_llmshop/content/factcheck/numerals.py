"""Numbers in text: digits, English number words and Chinese numerals, with their precision."""

from __future__ import annotations

import re
from dataclasses import dataclass

EN_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
    "dozen": 12,
}
_ZH_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
_ZH = "零〇一二两三四五六七八九十百千万"

_NUMBER_RE = re.compile(
    r"(?P<pct>百分之(?:[\d.]+|[" + _ZH + r"]+))"
    r"|(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])|\d+(?:\.\d+)?(?:,\d{1,2}(?!\d))?)"
    r"(?P<wan>万(?![能一分]))?"
    r"|(?P<zh>[" + _ZH + r"]+半?|半)"
    r"|(?P<word>\b(?:" + "|".join(EN_WORDS) + r")\b)",
    re.I,
)


@dataclass(frozen=True)
class NumberToken:
    """One number as written: where it is, its value and how precisely it is written."""

    start: int
    end: int
    value: float
    decimals: int = 0
    trailing_zeros: int = 0
    word: bool = False  # written as a word ("two", "两") rather than digits
    percent: bool = False  # "百分之三十"


def parse_chinese(numeral: str) -> float | None:
    """Value of a Chinese numeral ("十五" -> 15, "两" -> 2, "一九九二" -> 1992, "半" -> 0.5)."""
    if numeral == "半":
        return 0.5
    half = numeral.endswith("半")
    numeral = numeral.rstrip("半")
    if not numeral:
        return None
    if len(numeral) > 1 and all(ch in _ZH_DIGITS for ch in numeral):
        return float("".join(str(_ZH_DIGITS[ch]) for ch in numeral))
    total = section = current = 0
    for ch in numeral:
        if ch in _ZH_DIGITS:
            current = _ZH_DIGITS[ch]
        elif ch in _ZH_UNITS:
            section += (current or 1) * _ZH_UNITS[ch]
            current = 0
        elif ch == "万":
            total += (section + current or 1) * 10000
            section = current = 0
    value = float(total + section + current)
    return value + 0.5 if half else value


def _digits(text: str) -> tuple[float, int, int]:
    if "," in text and not re.search(r",\d{3}(?:\D|$)", text):
        text = text.replace(",", ".")  # a decimal comma: "0,75 l"
    text = text.replace(",", "")
    whole, _, fraction = text.partition(".")
    trailing = len(whole) - len(whole.rstrip("0")) if not fraction and whole.strip("0") else 0
    return float(text), len(fraction), trailing


def scan_numbers(text: str) -> list[NumberToken]:
    """Every number token in the text, in order."""
    tokens = []
    for match in _NUMBER_RE.finditer(text):
        start, end = match.span()
        if match.group("pct"):
            body = match.group("pct")[3:]
            value = float(body) if body[0].isdigit() else parse_chinese(body)
            if value is not None:
                tokens.append(NumberToken(start, end, value, word=True, percent=True))
        elif match.group("digits"):
            value, decimals, trailing = _digits(match.group("digits"))
            if match.group("wan"):
                value, trailing, decimals = value * 10000, trailing + 4 - decimals, 0
            tokens.append(NumberToken(start, end, value, decimals, trailing))
        elif match.group("zh"):
            zh_value = parse_chinese(match.group("zh"))
            if zh_value is not None:
                digits = str(int(zh_value)) if zh_value.is_integer() else ""
                trailing = len(digits) - len(digits.rstrip("0")) if digits.strip("0") else 0
                tokens.append(NumberToken(start, end, zh_value, 0, trailing, word=True))
        else:
            tokens.append(
                NumberToken(start, end, float(EN_WORDS[match.group().lower()]), word=True)
            )
    return tokens
