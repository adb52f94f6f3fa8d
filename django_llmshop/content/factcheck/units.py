"""Units, currencies and the tolerance rules used to compare a stated quantity with the record."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    """A unit of measure: its dimension and how to convert a value to the dimension's base."""

    id: str
    dimension: str
    factor: float
    offset: float = 0.0
    alternative: str = ""  # "oz" may be a fluid ounce too

    def to_base(self, value: float) -> float:
        return value * self.factor + self.offset

    def from_base(self, value: float) -> float:
        return (value - self.offset) / self.factor


# fmt: off
# id, dimension, factor to base, aliases (case-insensitive unless listed in CASE_SENSITIVE).
_TABLE: list[tuple[str, str, float, tuple[str, ...]]] = [
    ("ml", "volume", 1.0,
     ("ml", "millilitre", "millilitres", "milliliter", "milliliters", "cc", "毫升")),
    ("cl", "volume", 10.0, ("cl", "centilitre", "centilitres", "centiliter", "centiliters")),
    ("dl", "volume", 100.0, ("dl", "decilitre", "decilitres", "deciliter", "deciliters")),
    ("l", "volume", 1000.0, ("l", "ltr", "litre", "litres", "liter", "liters", "升", "公升")),
    ("fl_oz", "volume", 29.5735,
     ("fl oz", "fl. oz", "fl.oz", "floz", "fluid ounce", "fluid ounces")),
    ("gal", "volume", 3785.41, ("gal", "gallon", "gallons")),
    ("mg", "mass", 0.001, ("mg", "milligram", "milligrams", "毫克")),
    ("g", "mass", 1.0, ("g", "gr", "gram", "grams", "gramme", "grammes", "克")),
    ("kg", "mass", 1000.0, ("kg", "kgs", "kilo", "kilos", "kilogram", "kilograms", "千克", "公斤")),
    ("jin", "mass", 500.0, ("斤",)),
    ("lb", "mass", 453.592, ("lb", "lbs", "pound", "pounds")),
    ("oz", "mass", 28.3495, ("oz", "ounce", "ounces")),
    ("mm", "length", 1.0, ("mm", "millimetre", "millimetres", "millimeter", "millimeters", "毫米")),
    ("cm", "length", 10.0,
     ("cm", "centimetre", "centimetres", "centimeter", "centimeters", "厘米", "公分")),
    ("m", "length", 1000.0, ("m", "metre", "metres", "meter", "meters", "米")),
    ("km", "length", 1000000.0,
     ("km", "kilometre", "kilometres", "kilometer", "kilometers", "公里", "千米")),
    ("in", "length", 25.4, ("in", "inch", "inches", '"', "″", "英寸", "寸")),
    ("ft", "length", 304.8, ("ft", "foot", "feet", "英尺")),
    ("page", "pages", 1.0, ("page", "pages", "pp", "页")),
    ("s", "time", 1 / 3600, ("sec", "secs", "second", "seconds", "秒", "秒钟")),
    ("min", "time", 1 / 60, ("min", "mins", "minute", "minutes", "分钟")),
    ("h", "time", 1.0, ("h", "hr", "hrs", "hour", "hours", "小时", "个小时")),
    ("day", "time", 24.0, ("day", "days", "天")),
    ("week", "time", 168.0, ("week", "weeks", "wk", "wks", "周", "星期", "个星期")),
    ("month", "time", 730.0, ("month", "months", "mo", "个月")),
    ("year", "time", 8760.0, ("year", "years", "yr", "yrs", "年")),
    ("w", "power", 1.0, ("w", "watt", "watts", "瓦")),
    ("kw", "power", 1000.0, ("kw", "kilowatt", "kilowatts", "千瓦")),
    ("v", "voltage", 1.0, ("v", "volt", "volts", "伏", "伏特")),
    ("mah", "charge", 1.0, ("mah", "毫安时", "毫安")),
    ("ah", "charge", 1000.0, ("ah",)),
    ("wh", "energy", 1.0, ("wh",)),
    ("kwh", "energy", 1000.0, ("kwh",)),
    ("mb", "data", 1.0, ("mb",)),
    ("gb", "data", 1000.0, ("gb",)),
    ("tb", "data", 1000000.0, ("tb",)),
    ("pct", "percent", 1.0, ("%", "％", "percent", "per cent", "pct")),
]
# Short aliases whose other spellings mean something else ("5G", "M" for million, "In").
CASE_SENSITIVE = {"m", "g", "gr", "in", "h", "mo"}
# fmt: on

UNITS: dict[str, Unit] = {}
ALIASES: dict[str, str] = {}
for _id, _dim, _factor, _aliases in _TABLE:
    UNITS[_id] = Unit(_id, _dim, _factor, alternative="fl_oz" if _id == "oz" else "")
    for _alias in _aliases:
        ALIASES[_alias] = _id
UNITS["c"] = Unit("c", "temperature", 1.0)
UNITS["f"] = Unit("f", "temperature", 5 / 9, offset=-32 * 5 / 9)
ALIASES.update({"°c": "c", "℃": "c", "摄氏度": "c", "°f": "f", "℉": "f", "华氏度": "f"})

# fmt: off
# Dimensions where a value is exact (no rounding), and those that are usually the product's own.
EXACT_DIMENSIONS = {"pages", "price", "count", "year"}
SPECIFIC_DIMENSIONS = {"volume", "mass", "power", "voltage", "charge", "energy", "data", "pages",
                       "price"}
CURRENCY_PREFIXES = {
    "us$": "USD", "usd": "USD", "$": "USD", "a$": "AUD", "au$": "AUD", "c$": "CAD", "ca$": "CAD",
    "hk$": "HKD", "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP", "¥": "CNY", "￥": "CNY",
    "rmb": "CNY", "cny": "CNY", "人民币": "CNY", "jpy": "JPY",
}
CURRENCY_SUFFIXES = {
    "usd": "USD", "dollar": "USD", "dollars": "USD", "bucks": "USD", "eur": "EUR", "euro": "EUR",
    "euros": "EUR", "gbp": "GBP", "cny": "CNY", "rmb": "CNY", "yuan": "CNY", "元": "CNY",
    "块钱": "CNY", "元人民币": "CNY", "美元": "USD", "美金": "USD", "欧元": "EUR", "英镑": "GBP",
    "日元": "JPY", "jpy": "JPY", "yen": "JPY", "港元": "HKD", "港币": "HKD",
}
# fmt: on


def _alternation(words: list[str]) -> str:
    parts = []
    for word in sorted(words, key=len, reverse=True):
        parts.append(re.escape(word).replace(r"\ ", r"\s?").replace(r"\.", r"\.?"))
    return "|".join(parts)


_CJK = re.compile(r"[\u3400-\u9fff]")
UNIT_RE = re.compile(r"(?:[ \u00a0]?-?[ \u00a0]?)(" + _alternation(list(ALIASES)) + ")", re.I)
SUFFIX_CURRENCY_RE = re.compile(r"[ \u00a0]?(" + _alternation(list(CURRENCY_SUFFIXES)) + ")", re.I)
PREFIX_CURRENCY_RE = re.compile(
    r"(?:(?<![A-Za-z])(" + _alternation(list(CURRENCY_PREFIXES)) + r"))[ \u00a0]?$", re.I
)


def is_cjk(word: str) -> bool:
    return bool(_CJK.match(word))


def _normalise(alias: str) -> str:
    return re.sub(r"[\s.]+", "", alias.lower())


_LOOKUP = {_normalise(alias): unit_id for alias, unit_id in ALIASES.items()}


def resolve_unit(alias: str) -> Unit | None:
    """The unit an alias as written names, honouring case for the ambiguous short ones."""
    key = _normalise(alias)
    unit_id = _LOOKUP.get(key)
    if unit_id is None or (key in CASE_SENSITIVE and alias.strip() != key):
        return None
    return UNITS[unit_id]


def candidates(unit: Unit) -> list[Unit]:
    """The unit and its alternative reading (an ounce by weight or by volume)."""
    return [unit, UNITS[unit.alternative]] if unit.alternative else [unit]


def tolerance(
    value: float,
    unit: Unit,
    decimals: int,
    trailing_zeros: int,
    fact: float,
    fact_unit: Unit | None,
    approx: bool,
) -> float:
    """How far (in base units) a stated value may sit from the record's and still agree.

    A stated value agrees when it is the record's value rounded to the precision it is written
    in: "0.8 l" for 750 ml, "0.34 kg" for 340 g. Rounding to a whole unit is capped so that
    "1 l" does not pass for 750 ml. Between metric and imperial units a conversion may be off by
    2 % ("25.4 fl oz" for 750 ml); "about" and "around" widen the margin to 10 %.
    """
    if unit.dimension in EXACT_DIMENSIONS:
        margin = 0.005 if unit.dimension == "price" else 1e-9
        return max(margin, 0.1 * abs(fact)) if approx else margin
    half_step = abs(unit.to_base(0.5 * 10.0**-decimals) - unit.to_base(0.0))
    rounding = min(half_step, 0.15 * abs(fact))
    if fact_unit is None or _decimal_ratio(unit, fact_unit):
        whole = abs(unit.to_base(0.5 * 10.0**trailing_zeros) - unit.to_base(0.0))
        margin = max(rounding, min(whole, 0.02 * abs(fact)))  # "750 ml" for 748 ml
    else:
        margin = max(rounding, 0.02 * abs(fact))
    if approx:
        margin = max(margin, 0.1 * abs(fact))
    return margin + 1e-9


def _decimal_ratio(unit: Unit, other: Unit) -> bool:
    """Whether the units differ by a power of ten (ml and l, g and kg, mm and cm)."""
    ratio = math.log10(unit.factor / other.factor)
    return not unit.offset and not other.offset and abs(ratio - round(ratio)) < 1e-9


def format_value(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"
